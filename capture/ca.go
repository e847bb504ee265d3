package capture

import (
	"container/list"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

const (
	// CACertFile and CAKeyFile are the names of the local CA's certificate
	// and key in its directory.
	CACertFile = "spoor-ca.pem"
	CAKeyFile  = "spoor-ca-key.pem"

	// caValidity is how long a generated CA is valid: long enough that a
	// user trusts it once.
	caValidity = 10 * 365 * 24 * time.Hour

	// leafValidity stays under the 398 days browsers accept for a server
	// certificate.
	leafValidity = 365 * 24 * time.Hour

	// leafCacheSize bounds the minted certificates kept: one per host an
	// interception has seen lately.
	leafCacheSize = 1024
)

// CA is spoor's local certificate authority: it mints the certificates a
// forward proxy presents for the hosts it intercepts. Its methods are safe
// for concurrent use.
type CA struct {
	certFile string
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	// leafKey is the one key every minted certificate shares, so minting
	// costs a signature and no key generation.
	leafKey *ecdsa.PrivateKey
	clock   func() time.Time
	leaves  *leafCache
}

// LoadOrCreateCA loads the CA kept in dir, or generates one there (an
// ECDSA P-256 key written 0600 in a 0700 directory) when dir holds
// neither file. created says which happened.
func LoadOrCreateCA(dir string) (ca *CA, created bool, err error) {
	certFile, keyFile := filepath.Join(dir, CACertFile), filepath.Join(dir, CAKeyFile)
	certPEM, certErr := os.ReadFile(certFile)
	keyPEM, keyErr := os.ReadFile(keyFile)
	switch {
	case errors.Is(certErr, fs.ErrNotExist) && errors.Is(keyErr, fs.ErrNotExist):
		if err := createCA(dir, certFile, keyFile); err != nil {
			return nil, false, err
		}
		ca, err := loadCA(certFile, keyFile)
		return ca, true, err
	case certErr != nil:
		return nil, false, fmt.Errorf("read CA certificate: %w", certErr)
	case keyErr != nil:
		return nil, false, fmt.Errorf("read CA key: %w (remove %s to generate a new CA)", keyErr, certFile)
	}
	if err := checkKeyMode(keyFile); err != nil {
		return nil, false, err
	}
	ca, err = parseCA(certFile, certPEM, keyPEM)
	return ca, false, err
}

// loadCA loads an existing CA from its certificate and key files.
func loadCA(certFile, keyFile string) (*CA, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read CA key: %w", err)
	}
	return parseCA(certFile, certPEM, keyPEM)
}

// checkKeyMode refuses a CA key that others than its owner may read or
// write: whoever reads it can impersonate any site to the clients that
// trust the CA. Windows keeps no such bits, so it is not checked there.
func checkKeyMode(keyFile string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	fi, err := os.Stat(keyFile)
	if err != nil {
		return fmt.Errorf("read CA key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return fmt.Errorf("CA key %s is open to other users (mode %04o): chmod 600 %s", keyFile, perm, keyFile)
	}
	return nil
}

// CertFile is the path of the CA certificate, the file a client trusts.
func (c *CA) CertFile() string { return c.certFile }

// Certificate is the CA certificate.
func (c *CA) Certificate() *x509.Certificate { return c.cert }

func parseCA(certFile string, certPEM, keyPEM []byte) (*CA, error) {
	cb, _ := pem.Decode(certPEM)
	if cb == nil || cb.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("read CA certificate %s: no PEM certificate in it", certFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate %s: %w", certFile, err)
	}
	kb, _ := pem.Decode(keyPEM)
	if kb == nil {
		return nil, fmt.Errorf("read CA key beside %s: no PEM key in it", certFile)
	}
	key, err := x509.ParseECPrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read CA key beside %s: want an EC key: %w", certFile, err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("read CA %s: the key does not belong to the certificate", certFile)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate leaf key: %w", err)
	}
	return &CA{certFile: certFile, cert: cert, key: key, leafKey: leafKey, clock: time.Now, leaves: newLeafCache(leafCacheSize)}, nil
}

// createCA writes a new CA's key, then its certificate. The key file is
// created exclusively, so two spoor processes starting at once cannot
// leave a certificate that belongs to another key.
func createCA(dir, certFile, keyFile string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create CA directory: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("generate CA key: %w", err)
	}
	now := time.Now()
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "spoor local CA " + host, Organization: []string{"spoor"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return fmt.Errorf("create CA certificate: %w", err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return fmt.Errorf("encode CA key: %w", err)
	}
	if err := writeNew(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return fmt.Errorf("write CA key: %w", err)
	}
	if err := writeNew(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return fmt.Errorf("write CA certificate: %w", err)
	}
	return nil
}

// writeNew writes a file that must not exist yet.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		// crypto/rand does not fail on the platforms Go supports; a fixed
		// serial still makes a valid certificate.
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

// Leaf returns the certificate the proxy presents for host (a DNS name or
// an IP address), minting it on first use and keeping the most recently
// used ones.
func (c *CA) Leaf(host string) (*tls.Certificate, error) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return nil, errors.New("mint certificate: no host name")
	}
	if cert, ok := c.leaves.get(host); ok {
		return cert, nil
	}
	cert, err := c.mint(host)
	if err != nil {
		return nil, err
	}
	c.leaves.put(host, cert)
	return cert, nil
}

func (c *CA) mint(host string) (*tls.Certificate, error) {
	now := c.clock()
	notAfter := now.Add(leafValidity)
	if notAfter.After(c.cert.NotAfter) {
		notAfter = c.cert.NotAfter
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: host, Organization: []string{"spoor"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &c.leafKey.PublicKey, c.key)
	if err != nil {
		return nil, fmt.Errorf("mint certificate for %s: %w", host, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("mint certificate for %s: %w", host, err)
	}
	return &tls.Certificate{Certificate: [][]byte{der, c.cert.Raw}, PrivateKey: c.leafKey, Leaf: leaf}, nil
}

// leafCache is a bounded LRU of minted certificates by host.
type leafCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of *leafEntry, most recent first
	byKey map[string]*list.Element
}

type leafEntry struct {
	host string
	cert *tls.Certificate
}

func newLeafCache(size int) *leafCache {
	return &leafCache{size: size, order: list.New(), byKey: make(map[string]*list.Element)}
}

func (l *leafCache) get(host string) (*tls.Certificate, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.byKey[host]
	if !ok {
		return nil, false
	}
	l.order.MoveToFront(e)
	return e.Value.(*leafEntry).cert, true
}

func (l *leafCache) put(host string, cert *tls.Certificate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.byKey[host]; ok {
		e.Value.(*leafEntry).cert = cert
		l.order.MoveToFront(e)
		return
	}
	l.byKey[host] = l.order.PushFront(&leafEntry{host: host, cert: cert})
	for l.order.Len() > l.size {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.byKey, last.Value.(*leafEntry).host)
	}
}

func (l *leafCache) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}
