package abuse

import (
	"strconv"

	"github.com/spoorhq/spoor/engine"
)

// maxFindingDetectors bounds the detectors one verdict lists; no rule
// weighs more.
const maxFindingDetectors = 12

// weighted is a detector's weight in one verdict type: how much, at full
// strength, it alone would make the verdict certain.
type weighted struct {
	d detector
	w float64
}

// finding is a verdict before it is written out: its type, confidence and
// the fired detectors with what each contributed.
type finding struct {
	typ  string
	conf float64
	// evidence is how many requests the verdict rests on.
	evidence int
	dets     [maxFindingDetectors]weighted
	n        int
}

// findings are the verdicts one scoring produced, in a fixed array so that
// scoring allocates nothing.
type findings struct {
	list [8]finding
	n    int
}

// add scores a verdict type whose gate passed. Confidence combines the
// fired detectors as independent votes, 1 − Π(1 − weight × strength), so
// that each added detector raises it and none alone reaches 1.
func (f *findings) add(typ string, evidence int, m *[numDetectors]measure, primary, support []weighted) {
	if f.n == len(f.list) {
		return
	}
	fd := &f.list[f.n]
	*fd = finding{typ: typ, evidence: evidence}
	miss := 1.0
	for _, group := range [...][]weighted{primary, support} {
		for _, w := range group {
			if !m[w.d].fired {
				continue
			}
			c := w.w * m[w.d].strength()
			miss *= 1 - c
			if fd.n < len(fd.dets) {
				fd.dets[fd.n] = weighted{d: w.d, w: c}
				fd.n++
			}
		}
	}
	fd.conf = 1 - miss
	f.n++
}

// shown reports whether a finding is written out: confident enough, and
// resting on enough requests.
func (fd *finding) shown(minConf float64, minEvidence int) bool {
	return fd.conf >= minConf && fd.evidence >= minEvidence
}

// has reports whether a verdict of type typ is shown.
func (f *findings) has(typ string, minConf float64, minEvidence int) bool {
	for i := range f.list[:f.n] {
		if fd := &f.list[i]; fd.typ == typ && fd.shown(minConf, minEvidence) {
			return true
		}
	}
	return false
}

// emitted reports whether any verdict is shown.
func (f *findings) emitted(minConf float64, minEvidence int) bool {
	for i := range f.list[:f.n] {
		if f.list[i].shown(minConf, minEvidence) {
			return true
		}
	}
	return false
}

// support is the evidence counts of one scoring: the session's requests,
// its key's across parts, the failed logins its auth verdicts rest on.
type support struct {
	requests, keyRequests, failures, takeoverRun int
	searchEngine                                 bool
}

// score measures every detector on the session and decides its verdicts.
func (t *Tracker) score(ss *sessionState, m *[numDetectors]measure, f *findings) {
	t.measureRate(ss, m)
	t.measureRegularity(ss, m)
	t.measureEndpoints(ss, m)
	failures := t.measureAuth(ss, m)
	cover := t.measureEnumeration(ss, m)
	t.measureRotation(ss, m)
	t.measureUA(ss, m)
	t.measureResources(ss, m)
	m[dAttackTags].reading("attack tags on the session's requests", unitCount, float64(ss.attacks), 0, float64(t.cfg.Attacks.MinTags), false)
	sup := support{requests: ss.n, keyRequests: ss.n, failures: failures, takeoverRun: ss.takeover.run, searchEngine: ss.uaInfo.SearchEngine()}
	if ss.key != nil {
		sup.keyRequests = max(ss.n, ss.key.requests)
	}
	t.decide(m, cover, sup, f)
}

