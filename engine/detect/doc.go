// Package detect tags attacks on requests: which attack, at which request
// point, found by which rule or detector, and why.
//
// It owns two tiers of detection and the policy that chooses between them:
//
//   - Tier 1 (tier1.go) runs on every exchange and costs a few microseconds.
//     It decodes every parameter value the way an application would
//     (urldecode.go: query, form and multipart fields, JSON keys and leaves
//     (jsonwalk.go), XML attributes and text, cookies, headers, path
//     segments; URL decoding repeated for double encoding) and runs
//     libinjection's SQLi and XSS checks (injection.go) with what they
//     cannot see: SQL fragments that follow the application's operand
//     (sqlfragment.go) and event handlers of any name inside a tag
//     (handler.go); one pass for literal markers of file inclusion,
//     shells, script and Log4Shell (markers.go), and byte scans for path
//     traversal (traversal.go), command injection (cmdi.go), calls of
//     functions that run commands or code (codeexec.go), SSRF, remote
//     inclusion and open redirects (ssrf.go, redirect.go), NoSQL
//     operators (nosqli.go), template injection (ssti.go), CRLF
//     injection (crlf.go), XXE (xxe.go), session fixation
//     (sessionfix.go), scanners (scanner.go) and requests for the files
//     the Core Rule Set restricts (restricted.go). A
//     byte-class table (classes.go) lets a value skip every check it
//     cannot trigger, so plain values cost one pass over their bytes, and
//     a cache (cache.go) spares the User-Agent and Referer a client
//     repeats.
//   - Tier 2 (crs.go) runs the OWASP Core Rule Set in Coraza, in detection
//     only, and maps the rules that fire to spoor's attack types and request
//     points (mapping.go); findings of a few rules on values tier 1 reads
//     as prose or links are dropped (confirm.go). It costs one to a few
//     milliseconds per exchange (about 1 ms for a GET without a body, 2 ms
//     with a small JSON body: every rule reads every parameter), so the
//     Scheduler (scheduler.go)
//     checks an exchange at once only while the Budget (budget.go) allows
//     and analysis keeps up, and the caller defers the others to a
//     catch-up queue that the same budget drains later. The Budget is
//     tier 2's share of the CPU, sized from readings of the process's CPU
//     time the caller passes in: what the process does not use of all
//     cores but one, never less than a floor. Priority (priority.go)
//     orders the work: tier-1-clean exchanges the Prefilter
//     (prefilter.go) flags first, other clean ones next, tagged ones
//     last.
//
// Tier 1 is the recall layer: it aims to catch what public attack
// wordlists send, each check structured so that prose, links and code in
// comments pass (testdata/tier1_recall.txt holds a benign counter-test for
// each). Checks (catalog.go) lists every detector and the type it reports.
//
// Each tag names its point in the grammar of package engine (req.query.q,
// req.json.user.name, req.header.User-Agent, req.path, req.body), and tags
// are deduplicated per attack type and point.
//
// The package does no I/O (the rules come from the copy embedded in the
// binary), reads no clock and no CPU counter (the caller passes both) and
// starts no goroutines (Coraza may start its own). It imports
// engine; engine never imports it. A Detector is built once,
// since building the Core Rule Set takes a fraction of a second, and is safe
// for concurrent use by the analysis workers.
package detect
