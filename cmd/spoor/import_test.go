package main

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/export"
	"github.com/spoorhq/spoor/internal/conformance"
	"github.com/spoorhq/spoor/store"
)

// storedExchanges opens a store as spoor sessions would and returns every
// exchange, with bodies, in time order, and the sessions.
func storedExchanges(t *testing.T, db string) ([]engine.Exchange, []engine.Session, []byte) {
	t.Helper()
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sessions, err := st.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	var all []engine.Exchange
	for _, s := range sessions {
		xs, err := st.Requests(s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range xs {
			full, err := st.Exchange(x.ID)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, full)
		}
	}
	slices.SortStableFunc(all, func(a, b engine.Exchange) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return int(a.ID) - int(b.ID)
	})
	return all, sessions, st.Secret()
}

// mitmFlow is the part of mitmproxy's expected parse result of a HAR file
// that an exchange is compared with.
type mitmFlow = conformance.ExpectedFlow

// TestImportHARFixtures runs `spoor import` on every HAR file of
// testdata/har (written for the tests, with expected flows in mitmproxy's
// format) and checks that the store holds the requests they expect: method,
// URL, status, headers, bodies and timing. Credentials
// are stored as keyed hashes, so the expected headers are hashed with the
// store's secret before they are compared.
func TestImportHARFixtures(t *testing.T) {
	dir := filepath.Join("testdata", "har")
	files, _ := filepath.Glob(filepath.Join(dir, "*.har"))
	if len(files) != 4 {
		t.Fatalf("found %d HAR files in %s, want 4", len(files), dir)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".har")
		t.Run(name, func(t *testing.T) {
			want, err := conformance.ReadExpectedFlows(filepath.Join(dir, name+".expected-flows.json"))
			if err != nil {
				t.Fatal(err)
			}
			db := filepath.Join(t.TempDir(), "har.db")
			_, stderr, code := spoor(t, 30*time.Second, "import", "--db", db, file)
			// The line goes on with what the Core Rule Set checked
			// (TestImportTagsAttacks).
			wantLine := fmt.Sprintf("import %s: %d %s", file, len(want), plural(len(want), "request", "requests"))
			if code != 0 || !strings.HasPrefix(stderr, wantLine) || strings.Count(stderr, "\n") != 1 {
				t.Fatalf("exit %d, stderr %q; want 0 and one line starting %q", code, stderr, wantLine)
			}
			got, _, secret := storedExchanges(t, db)
			if len(got) != len(want) {
				t.Fatalf("store holds %d exchanges, want %d", len(got), len(want))
			}
			hasher := engine.NewHasher(secret)
			for i, w := range want {
				compareMitmFlow(t, &got[i], w, hasher)
			}
		})
	}
}

