package sparkline

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
)

// levels are the eight block heights a cell can show; an empty bucket is
// a space so that idle stretches read as gaps.
const levels = "▁▂▃▄▅▆▇█"

// Series is counts over equal time buckets, with the errors among them.
type Series struct {
	Counts []int
	Errors []int
}

// Bucket spreads times over n buckets from start to end; a time outside
// the span lands in the nearest end bucket. err marks the times that
// count as errors.
func Bucket(n int, start, end time.Time, times []time.Time, errs []bool) Series {
	s := Series{Counts: make([]int, n), Errors: make([]int, n)}
	if n <= 0 {
		return s
	}
	span := end.Sub(start)
	for i, t := range times {
		b := 0
		if span > 0 {
			b = int(int64(t.Sub(start)) * int64(n) / int64(span))
		}
		b = min(max(b, 0), n-1)
		s.Counts[b]++
		if i < len(errs) && errs[i] {
			s.Errors[b]++
		}
	}
	return s
}

// Render draws the series in width cells, resampling when the series has
// a different length. Buckets holding errors take the error style, so a
// burst of failures stands out in a row of ordinary traffic.
func Render(s Series, width int, base, errStyle lipgloss.Style) string {
	if width <= 0 || len(s.Counts) == 0 {
		return ""
	}
	counts, errs := resample(s.Counts, width), resample(s.Errors, width)
	peak := 0
	for _, c := range counts {
		peak = max(peak, c)
	}
	steps := []rune(levels)
	// Runs of one style render in one call: styling is what a frame of
	// sparklines spends its time on.
	var b strings.Builder
	var run []rune
	runErr := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if runErr {
			b.WriteString(errStyle.Render(string(run)))
		} else {
			b.WriteString(base.Render(string(run)))
		}
		run = run[:0]
	}
	for i, c := range counts {
		r := ' '
		if c > 0 && peak > 0 {
			r = steps[min((c*len(steps)-1)/peak, len(steps)-1)]
		}
		if isErr := errs[i] > 0; isErr != runErr {
			flush()
			runErr = isErr
		}
		run = append(run, r)
	}
	flush()
	return b.String()
}

// resample sums counts into width buckets.
func resample(counts []int, width int) []int {
	if len(counts) == width {
		return counts
	}
	out := make([]int, width)
	for i, c := range counts {
		out[i*width/len(counts)] += c
	}
	return out
}

// Part is one segment of a proportion bar.
type Part struct {
	Label string
	N     int
	Style lipgloss.Style
}

// Bar draws parts as a bar of width cells in proportion to their counts;
// every non-empty part gets at least one cell so that a single 5xx among
// thousands of 200s is still visible.
func Bar(parts []Part, width int) string {
	total := 0
	for _, p := range parts {
		total += p.N
	}
	if total == 0 || width <= 0 {
		return ""
	}
	cells := make([]int, len(parts))
	used := 0
	for i, p := range parts {
		if p.N > 0 {
			cells[i] = max(p.N*width/total, 1)
			used += cells[i]
		}
	}
	// Give or take the rounding difference on the largest part.
	big := 0
	for i := range parts {
		if cells[i] > cells[big] {
			big = i
		}
	}
	cells[big] = max(cells[big]+width-used, 1)
	var b strings.Builder
	for i, p := range parts {
		if cells[i] > 0 {
			b.WriteString(p.Style.Render(strings.Repeat("█", cells[i])))
		}
	}
	return b.String()
}
