package inventory

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func exchange(method, path string, status int, d time.Duration, session string) *engine.Exchange {
	return &engine.Exchange{
		Method: method, Host: "api.example.com", Path: path, Endpoint: engine.Endpoint(path),
		Status: status, Duration: d, Start: t0, SessionID: session,
	}
}

// TestObserveCounts checks one endpoint's row: requests, distinct
// sessions and users, the status mix, sizes, attacks, abuse, first and
// last seen, parameters with their kinds (never values) and content types.
func TestObserveCounts(t *testing.T) {
	inv := New(nil)
	alice := &engine.Session{ID: "s1", User: "alice"}
	bot := &engine.Session{ID: "s2", User: "bob", Abuse: []engine.Verdict{{Type: engine.AbuseScraping}}}
	crawler := &engine.Session{ID: "s3", Abuse: []engine.Verdict{{Type: engine.AbuseDeclaredCrawler}}}
	for i := range 3 {
		x := exchange("GET", "/users/"+string(rune('1'+i)), 200, time.Duration(i+1)*time.Millisecond, "s1")
		x.Query = "page=2&q=a%20b&id=6f1c9a2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
		x.Start = t0.Add(time.Duration(i) * time.Minute)
		x.RespBody.Size = int64(100 * (i + 1))
		inv.Observe(x, alice)
	}
	x := exchange("GET", "/users/9", 404, 50*time.Millisecond, "s2")
	x.Query = "page=two"
	x.Attacks = []engine.AttackTag{{Type: "sqli"}, {Type: "sqli"}}
	inv.Observe(x, bot)
	inv.Observe(exchange("GET", "/users/10", 200, time.Millisecond, "s3"), crawler)
	post := exchange("POST", "/users", 201, 3*time.Millisecond, "s1")
	post.ReqHeaders = []engine.Header{{Name: "Content-Type", Value: "application/JSON; charset=utf-8"}}
	post.ReqBody = engine.Body{Data: []byte(`{"email":"a@example.com","age":31,"admin":false,"tags":["x"],"address":{"city":"Lyon"},"score":1.5}`), Size: 98}
	inv.Observe(post, alice)

	rows := inv.Snapshot()
	if len(rows) != 2 {
		t.Fatalf("%d endpoints, want 2: %+v", len(rows), rows)
	}
	get := rows[0]
	if get.Method != "GET" || get.Template != "/users/{id}" || get.Requests != 5 {
		t.Fatalf("first row %s %s with %d requests, want GET /users/{id} with 5", get.Method, get.Template, get.Requests)
	}
	if get.Sessions != 3 || get.Users != 2 || get.AbuseSessions != 1 {
		t.Errorf("sessions %d users %d abuse %d, want 3 2 1 (a declared crawler is not abuse)", get.Sessions, get.Users, get.AbuseSessions)
	}
	if get.StatusCounts[200] != 4 || get.StatusCounts[404] != 1 || get.Errors() != 1 {
		t.Errorf("status counts %v", get.StatusCounts)
	}
	if get.Attacks["sqli"] != 2 || get.AttackCount() != 2 {
		t.Errorf("attacks %v, want sqli 2", get.Attacks)
	}
	if get.RespBytes != (Sizes{Total: 600, Max: 300}) {
		t.Errorf("response sizes %+v", get.RespBytes)
	}
	if !get.FirstSeen.Equal(t0) || !get.LastSeen.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("seen %v to %v", get.FirstSeen, get.LastSeen)
	}
	wantParams := []Param{{Name: "page", In: "query", Kind: KindString}, {Name: "q", In: "query", Kind: KindString}, {Name: "id", In: "query", Kind: KindUUID}}
	if !slices.Equal(get.Params, wantParams) {
		t.Errorf("params %+v, want %+v", get.Params, wantParams)
	}
	var total int64
	for _, n := range get.Distribution {
		total += n
	}
	if len(get.Distribution) != len(LatencyBounds())+1 || total != 5 || get.Distribution[0] != 2 || get.Distribution[5] != 1 {
		t.Errorf("distribution %v", get.Distribution)
	}
	p := rows[1]
	slices.SortFunc(p.Params, func(a, b Param) int {
		if a.Name < b.Name {
			return -1
		}
		return 1
	})
	want := []Param{
		{Name: "address", In: "json", Kind: KindObject}, {Name: "admin", In: "json", Kind: KindBool},
		{Name: "age", In: "json", Kind: KindInt}, {Name: "email", In: "json", Kind: KindEmail},
		{Name: "score", In: "json", Kind: KindNumber}, {Name: "tags", In: "json", Kind: KindArray},
	}
	if !slices.Equal(p.Params, want) {
		t.Errorf("json params %+v, want %+v", p.Params, want)
	}
	if !slices.Equal(p.ContentTypes, []string{"application/json"}) {
		t.Errorf("content types %v", p.ContentTypes)
	}
}

