package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestEvaluate runs the evaluation on a small log in testdata: a Googlebot
// visit of six requests and one of two, a single bingbot request, an SEO
// crawler, two people (one logging in once) and a script's brute
// force on wp-login.php answered 200 with the form again.
func TestEvaluate(t *testing.T) {
	rep, err := evaluate(t.Context(), []string{"testdata/access.log"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.exchanges != 93 {
		t.Fatalf("%d exchanges imported, want 93", rep.exchanges)
	}
	for _, f := range rep.floors() {
		t.Error(f)
	}
	count := map[string]int{}
	for _, s := range rep.sessions {
		for _, v := range s.Abuse {
			count[v.Type]++
		}
	}
	want := map[string]int{engine.AbuseBruteForce: 1, engine.AbuseDeclaredCrawler: 2, engine.AbuseScraping: 1}
	for _, typ := range engine.AbuseTypes() {
		if count[typ] != want[typ] {
			t.Errorf("%d sessions with %s, want %d", count[typ], typ, want[typ])
		}
	}
	f := rep.figures()
	if f.shortAbuse != 0 || f.crawlers != 2 || f.crawlersNamed != 2 || f.crawlersAll != 4 || f.classedAll != 3 ||
		f.browsers != 2 || f.browsersFlagged != 0 || f.browserIPs != 2 || f.browserIPsFlagged != 0 {
		t.Errorf("figures %+v", f)
	}
	var out bytes.Buffer
	rep.print(&out, 3, true)
	for _, want := range []string{
		"verdicts              sessions  as first  with < 5 requests",
		"  declared_crawler            2         2         1",
		"sessions of < 5 requests with an abuse verdict:        0 (ceiling 0)",
		"crawler-UA sessions of 5+ requests classed:             2 of 2",
		"203.0.113.66", "brute_force", "answered 200 with 4,150 bytes (the failure shape of this endpoint",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestKindOf(t *testing.T) {
	cases := map[string]uaKind{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                                      kindCrawler,
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)":                           kindCrawler,
		"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)":                           kindCrawler,
		"Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.107 Safari/537.36": kindBrowser,
		"Mozilla/5.0 (compatible; Ezooms/1.0; help@moz.com)":                                                            kindOther,
		"UniversalFeedParser/4.2-pre-314-svn +http://feedparser.org/":                                                   kindOther,
	}
	for ua, want := range cases {
		if got := kindOf(ua); got != want {
			t.Errorf("kindOf(%q) = %d, want %d", ua, got, want)
		}
	}
}
