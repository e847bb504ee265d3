package tui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine/filter"
	"github.com/spoorhq/spoor/query"
)

// methodBudget bounds the exchanges one vocabulary load reads for their
// methods; loads chain until the log is read, then read only what it
// gained.
const methodBudget = 50_000

// vocabState is what the filter bar checks attack, abuse, flow and method
// values against: the configured flows, and what the store holds, read in
// a tea.Cmd when the bar opens. Until the first load it is the catalogue
// and the configuration alone.
type vocabState struct {
	flows   []string
	seen    filter.Vocabulary
	scan    query.MethodScan
	loading bool
	// again says the bar opened while a load was in flight.
	again bool
}

// vocabularyLoadedMsg carries what the store holds.
type vocabularyLoadedMsg struct {
	seen filter.Vocabulary
	scan query.MethodScan
	more bool
	err  error
}

func (v vocabState) vocabulary() *filter.Vocabulary {
	seen := v.seen
	seen.Methods = v.scan.Methods
	return query.Combine(v.flows, seen)
}

// loadVocabulary reads the values the store's indexes hold and the
// methods of up to methodBudget exchanges after the scan's position. A
// source without indexes (a test's) has nothing to add.
func loadVocabulary(src SessionSource, scan query.MethodScan) tea.Cmd {
	vs, ok := src.(query.VocabularySource)
	if !ok {
		return nil
	}
	scan.Methods = slices.Clone(scan.Methods)
	return func() tea.Msg {
		seen, err := query.Seen(vs)
		if err != nil {
			return vocabularyLoadedMsg{err: err}
		}
		more, err := scan.Next(vs, methodBudget)
		return vocabularyLoadedMsg{seen: seen, scan: scan, more: more, err: err}
	}
}

// refreshVocabulary starts a load, or another after the one in flight.
func (m *Model) refreshVocabulary() tea.Cmd {
	if m.vocab.loading {
		m.vocab.again = true
		return nil
	}
	cmd := loadVocabulary(m.src, m.vocab.scan)
	m.vocab.loading = cmd != nil
	return cmd
}

// vocabularyLoaded hands the bar what the store holds. A failed read
// keeps what was known: the bar still checks against it, and the error
// shows in the status bar.
func (m *Model) vocabularyLoaded(msg vocabularyLoadedMsg) tea.Cmd {
	m.vocab.loading = false
	if msg.err != nil {
		m.err = msg.err
		return nil
	}
	m.vocab.seen, m.vocab.scan = msg.seen, msg.scan
	m.filterbar.SetVocabulary(m.vocab.vocabulary())
	if msg.more || m.vocab.again {
		m.vocab.again = false
		return m.refreshVocabulary()
	}
	return nil
}
