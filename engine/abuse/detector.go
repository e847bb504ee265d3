package abuse

import (
	"fmt"
	"math"
	"strconv"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
)

// detector names one measurement. Measurements live in a fixed array
// indexed by detector, so that scoring a session allocates nothing until a
// verdict is written out.
type detector uint8

// The detectors, grouped by what they look at.
const (
	dRate detector = iota
	dRegularity
	dUniqueShare
	dBreadth
	dClientErrors
	dNotFound
	dHarvest
	dFailedLogins
	dUsernames
	dUsernameFocus
	dTakeover
	dSameUsername
	dObjectIDs
	dSequentialIDs
	dObjectErrors
	dUnlistedIDs
	dIPRotation
	dSessionRotation
	dAutomationUA
	dCrawlerUA
	dScraperUA
	dScannerUA
	dResponseBytes
	dServerTime
	dAttackTags
	numDetectors
)

// detectorNames are the stable names printed in JSON and the TUI.
func (d detector) String() string {
	switch d {
	case dRate:
		return "request_rate"
	case dRegularity:
		return "interval_regularity"
	case dUniqueShare:
		return "unique_resource_share"
	case dBreadth:
		return "endpoint_breadth"
	case dClientErrors:
		return "client_error_share"
	case dNotFound:
		return "not_found_share"
	case dHarvest:
		return "resources_harvested"
	case dFailedLogins:
		return "failed_logins"
	case dUsernames:
		return "usernames_tried"
	case dUsernameFocus:
		return "username_focus"
	case dTakeover:
		return "failed_run_before_success"
	case dSameUsername:
		return "same_username"
	case dObjectIDs:
		return "object_ids"
	case dSequentialIDs:
		return "sequential_ids"
	case dObjectErrors:
		return "object_errors"
	case dUnlistedIDs:
		return "unlisted_ids"
	case dIPRotation:
		return "ip_rotation"
	case dSessionRotation:
		return "session_rotation"
	case dAutomationUA:
		return "automation_user_agent"
	case dCrawlerUA:
		return "crawler_user_agent"
	case dScraperUA:
		return "scraper_user_agent"
	case dScannerUA:
		return "scanner_user_agent"
	case dResponseBytes:
		return "response_bytes"
	case dServerTime:
		return "server_time"
	case dAttackTags:
		return "attack_tags"
	}
	return "unknown"
}

// measure is one detector's reading on one session: the value, the
// baseline it is compared with, and the threshold derived from both.
type measure struct {
	value, baseline, threshold float64
	// lower marks detectors where a low value is the suspicious side
	// (interval regularity, listing requests).
	lower bool
	fired bool
	// yesno marks a detector that is on or off, such as a user agent.
	yesno bool
	// approx marks a value estimated by a distinct counter past its exact
	// range, printed with a tilde.
	approx bool
	unit   string
	// what names the measurement in the explanation; note adds what a
	// number cannot say (which IP, which template, which product).
	what, note string
	// subject, when set, ends what: the template or address measured. It
	// is kept apart because a session is scored at most of its requests
	// and its explanation written only when a verdict shows it, so that
	// scoring joins no strings.
	subject string
	// auth and ev, when set, are the login attempts a failed-login reading
	// rests on, written out as a sentence by explain for the same reason.
	auth *authCounters
	ev   evidence
}

// reading sets the measure of a detector with a numeric threshold and
// reports whether it fired.
func (m *measure) reading(what, unit string, value, baseline, threshold float64, lower bool) bool {
	*m = measure{what: what, unit: unit, value: value, baseline: baseline, threshold: threshold, lower: lower}
	if lower {
		m.fired = value <= threshold
	} else {
		m.fired = value >= threshold
	}
	return m.fired
}

// flag sets the measure of a yes/no detector, such as a user agent.
func (m *measure) flag(what, note string, on bool) bool {
	*m = measure{what: what, note: note, threshold: 1, fired: on, yesno: true}
	if on {
		m.value = 1
	}
	return on
}

// above is the usual threshold: a floor, raised by factor × baseline when
// ordinary traffic is busier than the floor assumes.
func above(floor, factor, baseline float64) float64 { return max(floor, factor*baseline) }

