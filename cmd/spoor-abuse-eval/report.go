package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Floors the figures must keep. Every declared crawler that sent enough to
// judge (minEvidence requests in its session) is classed; a browser session
// drawing a verdict is a false positive unless a person really did pull
// megabytes per request, which the corpus has a few of; and no abuse
// verdict rests on a session of fewer than minEvidence requests.
const (
	minCrawlerNamed   = 0.95
	maxBrowserFlagged = 0.02
	maxShortAbuse     = 0
)

// minEvidence is the tracker's default minimum evidence, the session size
// below which the evaluation counts a verdict as short.
const minEvidence = 5

// report is what the evaluation saw: the final snapshot of every session.
type report struct {
	lines, exchanges int
	sessions         map[string]engine.Session
}

// figures are the shares the evaluation is judged by.
type figures struct {
	crawlers, crawlersNamed   int // crawler sessions of at least minEvidence requests
	crawlersAll, classedAll   int // every crawler session
	browsers, browsersFlagged int
	// browserIPs and browserIPsFlagged count the addresses that sent a
	// browser's user agent, and those given any abuse verdict.
	browserIPs, browserIPsFlagged int
	// shortAbuse counts the sessions of fewer than minEvidence requests
	// given an abuse verdict.
	shortAbuse int
}

// classed reports whether a crawler session was given a crawler's class or
// verdict.
func classed(s engine.Session) bool {
	return hasType(s, engine.AbuseDeclaredCrawler) || hasType(s, engine.AbuseScraping) || hasType(s, engine.AbuseSecurityCrawler)
}

// abusive reports whether the session carries an abuse verdict, the
// declared_crawler class aside.
func abusive(s engine.Session) bool {
	return slices.ContainsFunc(s.Abuse, func(v engine.Verdict) bool { return engine.IsAbuse(v.Type) })
}

func (r *report) figures() figures {
	var f figures
	browserIPs := map[string]bool{}
	for _, s := range r.sessions {
		if abusive(s) && s.Requests < minEvidence {
			f.shortAbuse++
		}
		switch kindOf(firstUA(s)) {
		case kindCrawler:
			f.crawlersAll++
			if classed(s) {
				f.classedAll++
			}
			if s.Requests >= minEvidence {
				f.crawlers++
				if classed(s) {
					f.crawlersNamed++
				}
			}
		case kindBrowser:
			f.browsers++
			if abusive(s) {
				f.browsersFlagged++
			}
			for _, ip := range s.IPs {
				browserIPs[ip] = browserIPs[ip] || abusive(s)
			}
		}
	}
	for _, flagged := range browserIPs {
		f.browserIPs++
		if flagged {
			f.browserIPsFlagged++
		}
	}
	return f
}

// floors returns the figures that fall short, as one line each.
func (r *report) floors() []string {
	f := r.figures()
	var failed []string
	if got := share(f.crawlersNamed, f.crawlers); got < minCrawlerNamed {
		failed = append(failed, fmt.Sprintf("crawler sessions of %d+ requests classed: %.1f%%, floor %.0f%%", minEvidence, 100*got, 100*minCrawlerNamed))
	}
	if got := share(f.browsersFlagged, f.browsers); got > maxBrowserFlagged {
		failed = append(failed, fmt.Sprintf("browser sessions with an abuse verdict: %.1f%%, ceiling %.0f%%", 100*got, 100*maxBrowserFlagged))
	}
	if f.shortAbuse > maxShortAbuse {
		failed = append(failed, fmt.Sprintf("sessions of fewer than %d requests with an abuse verdict: %d, ceiling %d", minEvidence, f.shortAbuse, maxShortAbuse))
	}
	return failed
}

