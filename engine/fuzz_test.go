package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The fuzz targets check that no input makes a parser panic, and the
// properties that make spoor trustworthy: a JSON lookup returns valid JSON
// from valid JSON, redaction keeps cookies findable by their hash, a stored
// configuration reads back the same, and a hashed value never survives in a
// stored exchange.

func FuzzView(f *testing.F) {
	f.Add("req.json.a.0.b", "id=1&id=2", "sid=a; t="+makeJWT(`{"sub":"x"}`), "Bearer "+makeJWT(`{"sub":"u"}`), "application/json", `{"a":[{"b":"v"}]}`, `{"token":"t"}`)
	f.Add("req.form.user", "q=%zz", "sid", "Basic YTpi", "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nu\r\n--B--\r\n", "")
	f.Add("req.form.user", "", "", "", "application/x-www-form-urlencoded", "user=a%20b&user=c", "[1,")
	f.Add("resp.json.x.1", "", "", "Bearer a.b.c", "", `{"x":[1,{"y":"\u00e9"}]`, "\x1f\x8b")
	f.Fuzz(func(t *testing.T, point, query, cookie, auth, contentType, reqBody, respBody string) {
		x := &Exchange{
			ClientIP: "192.0.2.1", Method: "POST", Path: "/p", Query: query,
			ReqHeaders: []Header{
				{Name: "Cookie", Value: cookie}, {Name: "Authorization", Value: auth},
				{Name: "Content-Type", Value: contentType}, {Name: "X-T", Value: auth},
			},
			ReqBody:     Body{Data: []byte(reqBody)},
			RespHeaders: []Header{{Name: "Set-Cookie", Value: cookie}, {Name: "Content-Encoding", Value: contentType}},
			RespBody:    Body{Data: []byte(respBody)},
		}
		v := NewView(x)
		// Every fuzzed exchange is also read at these points.
		points := []string{
			"req.header.Content-Type", "req.cookie.sid", "req.query.id", "req.form.user",
			"req.json.a.0.b", "req.bearer", "req.basic", "req.jwt.sub", "req.header.X-T.jwt.sub",
			"req.cookie.t.jwt.sub", "resp.cookie.sid", "resp.json.token", "req.ip", "req.ua",
		}
		if p, err := ParsePoint(point); err == nil {
			if first, second := v.Value(p), v.Value(p); first != second {
				t.Fatalf("%s read twice: %q then %q", point, first, second)
			}
			points = append([]string{point}, points...)
		}
		for _, s := range points {
			v.Value(MustParsePoint(s))
		}
		// The whole analysis must not panic either, and must leave no clear
		// credential behind.
		a := NewAnalyzer(SessionizerOptions{}, testHasher())
		a.Process(x)
		if tok := bearerToken(auth); tok != "" && !IsHashed(tok) && bearerToken(x.ReqHeader("Authorization")) == tok {
			t.Fatalf("bearer token %q stored in the clear", tok)
		}
	})
}

func FuzzJWT(f *testing.F) {
	f.Add(makeJWT(`{"sub":"u","realm":{"roles":["a"]}}`), "realm.roles.0")
	f.Add("e30.eyJzdWIiOjF9.x", "sub")
	f.Add("a.b.c.d.e", "sub")
	f.Add("..", "")
	f.Add("x.e3siYSI6MX0", "a")
	f.Fuzz(func(t *testing.T, token, claim string) {
		claims, ok := jwtPayload(token, nil)
		if ok {
			jwtClaim(claims, claim)
			if !jsonObject(claims) {
				t.Fatalf("claims %q accepted but not an object", claims)
			}
		}
		// The string decoder agrees with encoding/base64 wherever the
		// latter accepts the input, except for the line breaks it skips,
		// which no header value carries.
		seg := strings.TrimRight(token, "=")
		if want, err := base64.RawURLEncoding.DecodeString(seg); err == nil && !strings.ContainsAny(seg, "\r\n") {
			got, ok := decodeBase64URL(nil, seg)
			if !ok || string(got) != string(want) {
				t.Fatalf("decodeBase64URL(%q) = %q, %v; want %q", seg, got, ok, want)
			}
		}
	})
}