func compareMitmFlow(t *testing.T, x *engine.Exchange, w mitmFlow, hasher engine.Hasher) {
	t.Helper()
	r := w.Request
	if x.Method != r.Method {
		t.Errorf("method %q, want %q", x.Method, r.Method)
	}
	wantURL := r.Scheme + "://" + r.Host
	if !(r.Scheme == "https" && r.Port == 443 || r.Scheme == "http" && r.Port == 80) {
		wantURL += ":" + strconv.Itoa(r.Port)
	}
	if got := export.URL(x); got != wantURL+r.Path {
		t.Errorf("URL %q, want %q", got, wantURL+r.Path)
	}
	if x.Status != w.Response.StatusCode {
		t.Errorf("status %d, want %d", x.Status, w.Response.StatusCode)
	}
	// The expected exchange, redacted as the analyzer redacts.
	var exp engine.Exchange
	exp.ReqHeaders = mitmHeaders(r.Headers, len(x.ReqBody.Data), len(x.ReqHeaders))
	exp.RespHeaders = mitmHeaders(w.Response.Headers, len(x.RespBody.Data), len(x.RespHeaders))
	hasher.RedactSecrets(&exp)
	if !slices.Equal(x.ReqHeaders, exp.ReqHeaders) {
		t.Errorf("request headers\n got %v\nwant %v", x.ReqHeaders, exp.ReqHeaders)
	}
	if !slices.Equal(x.RespHeaders, exp.RespHeaders) {
		t.Errorf("response headers\n got %v\nwant %v", x.RespHeaders, exp.RespHeaders)
	}
	for _, body := range []struct {
		side string
		data []byte
		size int64
		n    int
		hash string
	}{{"request", x.ReqBody.Data, x.ReqBody.Size, r.ContentLength, r.ContentHash}, {"response", x.RespBody.Data, x.RespBody.Size, w.Response.ContentLength, w.Response.ContentHash}} {
		sum := sha256.Sum256(body.data)
		if len(body.data) != body.n || int(body.size) != body.n || hex.EncodeToString(sum[:]) != body.hash {
			t.Errorf("%s body: %d bytes (size %d), sha256 %x; want %d bytes, %s", body.side, len(body.data), body.size, sum[:4], body.n, body.hash[:8])
		}
	}
	if d := math.Abs(float64(x.Start.UnixNano())/1e9 - r.TimestampStart); d > 1e-6 {
		t.Errorf("start %v, want %f", x.Start, r.TimestampStart)
	}
	if d := math.Abs(float64(x.End().UnixNano())/1e9 - r.TimestampEnd); d > 1e-6 {
		t.Errorf("end %v, want %f", x.End(), r.TimestampEnd)
	}
}

// mitmHeaders converts mitmproxy's header list. mitmproxy adds a
// content-length header to a message recorded without one; that header was
// never sent, so it is dropped when it is the one header too many and
// states the body's length.
func mitmHeaders(hs [][2]string, bodyLen, gotN int) []engine.Header {
	if n := len(hs); n == gotN+1 && strings.EqualFold(hs[n-1][0], "content-length") && hs[n-1][1] == strconv.Itoa(bodyLen) {
		hs = hs[:n-1]
	}
	var out []engine.Header
	for _, h := range hs {
		out = append(out, engine.Header{Name: h[0], Value: h[1]})
	}
	return out
}

// logLine is one line of the access log as the test reads it, with its
// own expression rather than the importer's parser.
type logLine struct {
	ip, ua string
	t      time.Time
	status int
}

var combinedLine = regexp.MustCompile(`^(\S+) \S+ .*? \[([^\]]+)\] "(?:[^"\\]|\\.)*" (\d{3}) \S+(?: "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)")?`)

func readAccessLog(t *testing.T, path string) []logLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []logLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := combinedLine.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("test parser cannot read %q", sc.Text())
		}
		ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", m[2])
		if err != nil {
			t.Fatal(err)
		}
		status, _ := strconv.Atoi(m[3])
		ua := m[4]
		if ua == "-" {
			ua = ""
		}
		lines = append(lines, logLine{ip: m[1], ua: ua, t: ts, status: status})
	}
	return lines
}

// expectedParts groups lines by client address and user agent, in time
// order, and splits an actor's traffic after 30 minutes of silence or 24
// hours of activity. It returns the request count of each part, by actor.
func expectedParts(lines []logLine) map[string][]int {
	sorted := slices.Clone(lines)
	slices.SortStableFunc(sorted, func(a, b logLine) int { return a.t.Compare(b.t) })
	type open struct{ first, last time.Time }
	state := map[string]*open{}
	parts := map[string][]int{}
	for _, l := range sorted {
		key := l.ip + "\x00" + l.ua
		o := state[key]
		if o == nil || l.t.Sub(o.last) > 30*time.Minute || l.t.Sub(o.first) > 24*time.Hour {
			o = &open{first: l.t}
			state[key] = o
			parts[key] = append(parts[key], 0)
		}
		o.last = l.t
		parts[key][len(parts[key])-1]++
	}
	return parts
}

