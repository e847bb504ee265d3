package table

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/tui/theme"
)

// Cursor is a position in a list of Len items of which Rows are visible.
// It keeps the visible window (Offset) around the cursor so that a view
// renders only rows Offset to Offset+Rows, however long the list.
type Cursor struct {
	index, offset, n, rows int
}

// Index is the cursor's position, 0 when the list is empty.
func (c Cursor) Index() int { return c.index }

// Window returns the half-open range of items to render.
func (c Cursor) Window() (from, to int) {
	return c.offset, min(c.offset+c.rows, c.n)
}

// SetRows changes how many rows are visible, as after a resize.
func (c *Cursor) SetRows(rows int) {
	c.rows = max(rows, 0)
	c.clamp()
}

// SetLen changes the list length and moves the cursor to index. The cursor
// keeps its place on the screen when it can, so a live reload that moves
// the selected item does not make the view jump.
func (c *Cursor) SetLen(n, index int) {
	screenRow := c.index - c.offset
	c.n = max(n, 0)
	c.index = index
	c.offset = index - screenRow
	c.clamp()
}

// Top puts the cursor on the first item with the window at the top.
func (c *Cursor) Top() {
	c.index, c.offset = 0, 0
	c.clamp()
}

// Update moves the cursor for a navigation key and reports whether the key
// was one.
func (c *Cursor) Update(msg tea.KeyPressMsg, keys theme.NavKeyMap) bool {
	page := max(c.rows-1, 1)
	switch {
	case key.Matches(msg, keys.Up):
		c.index--
	case key.Matches(msg, keys.Down):
		c.index++
	case key.Matches(msg, keys.PageUp):
		c.index -= page
		c.offset -= page
	case key.Matches(msg, keys.PageDown):
		c.index += page
		c.offset += page
	case key.Matches(msg, keys.Home):
		c.index = 0
	case key.Matches(msg, keys.End):
		c.index = c.n - 1
	default:
		return false
	}
	c.clamp()
	return true
}

// clamp restores the invariants: the cursor is inside the list, the window
// is inside the list, and the cursor is inside the window.
func (c *Cursor) clamp() {
	c.index = min(max(c.index, 0), max(c.n-1, 0))
	if c.rows == 0 {
		c.offset = c.index
		return
	}
	c.offset = min(c.offset, c.index)
	c.offset = max(c.offset, c.index-c.rows+1)
	c.offset = min(c.offset, max(c.n-c.rows, 0))
	c.offset = max(c.offset, 0)
}
