package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// filterFixture imports a log of five clients with known traffic:
// 192.0.2.3 gets 404s, 192.0.2.4 fails to log in, 192.0.2.5 probes /admin.
func filterFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	var b strings.Builder
	for i := range 10 {
		for c := 1; c <= 5; c++ {
			method, path, status := "GET", fmt.Sprintf("/items/%d", i), 200
			switch {
			case c == 3 && i%2 == 0:
				status = 404
			case c == 4:
				method, path, status = "POST", "/login", 401
			case c == 5:
				path = fmt.Sprintf("/admin/secret/%d", i)
			}
			fmt.Fprintf(&b, "192.0.2.%d - - [24/Nov/2026:10:%02d:%02d +0000] \"%s %s HTTP/1.1\" %d %d \"-\" \"ua-%d\"\n", c, i*5, c, method, path, status, 100*c, c)
		}
	}
	// A cache purge: a method no registry lists, which a filter accepts
	// because the store holds it.
	b.WriteString("192.0.2.1 - - [24/Nov/2026:10:00:30 +0000] \"PURGE /cache/items HTTP/1.1\" 200 1 \"-\" \"ua-1\"\n")
	log := filepath.Join(dir, "access.log")
	if err := os.WriteFile(log, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "filter.db")
	if _, stderr, code := spoor(t, 20*time.Second, "import", "--db", db, log); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	return db
}

// TestFilterCLI runs --filter and --sort on spoor sessions and spoor
// requests as a script would, and checks the errors of a bad filter.
func TestFilterCLI(t *testing.T) {
	db := filterFixture(t)
	sessionIPs := func(args ...string) []string {
		t.Helper()
		out, stderr, code := spoor(t, 10*time.Second, append([]string{"sessions", "--db", db, "--json"}, args...)...)
		var ss []sessionJSON
		if code != 0 || json.Unmarshal([]byte(out), &ss) != nil {
			t.Fatalf("sessions %v: exit %d, %s", args, code, stderr)
		}
		var ips []string
		for _, s := range ss {
			ips = append(ips, strings.Join(s.IPs, ","))
		}
		return ips
	}
	requests := func(args ...string) []requestJSON {
		t.Helper()
		out, stderr, code := spoor(t, 10*time.Second, append([]string{"requests", "--db", db, "--ndjson"}, args...)...)
		if code != 0 {
			t.Fatalf("requests %v: exit %d, %s", args, code, stderr)
		}
		var xs []requestJSON
		for line := range strings.Lines(out) {
			var x requestJSON
			if err := json.Unmarshal([]byte(line), &x); err != nil {
				t.Fatal(err)
			}
			xs = append(xs, x)
		}
		return xs
	}
	sorted := func(s []string) []string { slices.Sort(s); return s }

	if got := sorted(sessionIPs("--filter", "status:404")); !slices.Equal(got, []string{"192.0.2.3"}) {
		t.Errorf("status:404 sessions = %v", got)
	}
	if got := sorted(sessionIPs("--filter", "status:4xx !method:GET")); !slices.Equal(got, []string{"192.0.2.4"}) {
		t.Errorf("status:4xx !method:GET sessions = %v", got)
	}
	if got := sorted(sessionIPs("--filter", "path:/admin/** ua-5")); !slices.Equal(got, []string{"192.0.2.5"}) {
		t.Errorf("path:/admin/** sessions = %v", got)
	}
	if got := sessionIPs("--filter", "ip:192.0.2.0/30", "--sort", "first_seen"); !slices.Equal(got, []string{"192.0.2.3", "192.0.2.2", "192.0.2.1"}) {
		t.Errorf("ip:192.0.2.0/30 by first_seen = %v", got)
	}
	if got := sessionIPs("--sort", "errors", "--limit", "2"); !slices.Equal(got, []string{"192.0.2.4", "192.0.2.3"}) {
		t.Errorf("top 2 by errors = %v", got)
	}
	if got := sessionIPs("--filter", "since:2026-11-24T11:00:00Z"); len(got) != 0 {
		t.Errorf("since after the log: %v", got)
	}

	xs := requests("--filter", "status:4xx method:POST")
	if len(xs) != 10 || xs[0].Path != "/login" || xs[0].Status != 401 || !xs[0].Time.Before(xs[9].Time) {
		t.Errorf("POST 4xx requests = %+v", xs)
	}
	xs = requests("--filter", "size:>=400B", "--sort", "size", "--limit", "3")
	if len(xs) != 3 || xs[0].RespBytes != 500 || xs[2].RespBytes != 500 {
		t.Errorf("largest requests = %+v", xs)
	}
	xs = requests("--filter", "endpoint:/items/{id} ip:192.0.2.3 status:200", "--sort", "time")
	if len(xs) != 5 || xs[0].Endpoint != "/items/{id}" {
		t.Errorf("endpoint requests = %+v", xs)
	}
	sid := xs[0].SessionID
	if got := requests("--session", sid, "--filter", "status:404"); len(got) != 5 {
		t.Errorf("404s of session %s: %d, want 5", sid, len(got))
	}
	// Values that exist but that no request has: valid, and nothing
	// matches. PURGE is not registered but the store holds it.
	if got := sessionIPs("--filter", "flow:Billing"); len(got) != 0 {
		t.Errorf("flow:Billing (configured, no traffic): %v", got)
	}
	if got := sessionIPs("--filter", "method:PROPFIND|DELETE attack:xss"); len(got) != 0 {
		t.Errorf("method:PROPFIND|DELETE attack:xss: %v", got)
	}
	if got := requests("--filter", "method:purge"); len(got) != 1 || got[0].Method != "PURGE" {
		t.Errorf("method:purge: %+v, want the one PURGE", got)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"sessions", "--filter", "stauts:404"}, `spoor: invalid filter at column 1: unknown field "stauts" (did you mean status?)`},
		{[]string{"requests", "--filter", "method:GET stauts:404"}, `spoor: invalid filter at column 12: unknown field "stauts" (did you mean status?)`},
		{[]string{"sessions", "--filter", "status:4x4"}, `spoor: invalid filter at column 8: invalid status "4x4"`},
		// Values checked against what exists, with a suggestion or the
		// values there are.
		{[]string{"sessions", "--filter", "attack:foo"}, `spoor: invalid filter at column 8: unknown attack type "foo": want any or sqli, xss,`},
		{[]string{"sessions", "--filter", "status:4xx abuse:bar"}, `spoor: invalid filter at column 18: unknown abuse type "bar": want any or credential_stuffing,`},
		{[]string{"sessions", "--filter", "flow:Nope"}, `spoor: invalid filter at column 6: unknown flow "Nope": the flows are Auth, Account creation,`},
		{[]string{"sessions", "--filter", "flow:Biling"}, `spoor: invalid filter at column 6: unknown flow "Biling" (did you mean Billing?)`},
		{[]string{"requests", "--filter", "method:FOO"}, `spoor: invalid filter at column 8: unknown method "FOO": not a registered HTTP method`},
		{[]string{"requests", "--filter", "method:GTE"}, `spoor: invalid filter at column 8: unknown method "GTE" (did you mean GET?)`},
		{[]string{"sessions", "--sort", "size"}, `spoor: invalid --sort "size"`},
		{[]string{"requests", "--sort", "errors"}, `spoor: invalid --sort "errors"`},
	} {
		out, stderr, code := spoor(t, 10*time.Second, append(tt.args, "--db", db)...)
		if code != exitUsage || !strings.HasPrefix(stderr, tt.want) || strings.Count(stderr, "\n") != 1 || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %q; want exit 2 and %q", tt.args, code, stderr, out, tt.want)
		}
	}
}
