package engine

import (
	"bytes"
	"encoding/json"
	"strings"
)

// JSON points are read by scanning the raw body rather than by decoding it
// into maps: a lookup walks only the members on the way to the value and
// allocates nothing but the value it returns. The scanner is tolerant: a
// body that is malformed or truncated at the capture cap still yields the
// values that are complete before the damage, and never anything past it.

// jsonLookup returns the raw bytes of the value at path in data. With whole
// set, path is one member name even if it contains dots (JWT claims such as
// "https://example.com/roles"); otherwise it is dotted, with numeric array
// indexes ("items.0.sku"). When a name appears twice in one object the first
// wins.
func jsonLookup(data []byte, path string, whole bool) ([]byte, bool) {
	if !mayHoldMembers(data, path, whole) {
		return nil, false
	}
	return jsonScan(data, path, whole)
}

// jsonScan is jsonLookup without the search for the member names first.
func jsonScan(data []byte, path string, whole bool) ([]byte, bool) {
	s := jsonScanner{b: data}
	rest := path
	for more := true; more; {
		var seg string
		if whole {
			seg, more = rest, false
		} else {
			seg, rest, more = strings.Cut(rest, ".")
		}
		if !s.enter(seg) {
			return nil, false
		}
	}
	start := s.i
	if !s.value() {
		return nil, false
	}
	return data[start:s.i], true
}

// mayHoldMembers reports whether data may hold every member name of path:
// a name must appear in it as written unless some name in it is escaped
// (\u0070assword spells password). Most lookups ask for a member the body
// lacks (the grouping keys and the well-known secret fields are tried on
// every exchange), and a search for the name costs a fraction of scanning
// a 64 KiB body member by member.
func mayHoldMembers(data []byte, path string, whole bool) bool {
	if bytes.Contains(data, []byte(`\u`)) {
		return true
	}
	for rest, more := path, true; more; {
		var seg string
		if whole {
			seg, more = rest, false
		} else {
			seg, rest, more = strings.Cut(rest, ".")
		}
		if _, index := arrayIndex(seg); index {
			continue
		}
		if !bytes.Contains(data, []byte(seg)) {
			return false
		}
	}
	return true
}

// jsonText renders a raw JSON value as text: strings unquoted, numbers and
// booleans as written, null as "", objects and arrays as compact JSON so that
// a point on them still yields a stable value.
func jsonText(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		body := raw[1 : len(raw)-1]
		if bytes.IndexByte(body, '\\') < 0 {
			return string(body)
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, raw) != nil {
			return ""
		}
		return buf.String()
	case 'n':
		return ""
	}
	return string(raw)
}

// jsonScanner walks raw JSON by position.
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// expect consumes c after optional white space.
func (s *jsonScanner) expect(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// enter moves from the start of an object or array to the start of its
// member named seg or its element at index seg.
func (s *jsonScanner) enter(seg string) bool {
	s.space()
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '{':
		s.i++
		if s.expect('}') {
			return false
		}
		for {
			s.space()
			start := s.i
			if !s.str() {
				return false
			}
			key := s.b[start:s.i]
			if !s.expect(':') {
				return false
			}
			s.space()
			if jsonKeyIs(key, seg) {
				return true
			}
			if !s.value() || !s.expect(',') {
				return false
			}
		}
	case '[':
		want, ok := arrayIndex(seg)
		if !ok {
			return false
		}
		s.i++
		if s.expect(']') {
			return false
		}
		for n := 0; ; n++ {
			s.space()
			if n == want {
				return true
			}
			if !s.value() || !s.expect(',') {
				return false
			}
		}
	}
	return false
}

// value skips one value starting at s.i. A scalar must be followed by a
// delimiter: at the end of a truncated body "12" may have been "1234".
func (s *jsonScanner) value() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		return s.str()
	case '{', '[':
		return s.container()
	}
	start := s.i
	for s.i < len(s.b) && !jsonDelimiter(s.b[s.i]) {
		s.i++
	}
	return s.i < len(s.b) && jsonScalar(s.b[start:s.i])
}

// str skips a string starting at its opening quote.
func (s *jsonScanner) str() bool {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return false
	}
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			j++
		case '"':
			s.i = j + 1
			return true
		}
	}
	return false
}

// container skips an object or array by counting brackets outside strings;
// it does not validate what it skips, as only the way to the wanted value
// matters.
func (s *jsonScanner) container() bool {
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			if !s.str() {
				return false
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return true
			}
		}
		s.i++
	}
	return false
}

func jsonDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// jsonScalar reports whether tok is a JSON literal or looks like a number.
func jsonScalar(tok []byte) bool {
	switch string(tok) {
	case "true", "false", "null":
		return true
	}
	if len(tok) == 0 || (tok[0] != '-' && (tok[0] < '0' || tok[0] > '9')) {
		return false
	}
	for _, c := range tok {
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			return false
		}
	}
	return true
}

// jsonKeyIs reports whether the quoted member name raw equals name.
func jsonKeyIs(raw []byte, name string) bool {
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		return string(body) == name
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && s == name
}

// arrayIndex parses a path segment as an array index. Only plain decimal
// digits qualify, few enough not to overflow.
func arrayIndex(seg string) (int, bool) {
	if seg == "" || len(seg) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// looksLikeJSON reports whether b starts, after white space, like a JSON
// object or array, the only documents JSON points read.
func looksLikeJSON(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{', '[':
			return true
		}
		return false
	}
	return false
}
