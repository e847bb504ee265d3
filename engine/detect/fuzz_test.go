package detect

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

// FuzzDecode checks the URL decoder: it never panics, leaves a value
// without escapes alone, never grows a value, and is stable once it has
// stopped finding escapes.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"a+b", "%27%20or%201%3D1", "%252e%252e%252f", "%u0027%uFF1C", "%c0%ae", "%EF%BC%9C", "%", "%%%", "%u12", "+%2B+"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, plus bool) {
		var d decoder
		got := d.decode(s, plus)
		if !needsDecoding(s, plus) && got != s {
			t.Fatalf("decode(%q) = %q without anything to decode", s, got)
		}
		if len(got) > len(s) {
			t.Fatalf("decode(%q) grew to %q", s, got)
		}
		if !hasEscape([]byte(got)) && strings.IndexByte(got, 0xc0) < 0 && strings.IndexByte(got, 0xc1) < 0 && strings.IndexByte(got, 0xef) < 0 {
			if again := d.decode(got, false); again != got {
				t.Fatalf("decode not stable: %q -> %q -> %q", s, got, again)
			}
		}
	})
}

// jsonLeaves collects the string leaves of a decoded JSON value, in
// document order for arrays (object order is lost by encoding/json, so
// callers sort).
func jsonLeaves(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		return append(out, v)
	case []any:
		for _, e := range v {
			out = jsonLeaves(e, out)
		}
	case map[string]any:
		for _, e := range v {
			out = jsonLeaves(e, out)
		}
	}
	return out
}

// duplicateMembers reports whether an object of the valid document doc
// names a member twice.
func duplicateMembers(doc string) bool {
	dec := json.NewDecoder(strings.NewReader(doc))
	type level struct {
		object  bool
		wantKey bool
		names   map[string]bool
	}
	var stack []level
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		top := len(stack) - 1
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				if top >= 0 && stack[top].object {
					stack[top].wantKey = true
				}
				stack = append(stack, level{object: tok == '{', wantKey: tok == '{', names: map[string]bool{}})
				continue
			}
			stack = stack[:top]
			if top > 0 && stack[top-1].object {
				stack[top-1].wantKey = true
			}
			continue
		case string:
			if top >= 0 && stack[top].object && stack[top].wantKey {
				if stack[top].names[tok] {
					return true
				}
				stack[top].names[tok] = true
				stack[top].wantKey = false
				continue
			}
		}
		if top >= 0 && stack[top].object {
			stack[top].wantKey = true
		}
	}
}

