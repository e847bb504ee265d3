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
// its Nats-Msg-Id, each after JetStream's duplicate window (made as short
// as JetStream allows) has passed, so that every copy is stored; plus
// messages that do not open (the copy replayed under another id, one
// sealed with another key, the clear encoding) and a malformed one. The
// collector stores the exchange once, acknowledges every copy, and
// terminates the rest.
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
	cfg := streamOpts.config()
	cfg.Duplicates = 100 * time.Millisecond
	if _, err := js.CreateOrUpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	// publish publishes data under msgID, again while JetStream calls it
	// a duplicate.
	publish := func(msgID string, data []byte) {
		t.Helper()
		for {
			ack, err := js.PublishMsg(ctx, &nats.Msg{Subject: streamOpts.subject("gw-a"), Data: data, Header: nats.Header{jetstream.MsgIDHeader: []string{msgID}}})
			if err != nil {
				t.Fatal(err)
			}
			if !ack.Duplicate {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	key := testKey(t, 1)
	x := captured()
	id := ID{Node: "gw-a", Run: 1, Seq: 1}
	sealed := seal(t, key, id, &x)
	for range 3 {
		publish(id.String(), sealed)
	}
	publish("gw-a/1/2", sealed)
	publish("gw-a/1/3", seal(t, testKey(t, 2), ID{Node: "gw-a", Run: 1, Seq: 3}, &x))
	publish("gw-a/1/4", Encode(nil, ID{Node: "gw-a", Run: 1, Seq: 4}, &x))
	if _, err := js.Publish(ctx, streamOpts.subject("gw-a"), []byte("not an exchange")); err != nil {
		t.Fatal(err)
	}
	m := &memoryStore{stored: map[string]int{}}
	c, err := Collect(CollectOptions{Conn: ConnOptions{URL: ns.URL()}, Stream: streamOpts, Key: key}, m, m)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if s := c.Stats(); s.Stored == 1 && s.Duplicates == 2 && s.Malformed == 1 && s.Unopened == 3 && s.Unacked == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := c.Stats()
	if s.Stored != 1 || s.Duplicates != 2 || s.Malformed != 1 || s.Unopened != 3 || s.Unacked != 0 {
		t.Fatalf("stats %+v; want 1 stored, 2 duplicates, 1 malformed, 3 unopened", s)
	}
	if n := m.stored["gw-a/1/1"]; n != 1 || len(m.stored) != 1 {
		t.Errorf("stored %v, want gw-a/1/1 once", m.stored)
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
