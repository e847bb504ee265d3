package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// exportDirFixture is the export directory the prompt's goldens show; the
// tests that write use a temporary directory instead.
const exportDirFixture = "/home/ana/.local/share/spoor/exports"

// newExporting returns the rich fixture with export enabled into dir and
// the model's real writer, unless fake is set, in which case writes are
// recorded in *fake and nothing touches the disk.
func newExporting(t *testing.T, w, h int, dir string, fake *[]string) *harness {
	t.Helper()
	hs := &harness{t: t}
	m := New(Options{Source: richSource(), Title: testTitle, ExportDir: dir, Now: fixtureNow,
		Export: func(id, format string) ([]byte, error) { return []byte(`{"session":"` + id + `"}`), nil }})
	m.schedule = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		hs.timers = append(hs.timers, msg)
		return nil
	}
	if fake != nil {
		m.write = func(path, _ string, _ []byte) (string, error) {
			*fake = append(*fake, path)
			return path, nil
		}
	}
	hs.m = m
	hs.run(m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// TestExportPrompt pins the prompt `e` opens: the full path the export
// would take, in the data directory's exports/, before anything is
// written; enter writes there, esc writes nothing.
func TestExportPrompt(t *testing.T) {
	want := filepath.Join(exportDirFixture, "spoor-"+alice.id+".har")
	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			var writes []string
			hs := newExporting(t, sz.w, sz.h, exportDirFixture, &writes)
			hs.keys(press('e'))
			if hs.m.input != inputExport || hs.m.exporting.Path() != want {
				t.Fatalf("after e: input %d, path %q; want the prompt with %q", hs.m.input, hs.m.exporting.Path(), want)
			}
			if !strings.Contains(hs.view(), "export har to: "+want) {
				t.Errorf("the prompt does not show the full path %q:\n%s", want, hs.view())
			}
			if len(writes) != 0 {
				t.Errorf("e wrote %v before the path was confirmed", writes)
			}
			hs.golden()
			hs.keys(keyEnter)
			if len(writes) != 1 || writes[0] != want {
				t.Errorf("enter wrote %v, want [%s]", writes, want)
			}
			if hs.m.notice != "exported to "+want {
				t.Errorf("status notice %q, want it to say where the export went", hs.m.notice)
			}
			if sz.w == 160 && !strings.Contains(hs.view(), "exported to "+want) {
				t.Errorf("the status bar does not show where the export went:\n%s", hs.view())
			}
		})
	}
}

// TestExportPromptEditAndCancel changes the proposed path before writing,
// and cancels another export.
func TestExportPromptEditAndCancel(t *testing.T) {
	var writes []string
	hs := newExporting(t, 80, 24, exportDirFixture, &writes)
	hs.keys(press('E'), tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	if hs.m.exporting.Path() != "" {
		t.Fatalf("ctrl+u left %q", hs.m.exporting.Path())
	}
	for _, r := range "/tmp/case-17.json" {
		hs.keys(press(r))
	}
	hs.keys(keyEnter)
	if len(writes) != 1 || writes[0] != "/tmp/case-17.json" {
		t.Errorf("edited export wrote %v, want [/tmp/case-17.json]", writes)
	}
	hs.keys(press('e'), keyEsc)
	if len(writes) != 1 || hs.m.input != inputNone || !strings.Contains(hs.view(), "export cancelled") {
		t.Errorf("esc: writes %v, input %d:\n%s", writes, hs.m.input, hs.view())
	}
	hs.keys(press('e'), tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}, keyEnter)
	if len(writes) != 1 || hs.m.input != inputExport || !strings.Contains(hs.view(), "give a path") {
		t.Errorf("enter on an empty path: writes %v, input %d:\n%s", writes, hs.m.input, hs.view())
	}
}

// TestExportKeepsExistingFile exports twice through the model's real
// writer into a directory it creates: the second export does not
// overwrite the first, it takes the next free name and says so.
func TestExportKeepsExistingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spoor", "exports")
	hs := newExporting(t, 160, 48, dir, nil)
	first := filepath.Join(dir, "spoor-"+alice.id+".har")
	hs.keys(press('e'), keyEnter)
	if hs.m.notice != "exported to "+first {
		t.Fatalf("first export: notice %q, err %v", hs.m.notice, hs.m.err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("exports directory: %v, mode %v; want it created 0700", err, info.Mode().Perm())
	}
	if err := os.WriteFile(first, []byte("the investigator's notes"), 0o600); err != nil {
		t.Fatal(err)
	}
	hs.keys(press('e'), keyEnter)
	second := filepath.Join(dir, "spoor-"+alice.id+"-2.har")
	if want := "exported to " + second + " (spoor-" + alice.id + ".har exists, kept)"; hs.m.notice != want {
		t.Errorf("second export: notice %q, want %q", hs.m.notice, want)
	}
	if b, _ := os.ReadFile(first); string(b) != "the investigator's notes" {
		t.Errorf("the existing file was overwritten: %q", b)
	}
	if b, err := os.ReadFile(second); err != nil || !strings.Contains(string(b), alice.id) {
		t.Errorf("second export file: %q, %v", b, err)
	}
}

// TestWriteExport checks the writer on its own: numbered names, a
// directory as the path, file modes, and a clear error.
func TestWriteExport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "case.har")
	for i, want := range []string{"case.har", "case-2.har", "case-3.har"} {
		got, err := writeExport(path, "unused.har", []byte{byte('a' + i)})
		if err != nil || filepath.Base(got) != want {
			t.Fatalf("write %d: %q, %v; want %s", i+1, got, err, want)
		}
		if info, _ := os.Stat(got); info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", got, info.Mode().Perm())
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "a" {
		t.Errorf("first file now holds %q", b)
	}
	got, err := writeExport(dir, "spoor-x-1.json", []byte("{}"))
	if err != nil || got != filepath.Join(dir, "spoor-x-1.json") {
		t.Errorf("a directory as the path: %q, %v", got, err)
	}
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o600)
	if _, err := writeExport(filepath.Join(blocker, "x.har"), "x.har", nil); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("a path under a file: error %v, want one naming %s", err, blocker)
	}
}
