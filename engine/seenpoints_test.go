package engine

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func pointsOf(x *Exchange) []string {
	var out []string
	PointsOf(x, func(p string) { out = append(out, p) })
	return out
}

func TestPointsOf(t *testing.T) {
	jwt := makeJWT(`{"sub":"alice","https://shop.test/roles":["admin"]}`)
	tests := []struct {
		name      string
		x         Exchange
		want, not []string
	}{{
		name: "headers, cookies, query, bearer JWT",
		x: Exchange{Query: "page=2&q=a%20b&sort", ReqHeaders: []Header{
			{Name: "Authorization", Value: "Bearer " + jwt}, {Name: "Cookie", Value: "sid=abc; theme=dark"},
			{Name: "Host", Value: "api"}, {Name: "X-Trace", Value: "1"},
		}},
		want: []string{"req.header.Authorization", "req.bearer", "req.jwt.sub", "req.jwt.https://shop.test/roles",
			"req.cookie.sid", "req.cookie.theme", "req.header.X-Trace", "req.query.page", "req.query.q"},
		not: []string{"req.header.Host", "req.header.Cookie", "req.cookie.abc", "req.query.sort"},
	}, {
		name: "a stored JWT keeps its claims",
		x:    Exchange{ReqHeaders: []Header{{Name: "Authorization", Value: "Bearer " + jwt[:strings.LastIndexByte(jwt, '.')] + "." + testHasher().Hash(jwt)}}},
		want: []string{"req.bearer", "req.jwt.sub"},
	}, {
		name: "Basic names the user point",
		x:    Exchange{ReqHeaders: []Header{{Name: "Authorization", Value: "Basic YTpi"}}},
		want: []string{"req.basic"},
		not:  []string{"req.bearer"},
	}, {
		name: "JSON bodies: leaves, first array element, depth bound",
		x: Exchange{
			ReqHeaders:  []Header{{Name: "Content-Type", Value: "application/json"}},
			ReqBody:     Body{Data: []byte(`{"user":{"name":"a","tags":["x","y"]},"a.b":1,"d":{"e":{"f":{"g":{"h":{"i":{"j":1}}}}}}}`)},
			RespHeaders: []Header{{Name: "Set-Cookie", Value: "sid=1; Path=/"}},
			RespBody:    Body{Data: []byte(`[{"id":1},{"id":2,"extra":3}]`)},
		},
		want: []string{"req.json.user.name", "req.json.user.tags.0", "resp.json.0.id", "resp.cookie.sid"},
		not:  []string{"req.json.user.tags.1", "resp.json.1.extra", "req.json.a.b", "req.json.d.e.f.g.h.i.j", "resp.header.Set-Cookie"},
	}, {
		name: "a member name the analyzer hashed is no point",
		x: Exchange{
			ReqBody: Body{Data: []byte(`{"votes":{"` + testHasher().Hash("alice") + `":1},"ok":true}`)},
		},
		want: []string{"req.json.ok"},
		not:  []string{"req.json.votes." + testHasher().Hash("alice")},
	}, {
		name: "urlencoded and multipart forms",
		x: Exchange{
			ReqHeaders: []Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
			ReqBody:    Body{Data: []byte("email=a%40b&user%5Bname%5D=x")},
		},
		want: []string{"req.form.email", "req.form.user[name]"},
	}, {
		name: "multipart",
		x: Exchange{
			ReqHeaders: []Header{{Name: "Content-Type", Value: "multipart/form-data; boundary=B"}},
			ReqBody:    Body{Data: []byte("--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nu\r\n--B--\r\n")},
		},
		want: []string{"req.form.user"},
	}, {
		name: "GraphQL and MCP",
		x: Exchange{
			ReqBody: Body{Data: []byte(`{"query":"query Q($id: ID!) { a(id: $id) }","variables":{"id":"1","b":2}}`)},
			GQL:     &GQLInfo{Type: GQLQuery, Name: "Q"},
			MCP:     &MCPInfo{},
		},
		want: []string{"req.gql.operation", "req.gql.type", "req.gql.var.b", "req.gql.var.id", "req.mcp.method", "req.mcp.name", "req.mcp.session"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pointsOf(&tt.x)
			for _, p := range tt.want {
				if !slices.Contains(got, p) {
					t.Errorf("missing %s in %v", p, got)
				}
			}
			for _, p := range tt.not {
				if slices.Contains(got, p) {
					t.Errorf("%s listed in %v", p, got)
				}
			}
			seen := map[string]bool{}
			for _, p := range got {
				if seen[p] {
					t.Errorf("%s named twice", p)
				}
				seen[p] = true
				if _, err := ParsePoint(p); err != nil {
					t.Errorf("%s does not parse: %v", p, err)
				}
			}
		})
	}
}

