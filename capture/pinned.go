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
