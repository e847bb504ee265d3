package relay

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for url, ok := range map[string]bool{
		"nats://127.0.0.1:4222":        true,
		"tls://nats.internal:4222":     true,
		"nats://a:4222,nats://b:4222":  true,
		"":                             false,
		"http://127.0.0.1:4222":        false,
		"127.0.0.1:4222":               false,
		"nats://":                      false,
		"nats://a:4222, http://b:4222": false,
	} {
		if err := CheckURL(url); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v", url, err)
		}
	}
}

// TestConnOptionsSignIn checks the sign-in and TLS flags are passed
// through as options, and that contradictions and unreadable files are
// one clear error each.
func TestConnOptionsSignIn(t *testing.T) {
	dir := t.TempDir()
	seed := filepath.Join(dir, "user.nk")
	// The example user seed of the NATS documentation: no account uses it.
	if err := os.WriteFile(seed, []byte("SUAIBDPBAUTWCWBKIO6XHQNINK5FWJW4OHLXC3HQ2KFE4PEJUA44CNHTC4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		o    ConnOptions
		err  string
		n    int // options beyond the six every connection has
	}{
		{"plain", ConnOptions{}, "", 0},
		{"creds", ConnOptions{Creds: "user.creds"}, "", 1},
		{"nkey", ConnOptions{NKey: seed}, "", 1},
		{"tls", ConnOptions{CA: "ca.pem", Cert: "c.pem", Key: "k.pem"}, "", 2},
		{"creds and nkey", ConnOptions{Creds: "user.creds", NKey: seed}, "give one", 0},
		{"cert without key", ConnOptions{Cert: "c.pem"}, "go together", 0},
		{"missing nkey", ConnOptions{NKey: filepath.Join(dir, "none")}, "read --nats-nkey", 0},
	} {
		opts, err := tt.o.options()
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(opts) != 6+tt.n {
			t.Errorf("%s: %d options, want %d", tt.name, len(opts), 6+tt.n)
		}
	}
}
