package detect

// handlerAttr returns where v holds an event-handler attribute inside a
// tag, or -1: "<" and a tag name, then, before the tag closes, "on" and a
// word starting an attribute (after white space, '/' or a quote) and "=".
// Browsers run a handler of any name they know, and new names arrive with
// every release (onpointerrawupdate, onbeforetoggle), so the name is not
// looked up in a list: the structure of a tag with an on-attribute is
// what prose and markup without script lack ("onclick handlers" has no
// tag, "<b>online</b>" no "=").
func handlerAttr(v string) (at, n int) {
	for i := 0; i+1 < len(v); i++ {
		if v[i] != '<' || !isVarStart(v[i+1]) {
			continue
		}
		j := i + 1
		for j < len(v) && (isWordByte(v[j]) || v[j] == ':') {
			j++
		}
		for j < len(v) && v[j] != '>' && v[j] != '<' {
			c := v[j]
			j++
			if !(isShellSpace(c) || c == '\n' || c == '\r' || c == '/' || c == '"' || c == '\'') {
				continue
			}
			if j+2 >= len(v) || lower(v[j]) != 'o' || lower(v[j+1]) != 'n' {
				continue
			}
			k := j + 2
			for k < len(v) && isVarStart(v[k]) {
				k++
			}
			if k-j < 4 {
				continue
			}
			e := k
			for e < len(v) && (isShellSpace(v[e]) || v[e] == '\n' || v[e] == '\r') {
				e++
			}
			if e < len(v) && v[e] == '=' {
				return j, e + 1 - j
			}
		}
		i = j - 1
	}
	return -1, 0
}
