package workstation

import (
	"github.com/spoorhq/spoor/engine"
)

// pointSample is how many of the newest stored exchanges SeenPoints reads:
// enough to meet every point kind an API uses, bounded so that opening an
// editor on a store of millions of exchanges reads the same few megabytes.
const pointSample = 500

// SeenPoints names the request points the newest stored exchanges carry
// (bodies included: JSON paths, form fields, JWT claims, GraphQL
// variables), each with the number of those exchanges that carried it.
// The editors complete from them. It returns names, never values.
func (w *Workstation) SeenPoints() ([]engine.SeenPoint, error) {
	counts := map[string]int{}
	err := w.store.EachRecent(pointSample, func(x *engine.Exchange) {
		engine.PointsOf(x, func(p string) { counts[p]++ })
	})
	if err != nil {
		return nil, err
	}
	return engine.SortedPoints(counts), nil
}
