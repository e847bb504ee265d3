package sessions

import (
	"slices"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// rowCache keeps the list's rendered lines from frame to frame. Styling
// every visible cell is most of what a frame costs, and a key changes two
// rows (where the cursor was and where it is) or a page of them; a live
// reload changes the rows of the sessions that grew.
//
// A cached row is drawn again when anything it shows may have changed:
// the session's requests (which bring every count, time, flow and
// context value), its abuse verdicts (engine/abuse can revise those with
// no new request), the key and user it is named by, its search match (a
// new result is a new match) or whether the cursor is on it. Its
// sparkline arriving drops it (forget); a new layout or terminal width
// drops every row, and so does a new day (a time of today becomes a date);
// a new sort or direction drops the header it retitles; and a new
// theme, tab or regroup gives the model a new cache (newRowCache).
type rowCache struct {
	width     int
	widths    []int
	sort      SortKey
	reversed  bool
	year, day int
	head      string
	lines     map[string]cachedRow
}

// cachedRow is one session's rendered line and what it was drawn from.
type cachedRow struct {
	version rowVersion
	line    string
}

// rowVersion is what decides whether a row's line is still right.
type rowVersion struct {
	lastSeen, firstSeen         int64
	requests, part, ips, abuse  int
	actor, user, role, keyPoint string
	topAbuse                    string
	match                       *Match
	selected                    bool
}

// cacheRows bounds the cache: beyond it, rows scrolled far away are
// forgotten all at once.
const cacheRows = 1024

func newRowCache() *rowCache { return &rowCache{lines: map[string]cachedRow{}} }

// frame readies the cache for a frame drawn at width with column widths,
// sort and the day dates are shown against: anything drawn for another
// layout or another day (a time of today becomes a date at midnight) is
// dropped.
func (c *rowCache) frame(width int, widths []int, sort SortKey, reversed bool, today time.Time) *rowCache {
	if c == nil {
		return nil
	}
	y, d := today.Year(), today.YearDay()
	if c.width != width || !slices.Equal(c.widths, widths) || len(c.lines) > cacheRows || c.year != y || c.day != d {
		c.width, c.widths, c.head, c.year, c.day = width, slices.Clone(widths), "", y, d
		clear(c.lines)
	}
	if c.sort != sort || c.reversed != reversed {
		c.sort, c.reversed, c.head = sort, reversed, ""
	}
	return c
}

// header returns the header line, drawing it only when the layout changed.
func (c *rowCache) header(draw func() string) string {
	if c == nil {
		return draw()
	}
	if c.head == "" {
		c.head = draw()
	}
	return c.head
}

// row returns session s's line, drawing it only when the cached one may
// be out of date.
func (c *rowCache) row(s *engine.Session, mt *Match, selected bool, draw func() string) string {
	if c == nil {
		return draw()
	}
	v := rowVersion{
		lastSeen: s.LastSeen.UnixNano(), firstSeen: s.FirstSeen.UnixNano(),
		requests: s.Requests, part: s.Part, ips: len(s.IPs), abuse: len(s.Abuse),
		actor: s.Actor, user: s.User, role: s.Role, keyPoint: s.KeyPoint,
		match: mt, selected: selected,
	}
	if len(s.Abuse) > 0 {
		v.topAbuse = s.Abuse[0].Type
	}
	if r, ok := c.lines[s.ID]; ok && r.version == v {
		return r.line
	}
	line := draw()
	c.lines[s.ID] = cachedRow{version: v, line: line}
	return line
}

// forget drops a session's row, as when its sparkline arrives.
func (c *rowCache) forget(id string) {
	if c != nil {
		delete(c.lines, id)
	}
}
