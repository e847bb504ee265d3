package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// BenchmarkAnalyzeTypical measures Analyzer.Process (extraction, grouping,
// context, flows, redaction, session update) on a typical API call: a
// dozen headers, cookies, a JWT bearer and a small JSON body, with a
// configuration of a few keys and context points. The target is 10 µs and
// 30 allocations per exchange.
func BenchmarkAnalyzeTypical(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Grouping.Keys = []string{"req.header.X-Session-Id", "req.jwt.sub", "req.cookie.sid"}
	cfg.Context = []ContextParam{
		{Point: "req.json.username", Type: ParamUser},
		{Point: "req.jwt.role", Type: ParamRole},
		{Point: "req.json.amount", Type: ParamContext},
	}
	a, err := NewAnalyzerFromConfig(cfg, testHasher())
	if err != nil {
		b.Fatal(err)
	}
	jwt := makeJWT(`{"sub":"user-8c1f2a","iss":"https://id.example.com","role":"customer","exp":1893456000}`)
	tmpl := Exchange{
		Start:    t0,
		Duration: 35 * time.Millisecond,
		ClientIP: "198.51.100.23",
		Method:   "POST",
		Scheme:   "https",
		Host:     "api.example.com",
		Path:     "/api/v1/orders/48213/items",
		Query:    "expand=product&lang=en",
		ReqHeaders: []Header{
			{Name: "Host", Value: "api.example.com"},
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"},
			{Name: "Accept", Value: "application/json"},
			{Name: "Accept-Language", Value: "en-US,en;q=0.9"},
			{Name: "Accept-Encoding", Value: "gzip, deflate, br"},
			{Name: "Content-Type", Value: "application/json"},
			{Name: "Content-Length", Value: "71"},
			{Name: "Origin", Value: "https://shop.example.com"},
			{Name: "Authorization", Value: "Bearer " + jwt},
			{Name: "Cookie", Value: "sid=9f8e7d6c5b4a; _ga=GA1.2.3456; theme=dark"},
			{Name: "X-Request-Id", Value: "5a1e2b3c-0000-4d4d-8e8e-123456789abc"},
		},
		ReqBody: Body{Data: []byte(`{"username":"alice","amount":129.95,"items":[{"sku":"A-1","qty":2}]}`), Size: 71},
		Status:  201,
		RespHeaders: []Header{
			{Name: "Content-Type", Value: "application/json"},
			{Name: "Content-Length", Value: "38"},
			{Name: "Date", Value: "Tue, 24 Nov 2026 10:00:00 GMT"},
		},
		RespBody: Body{Data: []byte(`{"id":48213,"status":"created","n":2}`), Size: 38},
	}
	// Each iteration analyses a fresh copy of the template, built in
	// reused storage so that the copy costs no allocation of its own.
	reqHeaders := make([]Header, len(tmpl.ReqHeaders))
	respHeaders := make([]Header, len(tmpl.RespHeaders))
	var x Exchange
	b.ReportAllocs()
	for b.Loop() {
		x = tmpl
		x.ReqHeaders = append(reqHeaders[:0], tmpl.ReqHeaders...)
		x.RespHeaders = append(respHeaders[:0], tmpl.RespHeaders...)
		a.Process(&x)
	}
	if x.KeyPoint != "req.jwt.sub" || x.Context["req.json.username"] != "alice" {
		b.Fatalf("unexpected analysis: key %s, context %v", x.KeyPoint, x.Context)
	}
}

// BenchmarkIdentifyLogLine groups an exchange read from an access log
// (address, user agent, referer, no credentials) by the built-in keys: it
// tries every one of them before the address and user agent answer.
func BenchmarkIdentifyLogLine(b *testing.B) {
	keys, err := NewKeyList(nil, true)
	if err != nil {
		b.Fatal(err)
	}
	h := testHasher()
	x := &Exchange{
		Start: t0, ClientIP: "198.51.100.23", Method: "GET", Path: "/images/kibana-search.png",
		ReqHeaders: []Header{
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0 Safari/537.36"},
			{Name: "Referer", Value: "http://semicomplete.com/presentations/logstash-monitorama-2013/"},
		},
		Status: 200,
	}
	var v View
	b.ReportAllocs()
	for b.Loop() {
		v.reset(x)
		if id := keys.Identify(&v, h); id.Key.String() != "req.ip+req.ua" {
			b.Fatalf("identified by %s", id.Key)
		}
	}
}

// BenchmarkJSONMissingMember looks up a member a 16 KiB JSON answer lacks,
// as the well-known secret fields (resp.json.token, ...) are looked up on
// every exchange: with the search for the name first (lookup) and by
// scanning the body alone (scan).
func BenchmarkJSONMissingMember(b *testing.B) {
	var body strings.Builder
	body.WriteString(`{"items":[`)
	for i := 0; body.Len() < 16<<10; i++ {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"id":%d,"sku":"A-%04d","name":"Trail shoe %d","price":%d.99,"tags":["outdoor","running"]}`, i, i, i, 40+i%60)
	}
	body.WriteString(`],"next":"/products?page=2"}`)
	data := []byte(body.String())
	for _, c := range []struct {
		name string
		find func([]byte, string, bool) ([]byte, bool)
	}{{"lookup", jsonLookup}, {"scan", jsonScan}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, ok := c.find(data, "access_token", false); ok {
					b.Fatal("found a member the body lacks")
				}
			}
		})
	}
}
