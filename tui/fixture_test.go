package tui

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// at is a time on the fixed fixture day, so that goldens never depend on
// the clock.
func at(h, m, s, ms int) time.Time {
	return time.Date(2026, 11, 24, h, m, s, ms*int(time.Millisecond), time.UTC)
}

// fakeSource is an in-memory SessionSource. It is safe for concurrent use
// because the end-to-end test reads it from command goroutines.
type fakeSource struct {
	mu       sync.Mutex
	sessions map[string]*engine.Session
	requests map[string][]engine.Exchange
	err      error
	// Call counts let tests assert that refreshes coalesce.
	sessionCalls, requestCalls int
	// lastID numbers exchanges across sessions, as the store does.
	lastID uint64
}

func newFakeSource() *fakeSource {
	return &fakeSource{sessions: map[string]*engine.Session{}, requests: map[string][]engine.Exchange{}}
}

func (f *fakeSource) Sessions(limit int) ([]engine.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sessionCalls++
	if f.err != nil {
		return nil, f.err
	}
	list := make([]engine.Session, 0, len(f.sessions))
	for _, s := range f.sessions {
		list = append(list, s.Clone())
	}
	slices.SortFunc(list, func(a, b engine.Session) int {
		if c := b.LastSeen.Compare(a.LastSeen); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(list) > limit {
		list = list[:limit]
	}
	return list, nil
}

// SessionsPage pages Sessions(0) by position: the token is the index of
// the next session.
func (f *fakeSource) SessionsPage(token store.PageToken, limit int) ([]engine.Session, store.PageToken, error) {
	all, err := f.Sessions(0)
	if err != nil {
		return nil, "", err
	}
	from := 0
	if token != "" {
		if from, err = strconv.Atoi(string(token)); err != nil {
			return nil, "", err
		}
	}
	from = min(from, len(all))
	to := min(from+limit, len(all))
	var next store.PageToken
	if to < len(all) {
		next = store.PageToken(strconv.Itoa(to))
	}
	return all[from:to], next, nil
}

func (f *fakeSource) Requests(sessionID string) ([]engine.Exchange, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requestCalls++
	if f.err != nil {
		return nil, f.err
	}
	return slices.Clone(f.requests[sessionID]), nil
}

func (f *fakeSource) Exchange(id uint64) (engine.Exchange, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return engine.Exchange{}, f.err
	}
	for _, xs := range f.requests {
		for _, x := range xs {
			if x.ID == id {
				return x, nil
			}
		}
	}
	return engine.Exchange{}, errors.New("no such exchange")
}

// setAttacks gives the stored exchange id these tags, as a mute marks
// them when read.
func (f *fakeSource) setAttacks(id uint64, tags ...engine.AttackTag) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, xs := range f.requests {
		for i := range xs {
			if xs[i].ID == id {
				xs[i].Attacks = slices.Clone(tags)
			}
		}
	}
}

func (f *fakeSource) calls() (sessions, requests int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessionCalls, f.requestCalls
}

