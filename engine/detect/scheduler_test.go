package detect

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// TestSchedulerWithoutBudget is an import: every exchange is checked at
// once, whatever the backlog.
func TestSchedulerWithoutBudget(t *testing.T) {
	s := NewScheduler(SchedulerOptions{})
	for _, backlog := range []int{0, 5000} {
		for _, p := range []Priority{PrioritySuspect, PriorityClean, PriorityTagged} {
			if !s.Now(t0, p, backlog) {
				t.Errorf("priority %d, backlog %d: deferred without a budget", p, backlog)
			}
		}
	}
	if !s.Later(t0, PriorityTagged) {
		t.Error("the catch-up queue held back without a budget")
	}
	if got, want := s.Stats(), (SchedulerStats{Tier1: 6, Tier2: 6}); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// TestSchedulerScreens is an import's default: tier 2 checks what tier 1
// tagged and what the prefilter flags at once, and leaves the clean rest
// to tier 1, counted.
func TestSchedulerScreens(t *testing.T) {
	s := NewScheduler(SchedulerOptions{Screen: true})
	for _, p := range []Priority{PrioritySuspect, PriorityClean, PriorityTagged, PriorityClean} {
		left := s.LeftToTier1(p)
		if left != (p == PriorityClean) {
			t.Errorf("priority %d: left to tier 1 %v", p, left)
		}
		if !left && !s.Now(t0, p, 0) {
			t.Errorf("priority %d: deferred without a budget", p)
		}
	}
	if got, want := s.Stats(), (SchedulerStats{Tier1: 4, Tier2: 2, Screened: 2}); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
	if NewScheduler(SchedulerOptions{}).LeftToTier1(PriorityClean) {
		t.Error("a scheduler that does not screen left an exchange to tier 1")
	}
}

// TestSchedulerDefers checks that a behind analysis defers everything
// until the backlog falls to the resume mark, and that a spent budget
// defers too.
func TestSchedulerDefers(t *testing.T) {
	b := NewBudget(BudgetOptions{Cores: 2, Floor: 0.1, Burst: time.Second}) // 100 ms of CPU
	s := NewScheduler(SchedulerOptions{Budget: b, ShedAt: 100, ResumeAt: 10})
	steps := []struct {
		backlog int
		want    bool
	}{
		{0, true},
		{99, true},
		{100, false}, // behind: deferred
		{50, false},  // still behind above the resume mark
		{10, true},   // caught up
		{60, true},   // and stays so until the shedding mark
	}
	for i, st := range steps {
		if got := s.Now(t0, PrioritySuspect, st.backlog); got != st.want {
			t.Errorf("step %d: Now(backlog %d) = %v, want %v", i, st.backlog, got, st.want)
		}
	}
	s.Charge(200 * time.Millisecond) // overdrawn
	if s.Now(t0, PrioritySuspect, 0) {
		t.Error("an overdrawn budget allowed a check at once")
	}
	if s.Later(t0, PrioritySuspect) {
		t.Error("an overdrawn budget allowed a late check")
	}
	s.CheckedLate()
	want := SchedulerStats{Tier1: 7, Tier2: 5, Deferred: 3, Late: 1}
	if got := s.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// TestBudgetPriority checks the order in which a shrinking budget refuses
// work: tagged exchanges first, then clean ones, flagged ones last.
func TestBudgetPriority(t *testing.T) {
	b := NewBudget(BudgetOptions{Cores: 2, Floor: 0.1, Burst: time.Second}) // full: 100 ms
	for _, st := range []struct {
		charge                 time.Duration
		suspect, clean, tagged bool
	}{
		{0, true, true, true},
		{40 * time.Millisecond, true, true, true},    // 60 ms left
		{20 * time.Millisecond, true, true, false},   // 40 ms: tagged wait
		{20 * time.Millisecond, true, false, false},  // 20 ms: clean wait
		{30 * time.Millisecond, false, false, false}, // overdrawn
	} {
		b.Charge(st.charge)
		got := [3]bool{b.Allow(t0, PrioritySuspect), b.Allow(t0, PriorityClean), b.Allow(t0, PriorityTagged)}
		if want := [3]bool{st.suspect, st.clean, st.tagged}; got != want {
			t.Errorf("after %v: allows %v, want %v", st.charge, got, want)
		}
	}
	// 10 ms of debt is paid back in 100 ms at a tenth of a core.
	if b.Allow(t0.Add(90*time.Millisecond), PrioritySuspect) {
		t.Error("the debt was forgiven early")
	}
	if !b.Allow(t0.Add(110*time.Millisecond), PrioritySuspect) {
		t.Error("a flagged check refused once the debt was paid")
	}
}

// TestBudgetShare checks that the share follows the CPU the process spends
// outside tier 2: all but one core when idle, the floor under load or when
// its goroutines wait for a CPU, and that tier 2's own CPU does not count
// as load.
func TestBudgetShare(t *testing.T) {
	b := NewBudget(BudgetOptions{Cores: 4, Floor: 0.05})
	if got := b.Share(); got != 0.05 {
		t.Fatalf("before any reading the share is %v, want the floor", got)
	}
	at, cpu := t0, time.Duration(0)
	latency := time.Duration(0)
	step := func(other, tier2 time.Duration) float64 {
		b.Charge(tier2)
		at, cpu = at.Add(time.Second), cpu+other+tier2
		b.Observe(at, cpu, latency)
		return b.Share()
	}
	step(0, 0) // the first reading only starts the measure
	for range 8 {
		step(0, 0)
	}
	if got := b.Share(); got < 2.99 {
		t.Errorf("idle: share %v, want about 3 of 4 cores", got)
	}
	// Tier 2 using its three cores is not load.
	if got := step(0, 3*time.Second); got < 2.99 {
		t.Errorf("tier 2 busy: share %v, want about 3", got)
	}
	// The proxy taking all four cores leaves the floor.
	for range 8 {
		step(4*time.Second, 0)
	}
	if got := b.Share(); got != 0.05 {
		t.Errorf("saturated: share %v, want the floor", got)
	}
	// Half a core of proxy work leaves two and a half.
	for range 12 {
		step(500*time.Millisecond, 0)
	}
	if got := b.Share(); got < 2.49 || got > 2.51 {
		t.Errorf("proxy at half a core: share %v, want about 2.5", got)
	}
	// Goroutines waiting to run mean other processes hold the cores the
	// process does not use: the floor, whatever its own CPU time.
	latency = 300 * time.Microsecond
	for range 8 {
		step(500*time.Millisecond, 0)
	}
	if got := b.Share(); got != 0.05 {
		t.Errorf("contended: share %v, want the floor", got)
	}
	latency = 20 * time.Microsecond
	for range 12 {
		step(500*time.Millisecond, 0)
	}
	if got := b.Share(); got < 2.49 || got > 2.51 {
		t.Errorf("no longer contended: share %v, want about 2.5", got)
	}
	// One core leaves tier 2 its floor, not nothing.
	one := NewBudget(BudgetOptions{Cores: 1})
	one.Observe(t0, 0, 0)
	one.Observe(t0.Add(time.Second), 0, 0)
	if got := one.Share(); got != 0.05 {
		t.Errorf("one core: share %v, want the floor", got)
	}
}

func TestSchedulerConcurrent(t *testing.T) {
	s := NewScheduler(SchedulerOptions{Budget: NewBudget(BudgetOptions{Cores: 2}), ShedAt: 10})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for i := 0; i < 1000; i++ {
				if s.Now(t0.Add(time.Duration(i)*time.Millisecond), Priority(i%3), i%20) {
					s.Charge(time.Millisecond)
				}
			}
		})
	}
	wg.Wait()
	st := s.Stats()
	if st.Tier1 != 4000 || st.Tier2+st.Deferred != 4000 {
		t.Errorf("stats %+v: every exchange is checked at once or deferred", st)
	}
}