// TestPointsOfBounded holds a wide body to maxSeenPerBody names.
func TestPointsOfBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 1000 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strconv.Itoa(i) + `":1`)
	}
	b.WriteString("}")
	got := pointsOf(&Exchange{ReqBody: Body{Data: []byte(b.String())}})
	if len(got) != maxSeenPerBody {
		t.Errorf("a body of 1000 members named %d points, want %d", len(got), maxSeenPerBody)
	}
}

// FuzzPointsOf reads arbitrary headers and bodies: no panic, every name
// once and in the grammar, and at most the bounded number of names.
func FuzzPointsOf(f *testing.F) {
	f.Add("sid=a; t=b", "Bearer "+makeJWT(`{"sub":"x"}`), "application/json", `{"a":[{"b":"v"}]}`, `{"token":"t"}`, "q=1")
	f.Add("", "Basic YTpi", "multipart/form-data; boundary=B", "--B\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nu\r\n--B--\r\n", "[1,", "%zz=1")
	f.Add("=;;=", "Bearer a.b.c", "application/x-www-form-urlencoded", "a=1&%zz&b", "\x1f\x8b", "")
	f.Fuzz(func(t *testing.T, cookie, auth, contentType, reqBody, respBody, query string) {
		x := &Exchange{
			Query: query,
			ReqHeaders: []Header{
				{Name: "Cookie", Value: cookie}, {Name: "Authorization", Value: auth},
				{Name: "Content-Type", Value: contentType},
			},
			ReqBody:     Body{Data: []byte(reqBody)},
			RespHeaders: []Header{{Name: "Set-Cookie", Value: cookie}, {Name: "Content-Encoding", Value: contentType}},
			RespBody:    Body{Data: []byte(respBody)},
			GQL:         &GQLInfo{},
		}
		got := pointsOf(x)
		seen := map[string]bool{}
		for _, p := range got {
			if seen[p] {
				t.Fatalf("%q named twice", p)
			}
			seen[p] = true
		}
		if len(got) > 4*maxSeenPerQuery+2*maxSeenPerBody+16 {
			t.Fatalf("%d names", len(got))
		}
	})
}

// BenchmarkPointsOf names the points of an API call with a bearer JWT,
// cookies, a query and JSON bodies both ways: the work the editors'
// completion does per sampled exchange (workstation.SeenPoints reads 500).
func BenchmarkPointsOf(b *testing.B) {
	x := &Exchange{
		Query: "page=2&sort=desc",
		ReqHeaders: []Header{
			{Name: "Authorization", Value: "Bearer " + makeJWT(`{"sub":"alice","role":"admin","iss":"shop","exp":1800000000}`)},
			{Name: "Cookie", Value: "sid=abc; theme=dark"}, {Name: "Content-Type", Value: "application/json"},
			{Name: "User-Agent", Value: "shop-app/1.0"},
		},
		ReqBody:     Body{Data: []byte(`{"order":{"items":[{"sku":"A1","qty":1}],"coupon":"X"},"note":"leave at door"}`)},
		RespHeaders: []Header{{Name: "Content-Type", Value: "application/json"}},
		RespBody:    Body{Data: []byte(`{"id":42,"status":"paid","total":12.5,"items":[{"sku":"A1","qty":1,"price":12.5}],"customer":{"id":7,"email":"a@b"}}`)},
	}
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		PointsOf(x, func(string) { n++ })
	}
	if n == 0 {
		b.Fatal("no points")
	}
}