func (f *fakeSource) fail(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

// actor describes one fixture session; its summary is derived from its
// exchanges the way the engine would, so the list and the sequence agree.
type actor struct {
	id, name, user, keyPoint string
	ips, agents              []string
	attacks                  map[string]int
}

// req is one fixture exchange; an empty ip or agent takes the actor's first.
type req struct {
	start         time.Time
	method, path  string
	query         string
	status        int
	durMS         float64
	respBytes     int64
	ip            string
	agent         string
	upstreamError string
}

// add appends exchanges to an actor's session, creating it on first use,
// and updates the summary as a store commit would.
func (f *fakeSource) add(a actor, reqs ...req) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[a.id]
	if !ok {
		s = &engine.Session{
			ID:           a.id,
			KeyID:        a.id[:len(a.id)-2],
			KeyPoint:     a.keyPoint,
			Actor:        a.name,
			Part:         1,
			User:         a.user,
			IPs:          slices.Clone(a.ips),
			UserAgents:   slices.Clone(a.agents),
			StatusCounts: map[int]int{},
			Attacks:      a.attacks,
		}
		f.sessions[a.id] = s
	}
	for _, r := range reqs {
		ip := cmp.Or(r.ip, a.ips[0])
		agent := cmp.Or(r.agent, a.agents[0])
		f.lastID++
		x := engine.Exchange{
			ID:         f.lastID,
			SessionID:  a.id,
			Start:      r.start,
			Duration:   time.Duration(r.durMS * float64(time.Millisecond)),
			ClientIP:   ip,
			Method:     r.method,
			Host:       "api.example.test",
			Path:       r.path,
			Query:      r.query,
			ReqHeaders: []engine.Header{{Name: "User-Agent", Value: agent}},
			Status:     r.status,
			RespBody:   engine.Body{Size: r.respBytes},
			Error:      r.upstreamError,
			KeyPoint:   a.keyPoint,
			Examined:   engine.ExaminedTier1 | engine.ExaminedCRS,
		}
		f.requests[a.id] = append(f.requests[a.id], x)
		if s.Requests == 0 || x.Start.Before(s.FirstSeen) {
			s.FirstSeen = x.Start
		}
		if x.Start.After(s.LastSeen) {
			s.LastSeen = x.Start
		}
		s.Requests++
		s.StatusCounts[x.Status]++
		s.RespBytes += x.RespBody.Size
		s.Latency += x.Duration
	}
	// The activity buckets count from the first request, which an
	// out-of-order request moves: replay them all in time order.
	xs := slices.Clone(f.requests[a.id])
	slices.SortStableFunc(xs, func(a, b engine.Exchange) int { return a.Start.Compare(b.Start) })
	s.Activity, s.Endpoints = engine.Activity{}, nil
	for i := range xs {
		s.Activity.Add(xs[i].Start.Sub(s.FirstSeen), xs[i].Status)
		if e := engine.Endpoint(xs[i].Path); len(s.Endpoints) < 16 && !slices.Contains(s.Endpoints, e) {
			s.Endpoints = append(s.Endpoints, e)
		}
	}
}

var errDiskOnFire = errors.New("read spoor.db: input/output error\nbucket sessions unreadable")

// Fixture actors. Their IDs are fixed so goldens can name them.
var (
	alice = actor{
		id: "a11ce0000001-1", name: "eyJhbGciOi…", user: "alice@example.com", keyPoint: "req.jwt.sub",
		ips: []string{"203.0.113.10", "203.0.113.11"}, agents: []string{"Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"},
	}
	bob = actor{
		id: "b0b000000001-1", name: "sess-7f3a9c", user: "bob", keyPoint: "req.header.X-Session-Id",
		ips: []string{"198.51.100.7"}, agents: []string{"okhttp/4.12.0"},
	}
	scanner = actor{
		id: "5ca000000001-1", name: "192.0.2.66 sqlmap/1.8.11", keyPoint: "req.ip+req.ua",
		ips: []string{"192.0.2.66"}, agents: []string{"sqlmap/1.8.11#stable (https://sqlmap.org)"},
		attacks: map[string]int{"sqli": 14, "scanner": 3},
	}
	stuffer = actor{
		id: "57f000000001-1", name: "45.155.205.12", keyPoint: "req.ip",
		ips: []string{"45.155.205.12", "45.155.205.13", "45.155.205.14", "45.155.205.15"}, agents: []string{"python-requests/2.32.3"},
	}
	mobile = actor{
		id: "m0b000000001-1", name: "tok_9f2c…e41a", keyPoint: "req.bearer",
		ips: []string{"2001:db8:85a3::8a2e:370:7334"}, agents: []string{"ShopApp/7.2 (iPhone; iOS 18.1)"},
	}
	agent = actor{
		id: "mcp000000001-1", name: "mcp-4b1d", keyPoint: "req.mcp.session",
		ips: []string{"10.1.2.3"}, agents: []string{"claude-code/2.0"},
	}
	carol = actor{
		id: "ca7000000001-1", name: "token:8c1e…", user: "carol", keyPoint: "resp.json.token",
		ips: []string{"203.0.113.77"}, agents: []string{"Mozilla/5.0 (Macintosh) Safari/18.1"},
	}
	probe = actor{
		id: "he1000000001-1", name: "10.0.0.5", keyPoint: "req.ip",
		ips: []string{"10.0.0.5"}, agents: []string{"kube-probe/1.31"},
	}
)

