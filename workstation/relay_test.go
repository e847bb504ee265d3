package workstation

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/natstest"
	"github.com/spoorhq/spoor/relay"
	"github.com/spoorhq/spoor/store"
)

// relayRig is one NATS server, an upstream API, capture nodes that publish
// and stores nothing, and a workstation that collects.
type relayRig struct {
	t        *testing.T
	nats     *natstest.Server
	upstream *httptest.Server
	ws       *Workstation
	nodes    map[string]*Node
	key      *relay.Key
}

// testRelayKey is the relay key of the rig's nodes and workstation.
func testRelayKey(t *testing.T) *relay.Key {
	t.Helper()
	k, err := relay.NewKey(bytes.Repeat([]byte{7}, relay.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newRelayRig(t *testing.T) *relayRig {
	t.Helper()
	r := &relayRig{t: t, nats: natstest.Start(t), nodes: map[string]*Node{}, key: testRelayKey(t)}
	r.upstream = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if req.URL.Path == "/login" {
			w.Header().Set("Set-Cookie", "sid="+loginCookie+"; HttpOnly")
		}
		fmt.Fprintf(w, `{"path":%q}`, req.URL.Path)
	}))
	t.Cleanup(r.upstream.Close)
	ws, err := Open(Options{
		Store: filepath.Join(t.TempDir(), "workstation.db"), NoDetect: true,
		Collect: &relay.CollectOptions{Conn: relay.ConnOptions{URL: r.nats.URL()}, Key: r.key},
	})
	if err != nil {
		t.Fatal(err)
	}
	r.ws = ws
	t.Cleanup(func() { _ = ws.Close() })
	return r
}

// node starts a capture node named name.
func (r *relayRig) node(name string, bufferCount int) string {
	r.t.Helper()
	n, err := OpenNode(NodeOptions{
		Options: Options{Upstream: r.upstream.URL, Listen: "127.0.0.1:0"},
		Publish: relay.PublishOptions{Conn: relay.ConnOptions{URL: r.nats.URL()}, Node: name, Key: r.key, BufferCount: bufferCount},
	})
	if err != nil {
		r.t.Fatal(err)
	}
	r.nodes[name] = n
	r.t.Cleanup(func() { _ = n.Close() })
	return "http://" + n.Addr()
}

// waitStored waits until the workstation has committed n collected
// exchanges.
func (r *relayRig) waitStored(n uint64) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if c := r.ws.Stats().Collect; c != nil && c.Stored >= n {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatalf("collected %+v, want %d stored", *r.ws.Stats().Collect, n)
}

// stored reads every stored exchange.
func stored(t *testing.T, st *store.Store) []engine.Exchange {
	t.Helper()
	var all []engine.Exchange
	for after := uint64(0); ; {
		page, err := st.ExchangesPage(after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
}

func get(t *testing.T, c *http.Client, url, session string) error {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", "session="+session)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: status %d", url, resp.StatusCode)
	}
	return nil
}

// TestTwoNodesOneWorkstation is issue 21's first must-show: every exchange
// sent through either of two capture nodes is stored exactly once, with
// its node, and one actor's requests through both nodes are one session.
func TestTwoNodesOneWorkstation(t *testing.T) {
	r := newRelayRig(t)
	bases := map[string]string{"gw-a": r.node("gw-a", 0), "gw-b": r.node("gw-b", 0)}
	const actors, perActor = 4, 50
	c := &http.Client{Timeout: 5 * time.Second}
	sent := map[string]string{} // path → node
	for i := range perActor {
		for a := range actors {
			node := []string{"gw-a", "gw-b"}[(i+a)%2]
			path := fmt.Sprintf("/items/%d/%d", a, i)
			if err := get(t, c, bases[node]+path, fmt.Sprintf("actor%d", a)); err != nil {
				t.Fatal(err)
			}
			sent[path] = node
		}
	}
	r.waitStored(uint64(len(sent)))
	// A moment more, for any copy that should not be there to land.
	time.Sleep(300 * time.Millisecond)
	xs := stored(t, r.ws.Store())
	seen := map[string]int{}
	sessions := map[string]map[string]bool{} // session → nodes
	for _, x := range xs {
		seen[x.Path]++
		if want := sent[x.Path]; x.Node != want {
			t.Errorf("%s stored from node %q, sent through %q", x.Path, x.Node, want)
		}
		if sessions[x.SessionID] == nil {
			sessions[x.SessionID] = map[string]bool{}
		}
		sessions[x.SessionID][x.Node] = true
	}
	for path := range sent {
		if seen[path] != 1 {
			t.Errorf("%s stored %d times, want once", path, seen[path])
		}
	}
	if len(xs) != len(sent) {
		t.Errorf("stored %d exchanges, sent %d", len(xs), len(sent))
	}
	if len(sessions) != actors {
		t.Errorf("%d sessions, want one per actor (%d)", len(sessions), actors)
	}
	for id, nodes := range sessions {
		if !nodes["gw-a"] || !nodes["gw-b"] {
			t.Errorf("session %s spans nodes %v, want both", id, nodes)
		}
	}
	s := r.ws.Stats().Collect
	if len(s.Nodes) != 2 || s.Malformed != 0 {
		t.Errorf("collector stats %+v", *s)
	}
}

