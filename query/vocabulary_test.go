package query

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/ingest"
	"github.com/spoorhq/spoor/store"
)

// vocabularyStore holds a cache purge (a method no registry lists), an
// attack type of a detector newer than the catalogue, a flow the
// configuration no longer names, and a scraping verdict.
func vocabularyStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "v.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher(st.Secret()))
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var recs []ingest.Record
	for i, method := range []string{"GET", "POST", "PURGE", "GET"} {
		x := &engine.Exchange{
			Start: at.Add(time.Duration(i) * time.Second), ClientIP: "10.0.0.1",
			Method: method, Host: "api.test", Path: "/items", Status: 200,
		}
		if i == 1 {
			x.Attacks = []engine.AttackTag{{Type: "prompt_injection", Rule: "spoor-next"}}
		}
		sess := a.Process(x)
		x.Flows = []string{"Legacy"}
		sess.Attacks = map[string]int{"prompt_injection": 1}
		sess.Abuse = []engine.Verdict{{Type: engine.AbuseScraping, Confidence: 0.9}}
		recs = append(recs, ingest.Record{Exchange: x, Session: &sess})
	}
	if err := st.Write(recs); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSeen(t *testing.T) {
	st := vocabularyStore(t)
	seen, err := Seen(st)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen.Attacks, []string{"prompt_injection"}) || !slices.Equal(seen.Abuses, []string{"scraping"}) || !slices.Equal(seen.Flows, []string{"Legacy"}) {
		t.Errorf("seen %+v", seen)
	}
	var scan MethodScan
	if more, err := scan.Next(st, 3); err != nil || !more {
		t.Fatalf("first 3 exchanges: more %v, err %v", more, err)
	}
	if more, err := scan.Next(st, 0); err != nil || more {
		t.Fatalf("the rest: more %v, err %v", more, err)
	}
	if !slices.Equal(scan.Methods, []string{"GET", "POST", "PURGE"}) {
		t.Errorf("methods %v", scan.Methods)
	}
}

// TestParseChecked checks a filter against the store and the
// configuration as the CLI does: unknown values are errors naming the
// field; what the store holds or the configuration names is valid, traffic
// or not.
func TestParseChecked(t *testing.T) {
	st := vocabularyStore(t)
	configured := []string{"Auth", "Refunds"}
	for _, expr := range []string{
		"attack:prompt_injection", "attack:sqli", "abuse:scraping", "abuse:brute_force",
		"flow:Legacy", "flow:Refunds", "method:PURGE", "method:PROPFIND", "method:get",
	} {
		if _, err := ParseChecked(st, expr, configured, filter.Options{}); err != nil {
			t.Errorf("%s: %v", expr, err)
		}
	}
	for _, tt := range []struct{ expr, field, msg string }{
		{"attack:foo", "attack", `unknown attack type "foo": want any or sqli`},
		{"abuse:bar", "abuse", `unknown abuse type "bar"`},
		{"flow:Nope", "flow", `unknown flow "Nope": the flows are Auth, Refunds, Legacy`},
		{"method:FOO", "method", `unknown method "FOO"`},
		{"method:PURGE attack:foo", "attack", `unknown attack type "foo"`},
	} {
		_, err := ParseChecked(st, tt.expr, configured, filter.Options{})
		var fe *filter.Error
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.msg) {
			t.Errorf("%s: %v, want a %s error %q", tt.expr, err, tt.field, tt.msg)
		}
	}
	// Without the configuration, the flows the store holds are not all
	// that exist: flows are left unchecked.
	if _, err := ParseChecked(st, "flow:Nope", nil, filter.Options{}); err != nil {
		t.Errorf("flow:Nope without a configuration: %v", err)
	}
}
