package engine

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
)

// Hashed context parameters promise that their clear value is never written
// to disk. The value is read from one point, but a client sends it wherever
// it likes (a card number echoed in the response, a user name in the query
// of the next call), so the scrubber replaces every occurrence of the value
// in the stored copy of the exchange, in the spellings HTTP gives it (as is,
// query-escaped, path-escaped, JSON-escaped), by its keyed hash.
//
// A value of at least scrubAnywhere bytes is replaced wherever it occurs,
// inside longer words too. A shorter value (a PIN, a small amount) is
// replaced only where it stands as a whole word, because replacing every
// "42" inside unrelated numbers would garble the body while protecting
// nothing. Replacing a value inside a longer token changes that token, so a
// grouping key that embeds a hashed value groups its stored copy apart from
// the live one; hashing such a value is the user's explicit choice.
const scrubAnywhere = 8

// scrubTailMin is the shortest prefix of a value that is still replaced at
// the end of a body truncated at the capture cap.
const scrubTailMin = 4

// scrubber holds the clear values of one exchange's hashed parameters. Its
// storage is reused across exchanges by the analyzer.
type scrubber struct {
	targets []scrubTarget
}

type scrubTarget struct {
	hash  string
	forms []string // the clear value first, then its distinct escaped forms
}

func (sc *scrubber) reset() { sc.targets = sc.targets[:0] }

func (sc *scrubber) empty() bool { return len(sc.targets) == 0 }

// add registers a clear value and its hash. Longer values are kept first so
// that a short value cannot break up a longer one before it is replaced.
func (sc *scrubber) add(clear, hash string) {
	// A value that is part of the hash marker ("hmac") would be rewritten
	// inside every hash, including the ones just written; it is no secret.
	if clear == "" || IsHashed(clear) || strings.Contains(hashPrefix, clear) {
		return
	}
	for _, t := range sc.targets {
		if t.forms[0] == clear {
			return
		}
	}
	t := scrubTarget{hash: hash, forms: []string{clear}}
	for _, f := range [...]string{url.QueryEscape(clear), url.PathEscape(clear)} {
		if !slices.Contains(t.forms, f) {
			t.forms = append(t.forms, f)
		}
	}
	i := 0
	for i < len(sc.targets) && len(sc.targets[i].forms[0]) >= len(clear) {
		i++
	}
	sc.targets = slices.Insert(sc.targets, i, t)
}

// exchange scrubs every field of x that is written to disk and may carry a
// client-chosen value.
func (sc *scrubber) exchange(x *Exchange) {
	x.ClientIP = sc.str(x.ClientIP)
	x.Host = sc.str(x.Host)
	x.Path = sc.escaped(x.Path, '/', url.PathUnescape, url.PathEscape)
	x.Query = sc.escaped(x.Query, '&', url.QueryUnescape, url.QueryEscape)
	x.Error = sc.str(x.Error)
	for _, hs := range [2][]Header{x.ReqHeaders, x.RespHeaders} {
		for i := range hs {
			hs[i].Name = sc.str(hs[i].Name)
			hs[i].Value = sc.str(hs[i].Value)
		}
	}
	sc.body(&x.ReqBody, x.ReqHeaders)
	sc.body(&x.RespBody, x.RespHeaders)
}

// str returns s with every target replaced.
func (sc *scrubber) str(s string) string {
	for _, t := range sc.targets {
		for _, f := range t.forms {
			s = replaceValue(s, f, t.hash)
		}
	}
	return s
}

// mayHit is a cheap prefilter: whether any form of any target occurs in b.
func (sc *scrubber) mayHit(b []byte) bool {
	for _, t := range sc.targets {
		for _, f := range t.forms {
			if bytes.Contains(b, []byte(f)) {
				return true
			}
		}
	}
	return false
}

// body scrubs a body, inflating it first when it is compressed and
// compressing the result again so that it still matches its headers.
func (sc *scrubber) body(b *Body, hs []Header) {
	if len(b.Data) == 0 {
		return
	}
	data, c := b.Data, bodyCodec(hs, b.Data)
	if c != codecNone {
		if dec, ok := inflate(c, b.Data, nil, b.Truncated); ok {
			data = dec
		} else {
			c = codecNone
		}
	}
	out, changed := data, false
	switch {
	case looksLikeJSON(data):
		out, changed = sc.json(data)
		if sc.mayHit(out) {
			// A value spanning tokens (it contains a quote, say) is not
			// seen by the tokenizer; the raw pass leaves no copy behind.
			if s := sc.str(string(out)); s != string(out) {
				out, changed = []byte(s), true
			}
		}
	case isURLEncoded(hs):
		s := string(data)
		if r := sc.escaped(s, '&', url.QueryUnescape, url.QueryEscape); r != s {
			out, changed = []byte(r), true
		}
	case sc.mayHit(data):
		if s := sc.str(string(data)); s != string(data) {
			out, changed = []byte(s), true
		}
	}
	if b.Truncated {
		var cut bool
		out, cut = sc.tail(out)
		changed = changed || cut
	}
	if changed {
		b.Data = deflate(c, out)
		if c != codecNone && len(data) >= maxDecodedBody {
			// Only the first maxDecodedBody bytes were inflated, so only
			// they are kept: say so rather than pretend the body is whole.
			b.Truncated = true
		}
	}
}