func (r *report) print(w io.Writer, top int, verbose bool) {
	fmt.Fprintf(w, "spoor-abuse-eval: %d lines, %d exchanges, %d sessions (req.ip+req.ua, 30m inactivity)\n\n", r.lines, r.exchanges, len(r.sessions))

	fmt.Fprintf(w, "verdicts              sessions  as first  with < %d requests\n", minEvidence)
	first := map[string]int{}
	any := map[string]int{}
	short := map[string]int{}
	for _, s := range r.sessions {
		for i, v := range s.Abuse {
			any[v.Type]++
			if i == 0 {
				first[v.Type]++
			}
			if s.Requests < minEvidence {
				short[v.Type]++
			}
		}
	}
	for _, typ := range engine.AbuseTypes() {
		fmt.Fprintf(w, "  %-20s %8d  %8d  %8d\n", typ, any[typ], first[typ], short[typ])
	}
	fmt.Fprintf(w, "  (declared_crawler is a class, not abuse: its evidence is what the crawler's key sent across its sessions,\n"+
		"   so a short visit of a known crawler is classed; an abuse verdict needs %d requests of evidence)\n", minEvidence)

	f := r.figures()
	fmt.Fprintf(w, "\nsessions of < %d requests with an abuse verdict:        %d (ceiling %d)\n", minEvidence, f.shortAbuse, maxShortAbuse)
	fmt.Fprintf(w, "crawler-UA sessions of %d+ requests classed:             %d of %d (%.1f%%, floor %.0f%%)\n",
		minEvidence, f.crawlersNamed, f.crawlers, 100*share(f.crawlersNamed, f.crawlers), 100*minCrawlerNamed)
	fmt.Fprintf(w, "crawler-UA sessions classed, all sizes:                 %d of %d (%.1f%%)\n",
		f.classedAll, f.crawlersAll, 100*share(f.classedAll, f.crawlersAll))
	fmt.Fprintf(w, "browser-UA sessions with an abuse verdict:              %d of %d (%.1f%%, ceiling %.0f%%)\n",
		f.browsersFlagged, f.browsers, 100*share(f.browsersFlagged, f.browsers), 100*maxBrowserFlagged)
	fmt.Fprintf(w, "browser-UA addresses with an abuse verdict:             %d of %d (%.1f%%; goal at most 10%%)\n",
		f.browserIPsFlagged, f.browserIPs, 100*share(f.browserIPsFlagged, f.browserIPs))

	fmt.Fprintf(w, "\nbusiest %d addresses, each with its %d largest sessions\n", top, sessionsPerIP)
	for _, ip := range r.topIPs(top) {
		verdicts := map[string]int{}
		for _, s := range ip.sessions {
			for _, v := range s.Abuse {
				verdicts[v.Type]++
			}
		}
		fmt.Fprintf(w, "  %-16s %5d requests in %d sessions; verdicts: %s\n", ip.addr, ip.requests, len(ip.sessions), counts(verdicts))
		for _, s := range ip.sessions[:min(sessionsPerIP, len(ip.sessions))] {
			fmt.Fprintf(w, "    %4d req  %s\n", s.Requests, truncate(firstUA(s), 100))
			printVerdicts(w, s, "              ")
		}
	}
	if verbose {
		fmt.Fprintf(w, "\ncrawler sessions of %d+ requests not classed, and browser sessions with an abuse verdict\n", minEvidence)
		for _, s := range r.sorted() {
			k := kindOf(firstUA(s))
			missed := k == kindCrawler && s.Requests >= minEvidence && !classed(s)
			if missed || (k == kindBrowser && abusive(s)) {
				fmt.Fprintf(w, "  %s %s %d requests %s\n", s.ID, strings.Join(s.IPs, ","), s.Requests, truncate(firstUA(s), 100))
				printVerdicts(w, s, "    ")
			}
		}
	}
}

// sessionsPerIP is how many sessions of a busy address are listed.
const sessionsPerIP = 3

// counts prints "scraping ×12, suspicious ×1", or "none".
func counts(m map[string]int) string {
	var parts []string
	for _, typ := range engine.AbuseTypes() {
		if m[typ] > 0 {
			parts = append(parts, fmt.Sprintf("%s ×%d", typ, m[typ]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// printVerdicts prints each verdict with its detectors, value against
// baseline.
func printVerdicts(w io.Writer, s engine.Session, indent string) {
	for _, v := range s.Abuse {
		fmt.Fprintf(w, "%s%s %.2f, evidence %d\n", indent, v.Type, v.Confidence, v.Evidence)
		for _, d := range v.Detectors {
			fmt.Fprintf(w, "%s  %s = %g vs %g: %s\n", indent, d.Name, d.Value, d.Baseline, truncate(d.Explain, 400))
		}
	}
}

// address is one client address and its sessions, busiest first.
type address struct {
	addr     string
	requests int
	sessions []engine.Session
}

func (r *report) topIPs(n int) []address {
	by := map[string]*address{}
	for _, s := range r.sorted() {
		for _, ip := range s.IPs {
			a := by[ip]
			if a == nil {
				a = &address{addr: ip}
				by[ip] = a
			}
			a.requests += s.Requests
			a.sessions = append(a.sessions, s)
		}
	}
	list := make([]address, 0, len(by))
	for _, a := range by {
		slices.SortFunc(a.sessions, func(x, y engine.Session) int { return cmp.Compare(y.Requests, x.Requests) })
		list = append(list, *a)
	}
	slices.SortFunc(list, func(x, y address) int {
		return cmp.Or(cmp.Compare(y.requests, x.requests), cmp.Compare(x.addr, y.addr))
	})
	return list[:min(n, len(list))]
}

// sorted returns the sessions in id order, so that output is repeatable.
func (r *report) sorted() []engine.Session {
	list := make([]engine.Session, 0, len(r.sessions))
	for _, s := range r.sessions {
		list = append(list, s)
	}
	slices.SortFunc(list, func(x, y engine.Session) int { return cmp.Compare(x.ID, y.ID) })
	return list
}

func firstUA(s engine.Session) string {
	if len(s.UserAgents) == 0 {
		return ""
	}
	return s.UserAgents[0]
}

func hasType(s engine.Session, typ string) bool {
	return slices.ContainsFunc(s.Abuse, func(v engine.Verdict) bool { return v.Type == typ })
}

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
