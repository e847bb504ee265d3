package capture

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestCA creates a CA on first use with its key 0600 in a 0700 directory,
// loads the same one the second time, and mints leaves that verify against
// it for DNS names and IP addresses, cached up to a bound.
func TestCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ca")
	ca, created, err := LoadOrCreateCA(dir)
	if err != nil || !created {
		t.Fatalf("first LoadOrCreateCA: created %v, %v", created, err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, filepath.Join(dir, CAKeyFile): 0o600, filepath.Join(dir, CACertFile): 0o644} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != want {
			t.Errorf("%s: %v, mode %v; want %v", path, err, fi.Mode(), want)
		}
	}
	again, created, err := LoadOrCreateCA(dir)
	if err != nil || created || !again.Certificate().Equal(ca.Certificate()) || again.CertFile() != filepath.Join(dir, CACertFile) {
		t.Fatalf("second LoadOrCreateCA: created %v, %v; want the same CA loaded", created, err)
	}

	roots := x509.NewCertPool()
	roots.AddCert(ca.Certificate())
	for _, host := range []string{"api.example.com", "localhost", "127.0.0.1", "::1"} {
		leaf, err := again.Leaf(host)
		if err != nil {
			t.Fatalf("Leaf(%s): %v", host, err)
		}
		if _, err := leaf.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots}); err != nil {
			t.Errorf("the leaf for %s does not verify against the CA: %v", host, err)
		}
		if cached, _ := again.Leaf(host); cached != leaf {
			t.Errorf("Leaf(%s) minted twice", host)
		}
	}
	if _, err := ca.Leaf(""); err == nil {
		t.Error("Leaf(\"\") minted a certificate")
	}
	small := newLeafCache(2)
	for i := range 5 {
		host := fmt.Sprintf("h%d", i)
		cert, err := ca.mint(host)
		if err != nil {
			t.Fatal(err)
		}
		small.put(host, cert)
	}
	if _, ok := small.get("h4"); !ok || small.len() != 2 {
		t.Errorf("cache of 2 holds %d, newest kept %v", small.len(), ok)
	}
	if _, ok := small.get("h0"); ok {
		t.Error("the least recently used leaf was kept")
	}
}

// TestCARefusesBrokenFiles checks the errors a user sees for a CA directory
// that lost its key, or whose key belongs to another certificate.
func TestCARefusesBrokenFiles(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	if _, _, err := LoadOrCreateCA(other); err != nil {
		t.Fatal(err)
	}
	mixed := t.TempDir()
	copyFile(t, filepath.Join(dir, CACertFile), filepath.Join(mixed, CACertFile))
	copyFile(t, filepath.Join(other, CAKeyFile), filepath.Join(mixed, CAKeyFile))
	if _, _, err := LoadOrCreateCA(mixed); err == nil {
		t.Error("a key of another CA was accepted")
	}
	os.Remove(filepath.Join(dir, CAKeyFile))
	if _, _, err := LoadOrCreateCA(dir); err == nil {
		t.Error("a CA without its key was accepted")
	}
}

// TestCARefusesAnOpenKey checks that a key others may read is refused
// with one line that says how to close it, and accepted once it is.
func TestCARefusesAnOpenKey(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no group and other permission bits")
	}
	dir := t.TempDir()
	if _, _, err := LoadOrCreateCA(dir); err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, CAKeyFile)
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		if err := os.Chmod(key, mode); err != nil {
			t.Fatal(err)
		}
		_, _, err := LoadOrCreateCA(dir)
		if err == nil || !strings.Contains(err.Error(), "chmod 600 "+key) || strings.Contains(err.Error(), "\n") {
			t.Errorf("key mode %04o: %v; want one line asking for chmod 600", mode, err)
		}
	}
	if err := os.Chmod(key, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, created, err := LoadOrCreateCA(dir); err != nil || created {
		t.Errorf("key mode 0400: created %v, %v; want the CA loaded", created, err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPinnedHosts checks that the list survives a reload and that a
// host is written once.
func TestPinnedHosts(t *testing.T) {
	path := filepath.Join(t.TempDir(), PinnedFile)
	p, err := LoadPinnedHosts(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"pinned.example.com", "Pinned.Example.com", "app.example.org"} {
		if err := p.Add(h); err != nil {
			t.Fatal(err)
		}
	}
	q, err := LoadPinnedHosts(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(q.List()); got != "[app.example.org pinned.example.com]" || !q.Has("PINNED.example.com") || q.Has("other") {
		t.Errorf("reloaded list %s", got)
	}
	if data, _ := os.ReadFile(path); string(data) != "pinned.example.com\napp.example.org\n" {
		t.Errorf("file holds %q", data)
	}
}

// BenchmarkLeaf measures what an intercepted CONNECT costs in
// certificates: minting one for a new host, and finding a cached one.
func BenchmarkLeaf(b *testing.B) {
	ca, _, err := LoadOrCreateCA(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("mint", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := ca.mint(fmt.Sprintf("h%d.example.com", i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		if _, err := ca.Leaf("api.example.com"); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := ca.Leaf("api.example.com"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
