package theme

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/spoorhq/spoor/engine/inventory"
)

// Palette holds the semantic colour tokens. Components never pick a colour;
// they ask for a meaning (Danger, Status4xx) and the palette decides what
// that looks like on the current background.
type Palette struct {
	Text      color.Color
	Accent    color.Color
	Muted     color.Color
	Danger    color.Color
	Status1xx color.Color
	Status2xx color.Color
	Status3xx color.Color
	Status4xx color.Color
	Status5xx color.Color
	BarFg     color.Color
	BarBg     color.Color
	CursorFg  color.Color
	CursorBg  color.Color
	// Mark highlights the characters a search matched; Warn marks what is
	// slow or unusual without being an error.
	Mark color.Color
	Warn color.Color
}

// NewPalette returns the colour tokens for a dark or a light background.
// Light variants are darker and more saturated so that they keep their
// contrast on a white terminal.
func NewPalette(dark bool) Palette {
	c := lipgloss.LightDark(dark)
	return Palette{
		Text:      c(lipgloss.Color("#1C1C1C"), lipgloss.Color("#E4E4E4")),
		Accent:    c(lipgloss.Color("#5B3FD0"), lipgloss.Color("#B4A0FF")),
		Muted:     c(lipgloss.Color("#8A8A8A"), lipgloss.Color("#6C6C6C")),
		Danger:    c(lipgloss.Color("#C62828"), lipgloss.Color("#FF5F5F")),
		Status1xx: c(lipgloss.Color("#6C6C6C"), lipgloss.Color("#9E9E9E")),
		Status2xx: c(lipgloss.Color("#2E7D32"), lipgloss.Color("#5FD787")),
		Status3xx: c(lipgloss.Color("#00707A"), lipgloss.Color("#5FD7FF")),
		Status4xx: c(lipgloss.Color("#A85D00"), lipgloss.Color("#FFAF5F")),
		Status5xx: c(lipgloss.Color("#C62828"), lipgloss.Color("#FF5F5F")),
		BarFg:     c(lipgloss.Color("#303030"), lipgloss.Color("#D0D0D0")),
		BarBg:     c(lipgloss.Color("#E0E0E0"), lipgloss.Color("#303030")),
		CursorFg:  c(lipgloss.Color("#1C1C1C"), lipgloss.Color("#FFFFFF")),
		CursorBg:  c(lipgloss.Color("#D7D7FF"), lipgloss.Color("#44406A")),
		Mark:      c(lipgloss.Color("#B8860B"), lipgloss.Color("#FFD75F")),
		Warn:      c(lipgloss.Color("#A85D00"), lipgloss.Color("#FFAF5F")),
	}
}

// Theme is the set of styles the TUI renders with. Build it with New; the
// zero value renders everything unstyled.
type Theme struct {
	// Dark and Plain record how the theme was built, so that a later
	// message that changes only one of them can rebuild the other as is.
	Dark  bool
	Plain bool

	Header    lipgloss.Style // column titles
	Accent    lipgloss.Style // the thing the view is about, e.g. the actor
	Muted     lipgloss.Style // secondary text and placeholders
	Danger    lipgloss.Style // errors, dropped exchanges, attacks
	Cursor    lipgloss.Style // the selected row
	StatusBar lipgloss.Style // the bottom line
	Mark      lipgloss.Style // characters a search matched
	Warn      lipgloss.Style // slow requests, paused follow
	Chip      lipgloss.Style // an attack tag beside a request
	Tab       lipgloss.Style // an inactive tab title
	TabActive lipgloss.Style // the tab on display
	Ok        lipgloss.Style // a good state: following, applied
	Help      help.Styles

	// Shadow, Zombie and Undocumented mark an endpoint's specification
	// status: called but not in the spec, deprecated or removed there yet
	// still called, and a listed path called with a method it lacks.
	Shadow       lipgloss.Style
	Zombie       lipgloss.Style
	Undocumented lipgloss.Style

	status [6]lipgloss.Style // indexed by status class; 0 is "no response"
}

// New builds the theme for a dark or light background. Plain drops every
// colour (NO_COLOR, or a terminal without colour) but keeps bold and
// reverse, because the cursor row must stay visible without colour.
func New(dark, plain bool) Theme {
	if plain {
		return newPlain(dark)
	}
	p := NewPalette(dark)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	t := Theme{
		Dark:         dark,
		Header:       fg(p.Muted).Bold(true),
		Accent:       fg(p.Accent).Bold(true),
		Muted:        fg(p.Muted),
		Danger:       fg(p.Danger).Bold(true),
		Cursor:       lipgloss.NewStyle().Foreground(p.CursorFg).Background(p.CursorBg),
		StatusBar:    lipgloss.NewStyle().Foreground(p.BarFg).Background(p.BarBg),
		Mark:         fg(p.Mark).Bold(true).Underline(true),
		Warn:         fg(p.Warn),
		Chip:         fg(p.Danger),
		Tab:          fg(p.Muted),
		TabActive:    fg(p.Accent).Bold(true).Underline(true),
		Ok:           fg(p.Status2xx),
		Shadow:       fg(p.Warn).Bold(true),
		Zombie:       fg(p.Danger).Bold(true),
		Undocumented: fg(p.Warn),
		Help: help.Styles{
			Ellipsis:       fg(p.Muted),
			ShortKey:       fg(p.Text),
			ShortDesc:      fg(p.Muted),
			ShortSeparator: fg(p.Muted),
			FullKey:        fg(p.Text),
			FullDesc:       fg(p.Muted),
			FullSeparator:  fg(p.Muted),
		},
	}
	t.status = [6]lipgloss.Style{
		fg(p.Danger).Bold(true),
		fg(p.Status1xx),
		fg(p.Status2xx),
		fg(p.Status3xx),
		fg(p.Status4xx),
		fg(p.Status5xx).Bold(true),
	}
	return t
}

func newPlain(dark bool) Theme {
	none := lipgloss.NewStyle()
	bold := none.Bold(true)
	return Theme{
		Dark:         dark,
		Plain:        true,
		Header:       bold,
		Accent:       bold,
		Muted:        none,
		Danger:       bold,
		Cursor:       none.Reverse(true),
		StatusBar:    none,
		Mark:         none.Underline(true),
		Warn:         none,
		Chip:         none,
		Tab:          none,
		TabActive:    bold.Underline(true),
		Ok:           none,
		Shadow:       bold,
		Zombie:       bold,
		Undocumented: none,
		Help:         help.Styles{},
		status:       [6]lipgloss.Style{bold, none, none, none, none, bold},
	}
}

// Status returns the style for an HTTP status code, chosen by its class so
// that a column of codes reads at a glance. Codes outside 100-599 (no
// upstream response) take the class-0 style.
func (t Theme) Status(code int) lipgloss.Style {
	class := 0
	if code >= 100 && code <= 599 {
		class = code / 100
	}
	return t.status[class]
}

// Spec returns the style of an endpoint's specification status
// (engine/inventory's Documented, Shadow, Zombie, UndocumentedMethod);
// documented and unknown statuses are muted,
// so that only what the spec does not account for stands out.
func (t Theme) Spec(status string) lipgloss.Style {
	switch status {
	case inventory.Shadow:
		return t.Shadow
	case inventory.Zombie:
		return t.Zombie
	case inventory.UndocumentedMethod:
		return t.Undocumented
	}
	return t.Muted
}
