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
		rulesFile         string
		blockLocal        bool
	)
	cmd := &cobra.Command{
		Use:   "proxy --upstream URL",
		Short: "Capture traffic to an API through a local reverse proxy",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if upstream == "" {
				return usageError{fmt.Errorf("--upstream is required, for example --upstream http://127.0.0.1:8080")}
			}
			if err := capture.CheckUpstream(upstream); err != nil {
				return usageError{err}
			}
			prefixes, err := parsePrefixes(trust)
			if err != nil {
				return err
			}
			upstreamTLS, err := upstreamTLSConfig(upstreamCA, insecureUpstream)
			if err != nil {
				return err
			}
			path, err := g.storePath()
			if err != nil {
				return err
			}
			log, closeLog, err := g.logger()
			if err != nil {
				return err
			}
			defer closeLog()
			w, err := workstation.Open(workstation.Options{Store: path, Upstream: upstream, Listen: listen, TrustForwarded: prefixes, ProxyLimits: limits, TLSCert: tlsCert, TLSKey: tlsKey, UpstreamTLS: upstreamTLS, ConfigFile: configFile, Retention: retentionFlag(cmd, retention), NoDetect: noDetect, RulesFile: rulesFile, BlockLocal: blockLocal, Log: log})
			if err != nil {
				return err
			}
			var runErr error
			if noTUI {
				scheme := "http"
				if tlsCert != "" {
					scheme = "https"
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "spoor: proxy on %s://%s → %s, store %s\n", scheme, w.Addr(), upstream, path)
				waitHeadless(cmd.Context(), runFor)
			} else {
				runErr = runTUI(cmd.Context(), w, fmt.Sprintf("spoor proxy · %s → %s", w.Addr(), upstream))
			}
			if err := w.Close(); err != nil {
				return err
			}
			if noTUI {
				summary(cmd.ErrOrStderr(), w, path)
			}
			return runErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&upstream, "upstream", "", "URL of the API to proxy (required)")
	f.StringVar(&listen, "listen", "127.0.0.1:8080", "address the proxy listens on")
	f.StringVar(&configFile, "config", "", "analysis configuration (YAML: grouping keys, context, flows, scope)")
	f.StringSliceVar(&trust, "trust-forwarded", nil, "peers (CIDR or address) whose X-Forwarded-For names the client")
	f.BoolVar(&noTUI, "no-tui", false, "capture without the interface")
	f.DurationVar(&runFor, "for", 0, "stop after this long (0: until interrupted)")
	f.DurationVar(&retention, "retention", 0, retentionHelp())
	f.BoolVar(&noDetect, "no-detect", false, noDetectHelp)
	f.StringVar(&rulesFile, "rules", "", "rules file (YAML, as spoor rules export writes) imported now and within a second of each change")
	f.BoolVar(&blockLocal, "block-local", false, "let rules block loopback clients and the --trust-forwarded peers, exempt by default")
	f.DurationVar(&limits.UpstreamTimeout, "upstream-timeout", capture.DefaultUpstreamTimeout, "how long the upstream has to send its whole response before the client gets a 504")
	f.IntVar(&limits.MaxHeaderBytes, "max-header-bytes", capture.DefaultMaxHeaderBytes, "largest request line and header block accepted; larger gets a 431")
	f.Int64Var(&limits.MaxBodyBytes, "max-body-bytes", 0, "largest request body accepted, larger gets a 413 (0: no limit; only the first 64 KiB are stored either way)")
	f.StringVar(&tlsCert, "tls-cert", "", "PEM certificate to serve HTTPS with (with --tls-key)")
	f.StringVar(&tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	f.StringVar(&upstreamCA, "upstream-ca", "", "PEM file of CA certificates to trust for an https upstream, besides the system's")
	f.BoolVar(&insecureUpstream, "upstream-insecure-skip-verify", false, "do not verify an https upstream's certificate (anyone on the path can read and change the traffic)")
	return cmd
}

// upstreamTLSConfig is the TLS configuration for an https upstream: nil
// (the system roots, verified) unless a CA file is added or verification
// is turned off.
func upstreamTLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	if caFile == "" && !insecure {
		return nil, nil
	}
	if caFile != "" && insecure {
		return nil, usageError{fmt.Errorf("--upstream-ca and --upstream-insecure-skip-verify contradict each other: give one")}
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