// strength is how far past its threshold a fired detector is, from 0.7 at
// the threshold towards 1, so that a detector barely over the line counts
// for less than one far beyond it.
func (m *measure) strength() float64 {
	if !m.fired {
		return 0
	}
	if m.yesno {
		return 1
	}
	var ratio float64
	switch {
	case m.threshold == 0 || m.value == 0:
		ratio = math.Inf(1)
	case m.lower:
		ratio = m.threshold / m.value
	default:
		ratio = m.value / m.threshold
	}
	if ratio < 1 {
		ratio = 1
	}
	return 0.7 + 0.3*(1-1/ratio)
}

// result writes the measure out for an investigator.
func (m *measure) result(d detector) engine.DetectorResult {
	return engine.DetectorResult{
		Name:     d.String(),
		Value:    round(m.value, 4),
		Baseline: round(m.baseline, 4),
		Unit:     m.unit,
		Explain:  m.explain(),
	}
}

// explain says, in one sentence, the value against the baseline and the
// threshold: "request rate 12.4 req/s, 25× above the baseline of 0.5 req/s
// (fires at ≥ 2.5 req/s)".
func (m *measure) explain() string {
	what := m.what + m.subject
	if m.yesno {
		return what + ": " + m.note
	}
	s := what + " " + formatValue(m.value, m.unit)
	if m.approx {
		s = what + " ~" + formatValue(m.value, m.unit)
	}
	switch {
	case m.baseline <= 0:
		s += ", against a baseline of " + formatValue(0, m.unit)
	case m.value > m.baseline:
		s += ", " + formatRatio(m.value/m.baseline) + " above the baseline of " + formatValue(m.baseline, m.unit)
	case m.value < m.baseline && m.value > 0:
		s += ", " + formatRatio(m.baseline/m.value) + " below the baseline of " + formatValue(m.baseline, m.unit)
	case m.value < m.baseline:
		s += ", below the baseline of " + formatValue(m.baseline, m.unit)
	default:
		s += ", at the baseline"
	}
	op := "≥"
	if m.lower {
		op = "≤"
	}
	s += " (fires at " + op + " " + formatValue(m.threshold, m.unit) + ")"
	switch {
	case m.auth != nil:
		s += "; " + m.auth.explain(m.ev, m.note)
	case m.note != "":
		s += "; " + m.note
	}
	return s
}

// formatValue prints a number the way the explanation wants it: shares as
// percentages, bytes with a binary prefix, small numbers with two
// significant decimals.
func formatValue(v float64, unit string) string {
	switch unit {
	case unitShare:
		return strconv.FormatFloat(100*v, 'f', decimals(100*v), 64) + "%"
	case unitBytes:
		switch {
		case v >= 1<<20:
			return fmt.Sprintf("%.1f MiB", v/(1<<20))
		case v >= 1<<10:
			return fmt.Sprintf("%.1f KiB", v/(1<<10))
		}
		return fmt.Sprintf("%.0f B", v)
	case unitSeconds:
		if v < 1 {
			return fmt.Sprintf("%.0f ms", v*1000)
		}
		return fmt.Sprintf("%.2f s", v)
	case "", unitCount, unitCV:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return human.Count(int64(v)) // 3,550 attack tags
		}
		return strconv.FormatFloat(v, 'f', decimals(v), 64)
	}
	return strconv.FormatFloat(v, 'f', decimals(v), 64) + " " + unit
}

// decimals keeps two significant digits below 10 and none above.
func decimals(v float64) int {
	switch a := math.Abs(v); {
	case a == math.Trunc(a) || a >= 10:
		return 0
	case a >= 1:
		return 1
	}
	return 2
}

// formatRatio prints "14×" or "2.5×".
func formatRatio(r float64) string {
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.1f×", r)
}

func round(v float64, digits int) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	p := math.Pow(10, float64(digits))
	return math.Round(v*p) / p
}

// Units of detector values.
const (
	unitShare    = "share"
	unitBytes    = "bytes"
	unitSeconds  = "s"
	unitRate     = "req/s"
	unitCV       = "cv"
	unitCount    = "count"
	unitRequests = "requests"
)
