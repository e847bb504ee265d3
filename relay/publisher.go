package relay

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/spoorhq/spoor/engine"
)

// Defaults of PublishOptions.
const (
	// DefaultMaxPending is the window of messages published and not yet
	// acknowledged by JetStream.
	DefaultMaxPending = 4096
	// DefaultBufferBytes bounds the encoded exchanges a node holds while
	// they wait to be published or acknowledged: with NATS down, about a
	// minute of a busy API at 64 MiB.
	DefaultBufferBytes = 64 << 20
	// DefaultBufferCount bounds their number.
	DefaultBufferCount = 200000
)

// publishAckTimeout is how long a publication waits for JetStream's
// acknowledgement before it is tried again: acknowledgements take
// milliseconds, and one lost in an outage holds its place in the buffer
// until then.
const publishAckTimeout = time.Second

// PublishOptions configure a Publisher.
type PublishOptions struct {
	Conn   ConnOptions
	Stream StreamOptions
	// Node names this capture node in every exchange it publishes
	// (CheckNode); the host name is the usual choice.
	Node string
	// Key seals every message (required): the stream holds no exchange in
	// the clear.
	Key *Key
	// MaxPending is the window of unacknowledged publications,
	// DefaultMaxPending when zero.
	MaxPending int
	// BufferBytes and BufferCount bound what waits for NATS; an exchange
	// offered beyond either is dropped and counted.
	BufferBytes int64
	BufferCount int
	// Now is the clock that names the run; time.Now when nil.
	Now func() time.Time
	// Log receives publication failures; nil discards them.
	Log *slog.Logger
}

// Publisher publishes captured exchanges to JetStream. It is a
// capture.Sink: Offer never waits for the network.
type Publisher struct {
	opts    PublishOptions
	nc      *nats.Conn
	js      jetstream.JetStream
	subject string
	run     uint64
	seq     atomic.Uint64
	// plain holds buffers for the clear encoding, which lives only until
	// it is sealed.
	plain sync.Pool

	mu      sync.Mutex
	waiting []message // to publish; a failed one goes back to the front
	held    int64     // bytes of every message not yet acknowledged
	count   int       // messages not yet acknowledged
	closed  bool
	wake    chan struct{}

	inflight chan inflight
	stop     chan struct{}
	done     chan struct{}

	offered, acked, dropped, retried atomic.Uint64
}

type message struct {
	id   string
	data []byte
}

type inflight struct {
	msg    message
	future jetstream.PubAckFuture
}

// Publish opens the connection and starts publishing. It does not wait for
// NATS: an unreachable server is retried in the background while Offer
// buffers.
func Publish(opts PublishOptions) (*Publisher, error) {
	if err := CheckNode(opts.Node); err != nil {
		return nil, err
	}
	if opts.Key == nil {
		return nil, fmt.Errorf("publish to nats: no relay key; make one with: %s", MakeKey)
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = DefaultMaxPending
	}
	if opts.BufferBytes <= 0 {
		opts.BufferBytes = DefaultBufferBytes
	}
	if opts.BufferCount <= 0 {
		opts.BufferCount = DefaultBufferCount
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Conn.Name == "" {
		opts.Conn.Name = "spoor proxy " + opts.Node
	}
	nc, err := opts.Conn.connect()
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc,
		jetstream.WithPublishAsyncMaxPending(opts.MaxPending),
		jetstream.WithPublishAsyncTimeout(publishAckTimeout))
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("nats %s: %w", opts.Conn.URL, err)
	}
	p := &Publisher{
		opts: opts, nc: nc, js: js,
		subject:  opts.Stream.subject(opts.Node),
		run:      uint64(opts.Now().UnixNano()),
		wake:     make(chan struct{}, 1),
		inflight: make(chan inflight, opts.MaxPending),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	watched := make(chan struct{})
	go func() { defer close(watched); p.watch() }()
	go func() {
		defer close(p.done)
		p.publish()
		close(p.inflight)
		<-watched
	}()
	return p, nil
}

// Offer encodes and seals x and queues it for publication without
// waiting; it reports false, and counts a drop, when the buffer is full or
// the publisher closed.
func (p *Publisher) Offer(x *engine.Exchange) bool {
	p.offered.Add(1)
	id := ID{Node: p.opts.Node, Run: p.run, Seq: p.seq.Add(1)}
	data, err := p.seal(id, x)
	if err != nil {
		p.opts.Log.Error("exchange dropped: cannot seal it", "id", id.String(), "err", err)
		p.dropped.Add(1)
		return false
	}
	p.mu.Lock()
	if p.closed || p.held+int64(len(data)) > p.opts.BufferBytes || p.count >= p.opts.BufferCount {
		p.mu.Unlock()
		p.dropped.Add(1)
		return false
	}
	p.held += int64(len(data))
	p.count++
	p.waiting = append(p.waiting, message{id: id.String(), data: data})
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return true
}

