package workstation

import (
	"path/filepath"
	"testing"

	"github.com/spoorhq/spoor/engine"
)

// TestSeenPoints imports a small HAR (a login answering a JWT, a call with
// the bearer and cookies, a GraphQL query, a form post) and names the
// points the stored copies carry: every kind the grammar reads from
// headers, cookies, bodies and tokens, with the number of exchanges that
// carried each, and no value.
func TestSeenPoints(t *testing.T) {
	db := filepath.Join(t.TempDir(), "points.db")
	im, err := OpenImport(ImportOptions{Store: db, NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenSource(filepath.Join("testdata", "points.har"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := im.Import(t.Context(), src, nil); err != nil {
		t.Fatal(err)
	}
	src.Close()
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	w, err := Open(Options{Store: db, NoDetect: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	points, err := w.SeenPoints()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, p := range points {
		got[p.Point] = p.Count
		if _, err := engine.ParsePoint(p.Point); err != nil {
			t.Errorf("%s is not a point the grammar reads: %v", p.Point, err)
		}
	}
	want := map[string]int{
		"req.header.Authorization": 2, "req.bearer": 2,
		"req.jwt.sub": 2, "req.jwt.role": 2, "req.jwt.iss": 2,
		"req.cookie.sid": 1, "req.cookie.theme": 1,
		"req.query.page":    1,
		"req.json.username": 1, "req.json.password": 1,
		"resp.json.token": 1, "resp.json.user.id": 1, "resp.json.items.0.sku": 1, "resp.json.data.order.total": 1,
		"resp.cookie.sid":          1,
		"resp.header.Content-Type": 4,
		"req.gql.operation":        1, "req.gql.type": 1, "req.gql.var.id": 1,
		"req.form.email": 1, "req.form.topics": 1,
	}
	for p, n := range want {
		if got[p] != n {
			t.Errorf("%s seen %d times, want %d", p, got[p], n)
		}
	}
	for _, p := range []string{"resp.json.items.1.sku", "req.cookie.abc123", "req.jwt.alice"} {
		if _, ok := got[p]; ok {
			t.Errorf("%s listed: a second array element or a value became a name", p)
		}
	}
}
