package listeditor

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// fixed are the rows a toy editor adds after its entries, as the key
// editor adds the built-in keys.
var fixed = []string{"builtin.one", "builtin.two"}

// list is a toy editor's list: entries are strings, and a row is an entry
// or a fixed string.
type list = Model[string, string]

func config(confirm string) Config[string, string] {
	return Config[string, string]{
		Keys:        DefaultKeyMap(),
		Prompt:      "new: ",
		Placeholder: "name",
		Parse: func(entries []string, spec string) (string, error) {
			if spec == "" || strings.Contains(spec, " ") {
				return "", errors.New("a name is one word")
			}
			if slices.Contains(entries, spec) {
				return "", errors.New(spec + " is already listed")
			}
			return spec, nil
		},
		Columns: []table.Column{{Title: "NAME", Min: 6, Want: 30, Grow: 1}, {Title: "NOTE", Min: 6, Want: 30, Drop: 1}},
		Cells: func(th theme.Theme, row string) []table.Cell {
			return []table.Cell{{Text: table.Sanitize(row)}, {Text: "why " + row, Style: th.Muted}}
		},
		Loading:      "loading…",
		Fixed:        "a fixed row stays",
		Last:         "fixed rows come last",
		ConfirmClose: confirm,
	}
}

// loaded returns a list of entries at w×h, its rows drawn as a toy
// editor would.
func loaded(t *testing.T, confirm string, w, h int, entries ...string) list {
	t.Helper()
	m := New(theme.New(true, true), config(confirm))
	m.SetSize(w, h)
	m.Open([]string{"alpha", "beta"})
	m.Load(entries, nil)
	m.SetRows(rowsOf(m))
	return m
}

func rowsOf(m list) []string { return slices.Concat(m.Entries(), fixed) }

func press(code rune, text string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: text} }

var (
	down     = press(tea.KeyDown, "")
	up       = press(tea.KeyUp, "")
	enter    = press(tea.KeyEnter, "")
	esc      = press(tea.KeyEscape, "")
	moveUp   = press('K', "K")
	moveDown = press('J', "J")
	del      = press('d', "d")
	add      = press('a', "a")
)

// send gives the list keys as an editor does, rebuilding the rows after an
// edit, and returns the last key's event and command.
func send(m list, keys ...tea.KeyPressMsg) (list, tea.Cmd, Event) {
	var cmd tea.Cmd
	var ev Event
	for _, k := range keys {
		m, cmd, ev = m.Update(k)
		if ev == Edited {
			m.SetRows(rowsOf(m))
		}
	}
	return m, cmd, ev
}

func typeText(m list, s string) list {
	for _, r := range s {
		m, _, _ = send(m, press(r, string(r)))
	}
	return m
}

func TestMoveDeleteAdd(t *testing.T) {
	m := loaded(t, "", 60, 12, "a", "b", "c")
	steps := []struct {
		name string
		keys []tea.KeyPressMsg
		want []string
		ev   Event
		note string
	}{
		{"move up at the top says so", []tea.KeyPressMsg{moveUp}, []string{"a", "b", "c"}, Handled, "already first"},
		{"move down", []tea.KeyPressMsg{moveDown}, []string{"b", "a", "c"}, Edited, ""},
		{"the cursor followed", []tea.KeyPressMsg{moveDown}, []string{"b", "c", "a"}, Edited, ""},
		{"move down at the last entry says the fixed rows follow", []tea.KeyPressMsg{moveDown}, []string{"b", "c", "a"}, Handled, "fixed rows come last"},
		{"move up", []tea.KeyPressMsg{moveUp}, []string{"b", "a", "c"}, Edited, ""},
		{"delete", []tea.KeyPressMsg{del}, []string{"b", "c"}, Edited, ""},
		{"a fixed row is not deleted", []tea.KeyPressMsg{down, down, del}, []string{"b", "c"}, Handled, "a fixed row stays"},
		{"nor moved", []tea.KeyPressMsg{moveUp}, []string{"b", "c"}, Handled, "a fixed row stays"},
		{"the next key clears a note", []tea.KeyPressMsg{up}, []string{"b", "c"}, Handled, ""},
	}
	for _, s := range steps {
		var ev Event
		m, _, ev = send(m, s.keys...)
		if got := m.Entries(); !slices.Equal(got, s.want) || ev != s.ev {
			t.Fatalf("%s: entries %v event %d, want %v event %d", s.name, got, ev, s.want, s.ev)
		}
		if m.note != s.note {
			t.Fatalf("%s: note %q, want %q", s.name, m.note, s.note)
		}
	}

	// Adding inserts after the cursor once Parse takes the spec; a
	// refused spec keeps the input with the reason under it.
	m, _, _ = send(m, up, up, add)
	if !m.Typing() {
		t.Fatal("a did not start the input")
	}
	m = typeText(m, "b")
	m, _, ev := send(m, enter)
	if ev == Edited || !m.Typing() || !strings.Contains(m.View(Frame{}), "b is already listed") {
		t.Fatalf("a duplicate was accepted:\n%s", m.View(Frame{}))
	}
	m, _, _ = send(m, press(tea.KeyBackspace, ""))
	m = typeText(m, "x")
	m, _, ev = send(m, enter)
	if got := m.Entries(); ev != Edited || m.Typing() || !slices.Equal(got, []string{"b", "x", "c"}) {
		t.Fatalf("after adding: entries %v event %d typing %v", got, ev, m.Typing())
	}
	if e, ok := m.Selected(); !ok || e != "x" {
		t.Errorf("the cursor is on %q (%v), want the new entry", e, ok)
	}

	// On a fixed row a new entry goes after the entries.
	m, _, _ = send(m, down, down, down, add)
	m = typeText(m, "y")
	m, _, _ = send(m, enter)
	if got := m.Entries(); !slices.Equal(got, []string{"b", "x", "c", "y"}) {
		t.Errorf("adding on a fixed row gave %v", got)
	}
}

