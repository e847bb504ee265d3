package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/workstation"
)

func newProxyCommand(g *globalFlags) *cobra.Command {
	var (
		upstream, listen  string
		configFile        string
		trust             []string
		noTUI, noDetect   bool
		runFor, retention time.Duration
		limits            capture.Limits
		tlsCert, tlsKey   string
		upstreamCA        string
		insecureUpstream  bool
		specs             []string
		mode              string
		includeHosts      []string
		nats              natsFlags
		rulesFile         string
		blockLocal        bool
	)
	cmd := &cobra.Command{
		Use:   "proxy --upstream URL | --mode forward",
		Short: "Capture traffic to an API through a local reverse proxy, or a client's through a forward proxy",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkMode(mode, upstream, tlsCert != "" || tlsKey != "", includeHosts); err != nil {
				return err
			}
			if nats.publish != "" && nats.subscribe == "" && g.db == "" {
				if err := checkNode(cmd, mode); err != nil {
					return err
				}
			}
			prefixes, err := parsePrefixes(trust)
			if err != nil {
				return err
			}
			upstreamTLS, err := upstreamTLSConfig(upstreamCA, insecureUpstream)
			if err != nil {
				return err
			}
			var forward *capture.ForwardOptions
			if mode == "forward" {
				if forward, err = forwardOptions(cmd.ErrOrStderr()); err != nil {
					return err
				}
			}
			if err := nats.check(cmd); err != nil {
				return err
			}
			log, closeLog, err := g.logger()
			if err != nil {
				return err
			}
			defer closeLog()
			opts := workstation.Options{Upstream: upstream, Forward: forward, IncludeHosts: includeHosts, Listen: listen, TrustForwarded: prefixes, ProxyLimits: limitFlags(cmd, limits), TLSCert: tlsCert, TLSKey: tlsKey, UpstreamTLS: upstreamTLS, ConfigFile: configFile, Retention: retentionFlag(cmd, retention), NoDetect: noDetect, Specs: specs, RulesFile: rulesFile, BlockLocal: blockLocal, Log: log}
			opts.Publish = nats.publishOptions(opts.Retention, log)
			opts.Collect = nats.collectOptions(opts.Retention, log)
			if opts.Publish != nil && g.db == "" && opts.Collect == nil {
				return runNode(cmd, workstation.NodeOptions{Options: opts, Publish: *opts.Publish}, runFor)
			}
			path, err := g.storePath()
			if err != nil {
				return err
			}
			opts.Store = path
			w, err := workstation.Open(opts)
			if err != nil {
				return err
			}
			var runErr error
			title := fmt.Sprintf("spoor proxy · %s → %s", w.Addr(), upstream)
			if forward != nil {
				title = fmt.Sprintf("spoor proxy · forward on %s", w.Addr())
			}
			switch {
			case noTUI && forward != nil:
				fmt.Fprintf(cmd.ErrOrStderr(), "spoor: forward proxy on http://%s (clients trust %s), store %s\n", w.Addr(), forward.CA.CertFile(), path)
				waitHeadless(cmd.Context(), runFor)
			case noTUI:
				scheme := "http"
				if tlsCert != "" {
					scheme = "https"
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "spoor: proxy on %s://%s → %s, store %s\n", scheme, w.Addr(), upstream, path)
				waitHeadless(cmd.Context(), runFor)
			default:
				runErr = runTUI(cmd.Context(), w, title)
			}
			if err := w.Close(); err != nil {
				return err
			}
			if noTUI {
				summary(cmd.ErrOrStderr(), w, path)
				natsSummary(cmd.ErrOrStderr(), w.Stats())
			}
			return runErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&mode, "mode", "reverse", "reverse: in front of one API (--upstream); forward: an HTTP proxy clients are pointed at, HTTPS intercepted with the CA of spoor ca")
	f.StringVar(&upstream, "upstream", "", "URL of the API to proxy (required with --mode reverse)")
	f.StringArrayVar(&specs, "spec", nil, "an OpenAPI 3 or Swagger 2 file (YAML or JSON): each request's endpoint gets its status in it (repeatable; saved with the configuration)")
	f.StringSliceVar(&includeHosts, "include-host", nil, "with --mode forward: capture and intercept only these hosts (globs such as *.example.com; added to scope.include_hosts); others are tunnelled untouched")
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "address the proxy listens on")
	f.StringVar(&configFile, "config", "", "analysis configuration (YAML: grouping keys, context, flows, scope)")
	f.StringSliceVar(&trust, "trust-forwarded", nil, "peers (CIDR or address) whose X-Forwarded-For names the client")
	f.BoolVar(&noTUI, "no-tui", false, "capture without the interface")
	f.DurationVar(&runFor, "for", 0, "stop after this long (0: until interrupted)")
	f.DurationVar(&retention, "retention", 0, retentionHelp())
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	f.StringVar(&rulesFile, "rules", "", "rules file (YAML, as spoor rules export writes) imported now and within a second of each change")
	f.BoolVar(&blockLocal, "block-local", false, "let rules block loopback clients and the --trust-forwarded peers, exempt by default (a forward proxy exempts no one)")
	f.DurationVar(&limits.UpstreamTimeout, "upstream-timeout", capture.DefaultUpstreamTimeout, "how long the upstream has to send its whole response before the client gets a 504 (overrides proxy.upstream_timeout of --config)")
	f.IntVar(&limits.MaxHeaderBytes, "max-header-bytes", capture.DefaultMaxHeaderBytes, "largest request line and header block accepted; larger gets a 431 (overrides proxy.max_header_bytes of --config)")
	f.Int64Var(&limits.MaxBodyBytes, "max-body-bytes", 0, "largest request body accepted, larger gets a 413 (0: proxy.max_body_bytes of --config, else no limit; only the first 64 KiB, proxy.capture_body_bytes, are stored either way)")
	f.StringVar(&tlsCert, "tls-cert", "", "PEM certificate to serve HTTPS with (with --tls-key)")
	f.StringVar(&tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	f.StringVar(&upstreamCA, "upstream-ca", "", "PEM file of CA certificates to trust for an https upstream, besides the system's")
	f.BoolVar(&insecureUpstream, "upstream-insecure-skip-verify", false, "do not verify an https upstream's certificate (anyone on the path can read and change the traffic)")
	f.BoolVar(&insecureUpstream, "insecure-upstream", false, "same as --upstream-insecure-skip-verify: accept any certificate from an https upstream or origin, so anyone on the path can read and change the traffic")
	nats.addPublish(f)
	nats.addSubscribe(f, "also collect what capture nodes publish to NATS JetStream at this URL into the store")
	nats.addConn(f)
	return cmd
}

