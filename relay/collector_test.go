package relay

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/natstest"
)

// memoryStore is a Sink and a DeliveryLog at once: an exchange offered is
// committed at once, with its delivery id.
type memoryStore struct {
	mu     sync.Mutex
	stored map[string]int
}

func (m *memoryStore) Offer(x *engine.Exchange) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stored[x.Delivery]++
	return true
}

func (m *memoryStore) Delivered(ids []string) ([]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]bool, len(ids))
	for i, id := range ids {
		out[i] = m.stored[id] > 0
	}
	return out, nil
}

func (m *memoryStore) ForgetDeliveries(time.Duration, int) (int, error) { return 0, nil }

// TestCollectorStoresACopyOnce publishes one exchange three times under
// different Nats-Msg-Ids, so that JetStream's own duplicate window lets
// every copy through, plus a malformed message: the collector stores the
// exchange once, acknowledges every copy, and terminates the malformed one.
func TestCollectorStoresACopyOnce(t *testing.T) {
	ns := natstest.Start(t)
	nc, err := nats.Connect(ns.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	streamOpts := StreamOptions{MaxAge: time.Hour}
	if _, err := streamOpts.ensure(ctx, js); err != nil {
		t.Fatal(err)
	}
	x := captured()
	data := Encode(nil, ID{Node: "gw-a", Run: 1, Seq: 1}, &x)
	for _, msgID := range []string{"a", "b", "c"} {
		if _, err := js.PublishMsg(ctx, &nats.Msg{Subject: streamOpts.subject("gw-a"), Data: data, Header: nats.Header{jetstream.MsgIDHeader: []string{msgID}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := js.Publish(ctx, streamOpts.subject("gw-a"), []byte("not an exchange")); err != nil {
		t.Fatal(err)
	}
	m := &memoryStore{stored: map[string]int{}}
	c, err := Collect(CollectOptions{Conn: ConnOptions{URL: ns.URL()}, Stream: streamOpts}, m, m)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if s := c.Stats(); s.Stored == 1 && s.Duplicates == 2 && s.Malformed == 1 && s.Unacked == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := c.Stats()
	if s.Stored != 1 || s.Duplicates != 2 || s.Malformed != 1 || s.Unacked != 0 {
		t.Fatalf("stats %+v; want 1 stored, 2 duplicates, 1 malformed", s)
	}
	if n := m.stored["gw-a/1/1"]; n != 1 {
		t.Errorf("stored %d times", n)
	}
	cons, err := js.Consumer(ctx, streamOpts.name(), DefaultDurable)
	if err != nil {
		t.Fatal(err)
	}
	// Acknowledgements are sent without waiting; give them a moment.
	for time.Now().Before(deadline) {
		info, err := cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.NumAckPending == 0 && info.NumPending == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("messages left unacknowledged")
}