// TestOlderCopyUnchanged holds the list to value semantics: a Model kept
// from before an edit still has the entries it had.
func TestOlderCopyUnchanged(t *testing.T) {
	for _, k := range []tea.KeyPressMsg{del, moveDown} {
		m := loaded(t, "", 60, 12, "a", "b", "c")
		before := m
		send(m, k)
		if got := before.Entries(); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Errorf("%s changed an older copy: %v", k, got)
		}
	}
	m := loaded(t, "", 60, 12, "a", "b", "c")
	before := m
	m.SetSelected("z")
	if got := before.Entries(); got[0] != "a" {
		t.Errorf("SetSelected changed an older copy: %v", got)
	}
}

func TestClose(t *testing.T) {
	isClose := func(cmd tea.Cmd) bool {
		if cmd == nil {
			return false
		}
		_, ok := cmd().(CloseMsg)
		return ok
	}
	// Without edits, or without a confirmation to ask, Close closes.
	m := loaded(t, "leave without saving?", 60, 12, "a")
	if _, cmd, _ := send(m, esc); !isClose(cmd) {
		t.Error("esc without edits did not close")
	}
	m = loaded(t, "", 60, 12, "a", "b")
	if _, cmd, _ := send(m, del, esc); !isClose(cmd) {
		t.Error("esc did not close an editor that asks nothing")
	}

	// With edits it asks once; another key forgets the question.
	m = loaded(t, "leave without saving?", 60, 12, "a", "b")
	m, cmd, _ := send(m, del, esc)
	if isClose(cmd) || !strings.Contains(m.View(Frame{}), "leave without saving?") {
		t.Fatalf("esc with edits closed or did not ask:\n%s", m.View(Frame{}))
	}
	m, _, _ = send(m, down)
	if strings.Contains(m.View(Frame{}), "leave without saving?") {
		t.Error("a key other than esc kept the question")
	}
	m, cmd, _ = send(m, esc, esc)
	if !isClose(cmd) {
		t.Error("esc twice did not close")
	}
	m.Finish(nil)
	if _, cmd, _ = send(m, esc); !isClose(cmd) {
		t.Error("esc after saving did not close")
	}

	// While typing, esc cancels the input and the editor stays.
	m = loaded(t, "", 60, 12, "a")
	m, cmd, _ = send(m, add, esc)
	if isClose(cmd) || m.Typing() {
		t.Errorf("esc while typing: closed %v, typing %v", isClose(cmd), m.Typing())
	}
}

func TestNothingEditsBeforeLoad(t *testing.T) {
	m := New(theme.New(true, true), config(""))
	m.SetSize(60, 12)
	m.Open(nil)
	if _, _, ev := send(m, add); ev != Handled || m.Typing() {
		t.Errorf("a before the load: event %d, typing %v", ev, m.Typing())
	}
	for _, b := range m.ShortHelp() {
		if b.Enabled() && slices.Contains([]string{"a", "d", "K/⇧↑"}, b.Help().Key) {
			t.Errorf("help offers %s before the load", b.Help().Key)
		}
	}
	if v := m.View(Frame{}); !strings.Contains(v, "loading…") {
		t.Errorf("no loading line:\n%s", v)
	}
	m.Load(nil, errors.New("read keys: store closed"))
	if v := m.View(Frame{}); strings.Contains(v, "loading…") || !strings.Contains(v, "error: read keys: store closed") {
		t.Errorf("a failed load is not shown:\n%s", v)
	}
}

