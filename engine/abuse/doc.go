// Package abuse scores sessions for bots and API abuse, and explains every
// verdict.
//
// Many abusive actors send only valid requests: credential stuffers,
// scrapers, enumerators walking object ids, crawlers. No single request
// gives them away; the session does. A Tracker follows each session as its
// exchanges arrive and keeps constant-time counters for a set of detectors:
//
//   - request rate and the regularity of the intervals between requests
//     (rate.go, intervals.go);
//   - the share of new resources, the breadth of endpoints, the share of
//     4xx and 404 answers, and the resources harvested (endpoints.go);
//   - failed logins on the Auth flow, the user names they tried, and a run
//     of failures ended by a success (auth.go);
//   - distinct, sequential and refused object ids on one endpoint template
//     (enumeration.go);
//   - one key seen from many addresses, one address carrying many keys
//     (rotation.go);
//   - the user agent: scripts, headless browsers, scrapers, declared
//     crawlers and security tools (useragent.go);
//   - response size and server time per request (resources.go).
//
// Each detector compares its value with a baseline, the median of closed
// ordinary sessions kept in a small streaming sketch (baseline.go), or a
// default while traffic is thin. Verdict rules (verdict.go) turn fired
// detectors into credential_stuffing, brute_force, account_takeover,
// scraping, security_crawler, enumeration, resource_consumption or
// suspicious, each with a confidence and the detectors behind it written out
// as value against baseline, so that an investigator can check the verdict
// against the request sequence. Declared search-engine crawlers are called
// scraping, security tools security_crawler.
//
// The package is pure: it does no I/O and reads no clock, since time comes
// from the exchanges; it keeps no package-level state; and its memory is
// bounded by idle eviction in exchange time and by caps (config.go). It
// imports engine and nothing of capture, store or tui; engine never imports
// it.
package abuse
