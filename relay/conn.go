package relay

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// ConnOptions say how to reach NATS: the server URLs and the credentials
// passed through to the client as the NATS tools take them.
type ConnOptions struct {
	// URL is one or more server URLs, comma-separated
	// (nats://127.0.0.1:4222).
	URL string
	// Creds is a user credentials file (a JWT and its nkey seed), the
	// --creds of the NATS tools.
	Creds string
	// NKey is a file holding an nkey seed (SU...) to sign in with.
	NKey string
	// CA is a PEM file of CAs to verify the server with; Cert and Key a
	// client certificate for mutual TLS.
	CA, Cert, Key string
	// Name names the connection in the server's monitoring.
	Name string
	// Log receives connection events; nil discards them.
	Log *slog.Logger
}

// CheckURL reports whether s is a list of NATS server URLs.
func CheckURL(s string) error {
	if s == "" {
		return fmt.Errorf("no NATS server: give one such as nats://127.0.0.1:4222")
	}
	for _, one := range strings.Split(s, ",") {
		u, err := url.Parse(strings.TrimSpace(one))
		if err != nil || u.Host == "" {
			return fmt.Errorf("invalid NATS URL %q: want nats://HOST:PORT", one)
		}
		switch u.Scheme {
		case "nats", "tls", "ws", "wss":
		default:
			return fmt.Errorf("invalid NATS URL %q: scheme %q, want nats:// or tls://", one, u.Scheme)
		}
	}
	return nil
}

// options are the client options of o. The connection retries forever, in
// the background, from the start: a capture node whose NATS is down when
// it starts serves anyway. The client's own reconnect buffer is off, so a
// publication while disconnected fails at once and the Publisher, which
// bounds and counts what it holds, keeps the message.
func (o ConnOptions) options() ([]nats.Option, error) {
	opts := []nats.Option{
		nats.Name(o.Name),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectBufSize(-1),
		nats.Timeout(2 * time.Second),
	}
	if o.Creds != "" {
		if o.NKey != "" {
			return nil, fmt.Errorf("--nats-creds and --nats-nkey are two ways to sign in: give one")
		}
		opts = append(opts, nats.UserCredentials(o.Creds))
	}
	if o.NKey != "" {
		opt, err := nats.NkeyOptionFromSeed(o.NKey)
		if err != nil {
			return nil, fmt.Errorf("read --nats-nkey %s: %w", o.NKey, err)
		}
		opts = append(opts, opt)
	}
	if o.CA != "" {
		opts = append(opts, nats.RootCAs(o.CA))
	}
	if (o.Cert == "") != (o.Key == "") {
		return nil, fmt.Errorf("--nats-cert and --nats-key go together: give both files, or neither")
	}
	if o.Cert != "" {
		opts = append(opts, nats.ClientCert(o.Cert, o.Key))
	}
	if log := o.Log; log != nil {
		opts = append(opts,
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { log.Warn("nats disconnected", "err", err) }),
			nats.ReconnectHandler(func(c *nats.Conn) { log.Info("nats reconnected", "url", c.ConnectedUrl()) }),
		)
	}
	return opts, nil
}

// connect opens the connection; with RetryOnFailedConnect it returns at
// once even when no server answers yet.
func (o ConnOptions) connect() (*nats.Conn, error) {
	if err := CheckURL(o.URL); err != nil {
		return nil, err
	}
	opts, err := o.options()
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect(o.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to nats %s: %w", o.URL, err)
	}
	return nc, nil
}
