package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/spoorhq/spoor/capture/importer"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
)

// The evaluation's own idea of a crawler and of a browser, independent of
// the tracker's user-agent table, so that the figures measure the tracker
// rather than restate it. A crawler names itself a bot, crawler, spider or
// slurp; a browser starts with Mozilla/ or Opera/ and, unlike bots that
// borrow the prefix, carries no URL or contact address.
var (
	crawlerUA = regexp.MustCompile(`(?i)bot\b|bot/|crawl|spider|slurp|preview`)
)

// uaKind is how the evaluation sorts a session by its user agent.
type uaKind int

const (
	kindOther uaKind = iota
	kindCrawler
	kindBrowser
)

func kindOf(ua string) uaKind {
	switch {
	case crawlerUA.MatchString(ua):
		return kindCrawler
	case (strings.HasPrefix(ua, "Mozilla/") || strings.HasPrefix(ua, "Opera/")) &&
		!strings.Contains(ua, "http") && !strings.Contains(ua, "@"):
		return kindBrowser
	}
	return kindOther
}

// evaluate imports the files, groups and scores them, and reports.
func evaluate(ctx context.Context, files []string) (*report, error) {
	cfg := abuse.DefaultConfig()
	// Offline, every exchange rescores its session, so that the last
	// snapshot of each session holds its final verdicts.
	cfg.RecomputeEvery = 1
	tracker, err := abuse.NewTracker(cfg)
	if err != nil {
		return nil, err
	}
	analyzer := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("spoor-abuse-eval")))
	analyzer.Use(tracker)

	rep := &report{sessions: map[string]engine.Session{}}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open corpus: %w", err)
		}
		st, err := importer.Import(ctx, f, importer.Options{Format: importer.FormatCombined}, func(x *engine.Exchange) error {
			s := analyzer.Process(x)
			rep.sessions[s.ID] = s
			return nil
		})
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", name, err)
		}
		rep.lines += st.Exchanges + st.Bad
		rep.exchanges += st.Exchanges
	}
	return rep, nil
}
