package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/spoorhq/spoor/engine"
)

// Sink takes an exchange for analysis without waiting; the workstation's
// queue is one. It is capture.Sink, declared here where it is used.
type Sink interface {
	Offer(x *engine.Exchange) bool
}

// DeliveryLog is the store's record of the delivery ids it committed
// (engine.Exchange.Delivery), which the collector reads to acknowledge
// what is stored and to skip what comes again.
type DeliveryLog interface {
	Delivered(ids []string) ([]bool, error)
	ForgetDeliveries(window time.Duration, limit int) (int, error)
}

// Defaults of CollectOptions.
const (
	// DefaultDurable names the workstation's consumer.
	DefaultDurable = "spoor-workstation"
	// DefaultAckWait is how long JetStream waits for an acknowledgement
	// before it delivers a message again.
	DefaultAckWait = 30 * time.Second
	// DefaultMaxUnacked bounds the messages handed to the workstation and
	// not yet acknowledged: below the queue's size, so a collector alone
	// never fills it.
	DefaultMaxUnacked = 8192
	// settleEvery is how often the collector asks the store which of its
	// unacknowledged messages are committed; the lag it measures is late
	// by at most this much.
	settleEvery = 20 * time.Millisecond
	// forgetEvery is how often old delivery ids are pruned.
	forgetEvery = time.Minute
)

// CollectOptions configure a Collector.
type CollectOptions struct {
	Conn   ConnOptions
	Stream StreamOptions
	// Key opens every message (required); one that does not open with it
	// is terminated unread.
	Key *Key
	// Durable names the consumer, DefaultDurable when empty. Two
	// workstations with one name share the stream's messages between them;
	// give each its own to have each see everything.
	Durable string
	// MaxUnacked is DefaultMaxUnacked when zero.
	MaxUnacked int
	// DeliveryWindow and MaxDeliveries bound the delivery ids the store
	// keeps (store.ForgetDeliveries); zero takes the store's defaults.
	DeliveryWindow time.Duration
	MaxDeliveries  int
	// Now reads the clock for the lag; time.Now when nil.
	Now func() time.Time
	// Log receives consumer errors; nil discards them.
	Log *slog.Logger
}

// Collector consumes the stream into a workstation.
type Collector struct {
	opts  CollectOptions
	sink  Sink
	log   DeliveryLog
	nc    *nats.Conn
	js    jetstream.JetStream
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
	nodes sync.Map // node name → struct{}

	// pending maps the id of each exchange handed to the sink and not yet
	// committed to the messages that carried it; only run touches it.
	pending map[string]*unacked
	// lastSettle is when run last acknowledged.
	lastSettle time.Time

	received, stored, duplicates, malformed, unopened, refused atomic.Uint64
	npending                                                   atomic.Int64

	lagMu sync.Mutex
	lags  lagRing
}

type unacked struct {
	msgs []jetstream.Msg
	end  time.Time // when the capture finished the exchange
}

// Collect connects and starts consuming in the background into sink,
// reading and recording deliveries through log. It does not wait for
// NATS.
func Collect(opts CollectOptions, sink Sink, log DeliveryLog) (*Collector, error) {
	if opts.Key == nil {
		return nil, fmt.Errorf("collect from nats: no relay key; make one with: %s", MakeKey)
	}
	if opts.Durable == "" {
		opts.Durable = DefaultDurable
	}
	if opts.MaxUnacked <= 0 {
		opts.MaxUnacked = DefaultMaxUnacked
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Conn.Name == "" {
		opts.Conn.Name = "spoor workstation " + opts.Durable
	}
	nc, err := opts.Conn.connect()
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats %s: %w", opts.Conn.URL, err)
	}
	c := &Collector{opts: opts, sink: sink, log: log, nc: nc, js: js, stop: make(chan struct{}), done: make(chan struct{}),
		pending: map[string]*unacked{}, lags: newLagRing(1 << 16)}
	go func() {
		defer close(c.done)
		c.run()
	}()
	return c, nil
}

