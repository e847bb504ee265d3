package main

import (
	"strings"
	"testing"
)

func TestParseCombined(t *testing.T) {
	line := `83.149.9.216 - - [17/May/2015:10:05:03 +0000] "GET /a/b.png?x=1 HTTP/1.1" 200 203023 "http://semicomplete.com/p/" "Mozilla/5.0 (Macintosh) \"quoted\""`
	l, err := parseCombined(line)
	if err != nil {
		t.Fatal(err)
	}
	if l.ip != "83.149.9.216" || l.method != "GET" || l.target != "/a/b.png?x=1" ||
		l.referer != "http://semicomplete.com/p/" || l.agent != `Mozilla/5.0 (Macintosh) "quoted"` {
		t.Errorf("parsed %+v", l)
	}
	x := logExchange(l)
	if x.Path != "/a/b.png" || x.Query != "x=1" || x.Host != "" || x.UserAgent() != l.agent {
		t.Errorf("exchange %+v", x)
	}
	for _, bad := range []string{"", "garbage", `1.2.3.4 - - [x] "-" 400 0 "-" "-"`} {
		if _, err := parseCombined(bad); err == nil {
			t.Errorf("parseCombined(%q) accepted", bad)
		}
	}
}

func TestStageExchange(t *testing.T) {
	data := "a=1"
	s := stage{RuleID: 942100, Method: "POST", URI: "http://localhost/p%61th?q=%27", Data: &data}
	x, err := stageExchange(s)
	if err != nil {
		t.Fatal(err)
	}
	if x.Path != "/path" || x.Query != "q=%27" || x.ReqHeader("Content-Length") != "3" {
		t.Errorf("exchange %+v", x)
	}
	if f := stageFamily(s); f.name != "sqli (942)" {
		t.Errorf("family %q", f.name)
	}
}

func TestEscapeTarget(t *testing.T) {
	if got := escapeTarget(`1' OR "a"<b> #%27`); got != `1'%20OR%20%22a%22%3Cb%3E%20%23%27` {
		t.Errorf("escapeTarget = %q", got)
	}
}

// FuzzParseCombined checks that the access-log parser never panics and
// that what it parses builds an exchange.
func FuzzParseCombined(f *testing.F) {
	f.Add(`1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET /x?a=b HTTP/1.1" 200 1 "-" "ua"`)
	f.Add(`1.2.3.4 - - [d] "GET http://h/x HTTP/1.0" 200 1 "\"" "\\"`)
	f.Fuzz(func(t *testing.T, line string) {
		l, err := parseCombined(line)
		if err != nil {
			return
		}
		x := logExchange(l)
		if x.Method == "" || strings.Contains(x.Query, "#") && !strings.Contains(l.target, "#") {
			t.Fatalf("exchange %+v from %q", x, line)
		}
	})
}
