package store

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/ingest"
)

// openTemp opens a store in a temporary directory and, when the test ends,
// checks bbolt's consistency and that the indexes agree with the log.
func openTemp(t testing.TB, opts Options) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "spoor.db"), opts)
}

// openAt is openTemp on a given path.
func openAt(t testing.TB, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Check(); err != nil {
			t.Error(err)
		}
		if err := s.CheckIndexes(); err != nil {
			t.Error(err)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func exchange(start time.Time, ip, path string, status int) *engine.Exchange {
	return &engine.Exchange{
		Start: start, Duration: 3 * time.Millisecond, ClientIP: ip,
		Method: "GET", Host: "api.test", Path: path, Status: status,
		ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "curl/8"}, {Name: "Cookie", Value: "sid=abc; theme=dark"}},
		RespBody:   engine.Body{Data: []byte(`{"ok":true}`), Size: 11},
	}
}

func analyse(s *Store, xs ...*engine.Exchange) []ingest.Record {
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(s.Secret()))
	var recs []ingest.Record
	for _, x := range xs {
		sess := a.Process(x)
		recs = append(recs, ingest.Record{Exchange: x, Session: &sess})
	}
	return recs
}

func TestWriteAndRead(t *testing.T) {
	s := openTemp(t, Options{})
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	recs := analyse(s,
		exchange(t0, "198.51.100.7", "/a", 200),
		exchange(t0.Add(time.Second), "198.51.100.7", "/b", 404),
	)
	if err := s.Write(recs); err != nil {
		t.Fatal(err)
	}
	sessions, err := s.Sessions(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 {
		t.Fatalf("got %d sessions, want 1", len(sessions))
	}
	got := sessions[0]
	if got.Requests != 2 || got.StatusCounts[404] != 1 || got.KeyPoint != "req.cookie.sid" {
		t.Errorf("session = %+v", got)
	}
	reqs, err := s.Requests(got.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 2 || reqs[0].Path != "/a" || reqs[1].Path != "/b" || reqs[0].ID == 0 {
		t.Fatalf("requests = %+v", reqs)
	}
	if reqs[0].RespBody.Data != nil {
		t.Error("Requests loaded body data; bodies must load only with Exchange")
	}
	full, err := s.Exchange(reqs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(full.RespBody.Data) != `{"ok":true}` {
		t.Errorf("body = %q", full.RespBody.Data)
	}
	if v := full.ReqHeader("Cookie"); !engine.IsHashed(v[len("sid=") : len("sid=")+29]) {
		t.Errorf("cookie stored in clear: %q", v)
	}
	if _, err := s.Exchange(999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing exchange: err = %v, want ErrNotFound", err)
	}
}

func TestReopenKeepsDataAndSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	secret := s.Secret()
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	if err := s.Write(analyse(s, exchange(t0, "192.0.2.1", "/x", 200))); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, want 0600", fi.Mode().Perm())
	}
	s, err = Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if string(s.Secret()) != string(secret) {
		t.Error("secret changed across reopen")
	}
	n, m, err := s.Count()
	if err != nil || n != 1 || m != 1 {
		t.Errorf("count = %d exchanges, %d sessions, %v; want 1, 1", n, m, err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	locked := filepath.Join(dir, "locked.db")
	holder, err := Open(locked, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()

	notStore := filepath.Join(dir, "text.db")
	if err := os.WriteFile(notStore, []byte("hello, this is not a database at all\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A bbolt file of another program: valid, but without spoor's meta.
	otherBolt := filepath.Join(dir, "other.db")
	if db, err := bolt.Open(otherBolt, 0o600, nil); err == nil {
		db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
		db.Close()
	}
	// A store whose schema a later spoor bumped.
	newer := filepath.Join(dir, "newer.db")
	if s, err := Open(newer, Options{}); err == nil {
		s.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaSchema), u64(schemaVersion+1))
		})
		s.Close()
	}
	empty := filepath.Join(dir, "empty.db")
	if db, err := bolt.Open(empty, 0o600, nil); err == nil {
		db.Close()
	}
	// A file of no bytes, as touch or mktemp leave it: bbolt lays out a
	// store in it when opened for writing, and fails read-only.
	zeroBytes := filepath.Join(dir, "zero.db")
	if err := os.WriteFile(zeroBytes, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// Random bytes, larger than a bbolt page.
	noise := make([]byte, 16384)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	random := filepath.Join(dir, "random.db")
	if err := os.WriteFile(random, noise, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		path     string
		readOnly bool
		want     error
		says     string
	}{
		{"zero-byte file read-only", zeroBytes, true, ErrNotStore, "not a spoor store (empty file)"},
		{"random bytes", random, false, ErrNotStore, "not a spoor store (not a bbolt database file)"},
		{"random bytes read-only", random, true, ErrNotStore, "not a spoor store (not a bbolt database file)"},
		{"locked by another handle", locked, false, ErrLocked, "in use by another spoor process"},
		{"not a store", notStore, false, ErrNotStore, "not a spoor store"},
		{"another program's bbolt file", otherBolt, false, ErrNotStore, "not a spoor store"},
		{"newer schema", newer, false, ErrNewerSchema, "upgrade spoor"},
		{"newer schema read-only", newer, true, ErrNewerSchema, "upgrade spoor"},
		{"empty bbolt file read-only", empty, true, ErrNotStore, "empty"},
		{"missing file read-only", filepath.Join(dir, "none.db"), true, os.ErrNotExist, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			s, err := Open(tt.path, Options{LockTimeout: 200 * time.Millisecond, ReadOnly: tt.readOnly})
			if err == nil {
				s.Close()
				t.Fatal("open succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.says) || !strings.Contains(err.Error(), tt.path) {
				t.Errorf("err = %q, want it to name the file and say %q", err, tt.says)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("open took %v", d)
			}
		})
	}
}

func TestActiveSince(t *testing.T) {
	s := openTemp(t, Options{})
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	old := exchange(t0, "192.0.2.1", "/old", 200)
	old.ReqHeaders = nil
	recent := exchange(t0.Add(2*time.Hour), "192.0.2.2", "/new", 200)
	recent.ReqHeaders = nil
	if err := s.Write(analyse(s, old, recent)); err != nil {
		t.Fatal(err)
	}
	got, err := s.ActiveSince(t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].IPs[0] != "192.0.2.2" {
		t.Errorf("ActiveSince = %+v", got)
	}
}

// TestPreparedBatchesCommitInOrder checks the pipeline's path: batches are
// prepared ahead and committed in order with consecutive ids; a batch
// committed out of order is refused without writing, and the store then
// carries on from what the file holds.
func TestPreparedBatchesCommitInOrder(t *testing.T) {
	s := openTemp(t, Options{})
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	recs := analyse(s,
		exchange(t0, "198.51.100.7", "/a", 200),
		exchange(t0.Add(time.Second), "198.51.100.7", "/b", 200),
		exchange(t0.Add(2*time.Second), "198.51.100.7", "/c", 200),
	)
	first, err := s.Prepare(recs[:1])
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Prepare(recs[1:2])
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Commit(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("committing the second batch first: err = %v, want ErrCorrupt", err)
	}
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := first.Commit(); err == nil {
		t.Error("a batch committed twice")
	}
	if err := s.Write(recs[2:]); err != nil {
		t.Fatal(err)
	}
	sessions, err := s.Sessions(0)
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions = %v, %v", sessions, err)
	}
	reqs, err := s.Requests(sessions[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reqs {
		got = append(got, fmt.Sprint(r.ID, r.Path))
	}
	if strings.Join(got, " ") != "1/a 2/c" || sessions[0].Requests != 3 {
		// The session summary counts what analysis saw (three requests);
		// the log holds the two committed ones.
		t.Errorf("stored %v in a session of %d requests, want [1/a 2/c] of 3", got, sessions[0].Requests)
	}
}
