package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/spoorhq/spoor/internal/natstest"
	"github.com/spoorhq/spoor/relay"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/workstation"
)

// TestCollectKilledAndRestarted is the first half of issue 21's second
// must-show: a real spoor collect is killed with SIGKILL while two capture
// nodes publish under load, and started again; once the consumer has
// nothing left to deliver or acknowledge, the store holds every exchange
// sent through either node exactly once.
func TestCollectKilledAndRestarted(t *testing.T) {
	ns := natstest.Start(t)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"path":%q}`, r.URL.Path)
	}))
	defer upstream.Close()
	dir := t.TempDir()
	keyFile := writeRelayKey(t, dir, relay.KeySize, 0o600)
	key, err := relay.ReadKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]*workstation.Node{}
	for _, name := range []string{"gw-a", "gw-b"} {
		n, err := workstation.OpenNode(workstation.NodeOptions{
			Options: workstation.Options{Upstream: upstream.URL, Listen: "127.0.0.1:0"},
			Publish: relay.PublishOptions{Conn: relay.ConnOptions{URL: ns.URL()}, Node: name, Key: key},
		})
		if err != nil {
			t.Fatal(err)
		}
		nodes[name] = n
	}
	db := filepath.Join(dir, "collect.db")
	collect := func() *exec.Cmd {
		cmd := exec.Command(spoorBin, "collect", "--subscribe", ns.URL(), "--relay-key", keyFile, "--db", db, "--no-detect", "--log", filepath.Join(dir, "collect.log"))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	first := collect()

	// Load through both nodes; the collector is killed a third of the way
	// in and started again two thirds of the way in.
	const perClient, clients = 400, 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	sent := map[string]bool{}
	var progress sync.WaitGroup
	progress.Add(clients)
	for c := range clients {
		node := nodes[[]string{"gw-a", "gw-b"}[c%2]]
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 5 * time.Second}
			for i := range perClient {
				if i == perClient/3 {
					progress.Done()
				}
				path := fmt.Sprintf("/c%d/%d", c, i)
				resp, err := hc.Get("http://" + node.Addr() + path)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				sent[path] = true
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	progress.Wait()
	// Mid-stream: the first collector has committed and acknowledged
	// some exchanges, and more keep coming.
	info := consumerInfo(t, ns.URL(), func(i *jetstream.ConsumerInfo) bool { return i.AckFloor.Stream > 0 })
	t.Logf("killed with %d messages acknowledged, %d delivered and unacknowledged, %d pending", info.AckFloor.Stream, info.NumAckPending, info.NumPending)
	if err := first.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	time.Sleep(500 * time.Millisecond)
	second := collect()
	defer func() {
		_ = second.Process.Kill()
		_ = second.Wait()
	}()
	wg.Wait()
	for name, n := range nodes {
		if err := n.Close(); err != nil {
			t.Fatalf("close %s: %v", name, err)
		}
		if s := n.Stats(); s.Dropped != 0 || s.Published != s.Offered {
			t.Fatalf("%s: %+v; want everything published", name, s)
		}
	}
	waitConsumed(t, ns.URL())
	if err := second.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := second.Wait(); err != nil {
		t.Fatalf("spoor collect after SIGTERM: %v", err)
	}

	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Check(); err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for after := uint64(0); ; {
		page, err := st.ExchangesPage(after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, x := range page {
			count[x.Path]++
			if !strings.HasPrefix(x.Node, "gw-") {
				t.Errorf("%s stored without its node (%q)", x.Path, x.Node)
			}
		}
		after = page[len(page)-1].ID
	}
	lost, doubled := 0, 0
	for path := range sent {
		switch count[path] {
		case 0:
			lost++
		case 1:
		default:
			doubled++
		}
	}
	if lost != 0 || doubled != 0 || len(count) != len(sent) {
		t.Errorf("sent %d, stored %d distinct: %d lost, %d doubled", len(sent), len(count), lost, doubled)
	}
}

// waitConsumed waits until the workstation's consumer has delivered and
// had acknowledged every message of the stream.
func waitConsumed(t *testing.T, url string) {
	t.Helper()
	consumerInfo(t, url, func(i *jetstream.ConsumerInfo) bool {
		return i.NumPending == 0 && i.NumAckPending == 0 && i.Delivered.Stream > 0
	})
}

// consumerInfo waits until the workstation consumer's state satisfies
// done, and returns it.
func consumerInfo(t *testing.T, url string, done func(*jetstream.ConsumerInfo) bool) *jetstream.ConsumerInfo {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(90 * time.Second)
	var last *jetstream.ConsumerInfo
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		cons, err := js.Consumer(ctx, relay.DefaultStream, relay.DefaultDurable)
		if err == nil {
			last, err = cons.Info(ctx)
		}
		cancel()
		if err == nil && done(last) {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("consumer never reached the state awaited: %+v", last)
	return nil
}

// writeRelayKey writes a key file of n random bytes with mode into dir.
func writeRelayKey(t *testing.T, dir string, n int, mode os.FileMode) string {
	t.Helper()
	b := make([]byte, n)
	_, _ = rand.Read(b)
	path := filepath.Join(dir, fmt.Sprintf("relay-%d-%o.key", n, mode))
	if err := os.WriteFile(path, b, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestNATSFlagMistakes checks that a mistake in the NATS flags is one line
// on stderr and exit code 2, before anything starts.
func TestNATSFlagMistakes(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	key := writeRelayKey(t, dir, relay.KeySize, 0o600)
	short := writeRelayKey(t, dir, 16, 0o600)
	shared := writeRelayKey(t, dir, relay.KeySize, 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"collect", "--db", db}, "--subscribe is required"},
		{[]string{"collect", "--db", db, "--subscribe", "http://127.0.0.1:4222"}, "want nats:// or tls://"},
		{[]string{"proxy", "--upstream", "http://127.0.0.1:1", "--publish", "nats://127.0.0.1:4222", "--node", "gw.a"}, "invalid node name"},
		{[]string{"proxy", "--upstream", "http://127.0.0.1:1", "--publish", "nats://127.0.0.1:4222", "--stream", "a.b"}, "invalid --stream"},
		{[]string{"open", "--db", db, "--subscribe", "nats://"}, "want nats://HOST:PORT"},
		{[]string{"collect", "--db", db, "--subscribe", "nats://127.0.0.1:4222"}, "--relay-key FILE is required"},
		{[]string{"proxy", "--upstream", "http://127.0.0.1:1", "--publish", "nats://127.0.0.1:4222"}, relay.MakeKey},
		{[]string{"open", "--db", db, "--subscribe", "nats://127.0.0.1:4222", "--relay-key", filepath.Join(dir, "none.key")}, "does not exist; make one with: head -c 32 /dev/urandom"},
		{[]string{"collect", "--db", db, "--subscribe", "nats://127.0.0.1:4222", "--relay-key", short}, "has 16 bytes, want exactly 32"},
		{[]string{"proxy", "--upstream", "http://127.0.0.1:1", "--publish", "nats://127.0.0.1:4222", "--relay-key", shared}, "readable by others (mode 0644): chmod 600"},
		{[]string{"proxy", "--upstream", "http://127.0.0.1:1", "--publish", "nats://127.0.0.1:4222", "--relay-key", key, "--node", "gw.a"}, "invalid node name"},
	} {
		_, stderr, code := spoor(t, 30*time.Second, tt.args...)
		if code != 2 || !strings.Contains(stderr, tt.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("spoor %s: exit %d, stderr %q; want 2 and one line with %q", strings.Join(tt.args, " "), code, stderr, tt.want)
		}
	}
}

// TestNATSRelayKeyCommand makes a relay key with spoor relay-key: 32
// bytes readable by the owner only, which --relay-key takes; a second run
// on the same file refuses to overwrite it.
func TestNATSRelayKeyCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "relay.key")
	if _, stderr, code := spoor(t, 30*time.Second, "relay-key", path); code != 0 || !strings.Contains(stderr, "--relay-key") {
		t.Fatalf("spoor relay-key: exit %d, stderr %q", code, stderr)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() != relay.KeySize || info.Mode().Perm()&0o077 != 0 {
		t.Errorf("key file of %d bytes, mode %04o; want %d, owner only", info.Size(), info.Mode().Perm(), relay.KeySize)
	}
	if _, err := relay.ReadKey(path); err != nil {
		t.Error(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, stderr, code := spoor(t, 30*time.Second, "relay-key", path)
	if code != 1 || !strings.Contains(stderr, "never overwritten") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("second spoor relay-key: exit %d, stderr %q; want 1 and one line", code, stderr)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the second run changed the key")
	}
}
