package abuse

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// pick returns below or above by the case being built.
func pick[T any](above bool, below, over T) T {
	if above {
		return over
	}
	return below
}

// TestDetectorThresholds builds, for every detector, one session just
// below its default threshold and one just above it, and checks that only
// the second fires.
func TestDetectorThresholds(t *testing.T) {
	browse := func(i int, at time.Duration) *engine.Exchange {
		return get(at, "/products/"+strconv.Itoa(i%3+1))
	}
	cases := []struct {
		name string
		d    detector
		// build returns the steps; the session to score is "s".
		build func(above bool) []step
	}{
		{"rate 2.4 vs 2.6 req/s over 10 s", dRate, func(above bool) []step {
			return in("s", over(pick(above, 25, 27), 10*time.Second, browse)...)
		}},
		{"rate needs a 10 s span", dRate, func(above bool) []step {
			return in("s", over(40, pick(above, 9*time.Second, 10*time.Second), browse)...)
		}},
		{"regularity cv 0.36 vs 0.26", dRegularity, func(above bool) []step {
			delta := pick(above, 0.35, 0.25)
			at := time.Duration(0)
			var xs []*engine.Exchange
			for i := range 21 {
				xs = append(xs, browse(i, at))
				gap := 1 + delta
				if i%2 == 1 {
					gap = 1 - delta
				}
				at += time.Duration(gap * float64(time.Second))
			}
			return in("s", xs...)
		}},
		{"regularity needs 10 intervals", dRegularity, func(above bool) []step {
			return in("s", spaced(pick(above, 10, 11), time.Second, browse)...)
		}},
		{"unique share 85% vs 90%", dUniqueShare, func(above bool) []step {
			distinctN := pick(above, 17, 18)
			return in("s", spaced(20, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/page/"+strconv.Itoa(min(i, distinctN-1))+"/x")
			})...)
		}},
		{"breadth 24 vs 25 endpoints", dBreadth, func(above bool) []step {
			return in("s", spaced(pick(above, 24, 25), time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/area"+strconv.Itoa(i))
			})...)
		}},
		{"4xx share 45% vs 50%", dClientErrors, func(above bool) []step {
			bad := pick(above, 9, 10)
			return in("s", spaced(20, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/products", status(pick(i < bad, 200, 400)))
			})...)
		}},
		{"404 share 25% vs 30%", dNotFound, func(above bool) []step {
			missing := pick(above, 5, 6)
			return in("s", spaced(20, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/products", status(pick(i < missing, 200, 404)))
			})...)
		}},
		{"harvest 49 vs 50 resources", dHarvest, func(above bool) []step {
			return in("s", spaced(pick(above, 49, 50), time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/articles?page="+strconv.Itoa(i))
			})...)
		}},
		{"failed logins 9 vs 10", dFailedLogins, func(above bool) []step {
			return in("s", spaced(pick(above, 9, 10), time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "", login("alice"), status(401))
			})...)
		}},
		{"user names 4 vs 5 over 10 failures", dUsernames, func(above bool) []step {
			names := pick(above, 4, 5)
			return in("s", spaced(10, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "", login("user"+strconv.Itoa(i%names)), status(401))
			})...)
		}},
		{"user names share 25% vs 30%", dUsernames, func(above bool) []step {
			failures := pick(above, 24, 20) // six names
			return in("s", spaced(failures, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "", login("user"+strconv.Itoa(i%6)), status(401))
			})...)
		}},
		{"user name focus 50% vs 60%", dUsernameFocus, func(above bool) []step {
			onAdmin := pick(above, 5, 6)
			return in("s", spaced(10, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "", login(pick(i < onAdmin, "bob", "admin")), status(401))
			})...)
		}},
		{"takeover after 4 vs 5 failures", dTakeover, func(above bool) []step {
			fails := pick(above, 4, 5)
			xs := spaced(fails, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "", login("carol"), status(401))
			})
			xs = append(xs, get(time.Minute, "", login("carol")))
			return in("s", xs...)
		}},
		{"object ids 19 vs 20", dObjectIDs, func(above bool) []step {
			return in("s", spaced(pick(above, 19, 20), time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/users/"+strconv.Itoa(i*7+1))
			})...)
		}},
		{"sequential steps 55% vs 60%", dSequentialIDs, func(above bool) []step {
			seq := pick(above, 11, 12) // of 20 steps
			id := 1000
			return in("s", spaced(21, time.Second, func(i int, at time.Duration) *engine.Exchange {
				if i > 0 {
					id += pick(i <= seq, 50, 1)
				}
				return get(at, "/users/"+strconv.Itoa(id))
			})...)
		}},
		{"object errors 15% vs 20%", dObjectErrors, func(above bool) []step {
			bad := pick(above, 3, 4)
			return in("s", spaced(20, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/orders/"+strconv.Itoa(i+1), status(pick(i < bad, 200, 403)))
			})...)
		}},
		{"ids listed vs never listed", dUnlistedIDs, func(above bool) []step {
			xs := []*engine.Exchange{get(0, pick(above, "/users", "/health"))}
			xs = append(xs, spaced(5, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(time.Second+at, "/users/"+strconv.Itoa(i+1))
			})...)
			return in("s", xs...)
		}},
		{"key from 4 vs 5 addresses", dIPRotation, func(above bool) []step {
			ips := pick(above, 4, 5)
			return in("s", spaced(10, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/products", from(fmt.Sprintf("198.51.100.%d", i%ips+1)))
			})...)
		}},
		{"key addresses per request 18% vs 20%", dIPRotation, func(above bool) []step {
			n := pick(above, 28, 25) // five addresses
			return in("s", spaced(n, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/products", from(fmt.Sprintf("198.51.100.%d", i%5+1)))
			})...)
		}},
		{"address with 9 vs 10 keys", dSessionRotation, func(above bool) []step {
			others := pick(above, 8, 9) // and "s" itself
			var steps []step
			for i := range 2 * others {
				steps = append(steps, step{session: "k" + strconv.Itoa(i%others), x: get(time.Duration(i)*time.Second, "/products")})
			}
			return append(steps, step{session: "s", x: get(time.Minute, "/products")})
		}},
		{"automation user agent", dAutomationUA, func(above bool) []step {
			return in("s", get(0, "/", ua(pick(above, "okhttp/4.12.0", "curl/8.5.0"))))
		}},
		{"headless browser", dAutomationUA, func(above bool) []step {
			return in("s", get(0, "/", ua(pick(above, browserUA, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36"))))
		}},
		{"crawler user agent", dCrawlerUA, func(above bool) []step {
			return in("s", get(0, "/", ua(pick(above, browserUA, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"))))
		}},
		{"scraper user agent", dScraperUA, func(above bool) []step {
			return in("s", get(0, "/", ua(pick(above, "python-requests/2.32.3", "Scrapy/2.11 (+https://scrapy.org)"))))
		}},
		{"scanner user agent", dScannerUA, func(above bool) []step {
			return in("s", get(0, "/", ua(pick(above, "Googlebot/2.1", "Mozilla/5.00 (Nikto/2.5.0) (Evasions:None) (Test:007357)"))))
		}},
		{"mean response 255 vs 256 KiB", dResponseBytes, func(above bool) []step {
			size := pick[int64](above, 255<<10, 256<<10)
			return in("s", spaced(10, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/export", respBytes(size))
			})...)
		}},
		{"mean server time 499 vs 500 ms", dServerTime, func(above bool) []step {
			d := pick(above, 499*time.Millisecond, 500*time.Millisecond)
			return in("s", spaced(10, time.Second, func(i int, at time.Duration) *engine.Exchange {
				return get(at, "/search", took(d))
			})...)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, above := range []bool{false, true} {
				m := measures(t, DefaultConfig(), c.build(above), "s")
				if got := m[c.d].fired; got != above {
					t.Errorf("%s fired = %v, want %v (%s)", c.d, got, above, m[c.d].explain())
				}
			}
		})
	}
}

// TestAttackTagsThreshold checks the attack-tag detector, which reads the
// session's tags as detection left them.
func TestAttackTagsThreshold(t *testing.T) {
	for _, tc := range []struct {
		tags int
		want bool
	}{{2, false}, {3, true}} {
		tr, err := NewTracker(DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		s := &engine.Session{ID: "s", Attacks: map[string]int{"sqli": tc.tags}}
		tr.Observe(get(0, "/search?q=x"), s)
		var f findings
		ss := tr.sessions["s"]
		ss.attacks = s.AttackCount()
		tr.score(ss, &tr.scratch, &f)
		if got := tr.scratch[dAttackTags].fired; got != tc.want {
			t.Errorf("%d tags: fired = %v, want %v", tc.tags, got, tc.want)
		}
	}
}
