package engine

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spoorhq/spoor/internal/human"
)

// Sentence says what the verdict is and what it rests on, as a sentence
// an investigator reads rather than a dump of fields:
// "security crawler, 90% confidence, on 457 requests: 921 attack tags,
// against a baseline of 0; request rate 11.7 req/s, 23× the baseline of
// 0.5 req/s". Measurements come first, strongest first as the verdict
// lists them, and yes/no facts after: those quote a user agent the header
// already shows and would push the numbers off a narrow line. The text
// comes from the traffic in part: a terminal sanitizes it and a report
// escapes it. The TUI's session header and spoor report share it.
func (v Verdict) Sentence() string {
	head := words(v.Type) + ", " + percent(v.Confidence) + " confidence"
	if v.Evidence > 0 {
		head += ", on " + human.Count(v.Evidence) + " " + pluralRequests(v.Evidence)
	}
	if len(v.Detectors) == 0 {
		return head
	}
	var measured, facts []string
	for _, d := range v.Detectors {
		if yesNo(d) {
			facts = append(facts, evidence(d))
		} else {
			measured = append(measured, evidence(d))
		}
	}
	return head + ": " + strings.Join(append(measured, facts...), "; ")
}

// evidence is one detector's reading. A yes/no detector (a user agent, an
// id never listed) has nothing to weigh against a baseline, and its
// explanation already is a sentence: what follows its name is kept.
// Counts lead with the number ("921 attack tags"), other readings with
// what they measure ("request rate 11.7 req/s").
func evidence(d DetectorResult) string {
	if yesNo(d) {
		if _, why, ok := strings.Cut(d.Explain, ": "); ok && why != "" {
			return why
		}
		if d.Explain != "" {
			return d.Explain
		}
		return words(d.Name)
	}
	var s string
	if d.Unit == "count" || d.Unit == "requests" {
		s = count(d.Value) + " " + words(d.Name)
	} else {
		s = words(d.Name) + " " + quantity(d.Value, d.Unit)
	}
	switch {
	case d.Baseline > 0 && d.Value >= 2*d.Baseline:
		return s + ", " + ratio(d.Value/d.Baseline) + " the baseline of " + quantity(d.Baseline, d.Unit)
	default:
		return s + ", against a baseline of " + quantity(d.Baseline, d.Unit)
	}
}

// yesNo reports whether a detector is on or off rather than a measurement.
func yesNo(d DetectorResult) bool {
	return d.Unit == "" && d.Baseline == 0 && (d.Value == 0 || d.Value == 1)
}

// quantity renders a reading in its unit, through internal/human where a
// unit has a human form: "50%", "1.5 KiB", "37.8 ms", "3,550".
func quantity(v float64, unit string) string {
	switch unit {
	case "share":
		return decimal(100*v) + "%"
	case "bytes":
		return human.Bytes(int64(v))
	case "s":
		return human.Duration(time.Duration(v * float64(time.Second)))
	case "", "count", "requests", "cv":
		return count(v)
	}
	return count(v) + " " + unit
}

// count renders a number with thousands separators, and with one or two
// decimals when it is small and not whole: "3,550", "11.7", "0.05".
func count(v float64) string {
	if v == math.Trunc(v) || math.Abs(v) >= 100 {
		return human.Count(int64(math.Round(v)))
	}
	return decimal(v)
}

// decimal keeps two significant digits below 10 and one decimal below 100.
func decimal(v float64) string {
	switch a := math.Abs(v); {
	case a == math.Trunc(a) || a >= 100:
		return human.Count(int64(math.Round(v)))
	case a >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(v, 'f', 2, 64), "0"), ".")
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// ratio renders how many times the baseline a reading is: "23×", "2.5×".
func ratio(r float64) string {
	if r >= 10 {
		return human.Count(int64(r)) + "×"
	}
	return strconv.FormatFloat(math.Trunc(r*10)/10, 'f', -1, 64) + "×"
}

func percent(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

// words turns an identifier into words: "attack_tags" reads "attack tags".
func words(id string) string { return strings.ReplaceAll(id, "_", " ") }

func pluralRequests(n int) string {
	if n == 1 {
		return "request"
	}
	return "requests"
}