// TestImportAccessLogSessions imports testdata/access.log (160 lines of six
// actors, written for the test, with pauses that split sessions) and
// compares the sessions in the store with those the test computes on its
// own: one actor per address and user agent, a new session after 30
// minutes of inactivity.
func TestImportAccessLogSessions(t *testing.T) {
	path := filepath.Join("testdata", "access.log")
	lines := readAccessLog(t, path)
	if len(lines) != 160 {
		t.Fatalf("read %d lines of %s, want 160", len(lines), path)
	}
	want := expectedParts(lines)
	db := filepath.Join(t.TempDir(), "log.db")
	_, stderr, code := spoor(t, 60*time.Second, "import", "--db", db, path)
	// The log has a few SQL injection probes tier 1 tags; the summary
	// counts them after the requests.
	if code != 0 || !strings.HasPrefix(stderr, fmt.Sprintf("import %s: %d requests, ", path, len(lines))) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	_, sessions, _ := storedExchanges(t, db)
	got := map[string][]int{}
	wantN := 0
	for _, p := range want {
		wantN += len(p)
	}
	for _, s := range sessions {
		if len(s.IPs) != 1 || len(s.UserAgents) > 1 {
			t.Errorf("session %s mixes actors: %v %v", s.ID, s.IPs, s.UserAgents)
			continue
		}
		ua := ""
		if len(s.UserAgents) == 1 {
			ua = s.UserAgents[0]
		}
		key := s.IPs[0] + "\x00" + ua
		got[key] = append(got[key], s.Requests)
	}
	if len(sessions) != wantN {
		t.Errorf("store holds %d sessions, the log has %d", len(sessions), wantN)
	}
	if len(got) != len(want) {
		t.Errorf("store holds %d actors, the log has %d", len(got), len(want))
	}
	for key, parts := range want {
		g := slices.Clone(got[key])
		slices.Sort(g)
		w := slices.Clone(parts)
		slices.Sort(w)
		if !slices.Equal(g, w) {
			t.Errorf("actor %q: sessions of %v requests, want %v", key, g, w)
		}
	}
	t.Logf("%d lines, %d actors, %d sessions", len(lines), len(want), wantN)
}

// TestImportOnce checks that importing a file again, or the same bytes on
// standard input, is skipped and leaves the store as it was.
func TestImportOnce(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "once.db")
	log := filepath.Join(dir, "access.log")
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, "192.0.2.%d - - [24/Nov/2026:10:%02d:00 +0000] \"GET /items/%d HTTP/1.1\" 200 10 \"-\" \"curl/8\"\n", i%5, i, i)
	}
	if err := os.WriteFile(log, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := spoor(t, 20*time.Second, "import", "--db", db, log); code != 0 || stderr != "import "+log+": 50 requests\n" {
		t.Fatalf("first import: exit %d, %q", code, stderr)
	}
	_, stderr, code := spoor(t, 20*time.Second, "import", "--db", db, log)
	if code != 0 || !strings.HasPrefix(stderr, "import "+log+": already imported, skipped") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("second import: exit %d, %q", code, stderr)
	}
	cmd := exec.Command(spoorBin, "import", "--db", db, "-")
	cmd.Stdin = strings.NewReader(b.String())
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "import stdin: already imported, skipped") {
		t.Fatalf("import from stdin: %v, %q", err, out)
	}
	xs, _, _ := storedExchanges(t, db)
	if len(xs) != 50 {
		t.Errorf("store holds %d exchanges after three imports of 50, want 50", len(xs))
	}
}

