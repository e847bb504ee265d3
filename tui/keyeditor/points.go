package keyeditor

import "github.com/spoorhq/spoor/engine"

// PointsOf lists the request points an exchange carries (engine.PointsOf):
// the root learns them from the requests it loads, so that an editor has
// completions before its backend's sample arrives.
func PointsOf(x *engine.Exchange) []string {
	var out []string
	engine.PointsOf(x, func(p string) { out = append(out, p) })
	return out
}
