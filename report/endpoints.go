package report

import (
	"slices"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/internal/human"
)

// endpointStats is what a session did at one endpoint (a method and a
// templated path).
type endpointStats struct {
	Method, Endpoint       string
	Requests, Errors, Tags int
	P50, P95, Max          string
}

// endpointsOf counts a session's requests by endpoint, busiest first.
func endpointsOf(xs []engine.Exchange) []endpointStats {
	type acc struct {
		stats endpointStats
		durs  []time.Duration
	}
	by := map[string]*acc{}
	for i := range xs {
		x := &xs[i]
		ep := x.Endpoint
		if ep == "" {
			ep = engine.Endpoint(x.Path)
		}
		k := x.Method + " " + ep
		a := by[k]
		if a == nil {
			a = &acc{stats: endpointStats{Method: x.Method, Endpoint: ep}}
			by[k] = a
		}
		a.stats.Requests++
		if c := engine.StatusClass(x.Status); c == 4 || c == 5 || c == 0 {
			a.stats.Errors++
		}
		a.stats.Tags += len(engine.CountedTags(x.Attacks))
		a.durs = append(a.durs, x.Duration)
	}
	out := make([]endpointStats, 0, len(by))
	for _, a := range by {
		slices.Sort(a.durs)
		a.stats.P50 = human.Duration(percentile(a.durs, 50))
		a.stats.P95 = human.Duration(percentile(a.durs, 95))
		a.stats.Max = human.Duration(a.durs[len(a.durs)-1])
		out = append(out, a.stats)
	}
	slices.SortFunc(out, func(a, b endpointStats) int {
		if a.Requests != b.Requests {
			return b.Requests - a.Requests
		}
		if c := strings.Compare(a.Endpoint, b.Endpoint); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return out
}

// percentile is the nearest-rank percentile p of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)]
}
