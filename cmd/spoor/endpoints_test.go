package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSpecStatusThroughProxy sends traffic through a real spoor proxy
// that runs with a specification (testdata/shop-v2.yaml, OpenAPI 3.0,
// with shop-v1.json, Swagger 2.0, as its previous version, named by the
// configuration's spec: list) and checks each request's spec_status and
// template, the endpoints' rows, and the spec: filter on requests,
// sessions and endpoints.
func TestSpecStatusThroughProxy(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer upstream.Close()
	db := filepath.Join(t.TempDir(), "spec.db")
	addr := freePort(t)
	cmd := exec.Command(spoorBin, "proxy", "--no-tui", "--upstream", upstream.URL, "--listen", addr, "--db", db,
		"--config", filepath.Join("testdata", "spec-config.yaml"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	waitListening(t, addr)

	traffic := []struct {
		method, target, ua string
		status, endpoint   string
	}{
		{"GET", "/api/users/42", "main", "documented", "/api/users/{id}"},
		{"GET", "/api/users/me", "main", "documented", "/api/users/me"},
		{"GET", "/api/orders?page=1&debug=1", "main", "documented", "/api/orders"},
		{"GET", "/api/legacy/report", "main", "zombie", "/api/legacy/report"},
		{"DELETE", "/api/users/7", "main", "zombie", "/api/users/{id}"},
		{"PATCH", "/api/orders", "main", "undocumented_method", "/api/orders"},
		{"GET", "/api/admin/stats", "prowler", "shadow", "/api/admin/stats"},
		{"GET", "/healthz", "main", "", "/healthz"},
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for _, tr := range traffic {
		req, err := http.NewRequest(tr.method, "http://"+addr+tr.target, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("User-Agent", tr.ua)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("spoor exited with %v; stderr: %s", err, stderr.String())
	}

	var requests []struct {
		Method     string `json:"method"`
		Path       string `json:"path"`
		Endpoint   string `json:"endpoint"`
		SpecStatus string `json:"spec_status"`
	}
	runJSON(t, &requests, "requests", "--db", db, "--json")
	if len(requests) != len(traffic) {
		t.Fatalf("%d requests stored, want %d", len(requests), len(traffic))
	}
	for i, tr := range traffic {
		r := requests[i]
		if r.SpecStatus != tr.status || r.Endpoint != tr.endpoint {
			t.Errorf("%s %s: spec_status %q endpoint %q, want %q %q", tr.method, tr.target, r.SpecStatus, r.Endpoint, tr.status, tr.endpoint)
		}
	}

	var rows []struct {
		Method        string             `json:"method"`
		Endpoint      string             `json:"endpoint"`
		SpecStatus    string             `json:"spec_status"`
		SpecReason    string             `json:"spec_reason"`
		Requests      int                `json:"requests"`
		Sessions      int                `json:"sessions"`
		Latency       map[string]float64 `json:"latency_ms"`
		StatusCounts  map[string]int     `json:"status_counts"`
		ParamsUnknown []string           `json:"params_unknown"`
	}
	runJSON(t, &rows, "endpoints", "--db", db, "--json")
	if len(rows) != len(traffic) {
		t.Fatalf("%d endpoints, want %d: %+v", len(rows), len(traffic), rows)
	}
	reasons := map[string]string{
		"GET /api/legacy/report": "deprecated in shop-v2.yaml",
		"DELETE /api/users/{id}": "in shop-v1.json, absent from shop-v2.yaml",
		"PATCH /api/orders":      "shop-v2.yaml lists GET, POST",
		"GET /api/admin/stats":   "not in shop-v2.yaml",
	}
	for _, r := range rows {
		i := slices.IndexFunc(traffic, func(tr struct{ method, target, ua, status, endpoint string }) bool {
			return tr.method == r.Method && tr.endpoint == r.Endpoint
		})
		if i < 0 {
			t.Errorf("endpoint %s %s was not called", r.Method, r.Endpoint)
			continue
		}
		if r.SpecStatus != traffic[i].status || r.Requests != 1 || r.Sessions != 1 || r.StatusCounts["200"] != 1 {
			t.Errorf("row %s %s: status %q, %d requests, %d sessions, %v", r.Method, r.Endpoint, r.SpecStatus, r.Requests, r.Sessions, r.StatusCounts)
		}
		if want, ok := reasons[r.Method+" "+r.Endpoint]; ok && r.SpecReason != want {
			t.Errorf("row %s %s: reason %q, want %q", r.Method, r.Endpoint, r.SpecReason, want)
		}
		if _, ok := r.Latency["p95"]; !ok {
			t.Errorf("row %s %s has no p95: %v", r.Method, r.Endpoint, r.Latency)
		}
		wantUnknown := []string{}
		if r.Method == "GET" && r.Endpoint == "/api/orders" {
			wantUnknown = []string{"query.debug"}
		}
		if r.ParamsUnknown == nil || !slices.Equal(r.ParamsUnknown, wantUnknown) {
			t.Errorf("row %s %s: params_unknown %v, want %v", r.Method, r.Endpoint, r.ParamsUnknown, wantUnknown)
		}
	}

	runJSON(t, &requests, "requests", "--db", db, "--json", "--filter", "spec:shadow")
	if len(requests) != 1 || requests[0].Path != "/api/admin/stats" {
		t.Errorf("requests --filter spec:shadow: %+v", requests)
	}
	var sessions []struct {
		UserAgents []string `json:"user_agents"`
	}
	runJSON(t, &sessions, "sessions", "--db", db, "--json", "--filter", "spec:shadow")
	if len(sessions) != 1 || !slices.Equal(sessions[0].UserAgents, []string{"prowler"}) {
		t.Errorf("sessions --filter spec:shadow (sessions that touched a shadow endpoint): %+v", sessions)
	}
	runJSON(t, &rows, "endpoints", "--db", db, "--json", "--filter", "spec:zombie", "--sort", "p95")
	if len(rows) != 2 || rows[0].SpecStatus != "zombie" || rows[1].SpecStatus != "zombie" {
		t.Errorf("endpoints --filter spec:zombie: %+v", rows)
	}

	table, errOut, code := spoor(t, 10*time.Second, "endpoints", "--db", db)
	if code != 0 || !strings.Contains(table, "SPEC") || !strings.Contains(table, "undocumented_method") {
		t.Errorf("endpoints table: exit %d %s\n%s", code, errOut, table)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"requests", "--filter", "spec:shadwo"}, `unknown spec status "shadwo" (did you mean shadow?)`},
		{[]string{"endpoints", "--sort", "slowest"}, `invalid --sort "slowest": want requests, p95, errors, attacks`},
		{[]string{"endpoints", "--spec", filepath.Join("testdata", "spec-config.yaml")}, "spec spec-config.yaml: neither an OpenAPI document"},
	} {
		out, errOut, code := spoor(t, 10*time.Second, append(bad.args, "--db", db)...)
		if code == 0 || !strings.Contains(errOut, bad.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("spoor %s: exit %d, stdout %q, stderr %q; want one line with %q", strings.Join(bad.args, " "), code, out, errOut, bad.want)
		}
	}
}

// runJSON runs spoor and decodes its JSON output into v.
func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out, errOut, code := spoor(t, 20*time.Second, args...)
	if code != 0 {
		t.Fatalf("spoor %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("spoor %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}
