package report

import (
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
)

// Timeline geometry, in SVG user units: the drawing scales to the page.
const (
	timelineWidth  = 1000.0
	timelineMargin = 4.0
	laneHeight     = 18.0
	laneGap        = 6.0
	markWidth      = 2.0
	ticks          = 5
)

// timeline is the SVG picture of a session's requests over its span: a
// lane of attacked requests above a lane of every request by status
// class. It holds numbers only (and tick labels spoor writes), so that
// nothing stored reaches an SVG attribute.
type timeline struct {
	Width, Height float64
	AttackY       float64
	StatusY       float64
	LaneHeight    float64
	// Marks by what colours them, each an x position.
	Attack                             []float64
	Status2, Status3, Status4, Status5 []float64
	Status0, Status1                   []float64
	// FirstTick is the first request's time at the left, LastTick the
	// span at the right; MidTicks are centred between.
	FirstTick, LastTick *tick
	MidTicks            []tick
	AxisY               float64
}

type tick struct {
	X     float64
	Label string
}

func newTimeline(xs []engine.Exchange) timeline {
	t := timeline{
		Width: timelineWidth, LaneHeight: laneHeight,
		AttackY: 0, StatusY: laneHeight + laneGap,
	}
	t.AxisY = t.StatusY + laneHeight + 14
	t.Height = t.AxisY + 4
	if len(xs) == 0 {
		return t
	}
	first, last := xs[0].Start, xs[0].Start
	for i := range xs {
		if xs[i].Start.Before(first) {
			first = xs[i].Start
		}
		if xs[i].Start.After(last) {
			last = xs[i].Start
		}
	}
	span := last.Sub(first)
	usable := timelineWidth - 2*timelineMargin - markWidth
	at := func(ts time.Time) float64 {
		if span <= 0 {
			return timelineMargin + usable/2
		}
		return timelineMargin + usable*float64(ts.Sub(first))/float64(span)
	}
	for i := range xs {
		x := at(xs[i].Start)
		if len(engine.CountedTags(xs[i].Attacks)) > 0 {
			t.Attack = append(t.Attack, x)
		}
		switch engine.StatusClass(xs[i].Status) {
		case 1:
			t.Status1 = append(t.Status1, x)
		case 2:
			t.Status2 = append(t.Status2, x)
		case 3:
			t.Status3 = append(t.Status3, x)
		case 4:
			t.Status4 = append(t.Status4, x)
		case 5:
			t.Status5 = append(t.Status5, x)
		default:
			t.Status0 = append(t.Status0, x)
		}
	}
	for i := range ticks {
		f := float64(i) / float64(ticks-1)
		label := "+" + human.Duration(time.Duration(f*float64(span)))
		if i == 0 {
			label = first.UTC().Format("15:04:05")
		}
		tk := tick{X: timelineMargin + usable*f, Label: label}
		switch i {
		case 0:
			t.FirstTick = &tk
		case ticks - 1:
			tk.X = timelineWidth - timelineMargin
			t.LastTick = &tk
		default:
			t.MidTicks = append(t.MidTicks, tk)
		}
	}
	return t
}
