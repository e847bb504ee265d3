package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// Floors the figures must keep. Every declared crawler in the corpus is
// named; a browser session drawing a verdict is a false positive unless a
// person really did pull megabytes per request, which the corpus has a few
// of.
const (
	minCrawlerNamed   = 0.95
	maxBrowserFlagged = 0.02
)

// report is what the evaluation saw: the final snapshot of every session.
type report struct {
	lines, exchanges int
	sessions         map[string]engine.Session
}

// figures are the two shares the evaluation is judged by.
type figures struct {
	crawlers, crawlersNamed   int
	browsers, browsersFlagged int
}

func (r *report) figures() figures {
	var f figures
	for _, s := range r.sessions {
		switch kindOf(firstUA(s)) {
		case kindCrawler:
			f.crawlers++
			if hasType(s, engine.AbuseScraping) || hasType(s, engine.AbuseSecurityCrawler) {
				f.crawlersNamed++
			}
		case kindBrowser:
			f.browsers++
			if len(s.Abuse) > 0 {
				f.browsersFlagged++
			}
		}
	}
	return f
}

// floors returns the figures that fall short, as one line each.
func (r *report) floors() []string {
	f := r.figures()
	var failed []string
	if got := share(f.crawlersNamed, f.crawlers); got < minCrawlerNamed {
		failed = append(failed, fmt.Sprintf("crawler sessions named scraping or security_crawler: %.1f%%, floor %.0f%%", 100*got, 100*minCrawlerNamed))
	}
	if got := share(f.browsersFlagged, f.browsers); got > maxBrowserFlagged {
		failed = append(failed, fmt.Sprintf("browser sessions with a verdict: %.1f%%, ceiling %.0f%%", 100*got, 100*maxBrowserFlagged))
	}
	return failed
}

func (r *report) print(w io.Writer, top int, verbose bool) {
	fmt.Fprintf(w, "spoor-abuse-eval: %d lines, %d exchanges, %d sessions (req.ip+req.ua, 30m inactivity)\n\n", r.lines, r.exchanges, len(r.sessions))

	fmt.Fprintln(w, "verdicts            sessions  as first verdict")
	first := map[string]int{}
	any := map[string]int{}
	for _, s := range r.sessions {
		for i, v := range s.Abuse {
			any[v.Type]++
			if i == 0 {
				first[v.Type]++
			}
		}
	}
	for _, typ := range engine.AbuseTypes() {
		fmt.Fprintf(w, "  %-20s %7d  %7d\n", typ, any[typ], first[typ])
	}

	f := r.figures()
	fmt.Fprintf(w, "\ncrawler-UA sessions named scraping or security_crawler: %d of %d (%.1f%%, floor %.0f%%)\n",
		f.crawlersNamed, f.crawlers, 100*share(f.crawlersNamed, f.crawlers), 100*minCrawlerNamed)
	fmt.Fprintf(w, "browser-UA sessions with any verdict:                   %d of %d (%.1f%%, ceiling %.0f%%)\n",
		f.browsersFlagged, f.browsers, 100*share(f.browsersFlagged, f.browsers), 100*maxBrowserFlagged)

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
		fmt.Fprintln(w, "\ncrawler sessions not named, and browser sessions with a verdict")
		for _, s := range r.sorted() {
			k := kindOf(firstUA(s))
			missed := k == kindCrawler && !hasType(s, engine.AbuseScraping) && !hasType(s, engine.AbuseSecurityCrawler)
			if missed || (k == kindBrowser && len(s.Abuse) > 0) {
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
		fmt.Fprintf(w, "%s%s %.2f\n", indent, v.Type, v.Confidence)
		for _, d := range v.Detectors {
			fmt.Fprintf(w, "%s  %s = %g vs %g: %s\n", indent, d.Name, d.Value, d.Baseline, truncate(d.Explain, 160))
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
