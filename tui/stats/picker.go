package stats

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// KeyMap is the picker's bindings.
type KeyMap struct {
	Up, Down, Left, Right key.Binding
	Choose, Close         key.Binding
}

// DefaultKeyMap returns the picker's default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Left:   key.NewBinding(key.WithKeys("left", "h", "shift+tab"), key.WithHelp("←/h", "previous column")),
		Right:  key.NewBinding(key.WithKeys("right", "l", "tab"), key.WithHelp("→/l", "next column")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "filter requests")),
		Close:  key.NewBinding(key.WithKeys("esc", "s"), key.WithHelp("esc", "close stats")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Left, k.Right, k.Choose, k.Close} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Left, k.Right}, {k.Choose, k.Close}}
}

// ChooseMsg asks to show only the requests with Value in Dim.
type ChooseMsg struct {
	Dim   Dim
	Value string
}

// CloseMsg asks to close the picker.
type CloseMsg struct{}

// Picker shows a session's counts side by side and lets the user choose
// one value.
type Picker struct {
	keys  KeyMap
	theme theme.Theme
	stats Stats
	dim   Dim
	row   [dims]int
}

// NewPicker returns a picker over st.
func NewPicker(th theme.Theme, st Stats) Picker {
	return Picker{keys: DefaultKeyMap(), theme: th, stats: st}
}

// Update moves the selection and chooses.
func (p Picker) Update(msg tea.Msg) (Picker, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return p, nil
	}
	n := len(p.stats.By[p.dim])
	switch {
	case key.Matches(k, p.keys.Up):
		p.row[p.dim] = max(p.row[p.dim]-1, 0)
	case key.Matches(k, p.keys.Down):
		p.row[p.dim] = min(p.row[p.dim]+1, max(n-1, 0))
	case key.Matches(k, p.keys.Left):
		p.dim = (p.dim + dims - 1) % dims
	case key.Matches(k, p.keys.Right):
		p.dim = (p.dim + 1) % dims
	case key.Matches(k, p.keys.Choose):
		if n == 0 {
			return p, nil
		}
		c := ChooseMsg{Dim: p.dim, Value: p.stats.By[p.dim][p.row[p.dim]].Value}
		return p, func() tea.Msg { return c }
	case key.Matches(k, p.keys.Close):
		return p, func() tea.Msg { return CloseMsg{} }
	}
	return p, nil
}

// ShortHelp implements help.KeyMap.
func (p Picker) ShortHelp() []key.Binding { return p.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (p Picker) FullHelp() [][]key.Binding { return p.keys.FullHelp() }

// View draws the four dimensions as columns of "value count" rows.
func (p Picker) View(width, height int) string {
	colW := max((width-3*table.Gap)/int(dims), 8)
	lines := make([]string, max(height, 0))
	for d := range dims {
		cells := []string{p.theme.Header.Render(table.Fit(d.String(), colW, table.Left))}
		for i, c := range p.stats.By[d] {
			if len(cells) >= height {
				break
			}
			n := human.Count(c.N)
			text := table.Fit(table.Sanitize(c.Value), max(colW-len(n)-1, 1), table.Left) + " " + n
			switch {
			case d == p.dim && i == p.row[d]:
				text = p.theme.Cursor.Render(text)
			case d == DimStatus:
				code, _ := strconv.Atoi(c.Value)
				text = p.theme.Status(code).Render(text)
			case d == DimAttack:
				text = p.theme.Danger.Render(text)
			}
			cells = append(cells, text)
		}
		if len(p.stats.By[d]) == 0 && len(cells) < height {
			cells = append(cells, p.theme.Muted.Render(table.Fit("none", colW, table.Left)))
		}
		for i := range lines {
			cell := strings.Repeat(" ", colW)
			if i < len(cells) {
				cell = cells[i]
			}
			if d > 0 {
				lines[i] += strings.Repeat(" ", table.Gap)
			}
			lines[i] += cell
		}
	}
	for i := range lines {
		lines[i] = table.Line(strings.TrimRight(lines[i], " "), width)
	}
	return strings.Join(lines, "\n")
}
