package report

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/spoorhq/spoor/engine"
)

func render(t *testing.T, src Source, f Format, ids ...string) string {
	t.Helper()
	var b bytes.Buffer
	opts := Options{Format: f, Version: "v-test", Now: fixtureNow, Config: engine.DefaultConfig(), ConfigSource: "the defaults"}
	if err := Write(&b, src, ids, opts); err != nil {
		t.Fatalf("Write %s: %v", f, err)
	}
	return b.String()
}

// htmlFacts parses a report as a browser would and returns its text
// (outside <style>), its element names and the attributes it carries.
func htmlFacts(t testing.TB, doc string) (text string, elements map[string]int, attrs []html.Attribute) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("report does not parse as HTML: %v", err)
	}
	elements = map[string]int{}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			elements[n.Data]++
			attrs = append(attrs, n.Attr...)
			if n.Data == "style" {
				return
			}
		case html.TextNode:
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return b.String(), elements, attrs
}

func TestHTMLShowsPayloadsAsText(t *testing.T) {
	out := render(t, attackerSource(), HTML, "abc123-1")
	text, elements, attrs := htmlFacts(t, out)
	for _, el := range []string{"script", "iframe", "object", "embed", "img", "link", "base", "form"} {
		if elements[el] > 0 {
			t.Errorf("report has %d <%s> elements, want none", elements[el], el)
		}
	}
	for _, a := range attrs {
		if strings.HasPrefix(a.Key, "on") || a.Key == "src" || a.Key == "href" || a.Key == "style" {
			t.Errorf("report carries attribute %s=%q", a.Key, a.Val)
		}
	}
	if !strings.Contains(out, `content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`) {
		t.Error("report lacks its Content-Security-Policy")
	}
	for _, want := range []string{
		"abc123-1", "req.ip+req.ua", "192.0.2.66", "sqlmap/1.8#stable",
		"/search?q=" + xssPayload, xssPayload, "<img src=x onerror=alert(1)>", `"note":"` + xssPayload + `"`,
		"/files/../../etc/passwd", "path_traversal", "libinjection-xss", "crs-941100", "req.json.text",
		"security crawler, 90% confidence", "Bearer hmac:5f2b", "/products/{id}", "v-test", "2026-11-24T10:00:00Z",
		"req.jwt.sub+req.jwt.iss", // the configuration in force
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report text lacks %q", want)
		}
	}
	if n := elements["details"]; n != 6 {
		t.Errorf("%d <details>, want one per request (6)", n)
	}
	if elements["svg"] != 1 || elements["rect"] != 6+3 {
		t.Errorf("timeline: %d svg, %d rects; want 1 and 6 requests + 3 attacked", elements["svg"], elements["rect"])
	}
}

