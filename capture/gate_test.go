package capture

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestGateAnswersWithoutTheUpstream blocks one path with a 429 and
// forwards the others: the upstream never sees the blocked request, and
// the exchange records the rule.
func TestGateAnswersWithoutTheUpstream(t *testing.T) {
	var calls atomic.Int64
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.WriteString(w, "ok")
	}))
	gate := func(x *engine.Exchange) (int, string) {
		if x.Path == "/admin" {
			return 429, "slow-admin"
		}
		return 0, ""
	}
	h := newHarness(t, up, Options{Gate: gate})

	resp, err := http.Get(h.url + "/admin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || string(body) != "spoor: blocked by rule slow-admin\n" {
		t.Fatalf("blocked answer %d %q", resp.StatusCode, body)
	}
	x := h.next(t)
	if x.Status != 429 || x.BlockedBy != "slow-admin" || x.Path != "/admin" {
		t.Fatalf("recorded %+v", x)
	}
	if calls.Load() != 0 {
		t.Fatal("the upstream was called for a blocked request")
	}

	resp, err = http.Get(h.url + "/users")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if x := h.next(t); resp.StatusCode != 200 || x.BlockedBy != "" || calls.Load() != 1 {
		t.Fatalf("forwarded answer %d, recorded %+v, upstream calls %d", resp.StatusCode, x, calls.Load())
	}
}
