package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/demo"
)

// TestDemoSessions runs `spoor demo --no-tui --for 10s` as a user would and
// checks that `spoor sessions --json` shows each simulated actor as its own
// session(s), keyed the way the actor identifies itself.
func TestDemoSessions(t *testing.T) {
	db := filepath.Join(t.TempDir(), "d.db")
	_, stderr, code := spoor(t, 40*time.Second, "demo", "--no-tui", "--for", "10s", "--db", db)
	if code != 0 {
		t.Fatalf("demo exited %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "dropped 0,") {
		t.Errorf("demo dropped exchanges: %s", stderr)
	}
	out, stderr, code := spoor(t, 10*time.Second, "sessions", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("sessions exited %d: %s", code, stderr)
	}
	var sessions []sessionJSON
	if err := json.Unmarshal([]byte(out), &sessions); err != nil {
		t.Fatalf("sessions --json is not a JSON array: %v", err)
	}

	actorByIP := map[string]demo.ActorInfo{}
	for _, a := range demo.Cast() {
		actorByIP[a.IP] = a
	}
	byActor := map[string][]sessionJSON{}
	takeovers := 0
	for _, s := range sessions {
		total := 0
		for _, n := range s.StatusCounts {
			total += n
		}
		if s.Requests == 0 || total != s.Requests {
			t.Errorf("session %s: %d requests but status counts %v", s.ID, s.Requests, s.StatusCounts)
		}
		if takeover, ok := checkTakeover(t, s, actorByIP); ok {
			// The stuffer's lucky guess logs in as carol: its answer's
			// token identifies carol, so the login joins carol's
			// session, which says so.
			takeovers++
			byActor[takeover] = append(byActor[takeover], s)
			continue
		}
		if len(s.IPs) != 1 {
			t.Errorf("session %s mixes addresses %v: actors must not share sessions", s.ID, s.IPs)
			continue
		}
		a, ok := actorByIP[s.IPs[0]]
		if !ok {
			t.Errorf("session %s from %s, which is no demo actor (X-Forwarded-For not trusted?)", s.ID, s.IPs[0])
			continue
		}
		byActor[a.Name] = append(byActor[a.Name], s)
	}

	if takeovers == 0 {
		t.Errorf("no session holds the stuffer's successful login as carol")
	}

	// A login whose answer sets a cookie and returns a token joins the
	// session the token identifies, and the cookie stands for that token
	// after it: a cookie user's key is the token's, as an app user's is.
	wantKey := map[demo.Kind]string{
		demo.KindCookieUser:        "req.jwt.sub+req.jwt.iss",
		demo.KindJWTUser:           "req.jwt.sub+req.jwt.iss",
		demo.KindEnumerator:        "req.jwt.sub+req.jwt.iss",
		demo.KindAttacker:          "req.ip+req.ua",
		demo.KindCredentialStuffer: "req.ip+req.ua",
		demo.KindScraper:           "req.ip+req.ua",
		demo.KindMCPAgent:          "resp.header.Mcp-Session-Id",
		demo.KindGraphQLClient:     "req.ip+req.ua",
	}
	wantVerdict := map[demo.Kind]string{
		demo.KindAttacker:          "security_crawler",
		demo.KindCredentialStuffer: "credential_stuffing",
		demo.KindScraper:           "scraping",
		demo.KindEnumerator:        "enumeration",
	}
	keyIDs := map[string]string{} // key id → actor: no key value spans two actors
	for _, a := range demo.Cast() {
		got := byActor[a.Name]
		var main *sessionJSON
		for i := range got {
			if owner, dup := keyIDs[got[i].KeyID]; dup && owner != a.Name {
				t.Errorf("key id %s is shared by %s and %s", got[i].KeyID, owner, a.Name)
			}
			keyIDs[got[i].KeyID] = a.Name
			if got[i].KeyPoint == wantKey[a.Kind] && (main == nil || got[i].Requests > main.Requests) {
				main = &got[i]
			}
		}
		if main == nil {
			t.Errorf("%s (%s): no session keyed by %s among %d sessions", a.Name, a.Kind, wantKey[a.Kind], len(got))
			continue
		}
		if a.Account != "" && main.User != a.Account {
			t.Errorf("%s: session user %q, want the account name from the demo configuration", a.Name, main.User)
		}
		if !slices.Contains(main.UserAgents, a.UserAgent) {
			t.Errorf("%s: user agents %v, want %q", a.Name, main.UserAgents, a.UserAgent)
		}
		t.Logf("%-10s %-18s %-26s %3d requests, status %v, abuse %v", a.Name, a.Kind, main.KeyPoint, main.Requests, main.StatusCounts, verdictTypes(*main))
		switch a.Kind {
		case demo.KindCookieUser, demo.KindJWTUser:
			for _, s := range got {
				if strings.HasPrefix(s.KeyPoint, "resp.cookie.") {
					t.Errorf("%s: session %s of %d requests keyed by %s: a login that returns a token must join the token's session", a.Name, s.ID, s.Requests, s.KeyPoint)
				}
				if len(s.Abuse) > 0 && len(s.IPs) == 1 {
					t.Errorf("%s is a normal user but session %s got verdicts %v", a.Name, s.ID, verdictTypes(s))
				}
			}
		case demo.KindMCPAgent:
			if main.MCP == nil || main.MCP.Methods["tools/call"] == 0 || len(main.MCP.Primitives) == 0 {
				t.Errorf("%s: mcp = %+v, want tools/call among the methods and the tools as primitives", a.Name, main.MCP)
			}
		}
		if want, ok := wantVerdict[a.Kind]; ok {
			if len(main.Abuse) == 0 || main.Abuse[0].Type != want {
				t.Errorf("%s: verdicts %v, want %s first", a.Name, verdictTypes(*main), want)
			} else if len(main.Abuse[0].Detectors) == 0 {
				t.Errorf("%s: verdict %s gives no detectors", a.Name, want)
			}
		}
	}
	attacker := byActor["scanner"]
	if len(attacker) == 0 || !strings.HasPrefix(attacker[0].UserAgents[0], "sqlmap/") {
		t.Fatalf("attacker sessions = %+v", attacker)
	}
	checkAttackerTags(t, db, attacker[0])
	for _, a := range demo.Cast() {
		if a.Kind != demo.KindCookieUser && a.Kind != demo.KindJWTUser {
			continue
		}
		for _, s := range byActor[a.Name] {
			if len(s.Attacks) > 0 {
				t.Errorf("%s is a normal user but session %s has attack tags %v", a.Name, s.ID, s.Attacks)
			}
		}
	}
}

// checkAttackerTags checks that the attacker's session counts the attack
// families the demo sends and that its requests say where and by which
// rule each was found.
func checkAttackerTags(t *testing.T, db string, s sessionJSON) {
	t.Helper()
	for _, family := range []string{"sqli", "xss", "path_traversal"} {
		if s.Attacks[family] == 0 {
			t.Errorf("attacker session %s: attacks %v, want %s among them", s.ID, s.Attacks, family)
		}
	}
	out, errOut, code := spoor(t, 10*time.Second, "requests", "--db", db, "--session", s.ID, "--filter", "attack:sqli", "--json")
	if code != 0 {
		t.Fatal(errOut)
	}
	var reqs []requestJSON
	if err := json.Unmarshal([]byte(out), &reqs); err != nil {
		t.Fatal(err)
	}
	if len(reqs) == 0 {
		t.Fatal("requests --filter attack:sqli lists none of the attacker's requests")
	}
	for _, r := range reqs {
		for _, tag := range r.Attacks {
			if tag.Type == "" || tag.Point == "" || tag.Rule == "" {
				t.Errorf("request %d: tag %+v lacks type, point or rule", r.ID, tag)
			}
		}
	}
	tag := reqs[0].Attacks[0]
	t.Logf("attacker: %v; e.g. %s %s?%s: %s at %s by %s", s.Attacks, reqs[0].Method, reqs[0].Path, reqs[0].Query, tag.Type, tag.Point, tag.Rule)
}

// checkTakeover reports whether s holds the credential stuffer's
// successful login beside one person's traffic, and whose; it checks that
// such a session names the person's account and says account_takeover.
func checkTakeover(t *testing.T, s sessionJSON, actorByIP map[string]demo.ActorInfo) (string, bool) {
	t.Helper()
	var stuffer bool
	var person demo.ActorInfo
	for _, ip := range s.IPs {
		switch a := actorByIP[ip]; a.Kind {
		case demo.KindCredentialStuffer:
			stuffer = true
		case demo.KindCookieUser, demo.KindJWTUser:
			person = a
		}
	}
	if !stuffer || s.User == "" || s.KeyPoint != "req.jwt.sub+req.jwt.iss" {
		return "", false
	}
	if person.Name == "" {
		// The guess came while the person was away: it opened a part of
		// the person's identity of its own.
		for _, a := range demo.Cast() {
			if a.Account == s.User {
				person = a
			}
		}
	}
	if person.Name == "" || s.User != person.Account || len(s.IPs) > 2 {
		t.Errorf("session %s (user %q, addresses %v) holds the stuffer's traffic and another actor's", s.ID, s.User, s.IPs)
		return "", false
	}
	if len(s.Abuse) == 0 || s.Abuse[0].Type != "account_takeover" {
		t.Errorf("session %s of %s holds the stuffer's successful login but says %v, want account_takeover first", s.ID, s.User, verdictTypes(s))
	}
	t.Logf("%s's session %s (%d requests from %v) holds the stuffer's successful login: %v", person.Name, s.ID, s.Requests, s.IPs, verdictTypes(s))
	return person.Name, true
}

func verdictTypes(s sessionJSON) []string {
	var out []string
	for _, v := range s.Abuse {
		out = append(out, v.Type)
	}
	return out
}
