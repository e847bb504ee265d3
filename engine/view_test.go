package engine

import (
	"encoding/base64"
	"strings"
	"testing"
)

const multipartBody = "--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"username\"\r\n\r\n" +
	"alice\r\n" +
	"--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"empty\"\r\n\r\n" +
	"\r\n" +
	"--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"avatar\"; filename=\"me.png\"\r\n" +
	"Content-Type: image/png\r\n\r\n" +
	"\x89PNG...\r\n" +
	"--XyZ\r\n" +
	"Content-Disposition: form-data; name=\"username\"\r\n\r\n" +
	"bob\r\n" +
	"--XyZ--\r\n"

func TestViewValue(t *testing.T) {
	jwt := makeJWT(`{"sub":"u-42","iss":"https://id.example","role":"admin","n":7,` +
		`"https://example.com/roles":["a","b"],"realm":{"roles":["viewer","editor"]}}`)
	stdJWT := "e30." + base64.RawStdEncoding.EncodeToString([]byte(`{"sub":"std?>>"}`)) + ".sig"
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:s3cret"))

	base := func() *Exchange {
		return exchangeAt(0, "POST", "/api/v1/users/7?id=1&id=2&empty=&q=a%20b+c&bad=%zz&flag&na%6De=esc", "203.0.113.9",
			"User-Agent", "curl/8.0",
			"X-Request-Id", "req-1",
			"Cookie", `sid=abc123; theme="dark"; broken; sid=second`,
			"Cookie", "other=1",
			"Authorization", "Bearer "+jwt,
			"X-Id-Token", "Bearer "+makeJWT(`{"email":"a@example.com"}`),
		)
	}
	tests := []struct {
		name  string
		point string
		x     *Exchange
		want  string
	}{
		{"ip", "req.ip", base(), "203.0.113.9"},
		{"ua", "req.ua", base(), "curl/8.0"},
		{"method", "req.method", base(), "POST"},
		{"path", "req.path", base(), "/api/v1/users/7"},
		{"host", "req.host", base(), "api.example.com"},

		{"header", "req.header.X-Request-Id", base(), "req-1"},
		{"header any case", "req.header.x-request-id", base(), "req-1"},
		{"header missing", "req.header.X-Missing", base(), ""},

		{"cookie", "req.cookie.sid", base(), "abc123"},
		{"cookie quoted", "req.cookie.theme", base(), "dark"},
		{"cookie second header", "req.cookie.other", base(), "1"},
		{"cookie name is case-sensitive", "req.cookie.SID", base(), ""},
		{"cookie malformed pair skipped", "req.cookie.broken", base(), ""},

		{"query first of repeated", "req.query.id", base(), "1"},
		{"query empty value", "req.query.empty", base(), ""},
		{"query escapes", "req.query.q", base(), "a b c"},
		{"query bad escape skipped", "req.query.bad", base(), ""},
		{"query without value", "req.query.flag", base(), ""},
		{"query escaped name", "req.query.name", base(), "esc"},
		{"query missing", "req.query.nope", base(), ""},

		{"bearer", "req.bearer", base(), jwt},
		{"bearer lower-case scheme", "req.bearer", exchangeAt(0, "GET", "/", "", "authorization", "bearer tok"), "tok"},
		{"bearer absent under basic", "req.bearer", exchangeAt(0, "GET", "/", "", "Authorization", basic), ""},
		{"basic user", "req.basic", exchangeAt(0, "GET", "/", "", "Authorization", basic), "alice"},
		{"basic malformed", "req.basic", exchangeAt(0, "GET", "/", "", "Authorization", "Basic !!!"), ""},
		{"basic absent under bearer", "req.basic", base(), ""},

		{"jwt claim", "req.jwt.sub", base(), "u-42"},
		{"jwt number claim", "req.jwt.n", base(), "7"},
		{"jwt namespaced claim", "req.jwt.https://example.com/roles", base(), `["a","b"]`},
		{"jwt nested claim", "req.jwt.realm.roles.1", base(), "editor"},
		{"jwt missing claim", "req.jwt.email", base(), ""},
		{"jwt standard alphabet", "req.jwt.sub", exchangeAt(0, "GET", "/", "", "Authorization", "Bearer "+stdJWT), "std?>>"},
		{"jwt opaque bearer", "req.jwt.sub", exchangeAt(0, "GET", "/", "", "Authorization", "Bearer opaque"), ""},
		{"jwt five parts", "req.jwt.sub", exchangeAt(0, "GET", "/", "", "Authorization", "Bearer a.b.c.d.e"), ""},
		{"jwt payload not json", "req.jwt.sub", exchangeAt(0, "GET", "/", "", "Authorization", "Bearer e30.bm90anNvbg.sig"), ""},
		{"jwt in header", "req.header.X-Id-Token.jwt.email", base(), "a@example.com"},
		{"jwt in cookie", "req.cookie.id.jwt.sub", exchangeAt(0, "GET", "/", "", "Cookie", "id="+makeJWT(`{"sub":"c-1"}`)), "c-1"},
		{"jwt in missing cookie", "req.cookie.id.jwt.sub", base(), ""},

		{"form urlencoded", "req.form.user", withBody(base(), "application/x-www-form-urlencoded", "user=al%40ice&user=x&pin="), "al@ice"},
		{"form urlencoded empty", "req.form.pin", withBody(base(), "application/x-www-form-urlencoded; charset=utf-8", "user=a&pin="), ""},
		{"form without content type", "req.form.a", withResponse(&Exchange{ReqBody: Body{Data: []byte("a=1")}}, 200, ""), "1"},
		{"form not read from json", "req.form.a", &Exchange{ReqBody: Body{Data: []byte(`{"a":1}`)}}, ""},
		{"form multipart first of repeated", "req.form.username", withBody(base(), "multipart/form-data; boundary=XyZ", multipartBody), "alice"},
		{"form multipart empty value", "req.form.empty", withBody(base(), "multipart/form-data; boundary=XyZ", multipartBody), ""},
		{"form multipart file name", "req.form.avatar", withBody(base(), "multipart/form-data; boundary=XyZ", multipartBody), "me.png"},
		{"form multipart truncated", "req.form.username", withBody(base(), "multipart/form-data; boundary=XyZ", multipartBody[:40]), ""},
		{"form multipart no boundary", "req.form.username", withBody(base(), "multipart/form-data", multipartBody), ""},
		{"form json content type", "req.form.a", withBody(base(), "application/json", "a=1"), ""},

		{"json string", "req.json.user.name", withBody(base(), "application/json", `{"user":{"name":"alice","id":7}}`), "alice"},
		{"json number", "req.json.user.id", withBody(base(), "application/json", `{"user":{"name":"alice","id":7}}`), "7"},
		{"json float as written", "req.json.amount", withBody(base(), "application/json", `{"amount": 12.50}`), "12.50"},
		{"json bool", "req.json.ok", withBody(base(), "application/json", `{"ok":true}`), "true"},
		{"json null", "req.json.v", withBody(base(), "application/json", `{"v":null}`), ""},
		{"json object compact", "req.json.user", withBody(base(), "application/json", `{"user": { "b" : 1, "a" : [1, 2] }}`), `{"b":1,"a":[1,2]}`},
		{"json array index", "req.json.items.1.sku", withBody(base(), "application/json", `{"items":[{"sku":"a"},{"sku":"b"}]}`), "b"},
		{"json nested arrays", "req.json.m.1.0", withBody(base(), "application/json", `{"m":[[1,2],[3,4]]}`), "3"},
		{"json top-level array", "req.json.0.id", withBody(base(), "application/json", `[{"id":"x"}]`), "x"},
		{"json index out of range", "req.json.items.5", withBody(base(), "application/json", `{"items":[1]}`), ""},
		{"json index on object", "req.json.items.0", withBody(base(), "application/json", `{"items":{"0":"zero"}}`), "zero"},
		{"json name on array", "req.json.items.a", withBody(base(), "application/json", `{"items":[1]}`), ""},
		{"json escapes", "req.json.s", withBody(base(), "application/json", `{"s":"a\"b\u00e9"}`), `a"bé`},
		{"json escaped key", "req.json.name", withBody(base(), "application/json", `{"na\u006de":"v"}`), "v"},
		{"json first duplicate wins", "req.json.a", withBody(base(), "application/json", `{"a":1,"a":2}`), "1"},
		{"json skips nested values", "req.json.b", withBody(base(), "application/json", `{"a":{"x":["}",{"y":"]"}]},"b":"ok"}`), "ok"},
		{"json malformed before", "req.json.b", withBody(base(), "application/json", `{"a":nope,"b":1}`), ""},
		{"json malformed after", "req.json.a", withBody(base(), "application/json", `{"a":"x","b":`), "x"},
		{"json truncated number", "req.json.a", withBody(base(), "application/json", `{"a":12`), ""},
		{"json truncated string", "req.json.a", withBody(base(), "application/json", `{"a":"abc`), ""},
		{"json not json", "req.json.a", withBody(base(), "text/plain", `a=1`), ""},
		{"json empty body", "req.json.a", base(), ""},

		{"resp header", "resp.header.Location", withResponse(base(), 302, "", "Location", "/home"), "/home"},
		{"resp cookie", "resp.cookie.session", withResponse(base(), 200, "", "Set-Cookie", "a=1", "Set-Cookie", `session="s-9"; Path=/; HttpOnly`), "s-9"},
		{"resp cookie missing", "resp.cookie.nope", withResponse(base(), 200, "", "Set-Cookie", "a=1"), ""},
		{"resp json", "resp.json.token", withResponse(base(), 200, `{"token":"T-1"}`), "T-1"},
		{"resp json gzip", "resp.json.data.0.token", withResponse(base(), 200, string(gzipBytes([]byte(`{"data":[{"token":"Z"}]}`))), "Content-Encoding", "gzip"), "Z"},
		{"resp json already inflated", "resp.json.token", withResponse(base(), 200, `{"token":"T-2"}`, "Content-Encoding", "gzip"), "T-2"},

		{"gql operation", "req.gql.operation", withBody(base(), "application/json", `{"operationName":"Q","query":"query Q{a}"}`), "Q"},
		{"mcp method", "req.mcp.method", withBody(base(), "application/json", `{"jsonrpc":"2.0","method":"tools/call"}`), "tools/call"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePoint(tt.point)
			if err != nil {
				t.Fatalf("ParsePoint(%q): %v", tt.point, err)
			}
			v := NewView(tt.x)
			if got := v.Value(p); got != tt.want {
				t.Errorf("%s = %q, want %q", tt.point, got, tt.want)
			}
			// A second read comes from the view's caches and must agree.
			if got := v.Value(p); got != tt.want {
				t.Errorf("second read of %s = %q, want %q", tt.point, got, tt.want)
			}
		})
	}
}

