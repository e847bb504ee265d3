package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spoorhq/spoor/internal/corpora"
)

// corpusFiles are the access logs of the shared corpora. A missing corpus
// fails the test, never skips it, so that a run without it cannot pass for
// a run with it.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	dir, err := corpora.Path("access-logs")
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.log.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no access logs under %s", dir)
	}
	return files
}

// TestEvaluate runs the evaluation on the corpus and holds it to its
// floors: every declared crawler named, browsers left alone.
func TestEvaluate(t *testing.T) {
	rep, err := evaluate(t.Context(), corpusFiles(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.exchanges < 9000 {
		t.Fatalf("only %d exchanges imported", rep.exchanges)
	}
	for _, f := range rep.floors() {
		t.Error(f)
	}
	var out bytes.Buffer
	rep.print(&out, 3, false)
	for _, want := range []string{"crawler-UA sessions named", "browser-UA sessions with any verdict", "66.249.73.135", "crawler_user_agent = 1 vs 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	f := rep.figures()
	t.Logf("crawlers named %d/%d, browsers flagged %d/%d", f.crawlersNamed, f.crawlers, f.browsersFlagged, f.browsers)
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
