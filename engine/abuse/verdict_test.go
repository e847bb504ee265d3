package abuse

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// person is a shopper: a login, then browsing with one to three seconds of
// thought between requests.
func person(id, ip, agent string, n int, seed uint64) []step {
	rng := rand.New(rand.NewPCG(seed, 1))
	at := time.Duration(0)
	steps := in(id, get(at, "", login("alice"), from(ip), ua(agent)))
	for i := range n - 1 {
		at += 500*time.Millisecond + time.Duration(rng.Int64N(int64(2500*time.Millisecond)))
		target := []string{"/products?page=" + strconv.Itoa(1+rng.IntN(50)), "/products/" + strconv.Itoa(1+rng.IntN(1000)), "/cart", "/search?q=lamp"}[i%4]
		steps = append(steps, step{id, get(at, target, from(ip), ua(agent))})
	}
	return steps
}

const (
	googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	sqlmapUA  = "sqlmap/1.8#stable (https://sqlmap.org)"
)

// TestVerdicts checks the verdicts of one typical session per behaviour.
func TestVerdicts(t *testing.T) {
	const curl = "curl/8.5.0"
	cases := []struct {
		name  string
		steps []step
		want  []string // verdict types in order, nil for none
	}{
		{"a person shopping", person("s", "203.0.113.10", browserUA, 60, 1), nil},
		{"an app user on okhttp", person("s", "198.51.100.21", "okhttp/4.12.0", 60, 2), nil},
		{"a person who mistypes once", append(in("s", get(0, "", login("carol"), status(401))),
			in("s", get(2*time.Second, "", login("carol")))...), nil},
		{"a credential stuffer", in("s", spaced(30, 200*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "", login(fmt.Sprintf("user%d@mail.example", i)), status(401), ua("python-requests/2.32.3"))
		})...), []string{engine.AbuseCredentialStuffing}},
		{"a brute forcer", in("s", spaced(20, 300*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "", login("admin"), status(401), ua(curl))
		})...), []string{engine.AbuseBruteForce}},
		{"a brute forcer who gets in", append(in("s", spaced(12, 300*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "", login("admin"), status(401), ua(curl))
		})...), in("s", get(5*time.Second, "", login("admin"), ua(curl)))...),
			[]string{engine.AbuseBruteForce, engine.AbuseAccountTakeover}},
		{"a stuffer dropping its session after each guess", func() []step {
			var steps []step
			for i := range 30 {
				steps = append(steps, step{"k" + strconv.Itoa(i), get(time.Duration(i)*time.Second, "", login("u"+strconv.Itoa(i)), status(401))})
			}
			return append(steps, step{"s", get(time.Minute, "", login("last"), status(401))})
		}(), []string{engine.AbuseCredentialStuffing}},
		{"an enumerator meeting 404s", in("s", spaced(40, 100*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			code := 200
			if i%3 == 0 {
				code = 404
			}
			return get(at, fmt.Sprintf("/invoices/%d", 7000+i*13), status(code))
		})...), []string{engine.AbuseEnumeration}},
		{"a blind sequential walk by a script", in("s", spaced(200, 100*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/users/"+strconv.Itoa(i+1), ua("PostmanRuntime/7.42.0"))
		})...), []string{engine.AbuseEnumeration}},
		{"a harvest by a regular script", in("s", spaced(80, 400*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/articles?page="+strconv.Itoa(i), ua(curl))
		})...), []string{engine.AbuseScraping}},
		{"a declared search engine, one request: too little to say", in("s", get(0, "/robots.txt", ua(googlebot))), nil},
		{"a declared search engine, five requests", in("s", spaced(5, 3*time.Second, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/articles/"+strconv.Itoa(i), ua(googlebot))
		})...), []string{engine.AbuseDeclaredCrawler}},
		{"a declared search engine harvesting", in("s", spaced(80, 400*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/articles?page="+strconv.Itoa(i), ua(googlebot))
		})...), []string{engine.AbuseScraping}},
		{"an SEO crawler", in("s", spaced(5, 3*time.Second, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/articles/"+strconv.Itoa(i), ua("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"))
		})...), []string{engine.AbuseScraping}},
		{"a scanner by its user agent, one request: too little to say", in("s", get(0, "/.env", status(404), ua(sqlmapUA))), nil},
		{"a scanner by its user agent", in("s", spaced(5, time.Second, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/.env"+strconv.Itoa(i), status(404), ua(sqlmapUA))
		})...), []string{engine.AbuseSecurityCrawler}},
		{"forced browsing without a telling user agent", in("s", spaced(40, 150*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/probe"+strconv.Itoa(i), status(pick(i%2 == 0, 200, 404)))
		})...), []string{engine.AbuseSecurityCrawler}},
		{"a resource consumer", in("s", spaced(12, 2*time.Second, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/export?size=100000", respBytes(4<<20), took(3*time.Second))
		})...), []string{engine.AbuseResourceConsumption}},
		{"a regular script doing nothing specific", in("s", spaced(30, time.Second, func(i int, at time.Duration) *engine.Exchange {
			return get(at, "/status", ua(curl))
		})...), []string{engine.AbuseSuspicious}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, sessions := run(t, DefaultConfig(), c.steps)
			s := sessions["s"]
			tr.Refresh(s)
			var got []string
			for _, v := range s.Abuse {
				got = append(got, v.Type)
				if v.Confidence < 0.5 || v.Confidence > 1 || len(v.Detectors) == 0 {
					t.Errorf("%s: confidence %v with %d detectors", v.Type, v.Confidence, len(v.Detectors))
				}
				for _, d := range v.Detectors {
					if d.Name == "" || d.Explain == "" {
						t.Errorf("%s: detector without a name or explanation: %+v", v.Type, d)
					}
				}
			}
			t.Log(explainAll(s.Abuse))
			if !slices.Equal(got, c.want) {
				t.Errorf("verdicts %v, want %v\n%s", got, c.want, explainAll(s.Abuse))
			}
		})
	}
}