// seal encodes x under id into a reused buffer, wiped once sealed, and
// returns the sealed message.
func (p *Publisher) seal(id ID, x *engine.Exchange) ([]byte, error) {
	buf, _ := p.plain.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	plain := Encode((*buf)[:0], id, x)
	data, err := p.opts.Key.Seal(make([]byte, 0, len(plain)+sealOverhead), id, plain)
	clear(plain)
	*buf = plain[:0]
	p.plain.Put(buf)
	return data, err
}

// next takes the message to publish next, waiting for one; false once
// the publisher stops.
func (p *Publisher) next() (message, bool) {
	for {
		p.mu.Lock()
		if len(p.waiting) > 0 {
			m := p.waiting[0]
			p.waiting[0] = message{}
			p.waiting = p.waiting[1:]
			p.mu.Unlock()
			return m, true
		}
		p.mu.Unlock()
		select {
		case <-p.wake:
		case <-p.stop:
			return message{}, false
		}
	}
}

// requeue puts m back at the head of the buffer after a failure.
func (p *Publisher) requeue(m message) {
	p.retried.Add(1)
	p.mu.Lock()
	p.waiting = append(p.waiting, message{})
	copy(p.waiting[1:], p.waiting)
	p.waiting[0] = m
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// publish is the publishing goroutine: it makes sure the stream exists,
// then publishes what waits, backing off while NATS fails.
func (p *Publisher) publish() {
	backoff := func() bool {
		select {
		case <-p.stop:
			return false
		case <-time.After(100 * time.Millisecond):
			return true
		}
	}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := p.opts.Stream.ensure(ctx, p.js)
		cancel()
		if err == nil {
			break
		}
		p.opts.Log.Warn("stream not ready", "err", err)
		if !backoff() {
			return
		}
	}
	for {
		m, ok := p.next()
		if !ok {
			return
		}
		msg := &nats.Msg{Subject: p.subject, Data: m.data, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, m.id)
		f, err := p.js.PublishMsgAsync(msg, jetstream.WithRetryAttempts(0))
		if err != nil {
			p.requeue(m)
			if !errors.Is(err, jetstream.ErrTooManyStalledMsgs) {
				p.opts.Log.Debug("publish", "err", err)
				if !backoff() {
					return
				}
			}
			continue
		}
		p.inflight <- inflight{msg: m, future: f}
	}
}

// watch waits for each publication's acknowledgement, in order: an
// acknowledged message leaves the buffer, a failed one goes back to its
// head.
func (p *Publisher) watch() {
	for f := range p.inflight {
		select {
		case <-f.future.Ok():
			p.acked.Add(1)
			p.mu.Lock()
			p.held -= int64(len(f.msg.data))
			p.count--
			p.mu.Unlock()
		case err := <-f.future.Err():
			p.opts.Log.Debug("publication failed", "id", f.msg.id, "err", err)
			p.requeue(f.msg)
		}
	}
}

// PublisherStats are a publisher's counters.
type PublisherStats struct {
	// Offered counts the exchanges offered; Published those JetStream
	// acknowledged; Dropped those refused because the buffer was full or
	// the publisher closed; Buffered those held, waiting or unacknowledged;
	// Retried the publications tried again after a failure.
	Offered, Published, Dropped, Retried uint64
	Buffered                             int
	// Connected says whether NATS is reachable now.
	Connected bool
}

// Stats reads the counters.
func (p *Publisher) Stats() PublisherStats {
	p.mu.Lock()
	n := p.count
	p.mu.Unlock()
	return PublisherStats{
		Offered: p.offered.Load(), Published: p.acked.Load(), Dropped: p.dropped.Load(),
		Retried: p.retried.Load(), Buffered: n, Connected: p.nc.IsConnected(),
	}
}

// Close stops accepting exchanges and waits up to timeout for those held
// to be acknowledged; what is still held then is counted as dropped. It
// closes the connection.
func (p *Publisher) Close(timeout time.Duration) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		p.mu.Lock()
		n := p.count
		p.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(p.stop)
	<-p.done
	p.mu.Lock()
	lost := p.count
	p.count, p.held, p.waiting = 0, 0, nil
	p.mu.Unlock()
	p.dropped.Add(uint64(lost))
	p.nc.Close()
	if lost > 0 {
		return fmt.Errorf("close publisher: %d exchanges not acknowledged by nats within %s, counted as dropped", lost, timeout)
	}
	return nil
}