// fixtureSource holds eight sessions on the fixture day. Alice is the most
// recently active, so she is the first row and the one Enter opens.
func fixtureSource() *fakeSource {
	f := newFakeSource()
	f.add(alice,
		req{start: at(10, 0, 0, 0), method: "GET", path: "/", status: 200, durMS: 3.4, respBytes: 5120},
		req{start: at(10, 0, 0, 182), method: "GET", path: "/static/app.js", status: 304, durMS: 0.8},
		req{start: at(10, 0, 2, 950), method: "POST", path: "/api/v1/login", status: 401, durMS: 41, respBytes: 64},
		req{start: at(10, 0, 9, 120), method: "POST", path: "/api/v1/login", status: 200, durMS: 38, respBytes: 812},
		req{start: at(10, 0, 12, 300), method: "GET", path: "/api/v1/users/42", status: 200, durMS: 12, respBytes: 1480},
		req{start: at(10, 0, 47, 900), method: "GET", path: "/api/v1/orders", query: "page=2&sort=-created_at&filter=status%3Aopen", status: 200, durMS: 95, respBytes: 48213},
		req{start: at(10, 2, 3, 0), method: "DELETE", path: "/api/v1/orders/1337", status: 403, durMS: 9, respBytes: 88},
		req{start: at(10, 2, 30, 500), method: "GET", path: "/api/v1/reports/export", status: 502, durMS: 30000},
		req{start: at(10, 3, 1, 0), method: "POST", path: "/api/v1/upload", status: 0, durMS: 1200, upstreamError: "upstream reset", ip: "203.0.113.11"},
		req{start: at(10, 4, 5, 0), method: "GET", path: "/api/v1/me", status: 200, durMS: 7, respBytes: 2_400_000},
	)
	f.add(bob,
		req{start: at(9, 58, 1, 0), method: "GET", path: "/api/v1/cart", status: 200, durMS: 22, respBytes: 900},
		req{start: at(10, 3, 59, 0), method: "POST", path: "/api/v1/cart/items", status: 201, durMS: 31, respBytes: 120},
	)
	scans := make([]req, 0, 40)
	for i := range 40 {
		status := []int{404, 403, 500, 200}[i%4]
		scans = append(scans, req{start: at(9, 50, i, 0), method: "GET", path: "/api/v1/users", query: "id=1%27%20OR%201%3D1--", status: status, durMS: 4})
	}
	f.add(scanner, scans...)
	for i := range f.requests[scanner.id] {
		if i%3 == 0 {
			f.requests[scanner.id][i].Attacks = []engine.AttackTag{{Type: engine.AttackSQLi, Point: "req.query.id", Rule: "libinjection-sqli", Fragment: "1' OR 1=1--", Message: "SQL injection fingerprint s&1c"}}
		}
	}
	stuffs := make([]req, 0, 120)
	for i := range 120 {
		stuffs = append(stuffs, req{start: at(9, 40, i/4, i%4*200), method: "POST", path: "/api/v1/login", status: 401, durMS: 55, respBytes: 64})
	}
	f.add(stuffer, stuffs...)
	f.add(mobile, req{start: at(9, 31, 0, 0), method: "GET", path: "/api/v2/feed", status: 200, durMS: 140, respBytes: 20000})
	f.add(agent,
		req{start: at(9, 20, 0, 0), method: "POST", path: "/mcp", status: 200, durMS: 18},
		req{start: at(9, 21, 0, 0), method: "POST", path: "/mcp", status: 200, durMS: 250},
	)
	f.add(carol, req{start: at(9, 10, 0, 0), method: "POST", path: "/api/v1/login", status: 200, durMS: 40})
	f.add(probe, req{start: at(8, 0, 0, 0), method: "GET", path: "/healthz", status: 200, durMS: 0.2, respBytes: 2})
	return f
}

func durSeconds(n int) time.Duration { return time.Duration(n) * time.Second }

// ide is a second MCP client, a user's editor, whose one call failed.
var ide = actor{
	id: "1de000000001-1", name: "mcp-77aa", user: "dana", keyPoint: "req.mcp.session",
	ips: []string{"10.1.2.9"}, agents: []string{"Cursor/1.7"},
}