// TestPrefilter checks the prefilter's recall on attacks tier 1 may miss
// and that everyday requests pass it.
func TestPrefilter(t *testing.T) {
	p := NewPrefilter()
	ua := engine.Header{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"}
	ref := engine.Header{Name: "Referer", Value: "https://shop.example.com/products?page=2"}
	jsonCT := engine.Header{Name: "Content-Type", Value: "application/json"}
	for _, tt := range []struct {
		name string
		x    engine.Exchange
		want bool
	}{
		{"plain GET", engine.Exchange{Path: "/products/42", Query: "page=2&sort=price", ReqHeaders: []engine.Header{ua, ref}}, false},
		{"JSON body", engine.Exchange{Path: "/api/orders", ReqHeaders: []engine.Header{ua, jsonCT}, ReqBody: engine.Body{Data: []byte(`{"sku":"A-1","qty":2}`)}}, false},
		{"encoded quote", engine.Exchange{Path: "/search", Query: "q=1%27", ReqHeaders: []engine.Header{ua}}, true},
		{"SQL keyword", engine.Exchange{Path: "/search", Query: "q=1+UNION+ALL+SELECT+1", ReqHeaders: []engine.Header{ua}}, true},
		{"shell separator", engine.Exchange{Path: "/ping", Query: "host=1.1.1.1%3Bid"}, true},
		{"traversal", engine.Exchange{Path: "/static/..%2f..%2fetc/hosts"}, true},
		{"script in JSON", engine.Exchange{Path: "/api/comments", ReqHeaders: []engine.Header{jsonCT}, ReqBody: engine.Body{Data: []byte(`{"text":"<img src=x>"}`)}}, true},
		{"URL parameter", engine.Exchange{Path: "/fetch", Query: "url=http%3A%2F%2F169.254.169.254%2F"}, true},
		{"template", engine.Exchange{Path: "/hello", Query: "name=%7B%7B7*7%7D%7D"}, true},
		{"scanner header", engine.Exchange{Path: "/", ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "Nikto/2.5"}}}, true},
		{"lookup in a header", engine.Exchange{Path: "/", ReqHeaders: []engine.Header{{Name: "X-Api-Version", Value: "${jndi:ldap://x/a}"}}}, true},
		{"Java class in a form", engine.Exchange{Path: "/post", ReqBody: engine.Body{Data: []byte("test=java.lang.ProcessBuilder")}}, true},
		{"prototype pollution", engine.Exchange{Path: "/get", Query: "__proto__%5Btest%5D=1"}, true},
		{"database catalogue", engine.Exchange{Path: "/get", Query: "t=INFORMATION_SCHEMA.tables"}, true},
		{"credential header skipped", engine.Exchange{Path: "/", ReqHeaders: []engine.Header{{Name: "Authorization", Value: "Bearer a'b"}}}, false},
	} {
		if got := p.Suspect(&tt.x); got != tt.want {
			t.Errorf("%s: Suspect = %v, want %v", tt.name, got, tt.want)
		}
	}
	if got := PriorityOf(p, &engine.Exchange{Query: "q=1%27"}, nil); got != PrioritySuspect {
		t.Errorf("flagged clean exchange: priority %d", got)
	}
	if got := PriorityOf(p, &engine.Exchange{Query: "q=1%27"}, []engine.AttackTag{{Type: "sqli"}}); got != PriorityTagged {
		t.Errorf("tagged exchange: priority %d", got)
	}
	if got := PriorityOf(p, &engine.Exchange{Path: "/a"}, nil); got != PriorityClean {
		t.Errorf("clean exchange: priority %d", got)
	}
}

