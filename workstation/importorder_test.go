package workstation

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/spoorhq/spoor/capture/importer"
)

// TestImportOrderKeepsSessions imports an older and a newer access log in
// time order into one store and in reverse order into another, then a
// late line that falls inside a stored part into both: the sessions must
// be the same. The logs hold one actor whose visits are nine months apart
// (two parts, never one spanning the months) and one whose requests in
// the two files are within the 30-minute gap (one part).
func TestImportOrderKeepsSessions(t *testing.T) {
	late := filepath.Join("testdata", "order-late.log")
	older := filepath.Join("testdata", "order-old.log")
	newer := filepath.Join("testdata", "order-new.log")
	inOrder := importSessions(t, older, newer, late)
	reversed := importSessions(t, newer, older, late)
	// The key ids differ between the stores (each hashes with its own
	// secret), so parts are named by actor; both actors' key points are
	// the fallback req.ip+req.ua.
	want := []string{
		"198.51.100.4 2026-06-01T10:00:00Z..2026-06-01T10:30:00Z 4",
		"203.0.113.7 2026-01-10T10:00:00Z..2026-01-10T10:20:00Z 4",
		"203.0.113.7 2026-10-10T09:00:00Z..2026-10-10T09:10:00Z 2",
	}
	if !slices.Equal(inOrder, want) {
		t.Errorf("in time order:\n got %q\nwant %q", inOrder, want)
	}
	if !slices.Equal(reversed, want) {
		t.Errorf("in reverse order:\n got %q\nwant %q", reversed, want)
	}
}

// importSessions imports the files one after another, each as its own
// import, into a new store, and describes its sessions by actor (the
// client IP standing for the key id), first and last request and request
// count, sorted.
func importSessions(t *testing.T, files ...string) []string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "order.db")
	im, err := OpenImport(ImportOptions{Store: db, NoDetect: true, Format: importer.Options{Format: importer.FormatCombined}})
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	for _, name := range files {
		src, err := OpenSource(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := im.Import(t.Context(), src, nil)
		src.Close()
		if err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
		if res.Committed != res.Stats.Exchanges || res.Committed == 0 {
			t.Fatalf("import %s: %+v", name, res)
		}
	}
	sessions, err := im.store.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	keys := map[string]string{} // key id → actor: one key id per actor
	for _, s := range sessions {
		ip := ""
		if len(s.IPs) == 1 {
			ip = s.IPs[0]
		}
		if prev, ok := keys[s.KeyID]; ok && prev != ip {
			t.Errorf("key id %s is shared by %s and %s", s.KeyID, prev, ip)
		}
		keys[s.KeyID] = ip
		got = append(got, fmt.Sprintf("%s %s..%s %d", ip,
			s.FirstSeen.UTC().Format(time.RFC3339), s.LastSeen.UTC().Format(time.RFC3339), s.Requests))
	}
	slices.Sort(got)
	return got
}