// FuzzJSONWalk checks the JSON walker against encoding/json: on a valid
// document within the limits it reports the same string leaves, and on
// any input it never panics.
func FuzzJSONWalk(f *testing.F) {
	for _, s := range []string{`{"a":"x","b":[1,"y",{"c":"z"}]}`, `"s"`, `[]`, `{"k":"\ud83d\ude00\n"}`, `{"a":`, `[[[[`, `{"a":"x"}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		var w jsonWalker
		var c collector
		err := w.walk(doc, &c)
		var v any
		if json.Unmarshal([]byte(doc), &v) != nil || !utf8.ValidString(doc) || strings.Contains(doc, `\u`) {
			return // the comparison holds for valid UTF-8 without \u escapes of invalid surrogates
		}
		if err == errJSONLimit {
			return
		}
		if err != nil {
			t.Fatalf("walk(%q): %v, but encoding/json accepts it", doc, err)
		}
		// Leaves are "path=value"; paths may hold '=' too, so each value
		// of encoding/json is looked for as a suffix.
		want := jsonLeaves(v, nil)
		got := c.leaves
		// With a member name repeated in one object, encoding/json keeps
		// the last value and the walker checks them all, as it must: a
		// server may read either. Then the walker's leaves include
		// encoding/json's.
		if dup := duplicateMembers(doc); len(got) != len(want) && (!dup || len(got) < len(want)) {
			t.Fatalf("walk(%q): %d leaves, encoding/json %d", doc, len(got), len(want))
		}
		for _, w := range want {
			found := false
			for _, g := range got {
				if strings.HasSuffix(g, "="+w) {
					found = true
					break
				}
			}
			if !found {
				t.Fatalf("walk(%q): leaf %q missing from %q", doc, w, got)
			}
		}
	})
}

// FuzzMultipart checks that reading a hostile multipart body never panics
// and stays within its limits.
func FuzzMultipart(f *testing.F) {
	f.Add("--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../x\"\r\n\r\nbody\r\n--XX--\r\n", "XX")
	f.Add("--b\r\n\r\n--b--", "b")
	f.Fuzz(func(t *testing.T, body, boundary string) {
		if boundary == "" {
			return
		}
		fields := multipartFields([]byte(body), boundary, nil)
		if len(fields) > maxParts {
			t.Fatalf("%d fields", len(fields))
		}
		for _, fl := range fields {
			if !fl.file && len(fl.value) > maxPartValue {
				t.Fatalf("field of %d bytes", len(fl.value))
			}
		}
	})
}

// FuzzXMLValues checks that reading a hostile XML body never panics and
// stays within its limit.
func FuzzXMLValues(f *testing.F) {
	f.Add(`<?xml version="1.0"?><r a="&lt;x&gt;">t<b c='d'/></r>`)
	f.Add(`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`)
	f.Add(`<a><b></a>`)
	f.Fuzz(func(t *testing.T, doc string) {
		if vs := xmlValues(doc, nil); len(vs) > maxXMLValues {
			t.Fatalf("%d values", len(vs))
		}
	})
}

// FuzzParseIPv4Loose checks the loose IPv4 parser: it never panics, and
// an address it returns prints as a dotted quad it parses back to.
func FuzzParseIPv4Loose(f *testing.F) {
	for _, s := range []string{"127.1", "0x7f000001", "0177.0.0.1", "2130706433", "1.2.3.4", "1.2.3.4.5", "0x", "00", "4294967295"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, ok := parseIPv4Loose(s)
		if !ok {
			return
		}
		if !a.Is4() {
			t.Fatalf("parseIPv4Loose(%q) = %v, not IPv4", s, a)
		}
		if b, ok := parseIPv4Loose(a.String()); !ok || b != a {
			t.Fatalf("%q -> %v does not round-trip", s, a)
		}
		_ = classifyHost(s)
	})
}

// FuzzTier1 runs tier 1 over arbitrary exchanges: it must never panic, and
// every tag must be complete, unique per type and point, with a short,
// valid fragment.
func FuzzTier1(f *testing.F) {
	f.Add("/a/../b", "q=1%27+or+1%3D1&next=//evil", "application/json", `{"a":{"$ne":"<script>"}}`, "sqlmap")
	f.Add("/", "", "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../a\"\r\n\r\nx\r\n--X--", "curl")
	f.Add("/x", "url=http://127.1/", "application/xml", `<!DOCTYPE a [<!ENTITY b SYSTEM "x">]><a c="&lt;">`, "")
	f.Add("/%c0%ae", "a[$gt]=&b={{7*7}}&c=%0d%0aSet-Cookie:a", "", "x=;id", "() { :; }; ls")
	d, err := New(Options{NoCRS: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, query, contentType, body, ua string) {
		x := &engine.Exchange{
			Method: "POST", Host: "shop.example.com", Path: path, Query: query,
			ReqHeaders: []engine.Header{
				{Name: "User-Agent", Value: ua},
				{Name: "Content-Type", Value: contentType},
				{Name: "Cookie", Value: query},
				{Name: "Referer", Value: ua},
			},
			ReqBody: engine.Body{Data: []byte(body)},
		}
		seen := map[[2]string]bool{}
		for _, tag := range d.Tier1(x) {
			if tag.Type == "" || tag.Point == "" || tag.Rule == "" || tag.Message == "" {
				t.Fatalf("incomplete tag %+v", tag)
			}
			if len(tag.Fragment) > maxFragment || !utf8.ValidString(tag.Fragment) {
				t.Fatalf("bad fragment %q", tag.Fragment)
			}
			k := [2]string{tag.Type, tag.Point}
			if seen[k] {
				t.Fatalf("duplicate tag %v", k)
			}
			seen[k] = true
		}
	})
}

// FuzzValueScanners runs the byte scanners of tier 1's recall layer on
// arbitrary values: none may panic, and every match they report lies
// inside the value.
func FuzzValueScanners(f *testing.F) {
	for _, v := range []string{
		"<x onanything=1>", "system('id')", "eval(atob(x))", "wget http://e/x",
		"time sh -c id", "FOR /L %G IN (1,1,5) DO echo %G", "cat /etc/pa[s]swd",
		"c'a't /e\\tc", " OR 1=1--", "../../x.png", "run `ls` now", "[", "for %",
	} {
		f.Add(v)
	}
	d, err := New(Options{NoCRS: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		s := &scan{d: d}
		inside := func(what string, at, n int) {
			if at >= 0 && (n <= 0 || at+n > len(v)) {
				t.Fatalf("%s(%q) = %d, %d: outside the value", what, v, at, n)
			}
		}
		at, n := handlerAttr(v)
		inside("handlerAttr", at, n)
		at, n, _ = s.codeCallAt(v)
		inside("codeCallAt", at, n)
		at, n = windowsForAt(v)
		inside("windowsForAt", at, n)
		if n := s.leadingCommandAt(v); n < 0 || n > len(v) {
			t.Fatalf("leadingCommandAt(%q) = %d", v, n)
		}
		if w, ok := shellWords(v); ok && len(w) >= len(v) {
			t.Fatalf("shellWords(%q) = %q did not shorten it", v, w)
		}
		_, _ = s.sqlFragment(v)
		if at := traversalAt(v); at >= 0 {
			_ = climbsOut(v, at)
		}
		_ = markdownCode(v)
		_ = d.confirmed(930100, v) && d.confirmed(932250, v) && d.confirmed(942100, v)
	})
}