// FuzzPrefilter checks that no input makes the prefilter fail.
func FuzzPrefilter(f *testing.F) {
	f.Add("/a/..%2fb", "q=%27%2", "Mozilla/5.0 (X11)", []byte(`{"a":"<b>"}`))
	f.Add("%", "%zz+", "${", []byte{0, 0xff})
	p := NewPrefilter()
	f.Fuzz(func(t *testing.T, path, query, header string, body []byte) {
		x := engine.Exchange{Path: path, Query: query, ReqHeaders: []engine.Header{{Name: "X-A", Value: header}, {Name: "Content-Type", Value: "application/json"}}, ReqBody: engine.Body{Data: body}}
		p.Suspect(&x)
	})
}

// BenchmarkPrefilter measures the prefilter on a clean browser GET with a
// Referer and a JSON POST, the exchanges it sees most.
func BenchmarkPrefilter(b *testing.B) {
	p := NewPrefilter()
	xs := []engine.Exchange{
		{Method: "GET", Path: "/api/v1/products/42", Query: "page=2&sort=price", ReqHeaders: []engine.Header{
			{Name: "Host", Value: "shop.example.com"},
			{Name: "User-Agent", Value: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"},
			{Name: "Accept", Value: "application/json"}, {Name: "Referer", Value: "https://shop.example.com/products?page=1"}}},
		{Method: "POST", Path: "/api/v1/orders", ReqHeaders: []engine.Header{
			{Name: "Content-Type", Value: "application/json"}, {Name: "User-Agent", Value: "okhttp/4.12"}},
			ReqBody: engine.Body{Data: []byte(`{"sku":"A-1","qty":2,"address":{"city":"Lyon","zip":"69001"}}`)}},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Suspect(&xs[i%len(xs)])
	}
}

// TestPrefilterKeywords checks what the tables assume of the keywords: at
// most 128, two bytes or more, lower case; and that each one flags a value
// that is otherwise clean.
func TestPrefilterKeywords(t *testing.T) {
	ks := prefilterKeywords()
	if len(ks) > 128 {
		t.Fatalf("%d keywords, the tables hold 128", len(ks))
	}
	p := NewPrefilter()
	for _, k := range ks {
		if len(k) < 2 || strings.ToLower(k) != k {
			t.Errorf("keyword %q: want two bytes or more, lower case", k)
		}
		x := engine.Exchange{Path: "/a", ReqHeaders: []engine.Header{{Name: "X-Note", Value: "a" + strings.ToUpper(k) + "b"}}}
		if !p.Suspect(&x) {
			t.Errorf("keyword %q in a header not flagged", k)
		}
	}
}