// TestImportFormats covers the flags: an nginx log_format, JSON lines with
// a mapping on standard input, gzip, bad lines reported by number, and the
// mistakes that are usage errors.
func TestImportFormats(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var nginx strings.Builder
	for i := range 20 {
		if i == 16 || i == 18 {
			nginx.WriteString("garbage line\n")
			continue
		}
		fmt.Fprintf(&nginx, "api.test|192.0.2.7|[24/Nov/2026:10:00:%02d +0000]|\"POST /v1/orders HTTP/1.1\"|201|0.%03d|\"k-%d\"\n", i, i, i%2)
	}
	nginxLog := write("nginx.log", nginx.String())
	var gz strings.Builder
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"ts":1795514400,"client":"192.0.2.9","verb":"GET","uri":"/a?x=1","code":404,"agent":"bot/1"}` + "\n"))
	zw.Close()
	jsonl := write("events.jsonl.gz", gz.String())

	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{name: "log format with bad lines", args: []string{"--log-format", `$host|$remote_addr|[$time_local]|"$request"|$status|$request_time|"$http_x_api_key"`, nginxLog},
			stderr: "import " + nginxLog + `: 18 requests, 2 bad lines (first: line 17: field 1: no "|" after it) (Core Rule Set: 0 of 18 checked; --crs-all checks all)` + "\n"},
		{name: "json lines from gzip", args: []string{"--map", "time=ts,ip=client,method=verb,path=uri,status=code,ua=agent", jsonl}, stderr: "import " + jsonl + ": 1 request (Core Rule Set: 0 of 1 checked; --crs-all checks all)\n"},
		{name: "json lines from stdin", args: []string{"--format", "jsonl", "-"}, stdin: `{"time":"2026-11-24T11:00:00Z","method":"GET","path":"/b"}` + "\n", stderr: "import stdin: 1 request (Core Rule Set: 0 of 1 checked; --crs-all checks all)\n"},
		{name: "nothing importable", args: []string{"--format", "combined", write("bad.log", "a\nb\n")}, code: exitFailure, stderr: "spoor: import " + filepath.Join(dir, "bad.log") + ": no line could be imported (first: line 1: "},
		{name: "undetectable", args: []string{write("text.txt", "hello\n")}, code: exitFailure, stderr: "spoor: import " + filepath.Join(dir, "text.txt") + ": cannot detect the format"},
		{name: "missing file", args: []string{filepath.Join(dir, "nope.log")}, code: exitFailure, stderr: "spoor: import " + filepath.Join(dir, "nope.log") + ": no such file or directory\n"},
		{name: "no file", args: nil, code: exitUsage, stderr: "spoor: import needs at least one FILE"},
		{name: "unknown format", args: []string{"--format", "xml", nginxLog}, code: exitUsage, stderr: `spoor: unknown format "xml"`},
		{name: "bad log format", args: []string{"--log-format", "$remote_addr", nginxLog}, code: exitUsage, stderr: "spoor: --log-format: log format has no time"},
		{name: "bad mapping", args: []string{"--map", "tme=ts", jsonl}, code: exitUsage, stderr: `spoor: --map: map "tme=ts": unknown name "tme"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "f.db")
			cmd := exec.Command(spoorBin, append([]string{"import", "--db", db}, tt.args...)...)
			cmd.Stdin = strings.NewReader(tt.stdin)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			want := strings.TrimSuffix(tt.stderr, "...\n")
			if !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("stderr %q, want one line starting %q", stderr.String(), want)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}

// TestImportProgressLine checks the progress line drawn on a terminal: a
// bar that follows the bytes read, the count and the rate, cut to the
// terminal's width.
func TestImportProgressLine(t *testing.T) {
	line := progressLine("access.log", 1000, 450, 12345, 2*time.Second, 80)
	for _, want := range []string{"import access.log [", "]  45%", "12345 requests", "6172/s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress line %q lacks %q", line, want)
		}
	}
	if len(line) >= 80 {
		t.Errorf("progress line is %d columns wide in a terminal of 80", len(line))
	}
	if line := progressLine("stdin", 0, 450, 7, time.Second/2, 80); line != "import stdin   7 requests" {
		t.Errorf("progress line without a size = %q", line)
	}
	if line := progressLine(strings.Repeat("x", 200), 1000, 10, 1, time.Second, 60); len(line) >= 60 {
		t.Errorf("long name not cut: %d columns", len(line))
	}
}