func FuzzCookie(f *testing.F) {
	f.Add(`sid=abc; theme="dark"; broken; sid=second`, "sid")
	f.Add("a=1;;b", "b")
	f.Add(" = ; =x", "")
	f.Add(`q=""`, "q")
	f.Fuzz(func(t *testing.T, header, name string) {
		hs := []Header{{Name: "Cookie", Value: header}}
		v, found := findCookie(header, name)
		if got := cookieValue(hs, name); got != v {
			t.Fatalf("cookieValue %q, findCookie %q", got, v)
		}
		setCookieValue([]Header{{Name: "Set-Cookie", Value: header}}, name)
		// A stored copy keeps each cookie findable by its hash, so that
		// regrouping stored exchanges finds the live identities; an empty
		// value, which no key reads, stays empty.
		h := testHasher()
		redacted := h.redactCookie(header)
		if found && strings.TrimSpace(name) == name && name != "" {
			want := h.Hash(v)
			if v == "" {
				want = ""
			}
			if got, _ := findCookie(redacted, name); got != want {
				t.Fatalf("redacted %q: cookie %q = %q, want %q (of %q)", redacted, name, got, want, v)
			}
		}
		if h.redactCookie(redacted) != redacted {
			t.Fatalf("redacting twice changed %q", redacted)
		}
	})
}

func FuzzMultipart(f *testing.F) {
	f.Add("XyZ", multipartBody, "username")
	f.Add("B", "--B\r\nContent-Disposition: form-data; name=\"e\"\r\n\r\n\r\n--B--\r\n", "e")
	f.Add("B", "--B\r\nContent-Disposition: form-data; name=\"cut\"\r\n\r\nhalf", "cut")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, boundary, body, name string) {
		fields := multipartFields([]byte(body), boundary, nil)
		if len(fields) > maxFormFields {
			t.Fatalf("%d fields", len(fields))
		}
		fieldValue(fields, name)
		x := withBody(&Exchange{}, "multipart/form-data; boundary="+boundary, body)
		NewView(x).Value(Point{Kind: PointReqForm, Name: name, raw: "req.form." + name})
	})
}

func FuzzJSONPath(f *testing.F) {
	f.Add(`{"a":[{"b":"v"}],"c":{"d":null}}`, "a.0.b")
	f.Add(`[[1,2],[3,{"x":"\"}"}]]`, "1.1.x")
	f.Add(`{"a":1,"a":2}`, "a")
	f.Add(`{"a":"x","b":`, "b")
	f.Add(`{"a" 1}`, "a")
	f.Add(`{"pass\u0077ord":"s"}`, "password")
	f.Fuzz(func(t *testing.T, body, path string) {
		raw, ok := jsonLookup([]byte(body), path, false)
		// The search for the member names must never hide a value.
		for _, whole := range []bool{false, true} {
			got, gotOK := jsonLookup([]byte(body), path, whole)
			want, wantOK := jsonScan([]byte(body), path, whole)
			if gotOK != wantOK || !bytes.Equal(got, want) {
				t.Fatalf("lookup of %q (whole %v) in %q: %q, %v; the scan alone finds %q, %v", path, whole, body, got, gotOK, want, wantOK)
			}
		}
		if !ok {
			return
		}
		if json.Valid([]byte(body)) && !json.Valid(raw) {
			t.Fatalf("value %q of %q in valid %q is not valid JSON", raw, path, body)
		}
		jsonText(raw)
	})
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("grouping:\n  keys: [req.header.X-Session-Id, resp.json.token]\n  builtin: true\n  inactivity: 30m\n" +
		"context:\n  - {point: req.json.card, hash: true}\nflows:\n  - {name: Auth, match: [\"POST /login\"]}\n" +
		"scope:\n  include_hosts: []\n  exclude_paths: [/healthz]\nretention: 7d\nsecrets: clear\n"))
	f.Add([]byte("grouping: &g {keys: [req.ip]}\nscope: *g\n"))
	f.Add([]byte("context: [{point: req.jwt.role, type: role}, {point: req.json.x}]\n"))
	f.Add([]byte("flows: [{name: A, match: \"* /**\"}]\n"))
	f.Add([]byte("- [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(data, "fuzz.yaml")
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("parsed configuration does not validate: %v\n%s", err, data)
		}
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, err := ParseConfig(out, "stored")
		if err != nil {
			t.Fatalf("stored configuration does not read back: %v\n%s", err, out)
		}
		if !configsEqual(back, cfg) {
			t.Fatalf("round trip changed\n%#v\ninto\n%#v", cfg, back)
		}
	})
}

