package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/relay"
	"github.com/spoorhq/spoor/workstation"
)

// natsFlags are the flags of the commands that talk to NATS JetStream:
// where, which stream with which limits, how to sign in, and the relay key
// that seals every exchange.
type natsFlags struct {
	publish, subscribe string
	node               string
	stream             string
	maxAge             time.Duration
	maxBytes           int64
	bufferBytes        int64
	durable            string
	creds, nkey        string
	ca, cert, key      string
	relayKeyFile       string
	// relayKey is read from relayKeyFile by check.
	relayKey *relay.Key
}

// addConn adds the stream, sign-in and relay key flags every NATS command
// shares.
func (n *natsFlags) addConn(f *pflag.FlagSet) {
	f.StringVar(&n.stream, "stream", relay.DefaultStream, "JetStream stream the exchanges go through")
	f.DurationVar(&n.maxAge, "stream-max-age", 0, "how long the stream keeps an exchange, set when it is created (0: --retention, else the configuration's default, "+engine.DefaultRetention.String()+")")
	f.Int64Var(&n.maxBytes, "stream-max-bytes", 1<<30, "largest size of the stream, set when it is created; the oldest exchanges go first (0: no limit)")
	f.StringVar(&n.creds, "nats-creds", "", "NATS user credentials file (JWT and nkey seed)")
	f.StringVar(&n.nkey, "nats-nkey", "", "file holding an nkey seed to sign in to NATS with")
	f.StringVar(&n.ca, "nats-ca", "", "PEM file of CAs to verify the NATS server with")
	f.StringVar(&n.cert, "nats-cert", "", "PEM client certificate for NATS (with --nats-key)")
	f.StringVar(&n.key, "nats-key", "", "PEM private key of --nats-cert")
	f.StringVar(&n.relayKeyFile, "relay-key", "", "file of 32 random bytes the capture nodes and the workstation share, sealing every exchange in NATS (required with --publish and --subscribe; make one with: "+relay.MakeKey+")")
}

// addPublish adds the capture node's flags.
func (n *natsFlags) addPublish(f *pflag.FlagSet) {
	f.StringVar(&n.publish, "publish", "", "also publish every exchange to NATS JetStream at this URL (nats://HOST:PORT); without --db nothing is stored locally")
	f.StringVar(&n.node, "node", "", "name of this capture node in every exchange it publishes (default: the host name)")
	f.Int64Var(&n.bufferBytes, "publish-buffer", relay.DefaultBufferBytes, "bytes of exchanges held while NATS is unreachable; beyond, exchanges are dropped and counted")
}

// addSubscribe adds the workstation's flag.
func (n *natsFlags) addSubscribe(f *pflag.FlagSet, help string) {
	f.StringVar(&n.subscribe, "subscribe", "", help)
	f.StringVar(&n.durable, "durable", relay.DefaultDurable, "name of this workstation's JetStream consumer (one per workstation)")
}

func (n *natsFlags) conn(url string, log *slog.Logger) relay.ConnOptions {
	return relay.ConnOptions{URL: url, Creds: n.creds, NKey: n.nkey, CA: n.ca, Cert: n.cert, Key: n.key, Log: log}
}

// streamOptions are the stream's limits; its age defaults to the
// capture's retention.
func (n *natsFlags) streamOptions(retention *time.Duration) relay.StreamOptions {
	age := n.maxAge
	if age == 0 {
		age = engine.DefaultRetention
		if retention != nil {
			age = *retention
		}
	}
	return relay.StreamOptions{Name: n.stream, MaxAge: age, MaxBytes: n.maxBytes}
}

// check validates the flags given, before anything starts.
func (n *natsFlags) check(cmd *cobra.Command) error {
	for _, u := range []struct{ flag, url string }{{"--publish", n.publish}, {"--subscribe", n.subscribe}} {
		if cmd.Flags().Lookup(strings.TrimPrefix(u.flag, "--")) == nil || !cmd.Flags().Changed(strings.TrimPrefix(u.flag, "--")) {
			continue
		}
		if err := relay.CheckURL(u.url); err != nil {
			return usageError{fmt.Errorf("%s: %w", u.flag, err)}
		}
	}
	if n.stream == "" || strings.ContainsAny(n.stream, ". *>") {
		return usageError{fmt.Errorf("invalid --stream %q: want a name without spaces, dots, * or >", n.stream)}
	}
	if n.maxAge < 0 || n.maxBytes < 0 || n.bufferBytes < 0 {
		return usageError{fmt.Errorf("--stream-max-age, --stream-max-bytes and --publish-buffer take zero or more")}
	}
	if n.publish != "" {
		if n.node == "" {
			n.node = defaultNode()
		}
		if err := relay.CheckNode(n.node); err != nil {
			return usageError{fmt.Errorf("--node: %w", err)}
		}
	}
	if n.publish != "" || n.subscribe != "" {
		if n.relayKeyFile == "" {
			return usageError{fmt.Errorf("--relay-key FILE is required with --publish and --subscribe: the nodes and the workstation share it to seal every exchange; make one with: %s", relay.MakeKey)}
		}
		k, err := relay.ReadKey(n.relayKeyFile)
		if err != nil {
			return usageError{err}
		}
		n.relayKey = k
	}
	return nil
}

// publishOptions are the publisher's options, nil without --publish.
func (n *natsFlags) publishOptions(retention *time.Duration, log *slog.Logger) *relay.PublishOptions {
	if n.publish == "" {
		return nil
	}
	return &relay.PublishOptions{Conn: n.conn(n.publish, log), Stream: n.streamOptions(retention), Node: n.node, Key: n.relayKey, BufferBytes: n.bufferBytes, Log: log}
}

// collectOptions are the collector's options, nil without --subscribe.
func (n *natsFlags) collectOptions(retention *time.Duration, log *slog.Logger) *relay.CollectOptions {
	if n.subscribe == "" {
		return nil
	}
	return &relay.CollectOptions{Conn: n.conn(n.subscribe, log), Stream: n.streamOptions(retention), Key: n.relayKey, Durable: n.durable, Log: log}
}

// defaultNode is the host name as a node name: its first label, with any
// character a NATS subject token refuses replaced.
func defaultNode() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		return "node"
	}
	host, _, _ = strings.Cut(host, ".")
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, host)
}

// natsSummary prints what the NATS ends of a run did, after the summary
// line.
func natsSummary(out io.Writer, s workstation.Stats) {
	if p := s.Publish; p != nil {
		publishSummary(out, *p)
	}
	if c := s.Collect; c != nil {
		fmt.Fprintf(out, "spoor: collected %d exchanges from %d nodes (%s); duplicates skipped %d, malformed %d; lag from capture to commit p50 %s, p99 %s\n",
			c.Stored, len(c.Nodes), strings.Join(c.Nodes, ", "), c.Duplicates, c.Malformed, c.LagP50.Round(time.Microsecond*100), c.LagP99.Round(time.Microsecond*100))
		if c.Unopened > 0 {
			fmt.Fprintf(out, "spoor: %d messages did not open with the relay key and were terminated: a node with another --relay-key, or a forgery\n", c.Unopened)
		}
	}
}

func publishSummary(out io.Writer, p relay.PublisherStats) {
	fmt.Fprintf(out, "spoor: published %d of %d exchanges to nats, dropped %d (buffer full or unacknowledged at exit), retried %d\n",
		p.Published, p.Offered, p.Dropped, p.Retried)
}
