package report

import (
	"fmt"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// memSource is a Source over literals, as the store would hand them out:
// Requests without bodies, Exchange with them.
type memSource struct {
	sessions  map[string]engine.Session
	exchanges map[string][]engine.Exchange
}

func (m memSource) Session(id string) (engine.Session, error) {
	s, ok := m.sessions[id]
	if !ok {
		return engine.Session{}, fmt.Errorf("session %s: not found", id)
	}
	return s, nil
}

func (m memSource) Requests(id string) ([]engine.Exchange, error) {
	xs := m.exchanges[id]
	out := make([]engine.Exchange, len(xs))
	for i, x := range xs {
		x.ReqBody.Data, x.RespBody.Data = nil, nil
		out[i] = x
	}
	return out, nil
}

func (m memSource) Exchange(id uint64) (engine.Exchange, error) {
	for _, xs := range m.exchanges {
		for _, x := range xs {
			if x.ID == id {
				return x, nil
			}
		}
	}
	return engine.Exchange{}, fmt.Errorf("exchange %d: not found", id)
}

var fixtureNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// xssPayload is what an attacker sent: rendered, it would set
// window.__xss.
const xssPayload = `<script>window.__xss=1</script>`

// attackerSource is one attacker session of six requests: an XSS payload
// in the query and the body, a traversal, a credential that is stored
// hashed, and values made to break Markdown.
func attackerSource() memSource {
	t0 := fixtureNow.Add(-time.Hour)
	ua := "sqlmap/1.8#stable (https://sqlmap.org)"
	mk := func(id uint64, off time.Duration, method, path, query string, status int, tags ...engine.AttackTag) engine.Exchange {
		return engine.Exchange{
			ID: id, SessionID: "abc123-1", Start: t0.Add(off), Duration: time.Duration(id) * 7 * time.Millisecond,
			ClientIP: "192.0.2.66", Method: method, Host: "shop.test", Path: path, Query: query, Status: status,
			ReqHeaders:  []engine.Header{{Name: "User-Agent", Value: ua}, {Name: "Authorization", Value: "Bearer hmac:5f2b"}},
			RespHeaders: []engine.Header{{Name: "Content-Type", Value: "application/json"}},
			RespBody:    engine.Body{Data: []byte(`{"ok":false}`), Size: 12},
			Attacks:     tags,
			Flows:       []string{"Catalog"},
		}
	}
	xs := []engine.Exchange{
		mk(1, 0, "GET", "/products", "page=1", 200),
		mk(2, time.Second, "GET", "/search", "q="+xssPayload, 200,
			engine.AttackTag{Type: "xss", Point: "req.query.q", Rule: "libinjection-xss", Fragment: xssPayload, Message: "XSS"}),
		mk(3, 2*time.Second, "POST", "/reviews", "", 400,
			engine.AttackTag{Type: "xss", Point: "req.json.text", Rule: "crs-941100", Fragment: "<img src=x onerror=alert(1)>"}),
		mk(4, 3*time.Second, "GET", "/files/../../etc/passwd", "", 404,
			engine.AttackTag{Type: "path_traversal", Point: "req.path", Rule: "spoor-traversal", Fragment: "../../etc/passwd"}),
		mk(5, 4*time.Second, "GET", "/a|b`c``d", "x=**bold**&y=[l](http://evil.test)", 500),
		mk(6, 5*time.Second, "GET", "/products/7", "", 200),
	}
	xs[2].ReqBody = engine.Body{Data: []byte(`{"text":"<img src=x onerror=alert(1)>","note":"` + xssPayload + `"}`), Size: 70}
	s := engine.Session{
		ID: "abc123-1", KeyID: "abc123", KeyPoint: "req.ip+req.ua", Identity: "hmac:abc123ffff", Actor: "192.0.2.66 " + ua,
		FirstSeen: xs[0].Start, LastSeen: xs[len(xs)-1].Start, Requests: len(xs),
		IPs: []string{"192.0.2.66"}, UserAgents: []string{ua},
		StatusCounts: map[int]int{200: 3, 400: 1, 404: 1, 500: 1},
		Attacks:      map[string]int{"xss": 2, "path_traversal": 1},
		Flows:        map[string]int{"Catalog": 6},
		Abuse: []engine.Verdict{{Type: engine.AbuseSecurityCrawler, Confidence: 0.9, Detectors: []engine.DetectorResult{
			{Name: "attack_tags", Value: 3, Unit: "count", Explain: "attack tags " + xssPayload},
		}}},
	}
	return memSource{
		sessions:  map[string]engine.Session{s.ID: s},
		exchanges: map[string][]engine.Exchange{s.ID: xs},
	}
}
