package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/spoorhq/spoor/engine"
)

// writeSchema1 lays out a store as the first spoor wrote it: JSON
// exchanges carrying their session, and top-level session buckets.
func writeSchema1(t *testing.T, path string, xs []*engine.Exchange, sessions []engine.Session) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := map[string]*bolt.Bucket{}
		for _, name := range []string{"meta", "exchanges", "bodies", "sessions", "session_exchanges"} {
			if b[name], err = tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		b["meta"].Put([]byte("magic"), []byte(magic))
		b["meta"].Put([]byte("schema"), u64(1))
		b["meta"].Put([]byte("secret"), []byte("0123456789abcdef0123456789abcdef"))
		for _, x := range xs {
			x.ID, _ = b["exchanges"].NextSequence()
			v, _ := json.Marshal(x)
			b["exchanges"].Put(u64(x.ID), v)
			k := binary.BigEndian.AppendUint64(append([]byte(x.SessionID), 0), x.ID)
			b["session_exchanges"].Put(k, nil)
		}
		for _, s := range sessions {
			v, _ := json.Marshal(s)
			b["sessions"].Put([]byte(s.ID), v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	z := engine.NewSessionizer(engine.SessionizerOptions{}, engine.NewHasher([]byte("0123456789abcdef0123456789abcdef")))
	xs := actorTraffic(t0, "192.0.2.1", "one", 3)
	xs = append(xs, actorTraffic(t0.Add(time.Minute), "192.0.2.2", "two", 2)...)
	latest := map[string]engine.Session{}
	for _, x := range xs {
		latest[x.SessionID] = z.Assign(x).Clone()
	}
	var sessions []engine.Session
	for _, s := range latest {
		sessions = append(sessions, s)
	}
	writeSchema1(t, path, xs, sessions)

	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, ErrOldSchema) {
		t.Fatalf("read-only open of schema 1: err = %v, want ErrOldSchema", err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckIndexes(); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sessions(0)
	if err != nil || len(got) != 2 {
		t.Fatalf("sessions = %d, %v; want 2", len(got), err)
	}
	reqs, err := s.Requests(xs[0].SessionID)
	if err != nil || len(reqs) != 3 || reqs[2].Path != xs[2].Path || reqs[0].SessionID != xs[0].SessionID {
		t.Fatalf("requests = %+v, %v", reqs, err)
	}
	if string(s.Secret()) != "0123456789abcdef0123456789abcdef" {
		t.Error("migration changed the secret")
	}
}