func explainAll(vs []engine.Verdict) string {
	var b strings.Builder
	for _, v := range vs {
		fmt.Fprintf(&b, "%s %.2f\n", v.Type, v.Confidence)
		for _, d := range v.Detectors {
			fmt.Fprintf(&b, "  %s: %s\n", d.Name, d.Explain)
		}
	}
	return b.String()
}

// TestExplainAgainstBaseline checks that a detector's explanation reads as
// value against baseline, with the ratio an investigator can check.
func TestExplainAgainstBaseline(t *testing.T) {
	steps := in("s", spaced(200, 100*time.Millisecond, func(i int, at time.Duration) *engine.Exchange {
		return get(at, "/users/"+strconv.Itoa(i+1), ua("PostmanRuntime/7.42.0"))
	})...)
	tr, sessions := run(t, DefaultConfig(), steps)
	tr.Refresh(sessions["s"])
	var ids *engine.DetectorResult
	for _, v := range sessions["s"].Abuse {
		for i := range v.Detectors {
			if v.Detectors[i].Name == "object_ids" {
				ids = &v.Detectors[i]
			}
		}
	}
	if ids == nil {
		t.Fatalf("no object_ids detector in %s", explainAll(sessions["s"].Abuse))
	}
	want := "distinct ids on /users/{id} ~201, 67× above the baseline of 3 (fires at ≥ 20)"
	if ids.Value != 201 || ids.Baseline != 3 || ids.Unit != "count" || ids.Explain != want {
		t.Errorf("object_ids = %+v, want value 201 (estimated past 64), baseline 3, explain %q", *ids, want)
	}
}

// TestVerdictsLive checks that verdicts appear at the request that earns
// them, not RecomputeEvery later, and that a published slice is never
// changed afterwards.
func TestVerdictsLive(t *testing.T) {
	tr, err := NewTracker(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	s := &engine.Session{ID: "s"}
	var first []engine.Verdict
	var firstAt int
	for i := range 100 {
		x := get(time.Duration(i)*200*time.Millisecond, "", login(fmt.Sprintf("u%d", i)), status(401), ua("python-requests/2.32.3"))
		tr.Observe(x, s)
		if first == nil && len(s.Abuse) > 0 {
			first, firstAt = s.Abuse, i+1
		}
	}
	if firstAt != DefaultConfig().Auth.MinFailures {
		t.Errorf("first verdict after %d failures, want %d", firstAt, DefaultConfig().Auth.MinFailures)
	}
	if got := detectorValue(first[0], "failed_logins"); got != 10 {
		t.Errorf("first verdict's failed_logins changed to %v after it was published", got)
	}
	// A session already judged is rescored at every further attempt, so
	// that the evidence its verdict states is current.
	if got := detectorValue(s.Abuse[0], "failed_logins"); got != 100 || s.Abuse[0].Evidence != 100 {
		t.Errorf("latest failed_logins = %v, evidence %d, want 100", got, s.Abuse[0].Evidence)
	}
}

func detectorValue(v engine.Verdict, name string) float64 {
	for _, d := range v.Detectors {
		if d.Name == name {
			return d.Value
		}
	}
	return -1
}
