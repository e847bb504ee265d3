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
//   - login attempts, recognised by the Auth flow, a listed endpoint
//     (engine.LoginTable), a password-like field, Basic credentials or a
//     login path, with outcomes inferred from the answer: a 401/403 or a
//     redirect back fails, a redirect away, a new session cookie or a token
//     succeeds, and any other answer is judged by the shape each endpoint
//     keeps answering (login.go); the failures, the user names tried and a
//     run of failures ended by a success (auth.go);
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
// suspicious, each with a confidence, the number of requests it rests on
// (no verdict below Config.MinEvidence) and the detectors behind it written
// out as value against baseline, so that an investigator can check the
// verdict against the request sequence. Search engines that declare
// themselves get the declared_crawler class, which is not abuse, unless they
// harvest like scrapers; other declared bots are scraping, security tools
// security_crawler.
//
// The package is pure: it does no I/O and reads no clock, since time comes
// from the exchanges; it keeps no package-level state; and its memory is
// bounded by idle eviction in exchange time and by caps (config.go). It
// imports engine and nothing of capture, store or tui; engine never imports
// it.
package abuse
