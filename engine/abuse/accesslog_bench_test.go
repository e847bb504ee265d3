package abuse_test

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
	"github.com/spoorhq/spoor/internal/accesslog"
)

// BenchmarkAnalyzeAccessLog measures the analysis of spoor import per
// line of the shared access log, the abuse tracker included: most
// exchanges open or extend a short session of a known address and user
// agent (see accesslog.Replay).
func BenchmarkAnalyzeAccessLog(b *testing.B) {
	xs := accesslog.Exchanges(b, 0)
	tr, err := abuse.NewTracker(abuse.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("bench-secret")))
	a.Use(tr)
	accesslog.Replay(b, a, xs)
}