// uaNote explains a user-agent class, quoting the header that earned it.
func uaNote(header string, ua UA) string {
	quoted := strconv.Quote(truncate(header, 80))
	switch ua.Class {
	case UAAutomation:
		return quoted + " is " + ua.Product + ", an HTTP client used by scripts"
	case UAHeadless:
		return quoted + " is " + ua.Product + ", a browser driven by a program"
	case UAScraper:
		return quoted + " is " + ua.Product + ", a scraping framework"
	case UACrawler:
		return quoted + " declares the crawler " + ua.Product
	case UAScanner:
		return quoted + " is " + ua.Product + ", a security testing tool"
	}
	return ""
}

// measureUA reads the user-agent detectors from the most telling agent the
// session sent.
func (t *Tracker) measureUA(ss *sessionState, m *[numDetectors]measure) {
	ua, note := ss.uaInfo, ss.uaNote
	m[dAutomationUA].flag("automation user agent", note, ua.Class == UAAutomation || ua.Class == UAHeadless)
	m[dScraperUA].flag("scraper user agent", note, ua.Class == UAScraper)
	m[dCrawlerUA].flag("crawler user agent", note, ua.Class == UACrawler)
	m[dScannerUA].flag("scanner user agent", note, ua.Class == UAScanner)
}

// decide applies the verdict rules. Each type has a gate, the evidence
// without which it is never given, and a list of detectors whose votes make
// its confidence. The gates are what the documentation of each verdict
// promises; the weights only rank.
func (t *Tracker) decide(m *[numDetectors]measure, cover float64, sup support, f *findings) {
	// support are the detectors that strengthen most verdicts without
	// deciding any: a tool's user agent, a machine's rate and rhythm.
	support := []weighted{{dAutomationUA, 0.2}, {dRate, 0.15}, {dRegularity, 0.15}}
	fired := func(d detector) bool { return m[d].fired }
	minConf, minEvidence := t.cfg.MinConfidence, t.cfg.MinEvidence
	n := sup.requests

	// Credential stuffing: many failed logins over many user names, few
	// tries each. Brute force: many failed logins on one user name.
	if fired(dFailedLogins) && fired(dUsernames) {
		f.add(engine.AbuseCredentialStuffing, sup.failures, m,
			[]weighted{{dFailedLogins, 0.6}, {dUsernames, 0.5}, {dIPRotation, 0.2}, {dSessionRotation, 0.2}}, support)
	}
	if fired(dFailedLogins) && fired(dUsernameFocus) && !fired(dUsernames) {
		f.add(engine.AbuseBruteForce, sup.failures, m, []weighted{{dFailedLogins, 0.6}, {dUsernameFocus, 0.5}, {dIPRotation, 0.2}}, support)
	}
	// Account takeover: a run of failures that a success ended.
	if fired(dTakeover) {
		f.add(engine.AbuseAccountTakeover, sup.takeoverRun, m,
			[]weighted{{dTakeover, 0.6}, {dSameUsername, 0.3}, {dAutomationUA, 0.2}}, nil)
	}
	// Enumeration: many ids on one template, with errors or as a blind
	// sequential walk.
	if fired(dObjectIDs) && (fired(dObjectErrors) || (fired(dSequentialIDs) && fired(dUnlistedIDs))) {
		f.add(engine.AbuseEnumeration, n, m,
			[]weighted{{dObjectIDs, 0.5}, {dSequentialIDs, 0.3}, {dObjectErrors, 0.3}, {dUnlistedIDs, 0.2}}, support)
	}
	// Security crawler: a security tool's user agent, or forced browsing
	// that is broad or tagged as attacks.
	if fired(dScannerUA) || (fired(dNotFound) && (fired(dBreadth) || fired(dAttackTags))) ||
		(fired(dAttackTags) && (fired(dAutomationUA) || fired(dRate) || fired(dNotFound) || fired(dClientErrors))) {
		f.add(engine.AbuseSecurityCrawler, n, m,
			[]weighted{{dScannerUA, 0.8}, {dAttackTags, 0.4}, {dNotFound, 0.35}, {dBreadth, 0.3}, {dClientErrors, 0.2}, {dUniqueShare, 0.15}}, support)
	}
	// Scraping: a declared crawler or scraping framework, or a harvest of
	// many distinct resources by a client that is a machine on at least two
	// counts. An enumeration already explains a walk that fills most of the
	// session, so it is not called scraping too. A search engine that says
	// who it is is a class of its own, declared_crawler, unless it also
	// harvests past the scraping threshold; its evidence is what its key
	// sent across its session parts, since a crawler's visits are short
	// and many.
	automated := 0
	for _, d := range [...]detector{dAutomationUA, dRate, dRegularity} {
		if fired(d) {
			automated++
		}
	}
	searchEngine := fired(dCrawlerUA) && sup.searchEngine
	if searchEngine && !fired(dHarvest) {
		f.add(engine.AbuseDeclaredCrawler, sup.keyRequests, m, []weighted{{dCrawlerUA, 0.9}}, nil)
	}
	declared := (fired(dCrawlerUA) && !searchEngine) || fired(dScraperUA) || (searchEngine && fired(dHarvest))
	harvest := fired(dHarvest) && automated >= 2
	if declared || (harvest && !(f.has(engine.AbuseEnumeration, minConf, minEvidence) && cover >= 0.5)) {
		f.add(engine.AbuseScraping, n, m,
			[]weighted{{dScraperUA, 0.7}, {dCrawlerUA, 0.6}, {dHarvest, 0.4}, {dUniqueShare, 0.2}}, support)
	}
	// Resource consumption: responses or server time far above the median
	// session's, per request.
	if fired(dResponseBytes) || fired(dServerTime) {
		f.add(engine.AbuseResourceConsumption, n, m, []weighted{{dResponseBytes, 0.5}, {dServerTime, 0.5}, {dRate, 0.2}}, nil)
	}
	// Suspicious: nothing specific, but at least two independent signs of
	// a machine or of probing. The error detectors count as one sign, and
	// so do the two rotations.
	if !f.emitted(minConf, minEvidence) {
		signs := 0
		for _, on := range [...]bool{
			fired(dAutomationUA), fired(dRate), fired(dRegularity), fired(dFailedLogins),
			fired(dClientErrors) || fired(dNotFound), fired(dIPRotation) || fired(dSessionRotation),
		} {
			if on {
				signs++
			}
		}
		if signs >= 2 {
			f.add(engine.AbuseSuspicious, n, m, []weighted{
				{dAutomationUA, 0.45}, {dRate, 0.45}, {dRegularity, 0.45}, {dFailedLogins, 0.45},
				{dClientErrors, 0.45}, {dNotFound, 0.45}, {dIPRotation, 0.45}, {dSessionRotation, 0.45},
			}, nil)
		}
	}
}

// render writes out the findings that reach minConf, strongest first, each
// with its detectors strongest first. It returns nil when there are none,
// and otherwise a new slice, never one handed out before.
func (f *findings) render(m *[numDetectors]measure, minConf float64, minEvidence int) []engine.Verdict {
	if !f.emitted(minConf, minEvidence) {
		return nil
	}
	list := f.list[:f.n]
	// Insertion sort: at most eight entries, and stable, so equal
	// confidences keep the rule order.
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].conf > list[j-1].conf; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
	var out []engine.Verdict
	for i := range list {
		fd := &list[i]
		if !fd.shown(minConf, minEvidence) {
			continue
		}
		dets := fd.dets[:fd.n]
		for a := 1; a < len(dets); a++ {
			for b := a; b > 0 && dets[b].w > dets[b-1].w; b-- {
				dets[b], dets[b-1] = dets[b-1], dets[b]
			}
		}
		v := engine.Verdict{Type: fd.typ, Confidence: round(fd.conf, 2), Evidence: fd.evidence, Detectors: make([]engine.DetectorResult, len(dets))}
		for k, w := range dets {
			v.Detectors[k] = m[w.d].result(w.d)
		}
		out = append(out, v)
	}
	return out
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