type fakeSpec map[string]Description

func (f fakeSpec) Describe(method, host, template string) (Description, bool) {
	d, ok := f[method+" "+template]
	return d, ok
}

// TestSnapshotDescribes checks that a specification's status and reason
// reach the row, and that the parameters it does not declare are listed.
func TestSnapshotDescribes(t *testing.T) {
	inv := New(fakeSpec{"GET /users/{id}": {Status: Documented, Declared: []Param{{Name: "page", In: "query"}}}})
	x := exchange("GET", "/users/1", 200, time.Millisecond, "s1")
	x.Query = "page=1&debug=true"
	inv.Observe(x, nil)
	inv.Observe(exchange("GET", "/internal", 200, time.Millisecond, "s1"), nil)
	rows := inv.Snapshot()
	byTemplate := map[string]Endpoint{}
	for _, r := range rows {
		byTemplate[r.Template] = r
	}
	if r := byTemplate["/users/{id}"]; r.SpecStatus != Documented || !slices.Equal(r.ParamsUnknown, []string{"query.debug"}) {
		t.Errorf("documented row: status %q unknown %v", r.SpecStatus, r.ParamsUnknown)
	}
	if r := byTemplate["/internal"]; r.SpecStatus != "" {
		t.Errorf("a host no spec covers got status %q", r.SpecStatus)
	}
}

// TestPercentilesWithinOnePercent feeds a million durations from a
// heavy-tailed distribution into one endpoint and compares p50, p95 and
// p99 with the exact values at the same ranks, from a sort.
func TestPercentilesWithinOnePercent(t *testing.T) {
	const n = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	inv := New(nil)
	x := exchange("GET", "/search", 200, 0, "s1")
	exact := make([]float64, n)
	for i := range n {
		// Log-normal around 20 ms with a long tail, in whole microseconds
		// as a capture measures them.
		d := time.Duration(math.Exp(rng.NormFloat64()*1.2+math.Log(20)) * float64(time.Millisecond))
		d = d.Truncate(time.Microsecond)
		x.Duration = d
		inv.Observe(x, nil)
		exact[i] = float64(d) / float64(time.Millisecond)
	}
	slices.Sort(exact)
	row := inv.Snapshot()[0]
	if row.Requests != n {
		t.Fatalf("%d requests, want %d", row.Requests, n)
	}
	for _, q := range []struct {
		name string
		q    float64
		got  float64
	}{{"p50", 0.50, row.Latency.P50}, {"p95", 0.95, row.Latency.P95}, {"p99", 0.99, row.Latency.P99}} {
		want := exact[int(q.q*float64(n-1))]
		if rel := math.Abs(q.got-want) / want; rel > 0.01 {
			t.Errorf("%s = %.4f ms, exact %.4f ms: off by %.2f%%, want at most 1%%", q.name, q.got, want, rel*100)
		}
	}
}

