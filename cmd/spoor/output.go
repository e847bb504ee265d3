package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/spoorhq/spoor/export"
	tuitable "github.com/spoorhq/spoor/tui/table"
)

// outputFormat is how a listing command prints.
type outputFormat int

const (
	formatTable outputFormat = iota
	formatJSON
	formatNDJSON
)

func pickFormat(jsonFlag, ndjsonFlag bool) (outputFormat, error) {
	switch {
	case jsonFlag && ndjsonFlag:
		return 0, usageError{fmt.Errorf("--json and --ndjson are exclusive")}
	case jsonFlag:
		return formatJSON, nil
	case ndjsonFlag:
		return formatNDJSON, nil
	}
	return formatTable, nil
}

// writeJSON prints items as one array (--json) or as one object per line
// (--ndjson).
func writeJSON[T any](w io.Writer, f outputFormat, items []T) error {
	if f == formatJSON {
		return export.WriteList(w, export.JSONArray, items)
	}
	return export.WriteList(w, export.NDJSON, items)
}

// column is one column of a listing table.
type column struct {
	title string
	// right aligns the column's cells to the right (counts, durations).
	right bool
	// elide lets the column give up width when the table is wider than
	// the terminal: its cells are cut with "…". Identifiers, times and
	// counts never are, so that what is left stays true.
	elide bool
	// min is the narrowest the column is elided to, when wider than
	// minElided: the actor is what a reader looks for.
	min int
	// drop, from 1, is the order in which columns are left out when
	// eliding is not enough; 0 never is.
	drop int
}

// table is the table a listing command prints: aligned columns two spaces
// apart. On a terminal it fits the width (see terminalWidth) by eliding
// the widest elidable columns first, then leaving out the columns marked
// to drop; piped, it prints every cell whole.
type table struct {
	cols []column
	rows [][]string
}

// add appends a row of cells, one per column. Cells are sanitized as the
// TUI's are: captured text must not reach the terminal as escape
// sequences.
func (t *table) add(cells ...string) {
	for i, c := range cells {
		cells[i] = tuitable.Sanitize(c)
	}
	t.rows = append(t.rows, cells)
}

// minElided is the narrowest an elided column gets: enough to tell values
// apart, or its title if wider.
const minElided = 8

// write prints the table fitted to width, or whole when width is 0.
func (t *table) write(w io.Writer, width int) error {
	widths := make([]int, len(t.cols))
	for i, c := range t.cols {
		widths[i] = ansi.StringWidth(c.title)
	}
	for _, r := range t.rows {
		for i := range min(len(r), len(widths)) {
			widths[i] = max(widths[i], ansi.StringWidth(r[i]))
		}
	}
	if width > 0 {
		t.fit(widths, width)
	}
	last := len(t.cols) - 1
	for last > 0 && widths[last] < 0 {
		last--
	}
	var b strings.Builder
	line := func(cells []string) {
		b.Reset()
		first := true
		for i, c := range t.cols {
			if widths[i] < 0 {
				continue // dropped
			}
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			cell = ansi.Truncate(cell, widths[i], "…")
			pad := strings.Repeat(" ", widths[i]-ansi.StringWidth(cell))
			if !first {
				b.WriteString("  ")
			}
			first = false
			if c.right {
				b.WriteString(pad + cell)
			} else if i < last {
				b.WriteString(cell + pad)
			} else {
				b.WriteString(cell)
			}
		}
		b.WriteString("\n")
	}
	titles := make([]string, len(t.cols))
	for i, c := range t.cols {
		titles[i] = c.title
	}
	line(titles)
	if _, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n"); err != nil {
		return err
	}
	for _, r := range t.rows {
		line(r)
		if _, err := io.WriteString(w, strings.TrimRight(b.String(), " \n")+"\n"); err != nil {
			return err
		}
	}
	return nil
}

// fit narrows the widest elidable column, one cell at a time, until the
// table fits width or every elidable column is at its narrowest; then it
// drops columns in their drop order (a width of -1) and narrows again.
func (t *table) fit(widths []int, width int) {
	total := 2 * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	for total > width {
		total = t.narrow(widths, total, width)
		if total <= width {
			return
		}
		next := -1
		for i, c := range t.cols {
			if c.drop > 0 && widths[i] >= 0 && (next < 0 || c.drop < t.cols[next].drop) {
				next = i
			}
		}
		if next < 0 {
			return // as narrow as it gets: the terminal wraps the rest
		}
		total -= widths[next] + 2
		widths[next] = -1
	}
}

// narrow elides the widest elidable column, one cell at a time, until the
// table's total width fits width or no column can give more; it returns
// the new total.
func (t *table) narrow(widths []int, total, width int) int {
	for total > width {
		widest := -1
		for i, c := range t.cols {
			if !c.elide || widths[i] < 0 || widths[i] <= max(minElided, c.min, ansi.StringWidth(c.title)) {
				continue
			}
			if widest < 0 || widths[i] > widths[widest] {
				widest = i
			}
		}
		if widest < 0 {
			return total
		}
		widths[widest]--
		total--
	}
	return total
}

// terminalWidth is the width a table printed to out fits: $COLUMNS when
// set, else the terminal's; 0 (no fitting) when out is not a terminal, so
// that a pipe or a file gets every cell whole.
func terminalWidth(out io.Writer) int {
	f, ok := out.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
		return w
	}
	return 0
}
