package table

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Paint is a style made cheap to apply to one line of text. Lists style a
// dozen cells per row and redraw whole pages at a time, and
// lipgloss.Style.Render works out wrapping, padding, borders, margins and
// alignment on every call; a style that only colours and weights text
// (foreground, background, bold, faint, italic, reverse, blink) needs
// none of it and always writes the same escape sequences around the text.
// NewPaint finds them once, by rendering probes; any other style, and any
// text with a tab or a line break, still goes through Render, so a Paint
// renders exactly what its style renders.
type Paint struct {
	style     lipgloss.Style
	pre, post string
	ok        bool
}

// The probes are texts no style can confuse with its own escape
// sequences; rendering both the same way shows that the style only wraps.
const (
	probe      = "x"
	otherProbe = "probe text"
)

// NewPaint returns st made cheap to apply when it can be.
func NewPaint(st lipgloss.Style) *Paint {
	p := &Paint{style: st}
	top, right, bottom, left := st.GetPadding()
	mTop, mRight, mBottom, mLeft := st.GetMargin()
	link, _ := st.GetHyperlink()
	if top+right+bottom+left+mTop+mRight+mBottom+mLeft != 0 || st.GetWidth() != 0 || st.GetHeight() != 0 ||
		st.GetMaxWidth() != 0 || st.GetMaxHeight() != 0 || st.GetHorizontalBorderSize() != 0 || st.GetVerticalBorderSize() != 0 ||
		st.GetUnderline() || st.GetStrikethrough() || st.GetUnderlineSpaces() || st.GetStrikethroughSpaces() ||
		st.GetTransform() != nil || link != "" {
		return p
	}
	r := st.Render(probe)
	i := strings.Index(r, probe)
	if i < 0 {
		return p
	}
	pre, post := r[:i], r[i+len(probe):]
	if st.Render(otherProbe) != pre+otherProbe+post {
		return p
	}
	p.pre, p.post, p.ok = pre, post, true
	return p
}

// Style is the style the paint applies.
func (p *Paint) Style() lipgloss.Style { return p.style }

// Render styles s as p's style renders it.
func (p *Paint) Render(s string) string {
	if !p.ok || s == "" || strings.ContainsAny(s, "\t\r\n") {
		return p.style.Render(s)
	}
	return p.pre + s + p.post
}
