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
// int and number make number, anything else mixed makes string.
func (e *stats) addParam(in, name, kind string) {
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
	if len(e.params) >= maxParams || len(name) > 128 {
		return
	}
	e.params = append(e.params, Param{Name: strings.Clone(name), In: in, Kind: kind})
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
