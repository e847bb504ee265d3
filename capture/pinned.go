package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
)

// PinnedFile is the name of the list of pinning hosts beside the CA.
const PinnedFile = "pinned-hosts"

// PinnedHosts are the hosts whose clients refused spoor's certificate
// during an interception: they pin their certificate, or do not trust
// spoor's CA. A forward proxy tunnels them untouched from then on. The list
// is kept in a file, one host a line, so that it survives restarts and
// `spoor ca` can show it. Its methods are safe for concurrent use.
type PinnedHosts struct {
	path  string
	mu    sync.Mutex
	hosts map[string]struct{}
}

// LoadPinnedHosts reads the list at path; a missing file is an empty list.
// An empty path keeps the list in memory only.
func LoadPinnedHosts(path string) (*PinnedHosts, error) {
	p := &PinnedHosts{path: path, hosts: make(map[string]struct{})}
	if path == "" {
		return p, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read pinned hosts: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if h := strings.ToLower(strings.TrimSpace(sc.Text())); h != "" && !strings.HasPrefix(h, "#") {
			p.hosts[h] = struct{}{}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pinned hosts %s: %w", path, err)
	}
	return p, nil
}

// Has reports whether host is on the list.
func (p *PinnedHosts) Has(host string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.hosts[strings.ToLower(host)]
	return ok
}

// Add puts host on the list and appends it to the file, once.
func (p *PinnedHosts) Add(host string) error {
	host = strings.ToLower(host)
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.hosts[host]; ok {
		return nil
	}
	p.hosts[host] = struct{}{}
	if p.path == "" {
		return nil
	}
	f, err := os.OpenFile(p.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("remember pinned host %s: %w", host, err)
	}
	if _, err := fmt.Fprintln(f, host); err != nil {
		f.Close()
		return fmt.Errorf("remember pinned host %s: %w", host, err)
	}
	return f.Close()
}

// List is the hosts on the list, sorted.
func (p *PinnedHosts) List() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.hosts))
	for h := range p.hosts {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

const (
	// pinAfter is how many refused interceptions pin a host: one client
	// that says hello and then drops the connection must not end the
	// interception of that host for every client.
	pinAfter = 2

	// maxRefusingHosts bounds the hosts refusals are counted for, so that
	// clients refusing many hosts once cannot grow the count without end.
	maxRefusingHosts = 1024
)

// refusals count the refused interceptions of the hosts not pinned yet.
// Its methods are safe for concurrent use.
type refusals struct {
	mu sync.Mutex
	n  map[string]int
}

// count records one refused interception of host and reports whether it
// is the one that pins the host.
func (r *refusals) count(host string) bool {
	host = strings.ToLower(host)
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.n[host] + 1
	if n >= pinAfter {
		delete(r.n, host)
		return true
	}
	if r.n == nil {
		r.n = make(map[string]int)
	}
	if len(r.n) >= maxRefusingHosts {
		// Forgetting one host's refusal only delays its pinning.
		for h := range r.n {
			delete(r.n, h)
			break
		}
	}
	r.n[host] = n
	return false
}
