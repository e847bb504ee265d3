package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/store"
)

// caDir is where the forward proxy's CA lives: ca/ in the data directory
// beside the default store, whatever --db says, so that one trusted CA
// serves every capture.
func caDir() (string, error) {
	db, err := store.DefaultPath()
	if err != nil {
		return "", err
	}
	return filepath.Join(filepath.Dir(db), "ca"), nil
}

// loadCA loads the CA, generating it on first use, and the list of hosts
// that refused it.
func loadCA() (*capture.CA, *capture.PinnedHosts, bool, error) {
	dir, err := caDir()
	if err != nil {
		return nil, nil, false, err
	}
	ca, created, err := capture.LoadOrCreateCA(dir)
	if err != nil {
		return nil, nil, false, err
	}
	pinned, err := capture.LoadPinnedHosts(filepath.Join(dir, capture.PinnedFile))
	if err != nil {
		return nil, nil, false, err
	}
	return ca, pinned, created, nil
}

// forwardOptions are spoor proxy --mode forward's: the CA and the pinned
// hosts; a CA made now is announced on out, with where to find it.
func forwardOptions(out io.Writer) (*capture.ForwardOptions, error) {
	ca, pinned, created, err := loadCA()
	if err != nil {
		return nil, err
	}
	if created {
		fmt.Fprintf(out, "spoor: created a local CA in %s; run spoor ca to see how clients trust it\n", ca.CertFile())
	}
	return &capture.ForwardOptions{CA: ca, Pinned: pinned}, nil
}

func newCACommand() *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "ca",
		Short: "Print the forward proxy's CA certificate path and how to trust it",
		Long:  "spoor ca prints the path of the CA certificate spoor proxy --mode forward mints its certificates with (on the first line, for scripts), creating the CA if there is none, then how to trust it and which hosts are tunnelled because their client refused it.",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ca, pinned, _, err := loadCA()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if forget {
				dir := filepath.Dir(ca.CertFile())
				if err := os.Remove(filepath.Join(dir, capture.PinnedFile)); err != nil && !os.IsNotExist(err) {
					return fmt.Errorf("forget pinned hosts: %w", err)
				}
				if pinned, err = capture.LoadPinnedHosts(""); err != nil {
					return err
				}
			}
			fmt.Fprintln(out, ca.CertFile())
			fmt.Fprint(out, trustHelp(ca.CertFile()))
			hosts := pinned.List()
			if len(hosts) == 0 {
				fmt.Fprintln(out, "\nPinned hosts (tunnelled untouched because their client refused the CA): none")
				return nil
			}
			fmt.Fprintln(out, "\nPinned hosts (tunnelled untouched because their client refused the CA; spoor ca --forget-pinned to retry them):")
			for _, h := range hosts {
				fmt.Fprintln(out, "  "+h)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&forget, "forget-pinned", false, "forget the pinned hosts, so that the next capture intercepts them again")
	return cmd
}

// trustHelp says how each kind of client is made to trust the CA.
func trustHelp(cert string) string {
	return fmt.Sprintf(`
Clients of spoor proxy --mode forward must trust this CA to be intercepted.
Its key is beside it (0600); anyone holding the key can impersonate any site
to a client that trusts it, so trust it only where you capture.

  curl:     curl --proxy http://127.0.0.1:8080 --cacert %[1]s https://api.example.com/
  Go, Python, Node: HTTPS_PROXY=http://127.0.0.1:8080 and SSL_CERT_FILE=%[1]s
            (Python requests: REQUESTS_CA_BUNDLE; Node: NODE_EXTRA_CA_CERTS)
  Firefox:  Settings > Privacy & Security > Certificates > View Certificates >
            Authorities > Import, tick "Trust this CA to identify websites";
            or policies.json: {"policies": {"Certificates": {"Install": ["%[1]s"]}}}
            then Settings > Network Settings > Manual proxy: HTTP 127.0.0.1 port 8080,
            "Also use this proxy for HTTPS"
  Chromium: chromium --proxy-server=http://127.0.0.1:8080, and import the CA in
            Settings > Privacy and security > Security > Manage certificates
  Android:  copy the file to the device, Settings > Security > Encryption &
            credentials > Install a certificate > CA certificate (a user CA);
            apps targeting API 24+ trust user CAs only when their
            network_security_config says <certificates src="user"/>
  Debian system store (every tool using /etc/ssl/certs):
            sudo cp %[1]s /usr/local/share/ca-certificates/spoor-ca.crt
            sudo update-ca-certificates
`, cert)
}