// TestImportTagsAttacks imports log lines carrying attacks: they are tagged
// as a capture tags them, with the point and the detector, and counted in
// the summary; --no-detect stores them untagged. By default the Core Rule
// Set checks only what tier 1 tagged or the prefilter flags, and the clean
// line is recorded as examined by tier 1 alone; --crs-all checks it too.
// Paths are stored decoded, as the proxy stores them.
func TestImportTagsAttacks(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "attacks.log")
	lines := `198.51.100.7 - - [24/Nov/2026:10:00:00 +0000] "GET /search?q=1%27%20OR%201=1-- HTTP/1.1" 200 512 "-" "Mozilla/5.0"
198.51.100.7 - - [24/Nov/2026:10:00:01 +0000] "GET /files/..%2f..%2f..%2fetc%2fpasswd HTTP/1.1" 404 12 "-" "Mozilla/5.0"
198.51.100.7 - - [24/Nov/2026:10:00:02 +0000] "GET /products/42 HTTP/1.1" 200 900 "-" "Mozilla/5.0"
`
	if err := os.WriteFile(log, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args  []string
		line  string
		wants map[string]string // path -> "type point rule" of one tag
		clean string            // how /products/42 was examined
	}{
		{nil, "3 requests, 2 with attack tags (Core Rule Set: 2 of 3 checked; --crs-all checks all)", map[string]string{
			"/search": "sqli req.query.q libinjection-sqli", "/files/../../../etc/passwd": "path_traversal req.path spoor-traversal", "/products/42": ""}, "tier1"},
		{[]string{"--crs-all"}, "3 requests, 2 with attack tags (Core Rule Set: 3 checked)", map[string]string{
			"/search": "sqli req.query.q libinjection-sqli", "/files/../../../etc/passwd": "path_traversal req.path spoor-traversal", "/products/42": ""}, "tier1,crs"},
		{[]string{"--no-detect"}, "3 requests", map[string]string{"/search": "", "/files/../../../etc/passwd": "", "/products/42": ""}, "off"},
	} {
		db := filepath.Join(dir, fmt.Sprintf("a%v.db", c.args))
		_, stderr, code := spoor(t, 60*time.Second, append([]string{"import", "--db", db, log}, c.args...)...)
		if want := "import " + log + ": " + c.line + "\n"; code != 0 || stderr != want {
			t.Fatalf("%v: exit %d, stderr %q; want %q", c.args, code, stderr, want)
		}
		out, _, code := spoor(t, 20*time.Second, "requests", "--db", db, "--json")
		if code != 0 {
			t.Fatalf("requests: exit %d", code)
		}
		var reqs []struct {
			Path    string `json:"path"`
			Attacks []struct {
				Type, Point, Rule string
			} `json:"attacks"`
			Examined []string `json:"examined"`
		}
		if err := json.Unmarshal([]byte(out), &reqs); err != nil {
			t.Fatal(err)
		}
		for _, r := range reqs {
			want, ok := c.wants[r.Path]
			if !ok {
				t.Fatalf("%v: unexpected request %s", c.args, r.Path)
			}
			var got []string
			for _, a := range r.Attacks {
				got = append(got, a.Type+" "+a.Point+" "+a.Rule)
			}
			if want == "" && len(got) > 0 || want != "" && !slices.Contains(got, want) {
				t.Errorf("%v: %s tagged %q, want %q", c.args, r.Path, got, want)
			}
			if r.Path == "/products/42" && strings.Join(r.Examined, ",") != c.clean {
				t.Errorf("%v: %s examined %s, want %s", c.args, r.Path, r.Examined, c.clean)
			}
		}
	}
}
