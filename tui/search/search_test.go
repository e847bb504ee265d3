package search

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/sahilm/fuzzy"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
)

// referenceFind is the straightforward search the Index must agree with:
// every string of every session sanitized and scored, the best per
// session kept (the first on a tie), sessions ranked by score and then by
// list order.
func referenceFind(query string, list []engine.Session, endpoints map[string][]string) []Match {
	type candidate struct {
		session int
		field   string
		text    string
	}
	var cs []candidate
	var texts []string
	for i := range list {
		s := &list[i]
		add := func(field, text string) {
			if text != "" {
				cs = append(cs, candidate{session: i, field: field, text: table.Sanitize(text)})
				texts = append(texts, table.Sanitize(text))
			}
		}
		add("key", s.Actor)
		add("user", s.User)
		for _, ip := range s.IPs {
			add("ip", ip)
		}
		for _, ua := range s.UserAgents {
			add("ua", ua)
		}
		for _, e := range endpoints[s.ID] {
			add("endpoint", e)
		}
	}
	best := map[int]Match{}
	for _, fm := range fuzzy.FindNoSort(query, texts) {
		c := cs[fm.Index]
		if cur, ok := best[c.session]; ok && cur.Score >= fm.Score {
			continue
		}
		best[c.session] = Match{SessionID: list[c.session].ID, Index: c.session, Field: c.field, Text: c.text, Marks: fm.MatchedIndexes, Score: fm.Score}
	}
	idx := make([]int, 0, len(best))
	for i := range best {
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Or(cmp.Compare(best[b].Score, best[a].Score), cmp.Compare(a, b)) })
	out := make([]Match, 0, len(best))
	for _, i := range idx {
		out = append(out, best[i])
	}
	return out
}

// variedSessions generates sessions whose texts repeat across sessions as
// real ones do, in mixed case, with the runes that fold into ASCII (the
// Kelvin sign, the long s), wide runes, escapes, invalid bytes and empty
// values, and a few duplicated IDs.
func variedSessions(n int, seed uint64) ([]engine.Session, map[string][]string) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	uas := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.1 Safari/605.1.15",
		"Googlebot/2.1 (+http://www.google.com/bot.html)",
		"curl/8.4.0", "python-requests/2.31", "BOT-SCANNER \u212aelvin", "ſecret-agent/1.0",
		"evil\x1b[31mred", "bad\xffbyte", "admin\u202egnp.exe", "日本語ブラウザ/1.0", "",
	}
	users := []string{"", "", "alice", "Bob", "carol@example.com", "ḊAVE", "chrome-fan", "\u212a"}
	paths := []string{"/api/v1/login", "/api/v1/users/42", "/static/chrome.js", "/ſearch", "/api/\x00nul"}
	list := make([]engine.Session, n)
	endpoints := map[string][]string{}
	for i := range list {
		id := fmt.Sprintf("s%05d", i)
		if i > 0 && r.IntN(50) == 0 {
			id = list[r.IntN(i)].ID
		}
		ips := []string{fmt.Sprintf("66.249.%d.%d", r.IntN(4), r.IntN(20))}
		if r.IntN(5) == 0 {
			ips = append(ips, fmt.Sprintf("10.0.%d.%d", r.IntN(3), r.IntN(9)))
		}
		var agents []string
		for range r.IntN(3) {
			agents = append(agents, uas[r.IntN(len(uas))])
		}
		list[i] = engine.Session{
			ID:         id,
			Actor:      []string{fmt.Sprintf("sess-%04d", r.IntN(n)), ips[0], "Bearer " + uas[r.IntN(len(uas))], ""}[r.IntN(4)],
			User:       users[r.IntN(len(users))],
			IPs:        ips,
			UserAgents: agents,
		}
		if r.IntN(4) == 0 {
			endpoints[id] = []string{paths[r.IntN(len(paths))], paths[r.IntN(len(paths))], ""}
		}
	}
	endpoints["gone"] = []string{"/api/v1/login"}
	return list, endpoints
}

var queries = []string{
	"chrome", "CHROME", "bot", "66.249", "mozilla windows", "zzqx", "k", "K", "\u212a", "s", "ſ",
	"sess-00", "alice", "ḋave", "日本", "\\x1b", "x1b[31", "\\u202e", "api login", "/", " ", "a", "e.",
	"safari 605", "Bearer", "\x00", "nul",
}

func TestIndexMatchesReference(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		list, endpoints := variedSessions(3000, seed)
		x := NewIndex(list)
		for _, q := range queries {
			for _, eps := range []map[string][]string{nil, endpoints} {
				got, want := x.Find(q, eps), referenceFind(q, list, eps)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d, query %q, %d endpoint lists: %d matches, want %d; first difference %s",
						seed, q, len(eps), len(got), len(want), firstDifference(got, want))
				}
			}
		}
	}
}

// TestIndexParallel scores a list large enough to be split between
// goroutines, with queries running at once as they do when the user types
// fast.
func TestIndexParallel(t *testing.T) {
	list, endpoints := variedSessions(40_000, 7)
	x := NewIndex(list)
	var wg sync.WaitGroup
	for _, q := range []string{"chrome", "66.249.1", "sess-01", "\u212a"} {
		wg.Go(func() {
			if got, want := x.Find(q, endpoints), referenceFind(q, list, endpoints); !reflect.DeepEqual(got, want) {
				t.Errorf("query %q: %d matches, want %d; first difference %s", q, len(got), len(want), firstDifference(got, want))
			}
		})
	}
	wg.Wait()
}

func TestIndexFor(t *testing.T) {
	list, _ := variedSessions(10, 1)
	x := NewIndex(list)
	if !x.For(list) || x.For(list[:5]) || x.For(slices.Clone(list)) || (*Index)(nil).For(list) {
		t.Error("For does not tell its own list from others")
	}
	if got := x.Find("", nil); got != nil {
		t.Errorf("empty query found %d sessions", len(got))
	}
}

func firstDifference(got, want []Match) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("at %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	return "in length"
}
