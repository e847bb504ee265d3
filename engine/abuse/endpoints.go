package abuse

import "strings"

// maxEndpointCounts bounds the per-endpoint request counts a session keeps
// (for finding the listing of a walked template); breadth past it is still
// counted by the distinct counter.
const maxEndpointCounts = 64

// observeEndpoint counts the request's endpoint and resource. A resource is
// the path with its query, so that /products?page=2 and ?page=3 are two
// pages a crawler read, while the endpoint (/products) is one thing a
// scanner probed.
func (ss *sessionState) observeEndpoint(endpoint, path, query, method string, status int) {
	if ss.endpoints.add(hashString(endpoint)) && len(ss.endpointCounts) < maxEndpointCounts {
		if ss.endpointCounts == nil {
			ss.endpointCounts = map[string]int32{}
		}
		// A copy: an endpoint may be a slice of the exchange's request
		// line, which the session would otherwise keep whole.
		ss.endpointCounts[strings.Clone(endpoint)] = 0
	}
	if n, ok := ss.endpointCounts[endpoint]; ok {
		ss.endpointCounts[endpoint] = n + 1
	}
	h := hashString(path)
	if query != "" {
		h = hashMore(hashByte(h, '?'), query)
	}
	ss.resources.add(h)
	if method == "GET" && status >= 200 && status < 300 {
		ss.harvested.add(h)
	}
	switch {
	case status == 404:
		ss.notFound++
		ss.clientErrors++
	case status >= 400 && status < 500:
		ss.clientErrors++
	}
}

// measureEndpoints reads the endpoint and error detectors.
func (t *Tracker) measureEndpoints(ss *sessionState, m *[numDetectors]measure) {
	c, e := &t.cfg.Endpoints, &t.cfg.Errors
	n := float64(ss.n)

	if ss.n >= c.MinRequests {
		share := float64(ss.resources.count()) / n
		base := t.base.median(&t.base.uniqueShare, c.UniqueDefault)
		m[dUniqueShare].reading("share of requests to a resource not requested before", unitShare, share, base, c.UniqueShare, false)
		// Where ordinary sessions read nothing twice (a site of static
		// pages), reading nothing twice tells nothing.
		m[dUniqueShare].fired = m[dUniqueShare].fired && base < c.UniqueShare
	} else {
		m[dUniqueShare] = measure{}
	}

	base := t.base.median(&t.base.breadth, c.BreadthDefault)
	m[dBreadth].reading("distinct endpoints", unitCount, float64(ss.endpoints.count()), base, above(c.BreadthFloor, c.BreadthFactor, base), false)
	m[dBreadth].approx = ss.endpoints.estimated()

	base = t.base.median(&t.base.harvest, c.HarvestDefault)
	m[dHarvest].reading("distinct resources read with a 2xx", unitCount, float64(ss.harvested.count()), base,
		above(float64(c.HarvestResources), c.HarvestFactor, base), false)
	m[dHarvest].approx = ss.harvested.estimated()

	if ss.n >= e.MinRequests {
		base := t.base.median(&t.base.clientErrors, e.ClientErrorDefault)
		m[dClientErrors].reading("share of 4xx answers", unitShare, float64(ss.clientErrors)/n, base,
			min(above(e.ClientErrorShare, e.Factor, base), 0.95), false)
		base = t.base.median(&t.base.notFound, e.NotFoundDefault)
		m[dNotFound].reading("share of 404 answers", unitShare, float64(ss.notFound)/n, base,
			min(above(e.NotFoundShare, e.Factor, base), 0.95), false)
		if m[dNotFound].fired {
			m[dNotFound].note = "forced browsing: asking for what is not there"
		}
	} else {
		m[dClientErrors], m[dNotFound] = measure{}, measure{}
	}
}
