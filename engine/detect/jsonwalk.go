package detect

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON walking limits: a body nested deeper than maxJSONDepth or holding
// more than maxJSONLeaves strings is walked up to the limit and no
// further, so a hostile body costs bounded work.
const (
	maxJSONDepth  = 64
	maxJSONLeaves = 4096
)

var (
	errJSONSyntax = errors.New("json: syntax error")
	errJSONLimit  = errors.New("json: nesting or size limit reached")
)

// jsonSink receives what a jsonWalker finds. path is the dotted path of
// the key or leaf in the point grammar ("items.0.sku"); it is valid only
// during the call.
type jsonSink interface {
	// jsonKey is called for each object key, with the path ending in it.
	jsonKey(path []byte, key string)
	// jsonString is called for each string leaf.
	jsonString(path []byte, value string)
}

// jsonWalker reports the keys and string leaves of a JSON document with
// their paths. It keeps its buffers from one document to the next, and
// hands out substrings of the document itself for strings without escapes,
// so that walking allocates only for escaped strings.
type jsonWalker struct {
	path  []byte
	stack []jsonFrame
	buf   []byte
}

// jsonFrame is one open object or array.
type jsonFrame struct {
	array   bool
	index   int
	pathLen int // length of the path before this container's members
}

// walk reports the keys and string leaves of doc to sink, in document
// order. A document cut short (a body truncated at the capture cap) or
// malformed part way is reported up to the fault, then walk returns an
// error, which callers may ignore: what was reported stands.
func (w *jsonWalker) walk(doc string, sink jsonSink) error {
	w.path, w.stack = w.path[:0], w.stack[:0]
	leaves := 0
	i := skipSpace(doc, 0)
	// expectValue is true where a value must come next.
	expectValue := true
	for i < len(doc) {
		if expectValue {
			expectValue = false
			switch c := doc[i]; c {
			case '{', '[':
				if len(w.stack) == maxJSONDepth {
					return errJSONLimit
				}
				w.stack = append(w.stack, jsonFrame{array: c == '[', pathLen: len(w.path)})
				i = skipSpace(doc, i+1)
				if i < len(doc) && (doc[i] == '}' || doc[i] == ']') {
					continue // empty container: closed below
				}
				if c == '[' {
					w.member()
					expectValue = true
					continue
				}
				var err error
				if i, err = w.key(doc, i, sink); err != nil {
					return err
				}
				expectValue = true
				continue
			case '"':
				s, next, err := w.str(doc, i)
				if err != nil {
					return err
				}
				if leaves++; leaves > maxJSONLeaves {
					return errJSONLimit
				}
				sink.jsonString(w.path, s)
				i = next
			default:
				next := scanScalar(doc, i)
				if next == i {
					return errJSONSyntax
				}
				i = next
			}
		}
		// After a value: ',' for another member, or the end of containers.
		i = skipSpace(doc, i)
		if len(w.stack) == 0 {
			if i < len(doc) {
				return errJSONSyntax
			}
			return nil
		}
		if i >= len(doc) {
			break
		}
		top := &w.stack[len(w.stack)-1]
		switch doc[i] {
		case ',':
			i = skipSpace(doc, i+1)
			if top.array {
				top.index++
				w.member()
			} else {
				var err error
				if i, err = w.key(doc, i, sink); err != nil {
					return err
				}
			}
			expectValue = true
		case '}', ']':
			if (doc[i] == ']') != top.array {
				return errJSONSyntax
			}
			w.path = w.path[:top.pathLen]
			w.stack = w.stack[:len(w.stack)-1]
			i++
		default:
			return errJSONSyntax
		}
	}
	if len(w.stack) > 0 || expectValue {
		return errJSONSyntax // cut short
	}
	return nil
}

// member sets the path to the current element of the innermost array.
func (w *jsonWalker) member() {
	top := &w.stack[len(w.stack)-1]
	w.path = w.path[:top.pathLen]
	if top.pathLen > 0 {
		w.path = append(w.path, '.')
	}
	w.path = strconv.AppendInt(w.path, int64(top.index), 10)
}

// key reads an object key and its ':' at doc[i], sets the path to it and
// reports it. It returns the index after the ':'.
func (w *jsonWalker) key(doc string, i int, sink jsonSink) (int, error) {
	if i >= len(doc) || doc[i] != '"' {
		return i, errJSONSyntax
	}
	k, next, err := w.str(doc, i)
	if err != nil {
		return i, err
	}
	top := &w.stack[len(w.stack)-1]
	w.path = w.path[:top.pathLen]
	if top.pathLen > 0 {
		w.path = append(w.path, '.')
	}
	w.path = append(w.path, k...)
	sink.jsonKey(w.path, k)
	next = skipSpace(doc, next)
	if next >= len(doc) || doc[next] != ':' {
		return next, errJSONSyntax
	}
	return skipSpace(doc, next+1), nil
}

// str reads the string at doc[i], which is '"', and returns its text and
// the index after its closing quote. A string without escapes is returned
// as a substring of doc; an escaped one is decoded into a new string.
func (w *jsonWalker) str(doc string, i int) (string, int, error) {
	start := i + 1
	for j := start; j < len(doc); j++ {
		switch doc[j] {
		case '"':
			return doc[start:j], j + 1, nil
		case '\\':
			return w.unescape(doc, start)
		}
	}
	return "", len(doc), errJSONSyntax
}

// unescape decodes the escaped string starting at doc[start].
func (w *jsonWalker) unescape(doc string, start int) (string, int, error) {
	b := w.buf[:0]
	for j := start; j < len(doc); j++ {
		c := doc[j]
		if c == '"' {
			w.buf = b
			return string(b), j + 1, nil
		}
		if c != '\\' {
			b = append(b, c)
			continue
		}
		if j+1 >= len(doc) {
			break
		}
		j++
		switch doc[j] {
		case '"', '\\', '/':
			b = append(b, doc[j])
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(doc, j+1)
			if !ok {
				w.buf = b
				return "", j, errJSONSyntax
			}
			j += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(doc, j+3); ok && j+2 < len(doc) && doc[j+1] == '\\' && doc[j+2] == 'u' {
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						r = dec
						j += 6
					}
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			w.buf = b
			return "", j, errJSONSyntax
		}
	}
	w.buf = b
	return "", len(doc), errJSONSyntax
}

// hex4 reads four hex digits at doc[i].
func hex4(doc string, i int) (rune, bool) {
	if i < 0 || i+4 > len(doc) {
		return 0, false
	}
	var r rune
	for k := i; k < i+4; k++ {
		if !isHex(doc[k]) {
			return 0, false
		}
		r = r<<4 | rune(unhex(doc[k]))
	}
	return r, true
}

// scanScalar skips a number, true, false or null at doc[i], returning the
// index after it (i when there is none). It accepts any run of the bytes
// those can hold; the walker needs their extent, not their value.
func scanScalar(doc string, i int) int {
	j := i
	for j < len(doc) {
		c := doc[j]
		if '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E' {
			j++
			continue
		}
		break
	}
	return j
}

func skipSpace(doc string, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r') {
		i++
	}
	return i
}
