package abuse

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

func TestSketchConstants(t *testing.T) {
	if math.Abs(logRatio-math.Log(sketchRatio)) > 1e-15 {
		t.Errorf("logRatio = %v, want ln(%v) = %v", logRatio, sketchRatio, math.Log(sketchRatio))
	}
	if top := bucketValue(sketchBuckets - 1); top < 1e10 {
		t.Errorf("the sketch tops out at %g, below 10 GB", top)
	}
}

func TestSketchQuantile(t *testing.T) {
	var k sketch
	if k.quantile(0.5) != 0 {
		t.Error("empty sketch has a median")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		k.add(math.Exp(rng.NormFloat64())) // log-normal, median 1
	}
	for _, c := range []struct{ q, want float64 }{{0.5, 1}, {0.1, math.Exp(-1.2816)}, {0.9, math.Exp(1.2816)}} {
		if got := k.quantile(c.q); math.Abs(got/c.want-1) > 0.15 {
			t.Errorf("quantile(%v) = %v, want %v ± 15%%", c.q, got, c.want)
		}
	}
	k.add(0)
	k.add(math.NaN())
	k.add(math.Inf(1))
	for range 2 * sketchHalfLife {
		k.add(100)
	}
	if got := k.quantile(0.5); math.Abs(got/100-1) > 0.15 {
		t.Errorf("after a shift to 100 the median is %v: the sketch does not forget", got)
	}
}

func TestDistinct(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 200, 1000, 5000, 20000} {
		var d distinct
		for i := range n {
			d.add(hashString("/products/" + strconv.Itoa(i)))
			d.add(hashString("/products/" + strconv.Itoa(i))) // repeats never count
		}
		got := d.count()
		if n <= exactCap && got != n {
			t.Errorf("%d values: count %d, want exact", n, got)
		}
		if n > exactCap && math.Abs(float64(got)/float64(n)-1) > 0.05 {
			t.Errorf("%d values: count %d, want within 5%%", n, got)
		}
		if d.estimated() != (n > exactCap) {
			t.Errorf("%d values: estimated = %v", n, d.estimated())
		}
		if n > 0 && !d.has(hashString("/products/0")) {
			t.Errorf("%d values: the first is forgotten", n)
		}
	}
}

// TestBaselinesLearn checks that closed ordinary sessions replace the
// defaults: when every session sends 3 requests a second, at irregular
// intervals as people do, 3 a second is ordinary and the rate threshold
// rises to five times that.
func TestBaselinesLearn(t *testing.T) {
	cfg := DefaultConfig()
	tr, err := NewTracker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range cfg.Baseline.MinSessions {
		s := &engine.Session{ID: "busy" + strconv.Itoa(k)}
		at := time.Duration(k) * time.Hour
		for range 120 {
			tr.Observe(get(at, "/feed"), s)
			at += time.Duration(rng.ExpFloat64() * float64(time.Second) / 3)
		}
		if len(s.Abuse) > 0 {
			t.Fatalf("an ordinary busy session drew %s", explainAll(s.Abuse))
		}
	}
	s := &engine.Session{ID: "last"}
	tr.Observe(get(time.Duration(cfg.Baseline.MinSessions+1)*time.Hour, "/feed"), s)
	if got := tr.base.rate.n; got != uint32(cfg.Baseline.MinSessions) {
		t.Fatalf("%d sessions fed the rate baseline, want %d", got, cfg.Baseline.MinSessions)
	}
	if got := tr.base.median(&tr.base.rate, cfg.Rate.Default); math.Abs(got/3-1) > 0.15 {
		t.Errorf("learned rate baseline %v, want about 3", got)
	}
}

// TestBaselinesIgnoreAbusers checks that a session with a verdict never
// teaches the baseline.
func TestBaselinesIgnoreAbusers(t *testing.T) {
	tr, err := NewTracker(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	s := &engine.Session{ID: "stuffer"}
	for i := range 30 {
		tr.Observe(get(time.Duration(i)*100*time.Millisecond, "", login("u"+strconv.Itoa(i)), status(401)), s)
	}
	tr.Evict(t0.Add(24 * time.Hour))
	if tr.base.rate.n != 0 || tr.base.breadth.n != 0 {
		t.Error("an abusive session fed the baselines")
	}
}

// TestMemoryBounded checks that idle state is evicted in exchange time and
// that the caps hold whatever the traffic.
func TestMemoryBounded(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Memory.MaxSessions, cfg.Memory.MaxKeys, cfg.Memory.MaxIPs = 100, 100, 100
	tr, err := NewTracker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 {
		s := &engine.Session{ID: "s" + strconv.Itoa(i)}
		tr.Observe(get(time.Duration(i)*time.Millisecond, "/", from("10.0.0."+strconv.Itoa(i%256)+"."+strconv.Itoa(i))), s)
		if n, k, a := tr.Len(); n > 100 || k > 100 || a > 100 {
			t.Fatalf("after %d sessions the tracker holds %d sessions, %d keys, %d addresses: over the cap of 100", i+1, n, k, a)
		}
	}
	// An hour and a day later in exchange time, one request sweeps the rest.
	s := &engine.Session{ID: "late"}
	tr.Observe(get(25*time.Hour, "/"), s)
	if n, k, a := tr.Len(); n != 1 || k != 1 || a != 1 {
		t.Errorf("after a day of silence the tracker holds %d sessions, %d keys, %d addresses, want 1 each", n, k, a)
	}
	if tr.Refresh(&engine.Session{ID: "s5"}) {
		t.Error("Refresh found an evicted session")
	}
}