// TestTimelineAttributesAreNumbers checks that the SVG carries numbers
// only where positions go, and no stored value anywhere.
func TestTimelineAttributesAreNumbers(t *testing.T) {
	out := render(t, attackerSource(), HTML, "abc123-1")
	root, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var check func(n *html.Node, inSVG bool)
	check = func(n *html.Node, inSVG bool) {
		if n.Type == html.ElementNode && n.Data == "svg" {
			inSVG = true
		}
		if inSVG && n.Type == html.ElementNode && (n.Data == "rect" || n.Data == "line" || n.Data == "text") {
			for _, a := range n.Attr {
				if a.Key == "class" || a.Key == "text-anchor" { // written in the template, not computed
					continue
				}
				if strings.Trim(a.Val, "0123456789.") != "" {
					t.Errorf("<%s %s=%q>: want a number", n.Data, a.Key, a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			check(c, inSVG)
		}
	}
	check(root, false)
}

func TestMarkdown(t *testing.T) {
	out := render(t, attackerSource(), Markdown, "abc123-1")
	for _, want := range []string{
		"## Session `abc123-1`",
		"| 2 | +1 s | `GET` `/search?q=" + xssPayload + "` | 200 |",
		"xss at `req.query.q` by `libinjection-xss` `" + xssPayload + "`",
		// The fence outlasts the longest backtick run; the pipe is
		// escaped for the table.
		"```/a\\|b`c``d?x=**bold**&y=[l](http://evil.test)```",
		"| | | … 1 request … | | | |",
		"path\\_traversal × 1",
		"security crawler, 90% confidence: 3 attack tags, against a baseline of 0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// Outside code spans no stored '<' survives unescaped.
	for line := range strings.SplitSeq(out, "\n") {
		if strings.Contains(stripCodeSpans(line), "<") && !strings.Contains(stripCodeSpans(line), `\<`) {
			t.Errorf("raw '<' outside a code span: %q", line)
		}
	}
}

// stripCodeSpans drops the code spans of a line, as a Markdown reader
// would set them apart.
func stripCodeSpans(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			b.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		fence := line[i : i+n]
		end := strings.Index(line[i+n:], fence)
		for end >= 0 && i+n+end+n < len(line) && line[i+n+end+n] == '`' {
			next := strings.Index(line[i+n+end+1:], fence)
			if next < 0 {
				end = -1
				break
			}
			end += 1 + next
		}
		if end < 0 {
			b.WriteString(line[i:])
			break
		}
		i += n + end + n
	}
	return b.String()
}

func TestCodeSpan(t *testing.T) {
	for in, want := range map[string]string{
		"plain":        "`plain`",
		"a`b":          "``a`b``",
		"`x":           "`` `x ``",
		"a``b```c":     "````a``b```c````",
		"line\r\nx":    "`line\\r\\nx`",
		"":             "∅",
		" padded ":     "`  padded  `",
		"<b>&amp;</b>": "`<b>&amp;</b>`",
	} {
		if got := codeSpan(in); got != want {
			t.Errorf("codeSpan(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCollapse(t *testing.T) {
	seq := make([]requestView, 100)
	for i := range seq {
		seq[i].N = i + 1
	}
	tag := []engine.AttackTag{{Type: "sqli"}}
	for _, i := range []int{40, 41, 42, 43, 70} {
		seq[i].Tags, seq[i].Own = tag, tag
	}
	var got []string
	for _, r := range collapse(seq) {
		if r.Skipped > 0 {
			got = append(got, "…"+itoa(r.Skipped))
		} else {
			got = append(got, itoa(r.Req.N))
		}
	}
	want := "1 …38 40 41 …2 44 45 …24 70 71 72 …27 100"
	if strings.Join(got, " ") != want {
		t.Errorf("collapse = %s\nwant       %s", strings.Join(got, " "), want)
	}
	all := make([]requestView, 500)
	for i := range all {
		all[i] = requestView{N: i + 1, Tags: tag, Own: tag}
	}
	if rows := collapse(all); len(rows) > maxMarkdownRows+1 {
		t.Errorf("every request attacked: %d rows, want at most %d and a gap", len(rows), maxMarkdownRows+1)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestErrors(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, attackerSource(), nil, Options{}); !errors.Is(err, ErrNoSessions) {
		t.Errorf("no ids: %v, want ErrNoSessions", err)
	}
	err := Write(&b, attackerSource(), []string{"nope-1"}, Options{Format: HTML})
	if err == nil || !strings.Contains(err.Error(), "nope-1") {
		t.Errorf("unknown session: %v", err)
	}
	if FormatOf("x/report.MD") != Markdown || FormatOf("r.html") != HTML || FormatOf("r") != HTML {
		t.Error("FormatOf")
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("ParseFormat(pdf) accepted")
	}
}

func TestLongBodyCut(t *testing.T) {
	src := attackerSource()
	xs := src.exchanges["abc123-1"]
	xs[0].RespBody = engine.Body{Data: bytes.Repeat([]byte("é"), 40), Size: 1 << 20, Truncated: true}
	var b bytes.Buffer
	if err := Write(&b, src, []string{"abc123-1"}, Options{Format: HTML, Now: fixtureNow, MaxBody: 11}); err != nil {
		t.Fatal(err)
	}
	text, _, _ := htmlFacts(t, b.String())
	if !strings.Contains(text, "ééééé") || strings.Contains(text, "éééééé") {
		t.Errorf("a body cut at 11 bytes: want the five whole characters that fit, no more")
	}
	if !strings.Contains(text, "shown; 80 B of 1 MiB captured") {
		t.Errorf("a cut body: want a note saying how much is shown and captured")
	}
}
