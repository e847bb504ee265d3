package inventory

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Kinds of parameter values.
const (
	KindInt    = "int"
	KindNumber = "number"
	KindBool   = "bool"
	KindString = "string"
	KindUUID   = "uuid"
	KindEmail  = "email"
	KindObject = "object"
	KindArray  = "array"
	KindNull   = "null"
)

// readQuery records the names of a raw query string's parameters and the
// kinds of their values. Names already seen cost a comparison, not an
// allocation.
func (e *stats) readQuery(q string) {
	for q != "" {
		var pair string
		pair, q, _ = strings.Cut(q, "&")
		name, value, _ := strings.Cut(pair, "=")
		if name == "" {
			continue
		}
		if strings.ContainsAny(name, "%+") {
			if n, err := url.QueryUnescape(name); err == nil {
				name = n
			}
		}
		if strings.ContainsAny(value, "%+") {
			if v, err := url.QueryUnescape(value); err == nil {
				value = v
			}
		}
		e.addParam("query", name, scalarKind(value))
	}
}

// readBody records the top-level fields of a JSON object body or the
// fields of a form body.
func (e *stats) readBody(mediaType string, data []byte) {
	if len(data) == 0 {
		return
	}
	switch {
	case mediaType == "application/x-www-form-urlencoded":
		e.readForm(string(data))
	case strings.HasSuffix(mediaType, "json") || (mediaType == "" && data[0] == '{'):
		var fields map[string]json.RawMessage
		if json.Unmarshal(data, &fields) != nil {
			return
		}
		for name, raw := range fields {
			e.addParam("json", name, jsonKind(raw))
		}
	}
}

func (e *stats) readForm(body string) {
	for body != "" {
		var pair string
		pair, body, _ = strings.Cut(body, "&")
		name, value, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if v, err := url.QueryUnescape(value); err == nil {
			value = v
		}
		if name != "" {
			e.addParam("form", name, scalarKind(value))
		}
	}
}

// addParam records a parameter, widening its kind when values differ:
// int and number make number, anything else mixed makes string. A name
// that is a value is recorded as its placeholder (paramName).
func (e *stats) addParam(in, name, kind string) {
	name = paramName(name)
	for i := range e.params {
		p := &e.params[i]
		if p.In != in || p.Name != name {
			continue
		}
		if p.Kind != kind {
			p.Kind = widen(p.Kind, kind)
		}
		return
	}
	if len(e.params) >= maxParams {
		return
	}
	e.params = append(e.params, Param{Name: strings.Clone(name), In: in, Kind: kind})
}

// Placeholders stand for a parameter name that is a value: a query such as
// "?<token>" with no "=", or a JSON object keyed by emails or ids. The
// inventory never holds values, so such a name is recorded as the kind of
// value it is.
const (
	NameInt    = "{int}"
	NameNumber = "{number}"
	NameUUID   = "{uuid}"
	NameEmail  = "{email}"
	NameToken  = "{token}"
	NameValue  = "{value}"
)

// maxNameLen bounds an identifier-like parameter name; a longer one is
// taken for a value.
const maxNameLen = 40

// paramName returns name if it reads as an identifier (ASCII letters,
// digits, '_', '-', '.', '[' and ']', at most maxNameLen bytes) and not as
// a value (a number, a UUID, a long token), or else the placeholder for
// the kind of value it is. A placeholder is kept as it is, so that a
// restored inventory reads back the same.
func paramName(name string) string {
	switch name {
	case NameInt, NameNumber, NameUUID, NameEmail, NameToken, NameValue:
		return name
	}
	switch {
	case isEmail(name):
		return NameEmail
	case !isIdentifier(name):
		return NameValue
	case isInt(name) || isDigits(name):
		return NameInt
	case isNumber(name):
		return NameNumber
	case isUUID(name):
		return NameUUID
	case isTokenLike(name):
		return NameToken
	}
	return name
}

// isIdentifier reports whether s is made only of the bytes a parameter
// name is made of and is short enough to be one.
func isIdentifier(s string) bool {
	if s == "" || len(s) > maxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '_', c == '-', c == '.', c == '[', c == ']':
		default:
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isTokenLike reports whether s is an opaque id rather than a word: 20
// or more base64url bytes in which letters and digits alternate at least
// three times, as they do in random text and seldom in a name, or 12 or
// more hex digits with a digit among them (a hash, an object id).
// "utm_campaign_2024_q1" is a name; "eyJhbGciOiJIUzI1NiJ9" and
// "507f1f77bcf86cd799439011" are not.
func isTokenLike(s string) bool {
	digits, hex, base64 := false, true, true
	switches := 0
	var prev byte // 'a' after a letter, '0' after a digit, 0 otherwise
	for i := 0; i < len(s); i++ {
		c := s[i]
		cur := byte(0)
		switch {
		case '0' <= c && c <= '9':
			digits, cur = true, '0'
		case 'a' <= c|0x20 && c|0x20 <= 'z':
			hex, cur = hex && c|0x20 <= 'f', 'a'
		case c == '-' || c == '_':
			hex = false
		default:
			hex, base64 = false, false
		}
		if prev != 0 && cur != 0 && cur != prev {
			switches++
		}
		prev = cur
	}
	return digits && (len(s) >= 20 && base64 && switches >= 3 || len(s) >= 12 && hex)
}

func widen(a, b string) string {
	switch {
	case a == KindNull:
		return b
	case b == KindNull:
		return a
	case (a == KindInt && b == KindNumber) || (a == KindNumber && b == KindInt):
		return KindNumber
	}
	return KindString
}

// scalarKind names the kind of a query or form value.
func scalarKind(v string) string {
	switch {
	case v == "":
		return KindString
	case v == "true" || v == "false":
		return KindBool
	case isInt(v):
		return KindInt
	case isNumber(v):
		return KindNumber
	case isUUID(v):
		return KindUUID
	case isEmail(v):
		return KindEmail
	}
	return KindString
}

// jsonKind names the kind of a JSON value from its encoding.
func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return KindNull
	}
	switch s[0] {
	case '{':
		return KindObject
	case '[':
		return KindArray
	case '"':
		var str string
		if json.Unmarshal(raw, &str) != nil {
			return KindString
		}
		if isUUID(str) {
			return KindUUID
		}
		if isEmail(str) {
			return KindEmail
		}
		return KindString
	case 't', 'f':
		return KindBool
	case 'n':
		return KindNull
	}
	if isInt(s) {
		return KindInt
	}
	return KindNumber
}

func isInt(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil && !strings.ContainsAny(s, "xXnNiI") // no hex floats, NaN or Inf
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !('0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f') {
			return false
		}
	}
	return true
}

func isEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && strings.IndexByte(s[at+1:], '.') > 0 && !strings.ContainsAny(s, " \t<>")
}
