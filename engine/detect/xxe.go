package detect

import "github.com/spoorhq/spoor/engine"

// xxeAt returns where v declares an external XML entity ("<!ENTITY x
// SYSTEM "file:///etc/passwd">", a parameter entity, or a PUBLIC one) or
// pulls in a document with XInclude, or -1. An inline DOCTYPE that only
// declares elements is left alone.
func xxeAt(v string) int {
	for from := 0; from < len(v); {
		i := indexFold(v[from:], "<!entity")
		if i < 0 {
			break
		}
		i += from
		end := len(v)
		for k := i; k < len(v); k++ {
			if v[k] == '>' {
				end = k
				break
			}
		}
		decl := v[i:end]
		if indexFold(decl, "system") >= 0 || indexFold(decl, "public") >= 0 || indexFold(decl, "% ") >= 0 {
			return i
		}
		from = i + 8
	}
	if i := indexFold(v, "xi:include"); i >= 0 {
		return i
	}
	return -1
}

// xxe tags external entity declarations.
func (s *scan) xxe(p *point, v string, m class) {
	if m&classLess == 0 {
		return
	}
	if at := xxeAt(v); at >= 0 {
		s.tag(engine.AttackXXE, p, "spoor-xxe", v, at, 8,
			"XML external entity or XInclude, which makes the parser read files or URLs")
	}
}
