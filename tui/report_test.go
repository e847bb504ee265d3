package tui

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// reportCall is one call of Options.Report.
type reportCall struct {
	ids            []string
	filter, format string
}

// newReporting returns the rich fixture with reports enabled into the
// goldens' export directory; writes and reports are recorded, nothing
// touches the disk.
func newReporting(t *testing.T, w, h int, calls *[]reportCall, writes *[]string) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: richSource(), Title: testTitle, ExportDir: exportDirFixture, Now: fixtureNow,
		Report: func(ids []string, filter, format string) ([]byte, error) {
			*calls = append(*calls, reportCall{ids, filter, format})
			return []byte("<!DOCTYPE html>"), nil
		}})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	m.write = func(path, _ string, _ []byte) (string, error) {
		*writes = append(*writes, path)
		return path, nil
	}
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// TestReportPrompt pins the prompt r opens on the list's session: the full
// path of the report before anything is written; enter renders the
// session's report and writes it there.
func TestReportPrompt(t *testing.T) {
	want := filepath.Join(exportDirFixture, "spoor-"+alice.id+".html")
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			var calls []reportCall
			var writes []string
			hs := newReporting(t, sz.w, sz.h, &calls, &writes)
			hs.keys(press('r'))
			if hs.m.input != inputExport || hs.m.exporting.Path() != want {
				t.Fatalf("after r: input %d, path %q; want the prompt with %q", hs.m.input, hs.m.exporting.Path(), want)
			}
			if !strings.Contains(hs.view(), "report to: "+want) {
				t.Errorf("the prompt does not show the full path %q:\n%s", want, hs.view())
			}
			if strings.Contains(hs.view(), "tab switch") {
				t.Error("without a filter there is nothing to switch to, but help offers tab")
			}
			if len(calls)+len(writes) != 0 {
				t.Errorf("r rendered %v and wrote %v before the path was confirmed", calls, writes)
			}
			hs.golden()
			hs.keys(keyEnter)
			if len(calls) != 1 || !slices.Equal(calls[0].ids, []string{alice.id}) || calls[0].filter != "" || calls[0].format != "html" {
				t.Errorf("enter rendered %+v, want the report of %s alone, in HTML", calls, alice.id)
			}
			if len(writes) != 1 || writes[0] != want || hs.m.notice != "exported to "+want {
				t.Errorf("enter wrote %v and said %q, want %s", writes, hs.m.notice, want)
			}
		})
	}
}

// TestReportPromptFilter: with a filter on, tab in the list's prompt
// switches to the report of the filter's sessions, and a path ending .md
// asks for Markdown.
func TestReportPromptFilter(t *testing.T) {
	want := filepath.Join(exportDirFixture, "spoor-filter.html")
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			var calls []reportCall
			var writes []string
			hs := newReporting(t, sz.w, sz.h, &calls, &writes)
			hs.keys(press('3')) // the last 24 hours: filter since:24h
			n := len(hs.m.sessions.Sessions())
			hs.keys(press('r'), tea.KeyPressMsg{Code: tea.KeyTab})
			prompt := "report " + strconv.Itoa(n) + " sessions to: " + want
			if hs.m.exporting.Path() != want || !strings.Contains(hs.view(), prompt) {
				t.Fatalf("after r and tab: path %q; want the prompt %q:\n%s", hs.m.exporting.Path(), prompt, hs.view())
			}
			hs.golden()
			hs.keys(tea.KeyPressMsg{Code: tea.KeyTab})
			if !strings.Contains(hs.m.exporting.Path(), alice.id) {
				t.Errorf("tab again: path %q, want this session's", hs.m.exporting.Path())
			}
			back := tea.KeyPressMsg{Code: tea.KeyBackspace}
			hs.keys(tea.KeyPressMsg{Code: tea.KeyTab}, back, back, back, back) // the filter's path, without "html"
			hs.send(tea.KeyPressMsg{Code: 'm', Text: "m"}, tea.KeyPressMsg{Code: 'd', Text: "d"})
			hs.keys(keyEnter)
			wantMD := strings.TrimSuffix(want, ".html") + ".md"
			if len(calls) != 1 || calls[0].ids != nil || calls[0].filter != "since:24h" || calls[0].format != "md" {
				t.Errorf("enter rendered %+v, want the filter's sessions (since:24h) in Markdown", calls)
			}
			if len(writes) != 1 || writes[0] != wantMD {
				t.Errorf("enter wrote %v, want %s", writes, wantMD)
			}
		})
	}
}

// TestReportFromSessionView: r in the session view reports the open
// session; esc writes nothing.
func TestReportFromSessionView(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			var calls []reportCall
			var writes []string
			hs := newReporting(t, sz.w, sz.h, &calls, &writes)
			hs.keys(keyEnter, press('r'))
			if hs.m.exporting.SessionID() != alice.id || !strings.Contains(hs.view(), "report to: "+filepath.Join(exportDirFixture, "spoor-"+alice.id+".html")) {
				t.Fatalf("r in the session view: prompt for %q:\n%s", hs.m.exporting.SessionID(), hs.view())
			}
			hs.golden()
			hs.keys(keyEsc)
			if len(calls)+len(writes) != 0 || hs.m.input != inputNone {
				t.Errorf("esc: rendered %v, wrote %v, input %d", calls, writes, hs.m.input)
			}
		})
	}
}

// TestReportKeyNeedsAReporter: without Options.Report r does nothing and
// help does not offer it.
func TestReportKeyNeedsAReporter(t *testing.T) {
	hs := newHarness(t, richSource(), nil, 160, 48)
	hs.keys(press('r'))
	if hs.m.input != inputNone {
		t.Errorf("r opened input %d without a reporter", hs.m.input)
	}
	hs.keys(press('?'))
	if strings.Contains(hs.view(), "r report") || !strings.Contains(hs.view(), "S     reverse") {
		t.Errorf("help offers r without a reporter, or lost S reverse:\n%s", hs.view())
	}
}
