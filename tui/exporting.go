package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/exportprompt"
)

// maxExportNames bounds the numbered names writeExport tries beside a
// file that exists (name-2.har ... name-99.har).
const maxExportNames = 99

// exportSession opens the export prompt for the selected or open session,
// prefilled with the full path the export would take.
func (m *Model) exportSession(format string) tea.Cmd {
	id := m.currentSessionID()
	if id == "" || m.export == nil {
		return nil
	}
	m.input = inputExport
	return m.exporting.Open(id, format, filepath.Join(m.exportDir, exportName(id, format)))
}

// exportName is the default file name of a session's export.
func exportName(sessionID, format string) string { return "spoor-" + sessionID + "." + format }

// exportKey edits the export path; enter writes, esc cancels.
func (m *Model) exportKey(k tea.KeyPressMsg) tea.Cmd {
	var cmd tea.Cmd
	var ev exportprompt.Event
	m.exporting, cmd, ev = m.exporting.Update(k)
	switch ev {
	case exportprompt.Cancelled:
		m.closeInput()
		m.notice = "export cancelled"
		return nil
	case exportprompt.Accepted:
		path := strings.TrimSpace(m.exporting.Path())
		if path == "" {
			m.notice = "give a path to export to, or esc to cancel"
			return nil
		}
		m.closeInput()
		if m.exporting.Format() == reportFormat {
			return m.writeReport(path)
		}
		id, format := m.exporting.SessionID(), m.exporting.Format()
		m.notice = "exporting " + id + " to " + path + "…"
		return exportSession(m.export, m.write, id, format, path, exportName(id, format))
	}
	return cmd
}

// exported reports a finished export: where it was written, and when a
// file already held the path asked for, that it was kept.
func (m *Model) exported(msg exportedMsg) {
	if msg.err != nil {
		m.err = msg.err
		return
	}
	m.notice = "exported to " + msg.path
	if msg.asked != "" && filepath.Base(msg.path) != filepath.Base(msg.asked) {
		m.notice += " (" + filepath.Base(msg.asked) + " exists, kept)"
	}
}

// writeExport writes data to path, never over an existing file: when path
// exists it writes name-2.ext, name-3.ext, ..., the first that is free,
// and returns the path it wrote. A path that names a directory gets name
// inside it; "~/" is the home directory; a relative path is made absolute
// so that the status bar says where the file went. Missing directories are
// created with mode 0700, the file with 0600: an export holds captured
// traffic.
func writeExport(path, name string, data []byte) (string, error) {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("expand %s: %w", path, err)
		}
		path = filepath.Join(home, rest)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		path = filepath.Join(path, name)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	for n := 1; n <= maxExportNames; n++ {
		next := path
		if n > 1 {
			next = fmt.Sprintf("%s-%d%s", stem, n, ext)
		}
		f, err := os.OpenFile(next, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("write %s: %w", next, err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(next)
			return "", fmt.Errorf("write %s: %w", next, werr)
		}
		return next, nil
	}
	return "", fmt.Errorf("%s and %d numbered names beside it exist: choose another path", path, maxExportNames-1)
}