// TestViewReuse checks that a reset view forgets the previous exchange.
func TestViewReuse(t *testing.T) {
	var v View
	a := withBody(exchangeAt(0, "POST", "/", "", "Authorization", "Bearer "+makeJWT(`{"sub":"a"}`)), "multipart/form-data; boundary=XyZ", multipartBody)
	b := withBody(exchangeAt(0, "POST", "/", "", "Authorization", "Bearer "+makeJWT(`{"sub":"b"}`)), "application/json", `{"k":"b"}`)
	sub, user, k := MustParsePoint("req.jwt.sub"), MustParsePoint("req.form.username"), MustParsePoint("req.json.k")
	v.reset(a)
	if got := v.Value(sub) + v.Value(user); got != "aalice" {
		t.Fatalf("first exchange: %q", got)
	}
	v.reset(b)
	if got := v.Value(sub) + "|" + v.Value(user) + "|" + v.Value(k); got != "b||b" {
		t.Fatalf("second exchange: %q, want b||b", got)
	}
}

func TestJSONText(t *testing.T) {
	for raw, want := range map[string]string{
		`"x"`:            "x",
		`"\ud83d\ude00"`: "😀",
		`"\x"`:           "",
		`[1, 2]`:         "[1,2]",
		`{"a": [}`:       "",
		`-1.5e3`:         "-1.5e3",
		`false`:          "false",
		``:               "",
	} {
		if got := jsonText([]byte(raw)); got != want {
			t.Errorf("jsonText(%s) = %q, want %q", raw, got, want)
		}
	}
}

func TestDecodeBase64URL(t *testing.T) {
	for _, s := range []string{"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\xfd?>"} {
		enc := base64.RawURLEncoding.EncodeToString([]byte(s))
		got, ok := decodeBase64URL(nil, enc)
		if !ok || string(got) != s {
			t.Errorf("decode(%q) = %q, %v; want %q", enc, got, ok, s)
		}
	}
	for _, bad := range []string{"a", "ab=c", "a b", strings.Repeat("A", 5)} {
		if _, ok := decodeBase64URL(nil, bad); ok {
			t.Errorf("decode(%q) succeeded, want failure", bad)
		}
	}
}