func TestHelp(t *testing.T) {
	keys := func(bs []key.Binding) string {
		var out []string
		for _, b := range bs {
			if b.Enabled() {
				out = append(out, b.Help().Desc)
			}
		}
		return strings.Join(out, ",")
	}
	own := key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save"))
	m := loaded(t, "", 60, 12, "a")
	if got := keys(m.ShortHelp(own)); got != "move up,move down,add,remove,save,close" {
		t.Errorf("short help %q", got)
	}
	cfg := config("")
	cfg.Keys.MoveUp.SetEnabled(false)
	cfg.Keys.MoveDown.SetEnabled(false)
	m = New(theme.New(true, true), cfg)
	m.Load([]string{"a", "b"}, nil)
	m.SetRows(rowsOf(m))
	if got := keys(m.ShortHelp(own)); got != "add,remove,save,close" {
		t.Errorf("short help without moves %q", got)
	}
	if _, _, ev := send(m, down, moveUp); ev != Ignored {
		t.Errorf("a disabled move was taken: event %d", ev)
	}
	m, _, _ = send(m, add)
	if got := keys(m.ShortHelp(own)); got != "add,complete,cancel" {
		t.Errorf("short help while typing %q", got)
	}

	// Before the load only movement and close apply; during a save no
	// key does, and help says so.
	m = New(theme.New(true, true), config(""))
	m.Open(nil)
	if got := keys(m.ShortHelp(own)); got != "close" {
		t.Errorf("short help before the load %q", got)
	}
	m.Load([]string{"a"}, nil)
	m.SetRows(rowsOf(m))
	m.Begin()
	if got := keys(slices.Concat(m.FullHelp(own)...)); got != "" {
		t.Errorf("help during a save %q", got)
	}
	for _, k := range []tea.KeyPressMsg{del, esc, down, press('s', "s")} {
		var cmd tea.Cmd
		var ev Event
		if m, cmd, ev = m.Update(k); ev != Handled || cmd != nil || !slices.Equal(m.Entries(), []string{"a"}) {
			t.Errorf("%s during a save: event %d, command %v, entries %v", k, ev, cmd != nil, m.Entries())
		}
	}
	if !m.Finish(nil) || m.Busy() || keys(m.ShortHelp(own)) != "move up,move down,add,remove,save,close" {
		t.Errorf("after the save: busy %v, help %q", m.Busy(), keys(m.ShortHelp(own)))
	}
}

// view draws m and checks it fills w×h exactly, measured in cells.
func view(t *testing.T, m list, f Frame, w, h int) []string {
	t.Helper()
	lines := strings.Split(m.View(f), "\n")
	if len(lines) != h {
		t.Errorf("%dx%d: %d lines", w, h, len(lines))
	}
	for i, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("%dx%d: line %d is %d cells: %q", w, h, i, lw, ansi.Strip(l))
		}
		lines[i] = strings.TrimRight(ansi.Strip(l), " ")
	}
	return lines
}

// TestClipping pins the one way the editors clip: lines are cut by
// display width (wide runes count two cells), and a view taller than the
// area loses its top, keeping the footer with the input and the error.
func TestClipping(t *testing.T) {
	wide := "会话标识符会话标识符会话标识符会话标识符"
	f := Frame{Title: "TITLE · a title longer than the narrowest width here", Status: []string{"status"}, Trailer: []string{"trailer"}}
	for _, sz := range []struct{ w, h int }{{80, 24}, {30, 10}, {20, 6}, {12, 4}, {8, 2}, {5, 1}} {
		m := loaded(t, "", sz.w, sz.h, wide, "b", "c", "d", "e", "f", "g")
		m.SetErr(errors.New("a long error that cannot fit in a narrow terminal"))
		lines := view(t, m, f, sz.w, sz.h)
		if last := lines[len(lines)-1]; !strings.HasPrefix("trailer", strings.TrimSuffix(last, "…")) {
			t.Errorf("%dx%d: the last line is %q, not the trailer", sz.w, sz.h, last)
		}
		if sz.h >= 3 && !strings.HasPrefix(lines[len(lines)-2], "error") {
			t.Errorf("%dx%d: the error line was clipped: %q", sz.w, sz.h, lines)
		}
	}

	// The cursor row stays in view when the list is longer than the area.
	m := loaded(t, "", 40, 8, "a", "b", "c", "d", "e", "f", "g", "h")
	m, _, _ = send(m, slices.Repeat([]tea.KeyPressMsg{down}, 9)...)
	lines := view(t, m, f, 40, 8)
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "why builtin.two") }) {
		t.Errorf("the cursor's row is not in view:\n%s", strings.Join(lines, "\n"))
	}
}

// TestView pins a frame: title, header, the window of rows around the
// cursor, a note, the error line and the trailer.
func TestView(t *testing.T) {
	m := loaded(t, "", 40, 9, "a", "b", "c", "d", "e", "会话标识符会话标识符会话标识符会话标识符")
	m, _, _ = send(m, slices.Repeat([]tea.KeyPressMsg{down}, 6)...)
	m, _, _ = send(m, del)
	m.SetErr(errors.New("save: disk full"))
	lines := view(t, m, Frame{Title: "TITLE", Status: []string{"status"}, Trailer: []string{"trailer"}}, 40, 9)
	golden.RequireEqual(t, strings.Join(lines, "\n")+"\n")
}
