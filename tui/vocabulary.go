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
// and the configuration alone. No index keeps methods, so the log is read
// for them only once a method the registry does not list is typed (as the
// CLI does); after that, each load reads only what the log gained.
type vocabState struct {
	flows   []string
	seen    filter.Vocabulary
	scan    query.MethodScan
	scanned bool // the log has been read to its end once
	loading bool
	// again says another load is due when the one in flight ends, and
	// againMethods whether it must read methods.
	again, againMethods bool
}

// vocabularyLoadedMsg carries what the store holds.
type vocabularyLoadedMsg struct {
	seen    filter.Vocabulary
	scan    query.MethodScan
	methods bool // the load read methods
	more    bool
	err     error
}

func (v vocabState) vocabulary() *filter.Vocabulary {
	seen := v.seen
	seen.Methods = v.scan.Methods
	return query.Combine(v.flows, seen)
}

// loadVocabulary reads the values the store's indexes hold and, with
// methods, the methods of up to methodBudget exchanges after the scan's
// position. A source without indexes (a test's) has nothing to add.
func loadVocabulary(src SessionSource, scan query.MethodScan, methods bool) tea.Cmd {
	vs, ok := src.(query.VocabularySource)
	if !ok {
		return nil
	}
	scan.Methods = slices.Clone(scan.Methods)
	return func() tea.Msg {
		seen, err := query.Seen(vs)
		if err != nil || !methods {
			return vocabularyLoadedMsg{seen: seen, scan: scan, err: err}
		}
		more, err := scan.Next(vs, methodBudget)
		return vocabularyLoadedMsg{seen: seen, scan: scan, methods: true, more: more, err: err}
	}
}

// refreshVocabulary starts a load, or another after the one in flight.
func (m *Model) refreshVocabulary(methods bool) tea.Cmd {
	if m.vocab.loading {
		m.vocab.again = true
		m.vocab.againMethods = m.vocab.againMethods || methods
		return nil
	}
	cmd := loadVocabulary(m.src, m.vocab.scan, methods)
	m.vocab.loading = cmd != nil
	return cmd
}

// checkMethods reads the log for its methods when the filter being typed
// names a method the vocabulary lacks and the log has not been read yet.
func (m *Model) checkMethods() tea.Cmd {
	if fe := m.filterbar.Err(); fe == nil || fe.Field != "method" || m.vocab.scanned || (m.vocab.loading && m.vocab.againMethods) {
		return nil
	}
	return m.refreshVocabulary(true)
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
	m.vocab.scanned = m.vocab.scanned || msg.methods && !msg.more
	m.filterbar.SetVocabulary(m.vocab.vocabulary())
	if msg.more || m.vocab.again {
		methods := msg.more || m.vocab.againMethods
		m.vocab.again, m.vocab.againMethods = false, false
		return m.refreshVocabulary(methods)
	}
	return nil
}