// checkMode checks that the flags fit --mode, before anything is opened.
func checkMode(mode, upstream string, tlsListener bool, includeHosts []string) error {
	switch mode {
	case "reverse":
		if len(includeHosts) > 0 {
			return usageError{fmt.Errorf("--include-host is for --mode forward; a reverse proxy's scope is scope.include_hosts in --config")}
		}
		if upstream == "" {
			return usageError{fmt.Errorf("--upstream is required, for example --upstream http://127.0.0.1:8080 (or --mode forward)")}
		}
		if err := capture.CheckUpstream(upstream); err != nil {
			return usageError{err}
		}
	case "forward":
		if upstream != "" {
			return usageError{fmt.Errorf("--upstream is for --mode reverse: a forward proxy's clients name their origin")}
		}
		if tlsListener {
			return usageError{fmt.Errorf("--tls-cert and --tls-key are for --mode reverse: a forward proxy mints its certificates with the CA of spoor ca")}
		}
	default:
		return usageError{fmt.Errorf("invalid --mode %q: want reverse or forward", mode)}
	}
	return nil
}

// checkNode refuses the flags a capture node without a store (--publish
// without --db) would ignore: it runs a reverse proxy with none of the
// configuration, specs or rules a store keeps.
func checkNode(cmd *cobra.Command, mode string) error {
	if mode == "forward" {
		return nodeNeedsStore("--mode forward")
	}
	for _, name := range []string{"include-host", "rules", "block-local", "spec", "config"} {
		if cmd.Flags().Changed(name) {
			return nodeNeedsStore("--" + name)
		}
	}
	return nil
}

func nodeNeedsStore(flag string) error {
	return usageError{fmt.Errorf("%s needs --db (a node without a store is a reverse proxy that publishes what it captures, without rules, specs, scope or --config)", flag)}
}

// limitFlags is limits with the flags the user did not give at zero, so
// that the --config file's proxy block, then the proxy's defaults, fill
// them: a flag overrides the file.
func limitFlags(cmd *cobra.Command, limits capture.Limits) capture.Limits {
	f := cmd.Flags()
	if !f.Changed("upstream-timeout") {
		limits.UpstreamTimeout = 0
	}
	if !f.Changed("max-header-bytes") {
		limits.MaxHeaderBytes = 0
	}
	if !f.Changed("max-body-bytes") {
		limits.MaxBodyBytes = 0
	}
	return limits
}

// upstreamTLSConfig is the TLS configuration for an https upstream: nil
// (the system roots, verified) unless a CA file is added or verification
// is turned off.
func upstreamTLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	if caFile == "" && !insecure {
		return nil, nil
	}
	if caFile != "" && insecure {
		return nil, usageError{fmt.Errorf("--upstream-ca and --insecure-upstream contradict each other: give one")}
	}
	if insecure {
		return &tls.Config{InsecureSkipVerify: true}, nil //nolint:gosec // asked for by name
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read --upstream-ca: %w", err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("read --upstream-ca %s: no PEM certificate in it", caFile)
	}
	return &tls.Config{RootCAs: roots}, nil
}

// runNode runs a capture node that publishes to NATS and stores nothing
// (--publish without --db): headless, since there is no store to show.
func runNode(cmd *cobra.Command, opts workstation.NodeOptions, runFor time.Duration) error {
	n, err := workstation.OpenNode(opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "spoor: node %s: proxy on %s → %s, publishing to %s (stream %s)\n",
		opts.Publish.Node, n.Addr(), opts.Upstream, opts.Publish.Conn.URL, opts.Publish.Stream.Name)
	waitHeadless(cmd.Context(), runFor)
	closeErr := n.Close()
	publishSummary(cmd.ErrOrStderr(), n.Stats())
	return closeErr
}
