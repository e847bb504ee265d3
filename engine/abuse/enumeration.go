package abuse

import (
	"strconv"
	"strings"
)

// Bounds on what a session keeps per endpoint template. Sixteen templates
// cover any API a person uses in one session; a scanner that walks more
// reads as broad through endpoint_breadth instead.
const (
	maxTemplates = 16
	// sequentialStep is the largest id step that still counts as walking:
	// a tool that skips the odd missing id is still walking.
	sequentialStep = 2
)

// template is what a session did on one endpoint template that carries an
// object id, such as /users/{id}.
type template struct {
	endpoint string
	requests int
	ids      distinct
	// last is the previous numeric id, for telling a walk (1, 2, 3, …)
	// from a person's jumps.
	last       int64
	haveLast   bool
	steps      int
	sequential int
	// errors are the 403 and 404 answers: ids that are not the caller's or
	// do not exist.
	errors int
}

// objectID returns the path segment that stands where the endpoint's last
// placeholder ({id}, {uuid}, …) is. Endpoint templating maps segment to
// segment, so the two split alike.
func objectID(endpoint, path string) (id string, at int, ok bool) {
	pos := 0
	for endpoint != "" || path != "" {
		es, erest, _ := strings.Cut(endpoint, "/")
		ps, prest, _ := strings.Cut(path, "/")
		if len(es) > 2 && es[0] == '{' && es[len(es)-1] == '}' {
			id, at, ok = ps, pos, true
		}
		pos += len(es) + 1
		endpoint, path = erest, prest
	}
	return id, at, ok
}

// collectionOf is the endpoint that lists the objects of a template: the
// template cut before its last placeholder, /users for /users/{id}.
func collectionOf(endpoint string) string {
	_, at, ok := objectID(endpoint, endpoint)
	if !ok || at == 0 {
		return ""
	}
	return endpoint[:at-1]
}

// observeObject counts a request to an endpoint with an object id, and
// marks the session for rescoring when a template reaches minIDs ids.
func (ss *sessionState) observeObject(endpoint, path string, status, minIDs int) {
	id, _, ok := objectID(endpoint, path)
	if !ok {
		return
	}
	var tp *template
	for _, c := range ss.templates {
		if c.endpoint == endpoint {
			tp = c
			break
		}
	}
	if tp == nil {
		if len(ss.templates) >= maxTemplates {
			return
		}
		tp = &template{endpoint: endpoint}
		ss.templates = append(ss.templates, tp)
	}
	tp.requests++
	if tp.ids.add(hashString(id)) && tp.ids.count() == minIDs {
		ss.dirty = true
	}
	if status == 403 || status == 404 {
		tp.errors++
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		if tp.haveLast && n != tp.last {
			tp.steps++
			if d := n - tp.last; d >= -sequentialStep && d <= sequentialStep {
				tp.sequential++
			}
		}
		tp.last, tp.haveLast = n, true
	}
}

// walked returns the template with the most distinct ids, the one an
// enumeration would be on.
func (ss *sessionState) walked() *template {
	var best *template
	for _, tp := range ss.templates {
		if best == nil || tp.ids.count() > best.ids.count() {
			best = tp
		}
	}
	return best
}

// measureEnumeration reads the enumeration detectors on the most walked
// template. Many ids alone are not enumeration (a person browsing a
// catalog reads many products); they must come with errors (ids that are
// not the caller's or do not exist), or with a sequential walk of ids the
// session was never shown, because it never asked for the list.
func (t *Tracker) measureEnumeration(ss *sessionState, m *[numDetectors]measure) (cover float64) {
	c := &t.cfg.Enumeration
	tp := ss.walked()
	if tp == nil {
		for _, d := range [...]detector{dObjectIDs, dSequentialIDs, dObjectErrors, dUnlistedIDs} {
			m[d] = measure{}
		}
		return 0
	}
	ids := tp.ids.count()
	base := t.base.median(&t.base.objectIDs, c.Default)
	m[dObjectIDs].reading("distinct ids on ", unitCount, float64(ids), base, above(float64(c.MinIDs), 5, base), false)
	m[dObjectIDs].subject = tp.endpoint
	m[dObjectIDs].approx = tp.ids.estimated()

	seq := 0.0
	if tp.steps > 0 {
		seq = float64(tp.sequential) / float64(tp.steps)
	}
	m[dSequentialIDs].reading("share of sequential id steps", unitShare, seq, 0, c.SequentialShare, false)
	m[dSequentialIDs].fired = m[dSequentialIDs].fired && tp.steps >= c.MinIDs/2

	errShare := float64(tp.errors) / float64(tp.requests)
	m[dObjectErrors].reading("share of 403/404 answers on ", unitShare, errShare, 0, c.ErrorShare, false)
	m[dObjectErrors].subject = tp.endpoint
	m[dObjectErrors].fired = m[dObjectErrors].fired && tp.errors > 0

	coll := collectionOf(tp.endpoint)
	listed := 0
	if coll != "" {
		listed = int(ss.endpointCounts[coll])
	}
	unlisted, note := coll != "" && listed == 0, ""
	if unlisted {
		// Only a detector that fires is ever explained.
		note = "the session read ids on " + tp.endpoint + " without ever requesting the listing " + coll + ", so it was never shown them"
	}
	m[dUnlistedIDs].flag("ids never listed", note, unlisted)
	if ss.n > 0 {
		cover = float64(tp.requests) / float64(ss.n)
	}
	return cover
}
