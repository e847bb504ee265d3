package main

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/export"
)

// roundTripHAR is a HAR of one API client: JSON, binary and oversized
// bodies, credentials, an encoded query, a 404 and sub-millisecond timing.
func roundTripHAR(t *testing.T, dir string) string {
	t.Helper()
	binary := base64.StdEncoding.EncodeToString([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xfe, 0xff})
	big := strings.Repeat("0123456789", 7000) // 70,000 bytes: over the 64 KiB capture limit
	headers := `{"name":"Authorization","value":"Bearer tok-123"},{"name":"Cookie","value":"sid=abc; theme=dark"},{"name":"User-Agent","value":"shop-app/2.1"}`
	entry := func(start string, ms float64, method, url, reqExtra, status, respHeaders, content string) string {
		b, _ := json.Marshal(ms)
		return `{"startedDateTime":"` + start + `","time":` + string(b) + `,"_clientIP":"203.0.113.5",` +
			`"request":{"method":"` + method + `","url":"` + url + `","httpVersion":"HTTP/1.1","cookies":[],"headers":[` + headers + `],"queryString":[],"headersSize":-1,"bodySize":-1` + reqExtra + `},` +
			`"response":{"status":` + status + `,"statusText":"","httpVersion":"HTTP/1.1","cookies":[],"headers":[` + respHeaders + `],"content":` + content + `,"redirectURL":"","headersSize":-1,"bodySize":-1},"cache":{},"timings":{"send":0,"wait":0,"receive":0}}`
	}
	har := `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` + strings.Join([]string{
		entry("2026-11-24T10:00:00.123456789Z", 12.345678, "POST", "https://api.test/v1/orders?coupon=x%20y&n=1",
			`,"postData":{"mimeType":"application/json","text":"{\"sku\":\"A1\",\"qty\":2,\"password\":\"p4ss\"}"}`, "201",
			`{"name":"Content-Type","value":"application/json"},{"name":"Set-Cookie","value":"sid=abc; HttpOnly"}`,
			`{"size":9,"mimeType":"application/json","text":"{\"id\":42}"}`),
		entry("2026-11-24T10:00:01.5Z", 0.5, "GET", "https://api.test/v1/orders/42", "", "200",
			`{"name":"Content-Type","value":"image/png"}`, `{"size":9,"mimeType":"image/png","text":"`+binary+`","encoding":"base64"}`),
		entry("2026-11-24T10:00:02Z", 250, "GET", "https://api.test/v1/export", "", "200",
			`{"name":"Content-Type","value":"text/plain"}`, `{"size":70000,"mimeType":"text/plain","text":"`+big+`"}`),
		entry("2026-11-24T10:05:00Z", 1500, "DELETE", "https://api.test/v1/orders/42", "", "404",
			`{"name":"X-Request-Id","value":"r-1"}`, `{"size":0,"mimeType":"","text":""}`),
	}, ",") + `]}}`
	path := filepath.Join(dir, "client.har")
	if err := os.WriteFile(path, []byte(har), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// importFixture imports the round-trip HAR into a new store and returns
// the store and the id of its one session.
func importFixture(t *testing.T) (db, sessionID string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "one.db")
	if _, stderr, code := spoor(t, 20*time.Second, "import", "--db", db, roundTripHAR(t, dir)); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	out, stderr, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json")
	var sessions []sessionJSON
	if code != 0 || json.Unmarshal([]byte(out), &sessions) != nil || len(sessions) != 1 || sessions[0].Requests != 4 {
		t.Fatalf("sessions: exit %d, %s %s", code, out, stderr)
	}
	return db, sessions[0].ID
}

// TestExportHARRoundTrip exports a session as HAR, imports the export into
// a second store, and checks that every request kept its method, URL,
// headers, bodies, status, timing and client address. Credentials and
// secret body fields are stored as keyed hashes, so the comparison is of
// what is stored; hashing a hash leaves it unchanged, which is what lets
// the second store keep them as the first did.
func TestExportHARRoundTrip(t *testing.T) {
	db1, id := importFixture(t)
	har, stderr, code := spoor(t, 10*time.Second, "export", "--db", db1, "--session", id, "--format", "har")
	if code != 0 || stderr != "" {
		t.Fatalf("export: exit %d, %q", code, stderr)
	}
	var doc struct {
		Log struct {
			Version string            `json:"version"`
			Entries []json.RawMessage `json:"entries"`
		} `json:"log"`
	}
	if err := json.Unmarshal([]byte(har), &doc); err != nil || doc.Log.Version != "1.2" || len(doc.Log.Entries) != 4 {
		t.Fatalf("export is not a HAR 1.2 of 4 entries: %v\n%.300s", err, har)
	}
	dir := t.TempDir()
	exported := filepath.Join(dir, "export.har")
	if err := os.WriteFile(exported, []byte(har), 0o600); err != nil {
		t.Fatal(err)
	}
	db2 := filepath.Join(dir, "two.db")
	if _, stderr, code := spoor(t, 20*time.Second, "import", "--db", db2, exported); code != 0 || !strings.HasPrefix(stderr, "import "+exported+": 4 requests") {
		t.Fatalf("import of the export: exit %d, %q", code, stderr)
	}
	before, _, _ := storedExchanges(t, db1)
	after, sessions, _ := storedExchanges(t, db2)
	if len(sessions) != 1 || len(after) != len(before) {
		t.Fatalf("second store: %d sessions, %d exchanges; want 1 and %d", len(sessions), len(after), len(before))
	}
	if auth := before[0].ReqHeader("Authorization"); strings.Contains(auth, "tok-123") || strings.Contains(string(before[0].ReqBody.Data), "p4ss") {
		t.Errorf("first store keeps credentials in clear: %q, %q", auth, before[0].ReqBody.Data)
	}
	if b := before[2].RespBody; !b.Truncated || b.Size != 70000 || len(b.Data) != 64<<10 {
		t.Errorf("oversized body stored as %d of %d bytes, truncated %v", len(b.Data), b.Size, b.Truncated)
	}
	for i := range before {
		a, b := &before[i], &after[i]
		checks := []struct {
			what string
			ok   bool
		}{
			{"method", a.Method == b.Method},
			{"URL", export.URL(a) == export.URL(b)},
			{"request headers", slices.Equal(a.ReqHeaders, b.ReqHeaders)},
			{"response headers", slices.Equal(a.RespHeaders, b.RespHeaders)},
			{"request body", bytes.Equal(a.ReqBody.Data, b.ReqBody.Data) && a.ReqBody.Size == b.ReqBody.Size && a.ReqBody.Truncated == b.ReqBody.Truncated},
			{"response body", bytes.Equal(a.RespBody.Data, b.RespBody.Data) && a.RespBody.Size == b.RespBody.Size && a.RespBody.Truncated == b.RespBody.Truncated},
			{"status", a.Status == b.Status},
			{"start", a.Start.Equal(b.Start)},
			{"duration", a.Duration == b.Duration},
			{"client IP", a.ClientIP == b.ClientIP},
		}
		for _, c := range checks {
			if !c.ok {
				t.Errorf("request %d (%s %s): %s differs after the round trip\nbefore %+v\n after %+v", i, a.Method, a.Path, c.what, *a, *b)
			}
		}
	}
	if d := before[0].Duration; d != 12345678*time.Nanosecond {
		t.Errorf("duration %v, want 12.345678ms", d)
	}
}

// TestExportFormats checks the curl, CSV and JSON exports and the mistakes
// export reports.
func TestExportFormats(t *testing.T) {
	db, id := importFixture(t)
	curl, _, code := spoor(t, 10*time.Second, "export", "--db", db, "--session", id, "--format", "curl")
	for _, want := range []string{
		"curl -X 'POST' 'https://api.test/v1/orders?coupon=x%20y&n=1'",
		"-H 'User-Agent: shop-app/2.1'",
		"--data-binary '{",
		"# credentials are stored as keyed hashes",
		"curl -X 'DELETE' 'https://api.test/v1/orders/42'",
	} {
		if code != 0 || !strings.Contains(curl, want) {
			t.Errorf("curl export lacks %q:\n%s", want, curl)
		}
	}
	if n := strings.Count(curl, "\ncurl "); n != 4 {
		t.Errorf("curl export has %d commands, want 4", n)
	}
	out, _, code := spoor(t, 10*time.Second, "export", "--db", db, "--session", id, "--format", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != 0 || err != nil || len(rows) != 5 || !slices.Equal(rows[0], csvColumns()) || rows[4][3] != "DELETE" || rows[4][8] != "404" {
		t.Errorf("csv export: exit %d, %v, rows %q", code, err, rows)
	}
	out, _, code = spoor(t, 10*time.Second, "export", "--db", db, "--session", id, "--format", "json")
	var doc struct {
		Session  sessionJSON   `json:"session"`
		Requests []requestJSON `json:"requests"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.Session.ID != id || len(doc.Requests) != 4 || doc.Requests[1].Endpoint != "/v1/orders/{id}" {
		t.Errorf("json export: exit %d, %.400s", code, out)
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--format", "xml", "--session", id}, exitUsage, `spoor: invalid --format "xml"`},
		{nil, exitUsage, "spoor: --session is required"},
		{[]string{"--session", "nope-1"}, exitFailure, "spoor: session nope-1: not found"},
	} {
		out, stderr, code := spoor(t, 10*time.Second, append([]string{"export", "--db", db}, tt.args...)...)
		if code != tt.code || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 || out != "" {
			t.Errorf("export %v: exit %d, stderr %q, stdout %q; want %d and %q", tt.args, code, stderr, out, tt.code, tt.want)
		}
	}
}