// consumer creates the stream (with the limits this side was given) and
// the durable consumer, retrying until NATS answers or the collector stops.
func (c *Collector) consumer() (jetstream.Consumer, bool) {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		cons, err := c.createConsumer(ctx)
		cancel()
		if err == nil {
			return cons, true
		}
		c.opts.Log.Warn("consumer not ready", "err", err)
		if !c.pause(250 * time.Millisecond) {
			return nil, false
		}
	}
}

func (c *Collector) createConsumer(ctx context.Context) (jetstream.Consumer, error) {
	s, err := c.opts.Stream.ensure(ctx, c.js)
	if err != nil {
		return nil, err
	}
	cons, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       c.opts.Durable,
		Description:   "spoor collect: stores every node's exchanges once",
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       DefaultAckWait,
		MaxAckPending: 2 * c.opts.MaxUnacked,
		DeliverPolicy: jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, fmt.Errorf("create consumer %s: %w", c.opts.Durable, err)
	}
	return cons, nil
}

// pause waits d, false if the collector stops meanwhile.
func (c *Collector) pause(d time.Duration) bool {
	select {
	case <-c.stop:
		return false
	case <-time.After(d):
		return true
	}
}

func (c *Collector) run() {
	cons, ok := c.consumer()
	if !ok {
		return
	}
	lastForget := c.opts.Now()
	for {
		select {
		case <-c.stop:
			c.settle()
			return
		default:
		}
		if room := c.opts.MaxUnacked - len(c.pending); room > 0 {
			c.fetch(cons, min(room, 512))
		} else if !c.pause(settleEvery / 2) {
			c.settle()
			return
		}
		if now := c.opts.Now(); now.Sub(c.lastSettle) >= settleEvery {
			c.settle()
			if now.Sub(lastForget) >= forgetEvery {
				lastForget = now
				if _, err := c.log.ForgetDeliveries(c.opts.DeliveryWindow, c.opts.MaxDeliveries); err != nil {
					c.opts.Log.Warn("forget deliveries", "err", err)
				}
			}
		}
	}
}

// fetch takes up to n messages and hands on those not stored yet.
func (c *Collector) fetch(cons jetstream.Consumer, n int) {
	batch, err := cons.Fetch(n, jetstream.FetchMaxWait(settleEvery*5))
	if err != nil {
		c.opts.Log.Debug("fetch", "err", err)
		c.pause(100 * time.Millisecond)
		return
	}
	type item struct {
		msg jetstream.Msg
		x   engine.Exchange
	}
	var items []item
	for msg := range batch.Messages() {
		c.received.Add(1)
		x, err := c.open(msg)
		switch {
		case errors.Is(err, ErrSealed):
			c.unopened.Add(1)
			c.opts.Log.Warn("message terminated: it does not open with the relay key (a node with another --relay-key, or a forgery)", "subject", msg.Subject(), "err", err)
			_ = msg.Term()
			continue
		case err != nil:
			c.malformed.Add(1)
			c.opts.Log.Warn("malformed message terminated", "subject", msg.Subject(), "err", err)
			_ = msg.Term()
			continue
		}
		items = append(items, item{msg, x})
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
		c.opts.Log.Debug("fetch", "err", err)
	}
	if len(items) == 0 {
		return
	}
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = items[i].x.Delivery
	}
	stored, err := c.log.Delivered(ids)
	if err != nil {
		// Not knowing, hand nothing on: the messages come again.
		c.opts.Log.Warn("read deliveries", "err", err)
		for _, it := range items {
			_ = it.msg.NakWithDelay(time.Second)
		}
		return
	}
	for i := range items {
		it := &items[i]
		id := it.x.Delivery
		switch p := c.pending[id]; {
		case stored[i]:
			c.duplicates.Add(1)
			_ = it.msg.Ack()
		case p != nil:
			c.duplicates.Add(1)
			p.msgs = append(p.msgs, it.msg)
		default:
			x := it.x
			end := x.End()
			c.nodes.LoadOrStore(x.Node, struct{}{})
			if !c.sink.Offer(&x) {
				c.refused.Add(1)
				_ = it.msg.NakWithDelay(time.Second)
				continue
			}
			c.pending[id] = &unacked{msgs: []jetstream.Msg{it.msg}, end: end}
		}
	}
	c.npending.Store(int64(len(c.pending)))
}