// mcpSource is the rich fixture with MCP on the agent's session and a
// second MCP session, and GraphQL on the mobile app's request: the MCP tab,
// the MCP detail and the operations in the sequence have something to show.
// The agent's calls are initialize, tools/list, two tools/call (one a tool
// error) and a call to a tool the server never listed.
func mcpSource() *fakeSource {
	src := richSource()
	src.add(agent,
		req{start: at(9, 21, 30, 0), method: "POST", path: "/mcp", status: 200, durMS: 95, respBytes: 310},
		req{start: at(9, 22, 0, 0), method: "POST", path: "/mcp", status: 200, durMS: 40, respBytes: 120},
		req{start: at(9, 22, 5, 0), method: "POST", path: "/mcp", status: 400, durMS: 3, respBytes: 90},
	)
	src.add(ide, req{start: at(9, 15, 0, 0), method: "POST", path: "/mcp", status: 401, durMS: 2, respBytes: 40})
	src.mu.Lock()
	defer src.mu.Unlock()
	msg := func(id, method, name, args, outcome string, err *engine.MCPError) engine.MCPMessage {
		return engine.MCPMessage{ID: id, Method: method, Name: name, Arguments: args, Outcome: outcome, Error: err}
	}
	calls := []engine.MCPInfo{
		{Messages: []engine.MCPMessage{msg("1", "initialize", "", "", engine.MCPOutcomeResult, nil)}, ProtocolVersion: "2025-06-18", Client: "claude-code/1.0"},
		{Messages: []engine.MCPMessage{msg("2", "tools/list", "", "", engine.MCPOutcomeResult, nil)}, ProtocolVersion: "2025-06-18"},
		{Messages: []engine.MCPMessage{msg("3", "tools/call", "search_orders", `{"customer":"c-1042","status":["open","shipped"],"limit":20}`, engine.MCPOutcomeResult, nil)}, ProtocolVersion: "2025-06-18", Stream: true},
		{Messages: []engine.MCPMessage{msg("4", "tools/call", "refund_order", `{"order":"o-77","amount":1999}`, engine.MCPOutcomeToolError, &engine.MCPError{Message: "refund exceeds the order total"})}, ProtocolVersion: "2025-06-18"},
		{Messages: []engine.MCPMessage{msg("5", "tools/call", "delete_customer", `{"customer":"c-1042"}`, engine.MCPOutcomeError, &engine.MCPError{Code: -32602, Message: "Unknown tool: delete_customer"})}, ProtocolVersion: "2025-06-18",
			Signals: []engine.ProtocolSignal{{Type: "mcp_unlisted_tool", Message: "delete_customer was not in the server's tools/list"}}},
	}
	s := src.sessions[agent.id]
	for i := range src.requests[agent.id] {
		x := &src.requests[agent.id][i]
		mi := calls[i]
		x.MCP = &mi
		x.ReqHeaders = append(x.ReqHeaders, engine.Header{Name: "Mcp-Session-Id", Value: "hmac:4b1d9e0c2a7f"})
		foldMCP(s, x.MCP)
	}
	src.requests[agent.id][2].RespHeaders = []engine.Header{{Name: "Content-Type", Value: "application/json"}}
	src.requests[agent.id][2].RespBody = engine.Body{Data: []byte(`{"jsonrpc":"2.0","id":3,"result":{"content":[{"type":"text","text":"2 orders"}]}}`), Size: 82}
	x := &src.requests[ide.id][0]
	x.MCP = &engine.MCPInfo{Messages: []engine.MCPMessage{msg("1", "tools/list", "", "", "", nil)}, Client: "cursor/1.7"}
	foldMCP(src.sessions[ide.id], x.MCP)
	src.requests[mobile.id][0].GQL = &engine.GQLInfo{Type: engine.GQLQuery, Name: "GetFeed", Fields: []string{"feed", "viewer"}, Depth: 3}
	return src
}

// foldMCP counts an exchange's MCP into its session's summary, as the
// engine does when it groups the exchange.
func foldMCP(s *engine.Session, mi *engine.MCPInfo) {
	if s.MCP == nil {
		s.MCP = &engine.SessionMCP{Methods: map[string]int{}, Primitives: map[string]int{}}
	}
	for _, m := range mi.Messages {
		if m.Method != "" {
			s.MCP.Methods[m.Method]++
		}
		if m.Name != "" {
			s.MCP.Primitives[m.Name]++
		}
	}
	s.MCP.ProtocolVersion = cmp.Or(mi.ProtocolVersion, s.MCP.ProtocolVersion)
	s.MCP.Client = cmp.Or(s.MCP.Client, mi.Client)
	for _, sig := range mi.Signals {
		if s.MCP.Signals == nil {
			s.MCP.Signals = map[string]int{}
		}
		s.MCP.Signals[sig.Type]++
	}
}