// escaped scrubs a URL-encoded string part by part (pairs and their names
// and values for a query, segments for a path), comparing the unescaped
// text, so that a value is found however the client chose to escape it
// ("hunter2%2Dxyz" is "hunter2-xyz"). A part that changes is escaped again.
func (sc *scrubber) escaped(s string, sep byte, unescape func(string) (string, error), escape func(string) string) string {
	if !strings.ContainsAny(s, "%+") {
		return sc.str(s)
	}
	var b strings.Builder
	for i, part := range strings.Split(s, string(sep)) {
		if i > 0 {
			b.WriteByte(sep)
		}
		if sep == '&' {
			if k, v, ok := strings.Cut(part, "="); ok {
				b.WriteString(sc.component(k, unescape, escape))
				b.WriteByte('=')
				b.WriteString(sc.component(v, unescape, escape))
				continue
			}
		}
		b.WriteString(sc.component(part, unescape, escape))
	}
	// A value spanning separators is not seen part by part.
	return sc.str(b.String())
}

func (sc *scrubber) component(c string, unescape func(string) (string, error), escape func(string) string) string {
	if r := sc.str(c); r != c {
		return r
	}
	if !strings.ContainsAny(c, "%+") {
		return c
	}
	u, err := unescape(c)
	if err != nil {
		return c
	}
	if r := sc.str(u); r != u {
		return escape(r)
	}
	return c
}

// tail replaces a prefix of a long value left at the end of a truncated
// body, where the cap cut the value short.
func (sc *scrubber) tail(data []byte) ([]byte, bool) {
	for _, t := range sc.targets {
		v := t.forms[0]
		if len(v) < scrubAnywhere {
			continue
		}
		for k := len(v) - 1; k >= scrubTailMin; k-- {
			if bytes.HasSuffix(data, []byte(v[:k])) {
				return append(data[:len(data)-k:len(data)-k], t.hash...), true
			}
		}
	}
	return data, false
}

// json scrubs a JSON body token by token, so that a value is found however
// it is escaped and a replaced number or boolean becomes a quoted string
// rather than invalid JSON. A body that is malformed or truncated is still
// scrubbed: the tokenizer never fails, it only copies what it does not
// understand.
func (sc *scrubber) json(data []byte) ([]byte, bool) {
	var out []byte
	last := 0 // data[last:] is not yet copied to out
	emit := func(from, to int, repl []byte) {
		if out == nil {
			out = make([]byte, 0, len(data)+64)
		}
		out = append(out, data[last:from]...)
		out = append(out, repl...)
		last = to
	}
	for i := 0; i < len(data); {
		c := data[i]
		switch {
		case c == '"':
			end := stringEnd(data, i)
			if end < 0 {
				// An unterminated string is the cut end of a truncated body.
				if rest := data[i+1:]; sc.mayHit(rest) {
					emit(i+1, len(data), []byte(sc.str(string(rest))))
				}
				i = len(data)
				continue
			}
			if repl, ok := sc.jsonString(data[i:end]); ok {
				emit(i, end, repl)
			}
			i = end
		case jsonDelimiter(c) || c == ':' || c == '{' || c == '[':
			i++
		default:
			j := i
			for j < len(data) && !jsonDelimiter(data[j]) && data[j] != ':' && data[j] != '"' && data[j] != '{' && data[j] != '[' {
				j++
			}
			if tok := data[i:j]; sc.mayHit(tok) {
				if s := sc.str(string(tok)); s != string(tok) {
					q, _ := json.Marshal(s) // a string always marshals
					emit(i, j, q)
				}
			}
			i = j
		}
	}
	if out == nil {
		return data, false
	}
	return append(out, data[last:]...), true
}

// jsonString scrubs one quoted JSON string and returns its replacement.
func (sc *scrubber) jsonString(tok []byte) ([]byte, bool) {
	body := tok[1 : len(tok)-1]
	if bytes.IndexByte(body, '\\') < 0 {
		if !sc.mayHit(body) {
			return nil, false
		}
		s := sc.str(string(body))
		if s == string(body) {
			return nil, false
		}
		// body held no quote or backslash and a hash adds none, so the
		// result needs no escaping.
		return append(append([]byte{'"'}, s...), '"'), true
	}
	var clear string
	if json.Unmarshal(tok, &clear) != nil {
		s := sc.str(string(body))
		if s == string(body) {
			return nil, false
		}
		return append(append([]byte{'"'}, s...), '"'), true
	}
	s := sc.str(clear)
	if s == clear {
		return nil, false
	}
	q, _ := json.Marshal(s)
	return q, true
}

// stringEnd returns the index after the string starting at data[i], or -1
// if it does not end.
func stringEnd(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// replaceValue replaces old by repl in s: everywhere when old is long, only
// as a whole word when it is short (see scrubAnywhere).
func replaceValue(s, old, repl string) string {
	if old == "" || !strings.Contains(s, old) {
		return s
	}
	if len(old) >= scrubAnywhere {
		// A hash that ends like the value begins can rebuild the value with
		// the text after it ("…7" + "abcdefg"), so replace until none is
		// left; each round consumes original text, so few rounds are needed.
		for range 8 {
			s = strings.ReplaceAll(s, old, repl)
			if !strings.Contains(s, old) {
				break
			}
		}
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i <= len(s)-len(old); {
		j := strings.Index(s[i:], old)
		if j < 0 {
			break
		}
		j += i
		end := j + len(old)
		if (j == 0 || !isWordByte(s[j-1])) && (end == len(s) || !isWordByte(s[end])) {
			b.WriteString(s[last:j])
			b.WriteString(repl)
			last = end
			i = end
			continue
		}
		i = j + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// isURLEncoded reports whether headers declare an urlencoded form body.
func isURLEncoded(hs []Header) bool {
	media, _, _ := strings.Cut(headerValue(hs, "Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(media), "application/x-www-form-urlencoded")
}
