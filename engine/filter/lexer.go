package filter

import "strings"

// rawTerm is one term as written, before its value is interpreted.
type rawTerm struct {
	pos      int // the term's first byte, its "!" when negated
	end      int // the offset after the term's last byte
	neg      bool
	hasField bool
	field    string
	fieldPos int
	alts     []rawAlt
}

// rawAlt is one alternative of a value, unquoted.
type rawAlt struct {
	pos    int // the alternative's first byte, its opening quote if quoted
	text   string
	quoted bool
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isIdent(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' || c == '_' }

// lex splits expr into terms. It knows the shape of the language (spaces,
// "!", "field:", "|", quotes) but not what any field accepts.
func lex(expr string) ([]rawTerm, error) {
	var terms []rawTerm
	i := 0
	for {
		for i < len(expr) && isSpace(expr[i]) {
			i++
		}
		if i == len(expr) {
			return terms, nil
		}
		t := rawTerm{pos: i}
		if expr[i] == '!' {
			t.neg = true
			i++
			switch {
			case i == len(expr) || isSpace(expr[i]):
				return nil, errorf(expr, i-1, "expected a term after !")
			case expr[i] == '!':
				return nil, errorf(expr, i, "double negation: remove one !")
			}
		}
		j := i
		for j < len(expr) && isIdent(expr[j]) {
			j++
		}
		switch {
		case j > i && j < len(expr) && expr[j] == ':' && isLetter(expr[i]):
			t.hasField, t.field, t.fieldPos = true, expr[i:j], i
			i = j + 1
			if i == len(expr) || isSpace(expr[i]) {
				return nil, errorf(expr, i, "missing value after %s:", t.field)
			}
		case expr[i] == ':':
			return nil, errorf(expr, i, "missing field name before ':'")
		}
		var err error
		if t.alts, i, err = lexValue(expr, i); err != nil {
			return nil, err
		}
		t.end = i
		terms = append(terms, t)
	}
}

// lexValue reads alternatives separated by "|" from i up to the next space
// and returns them with the offset after the value.
func lexValue(expr string, i int) ([]rawAlt, int, error) {
	var alts []rawAlt
	for {
		a := rawAlt{pos: i}
		if expr[i] == '"' {
			text, end, err := unquote(expr, i)
			if err != nil {
				return nil, 0, err
			}
			a.text, a.quoted, i = text, true, end
			if i < len(expr) && !isSpace(expr[i]) && expr[i] != '|' {
				return nil, 0, errorf(expr, i, "unexpected %q after a quoted value: separate terms with a space", expr[i])
			}
		} else {
			k := i
			for k < len(expr) && !isSpace(expr[k]) && expr[k] != '|' {
				if expr[k] == '"' {
					return nil, 0, errorf(expr, k, "quote inside a value: quote the whole value instead")
				}
				k++
			}
			if k == i {
				return nil, 0, errorf(expr, i, "empty alternative before |")
			}
			a.text, i = expr[i:k], k
		}
		alts = append(alts, a)
		if i == len(expr) || expr[i] != '|' {
			return alts, i, nil
		}
		i++
		if i == len(expr) || isSpace(expr[i]) {
			return nil, 0, errorf(expr, i-1, "empty alternative after |")
		}
	}
}

// unquote reads the quoted string opening at expr[start] and returns its
// text and the offset after the closing quote. A backslash takes the next
// byte literally, so \" and \\ write a quote and a backslash.
func unquote(expr string, start int) (string, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(expr); i++ {
		switch c := expr[i]; c {
		case '\\':
			if i+1 == len(expr) {
				return "", 0, errorf(expr, start, "unterminated quote")
			}
			i++
			b.WriteByte(expr[i])
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, errorf(expr, start, "unterminated quote")
}