// TestNATSDownFiveSeconds is the second half of issue 21's second
// must-show: NATS stops for five seconds under load; both nodes answer
// every request meanwhile, and afterwards each node's exchanges are either
// stored once or counted as dropped by that node. gw-b holds at most 50
// exchanges, so it must drop some during the outage and count them.
func TestNATSDownFiveSeconds(t *testing.T) {
	r := newRelayRig(t)
	bases := map[string]string{"gw-a": r.node("gw-a", 0), "gw-b": r.node("gw-b", 50)}
	var sent, failed sync.Map // node → *atomic.Int64
	for n := range bases {
		sent.Store(n, new(atomic.Int64))
		failed.Store(n, new(atomic.Int64))
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for client := range 4 {
		node := []string{"gw-a", "gw-b"}[client%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 5 * time.Second}
			s, _ := sent.Load(node)
			f, _ := failed.Load(node)
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := get(t, c, fmt.Sprintf("%s/c%d/%d", bases[node], client, i), fmt.Sprintf("client%d", client)); err != nil {
					f.(*atomic.Int64).Add(1)
				}
				s.(*atomic.Int64).Add(1)
				time.Sleep(2 * time.Millisecond)
			}
		}()
	}
	time.Sleep(time.Second)
	r.nats.Stop()
	time.Sleep(5 * time.Second)
	r.nats.Restart()
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	// Closing a node waits for NATS to acknowledge what it holds.
	dropped := map[string]uint64{}
	for name, n := range r.nodes {
		if err := n.Close(); err != nil {
			t.Errorf("close %s: %v", name, err)
		}
		dropped[name] = n.Stats().Dropped
	}
	var total uint64
	for name := range bases {
		s, _ := sent.Load(name)
		f, _ := failed.Load(name)
		if f.(*atomic.Int64).Load() != 0 {
			t.Errorf("%s: %d of %d requests unanswered while NATS was down", name, f.(*atomic.Int64).Load(), s.(*atomic.Int64).Load())
		}
		total += uint64(s.(*atomic.Int64).Load()) - dropped[name]
	}
	r.waitStored(total)
	time.Sleep(300 * time.Millisecond)
	perNode := map[string]uint64{}
	paths := map[string]int{}
	for _, x := range stored(t, r.ws.Store()) {
		perNode[x.Node]++
		paths[x.Node+x.Path]++
	}
	for key, n := range paths {
		if n != 1 {
			t.Errorf("%s stored %d times", key, n)
		}
	}
	for name := range bases {
		s, _ := sent.Load(name)
		n := uint64(s.(*atomic.Int64).Load())
		t.Logf("%s: sent %d, stored %d, dropped %d", name, n, perNode[name], dropped[name])
		if perNode[name]+dropped[name] != n {
			t.Errorf("%s: stored %d + dropped %d != sent %d", name, perNode[name], dropped[name], n)
		}
	}
	if dropped["gw-b"] == 0 {
		t.Errorf("gw-b, holding 50, dropped nothing in a five-second outage: the bound is not applied")
	}
}

// The credentials of the login TestRelayKeepsSecretsOffNATSDisk sends.
const (
	loginToken    = "s3cret-token-4f9a"
	loginPassword = "hunter2-passw0rd"
	loginCookie   = "c00kie-sid-7e1b"
)

// TestRelayKeepsSecretsOffNATSDisk sends a login through a capture node:
// the workstation stores it, its credentials hashed by analysis as usual,
// and nothing NATS wrote to its disk holds a credential in the clear,
// though it holds the message (its subject is found there).
func TestRelayKeepsSecretsOffNATSDisk(t *testing.T) {
	r := newRelayRig(t)
	base := r.node("gw-a", 0)
	req, err := http.NewRequest("POST", base+"/login", strings.NewReader(`{"user":"alice","password":"`+loginPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+loginToken)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	r.waitStored(1)

	xs := stored(t, r.ws.Store())
	if len(xs) != 1 || xs[0].Path != "/login" || xs[0].Node != "gw-a" {
		t.Fatalf("stored %+v, want the login from gw-a", xs)
	}
	x, err := r.ws.Store().Exchange(xs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if auth := x.ReqHeader("Authorization"); !strings.Contains(auth, "hmac:") || strings.Contains(auth, loginToken) {
		t.Errorf("stored Authorization %q, want its token hashed", auth)
	}
	if body := string(x.ReqBody.Data); !strings.Contains(body, `"password":"hmac:`) {
		t.Errorf("stored body %s, want the password hashed", body)
	}

	// Stopping the server flushes what JetStream holds to its files.
	r.nats.Stop()
	var disk []byte
	err = filepath.WalkDir(r.nats.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		disk = append(disk, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(disk, []byte("spoor.x.gw-a")) {
		t.Fatalf("the subject of the message is not on NATS's disk (%d bytes read): the check below would prove nothing", len(disk))
	}
	for _, secret := range []string{loginToken, loginPassword, loginCookie} {
		if bytes.Contains(disk, []byte(secret)) {
			t.Errorf("NATS wrote %q to its disk in the clear", secret)
		}
	}
}
