package tui

import (
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/exportprompt"
)

// reportFormat marks the export prompt as asking for a report's path.
const reportFormat = "report"

// syncReportKey offers r where it acts: on the list's selected session
// and in the session view.
func (m *Model) syncReportKey() {
	on := (m.focus == focusSessions && m.sessions.Len() > 0) || m.focus == focusSequence
	m.keys.Report.SetEnabled(on && m.report != nil)
}

// reportPrompt opens the export prompt on the path of the session's
// report. In the list, with a filter on, tab switches to a report of the
// filter's sessions ("report 12 sessions to: ").
func (m *Model) reportPrompt() tea.Cmd {
	id := m.currentSessionID()
	if id == "" || m.report == nil {
		return nil
	}
	m.input = inputExport
	// The prompts are short so that the whole path fits 80 columns; the
	// session's id is in its file name.
	choices := []exportprompt.Choice{{
		Prompt: "report to: ",
		Path:   filepath.Join(m.exportDir, exportName(id, "html")),
	}}
	if expr := m.filter.effective(); expr != "" && m.focus == focusSessions {
		choices = append(choices, exportprompt.Choice{
			Prompt: "report " + m.filteredCount() + " to: ",
			Path:   filepath.Join(m.exportDir, "spoor-filter.html"),
		})
	}
	return m.exporting.OpenChoices(id, reportFormat, choices...)
}

// filteredCount says how many sessions the filter matches, as the status
// bar counts them: "12 sessions", "1,000+ sessions" while pages remain.
func (m Model) filteredCount() string {
	n := human.Count(len(m.sessions.Sessions()))
	if m.list.more {
		if m.list.total >= 0 {
			n = human.Count(m.list.total)
		} else {
			n += "+"
		}
	}
	return n + sessionsNoun(n)
}

// writeReport renders the chosen report and writes it where the prompt
// said, never over a file: a path ending .md gets Markdown, any other
// HTML.
func (m *Model) writeReport(path string) tea.Cmd {
	id, filter := m.exporting.SessionID(), ""
	ids := []string{id}
	what := "session " + id
	if m.exporting.Chosen() == 1 {
		ids, filter, what = nil, m.filter.effective(), "the filter's sessions"
	}
	format := "html"
	if ext := strings.ToLower(filepath.Ext(path)); ext == ".md" || ext == ".markdown" {
		format = "md"
	}
	m.notice = "writing the report of " + what + " to " + path + "…"
	fn, write := m.report, m.write
	return func() tea.Msg {
		data, err := fn(ids, filter, format)
		if err != nil {
			return exportedMsg{err: fmt.Errorf("report %s: %w", what, err)}
		}
		written, err := write(path, filepath.Base(path), data)
		if err != nil {
			return exportedMsg{err: fmt.Errorf("report %s: %w", what, err)}
		}
		return exportedMsg{path: written, asked: path}
	}
}