// TestRestoreRoundTrip encodes what changed, restores it into a new
// inventory, and checks the rows match; a second restore merges.
func TestRestoreRoundTrip(t *testing.T) {
	inv := New(nil)
	inv.Track()
	for i := range 200 {
		x := exchange("GET", "/items/1", 200+i%2*300, time.Duration(i)*time.Millisecond, string(rune('a'+i%7)))
		x.Query = "sku=12"
		inv.Observe(x, &engine.Session{User: string(rune('A' + i%3))})
	}
	var values [][]byte
	if err := inv.TakeChanges(func(k, v []byte) { values = append(values, v) }); err != nil {
		t.Fatal(err)
	}
	if len(values) != 1 {
		t.Fatalf("%d changed endpoints, want 1", len(values))
	}
	if err := inv.TakeChanges(func(k, v []byte) { t.Errorf("endpoint %q handed twice", k) }); err != nil {
		t.Fatal(err)
	}
	back := New(nil)
	if err := back.Restore(values[0]); err != nil {
		t.Fatal(err)
	}
	want, got := inv.Snapshot(), back.Snapshot()
	if got[0].Requests != want[0].Requests || got[0].Sessions != 7 || got[0].Users != 3 ||
		got[0].Latency != want[0].Latency || !slices.Equal(got[0].Params, want[0].Params) {
		t.Errorf("restored %+v\nwant %+v", got[0], want[0])
	}
	if err := back.Restore(values[0]); err != nil {
		t.Fatal(err)
	}
	if r := back.Snapshot()[0]; r.Requests != 400 || r.Sessions != 7 || r.StatusCounts[500] != 200 {
		t.Errorf("merged twice: %d requests, %d sessions, %v", r.Requests, r.Sessions, r.StatusCounts)
	}
	if err := back.Restore([]byte(`{"v":9}`)); err == nil {
		t.Error("a record of another version restored")
	}
}

// TestSortBy checks each order.
func TestSortBy(t *testing.T) {
	rows := []Endpoint{
		{Template: "/a", Requests: 10, Latency: Latency{P95: 5}, StatusCounts: map[int]int64{200: 10}},
		{Template: "/b", Requests: 5, Latency: Latency{P95: 50}, StatusCounts: map[int]int64{500: 3}, Attacks: map[string]int64{"xss": 1}},
		{Template: "/c", Requests: 1, Latency: Latency{P95: 1}, StatusCounts: map[int]int64{404: 1}, Attacks: map[string]int64{"sqli": 4}},
	}
	for order, want := range map[string]string{SortRequests: "/a/b/c", SortP95: "/b/a/c", SortErrors: "/b/c/a", SortAttacks: "/c/b/a"} {
		SortBy(rows, order)
		got := ""
		for _, r := range rows {
			got += r.Template
		}
		if got != want {
			t.Errorf("sort by %s: %s, want %s", order, got, want)
		}
	}
}

// BenchmarkInventoryObserve is the inventory's cost per analysed
// exchange: a mix of endpoints, sessions and query parameters, with a
// JSON body on the POSTs.
func BenchmarkInventoryObserve(b *testing.B) {
	inv := New(nil)
	inv.Track()
	paths := []string{"/users/42", "/users/me", "/orders/7/items", "/search", "/login", "/products/991", "/cart", "/health"}
	xs := make([]*engine.Exchange, 1024)
	sessions := make([]*engine.Session, 64)
	for i := range sessions {
		sessions[i] = &engine.Session{ID: "s" + string(rune('A'+i)), User: "u" + string(rune('A'+i%20))}
	}
	for i := range xs {
		x := exchange("GET", paths[i%len(paths)], 200, time.Duration(i%97)*time.Millisecond, sessions[i%64].ID)
		x.Query = "page=2&limit=50"
		if i%8 == 4 {
			x.Method = "POST"
			x.ReqHeaders = []engine.Header{{Name: "Content-Type", Value: "application/json"}}
			x.ReqBody = engine.Body{Data: []byte(`{"username":"alice","password":"x"}`), Size: 36}
		}
		xs[i] = x
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		inv.Observe(xs[i%len(xs)], sessions[i%64])
	}
}