// open opens a message sealed for its Nats-Msg-Id and decodes the
// exchange, whose own id must be that one.
func (c *Collector) open(msg jetstream.Msg) (engine.Exchange, error) {
	msgID := msg.Headers().Get(jetstream.MsgIDHeader)
	plain, err := c.opts.Key.Open(msgID, msg.Data())
	if err != nil {
		return engine.Exchange{}, err
	}
	id, x, err := Decode(plain)
	clear(plain)
	if err != nil {
		return engine.Exchange{}, err
	}
	if id.String() != msgID {
		return engine.Exchange{}, fmt.Errorf("%w: id %s published as %s", ErrWire, id, msgID)
	}
	return x, nil
}

// settle acknowledges the messages whose exchanges the store committed.
func (c *Collector) settle() {
	c.lastSettle = c.opts.Now()
	if len(c.pending) == 0 {
		return
	}
	ids := make([]string, 0, len(c.pending))
	for id := range c.pending {
		ids = append(ids, id)
	}
	stored, err := c.log.Delivered(ids)
	if err != nil {
		c.opts.Log.Warn("read deliveries", "err", err)
		return
	}
	now := c.opts.Now()
	var lags []time.Duration
	for i, id := range ids {
		if !stored[i] {
			continue
		}
		p := c.pending[id]
		for _, m := range p.msgs {
			_ = m.Ack()
		}
		lags = append(lags, now.Sub(p.end))
		delete(c.pending, id)
	}
	c.stored.Add(uint64(len(lags)))
	c.npending.Store(int64(len(c.pending)))
	c.lagMu.Lock()
	for _, l := range lags {
		c.lags.add(l)
	}
	c.lagMu.Unlock()
}

// Close stops consuming and acknowledges what is committed by then;
// messages handed on and not yet committed are acknowledged by no one and
// come again, to be skipped if the store has them by then.
func (c *Collector) Close() {
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		c.nc.Close()
	})
}

// CollectorStats are a collector's counters.
type CollectorStats struct {
	// Received counts messages fetched; Stored the exchanges committed and
	// acknowledged; Duplicates the copies skipped because their id was
	// stored or waiting; Malformed the messages terminated unread;
	// Unopened those terminated because they did not open with the relay
	// key (a node with another key, or a forgery); Refused the hand-overs
	// the queue refused (delivered again later); Unacked the exchanges
	// handed on and not yet committed.
	Received, Stored, Duplicates, Malformed, Unopened, Refused uint64
	Unacked                                                    int
	// Nodes are the nodes seen, sorted.
	Nodes []string
	// LagP50 and LagP99 are the lag from the end of an exchange on its
	// node to its commit here, over the newest 65536 exchanges.
	LagP50, LagP99 time.Duration
	Connected      bool
}

// Stats reads the counters.
func (c *Collector) Stats() CollectorStats {
	s := CollectorStats{
		Received: c.received.Load(), Stored: c.stored.Load(), Duplicates: c.duplicates.Load(),
		Malformed: c.malformed.Load(), Unopened: c.unopened.Load(), Refused: c.refused.Load(), Unacked: int(c.npending.Load()),
		Connected: c.nc.IsConnected(),
	}
	c.nodes.Range(func(k, _ any) bool { s.Nodes = append(s.Nodes, k.(string)); return true })
	slices.Sort(s.Nodes)
	c.lagMu.Lock()
	s.LagP50, s.LagP99 = c.lags.quantile(0.50), c.lags.quantile(0.99)
	c.lagMu.Unlock()
	return s
}

// lagRing keeps the newest lags.
type lagRing struct {
	v    []time.Duration
	next int
	full bool
}

func newLagRing(n int) lagRing { return lagRing{v: make([]time.Duration, n)} }

func (r *lagRing) add(d time.Duration) {
	r.v[r.next] = d
	r.next++
	if r.next == len(r.v) {
		r.next, r.full = 0, true
	}
}

func (r *lagRing) quantile(q float64) time.Duration {
	n := r.next
	if r.full {
		n = len(r.v)
	}
	if n == 0 {
		return 0
	}
	s := slices.Clone(r.v[:n])
	slices.Sort(s)
	return s[min(n-1, int(q*float64(n)))]
}
