package engine_test

import (
	"testing"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/accesslog"
)

// BenchmarkAnalyzeAccessLog measures Analyzer.Analyze on the lines of the
// shared access log, as spoor import runs it (see accesslog.Replay).
func BenchmarkAnalyzeAccessLog(b *testing.B) {
	xs := accesslog.Exchanges(b, 0)
	a := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("bench-secret")))
	accesslog.Replay(b, a, xs)
}