func FuzzScrub(f *testing.F) {
	f.Add("4111111111111111", `{"card":"4111111111111111","n":4111111111111111}`, "c=4111111111111111", "/pay/4111111111111111")
	f.Add("a\",\"bcdefgh", `{"x":"a","bcdefgh"}`, "", "/")
	f.Add("secret-value", "secret-valuesecret-value", "q=secret%2Dvalue&r=secret-value", "/a/secret%2Dvalue")
	f.Fuzz(func(t *testing.T, secret, body, query, path string) {
		h := testHasher()
		if len(secret) < scrubAnywhere || IsHashed(secret) || strings.Contains(h.Hash(secret), secret) ||
			strings.ContainsAny(secret, "\r\n") {
			return
		}
		cfg := DefaultConfig()
		cfg.Context = []ContextParam{{Point: "req.header.X-Secret", Hash: true}}
		a, err := NewAnalyzerFromConfig(cfg, h)
		if err != nil {
			t.Fatal(err)
		}
		x := withResponse(withBody(&Exchange{Path: path, Query: query, ReqHeaders: []Header{
			{Name: "X-Secret", Value: secret}, {Name: "X-Echo", Value: "[" + secret + "]"},
		}}, "application/json", body), 200, body+secret)
		a.Process(x)
		for _, stored := range []string{x.Path, x.Query, string(x.ReqBody.Data), string(x.RespBody.Data),
			x.ReqHeaders[0].Value, x.ReqHeaders[1].Value} {
			if strings.Contains(stored, secret) {
				t.Fatalf("secret %q survives in %q", secret, stored)
			}
		}
	})
}

// FuzzLoginStitch feeds a login answer that returns a token and sets a
// cookie: grouping must not panic, the clear token must not survive in
// the stored copy, and grouping the stored copy again (a regroup) must
// give the same session. Product must not panic on any user agent.
func FuzzLoginStitch(f *testing.F) {
	f.Add(makeJWT(`{"sub":"17","iss":"i"}`), "c00k1e", "token", "Mozilla/5.0 (X11) Gecko/20100101 Firefox/133.0")
	f.Add("opaque-1234", "s", "access_token", "okhttp/4.12.0")
	f.Add("a.b.c", "", "jwt", "")
	f.Fuzz(func(t *testing.T, token, sid, member, ua string) {
		Product(ua)
		body, err := json.Marshal(map[string]string{member: token})
		if err != nil {
			return
		}
		x := withResponse(exchangeAt(0, "POST", "/login", "192.0.2.1", "User-Agent", ua), 200, string(body),
			"Content-Type", "application/json", "Set-Cookie", "sid="+sid+"; Path=/")
		s1 := NewAnalyzer(SessionizerOptions{}, testHasher()).Process(x)
		s2 := NewAnalyzer(SessionizerOptions{}, testHasher()).Process(x)
		if s1.ID != s2.ID {
			t.Errorf("stored copy regroups to %s (%s), clear copy was %s (%s)", s2.ID, s2.KeyPoint, s1.ID, s1.KeyPoint)
		}
		// The stored value of the member must not hold the token. A token
		// already in the stored form (a JWT whose signature slot is a
		// hash) is kept as it is: it holds no signature to replay.
		_, _, storedForm := cutRedactedJWT(token)
		if len(token) >= 8 && !IsHashed(token) && !storedForm && slicesContainsPoint(member) {
			var stored map[string]string
			if err := json.Unmarshal(x.RespBody.Data, &stored); err != nil {
				t.Fatalf("stored login answer is no longer JSON: %v: %s", err, x.RespBody.Data)
			}
			if strings.Contains(stored[member], token) {
				t.Errorf("returned token %q stored in the clear: %s", token, x.RespBody.Data)
			}
		}
	})
}

// slicesContainsPoint reports whether resp.json.<member> is a returned
// token point.
func slicesContainsPoint(member string) bool {
	for _, p := range returnedTokenPoints() {
		if p.Name == member {
			return true
		}
	}
	return false
}
