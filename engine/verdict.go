package engine

import "slices"

// Verdict is a bot/abuse conclusion on a session, with the evidence behind it.
// Verdicts are computed by engine/abuse; the engine only carries them, so
// that the store, the filter and the TUI can read them without importing the
// package that scores them.
type Verdict struct {
	// Type is one of the Abuse constants.
	Type string `json:"type"`
	// Confidence is from 0 to 1: how strongly the detectors listed agree.
	Confidence float64 `json:"confidence"`
	// Evidence is how many requests the verdict rests on: the failed
	// logins of a brute force, the requests of a scraping session. No
	// verdict is given on less than the configured minimum.
	Evidence int `json:"evidence,omitempty"`
	// Detectors are the measurements the verdict rests on, strongest first.
	Detectors []DetectorResult `json:"detectors"`
}

// DetectorResult is one detector's measurement against its baseline ("14×
// above"), so that an investigator can check a verdict against the request
// sequence instead of trusting a score.
type DetectorResult struct {
	// Name identifies the detector: "rate", "auth_failures", ...
	Name string `json:"name"`
	// Value is what the session measured.
	Value float64 `json:"value"`
	// Baseline is what ordinary traffic measures, learned from the capture
	// or a default while traffic is thin.
	Baseline float64 `json:"baseline"`
	// Unit of Value and Baseline: "req/s", "share", "bytes", ...
	Unit string `json:"unit,omitempty"`
	// Explain says in one sentence what was measured and why it counts.
	Explain string `json:"explain"`
}

// Abuse verdict types. They are strings rather than a numeric enum because
// they are stored, filtered on (abuse:scraping) and printed in JSON as they
// are.
const (
	AbuseCredentialStuffing  = "credential_stuffing"
	AbuseBruteForce          = "brute_force"
	AbuseAccountTakeover     = "account_takeover"
	AbuseScraping            = "scraping"
	AbuseSecurityCrawler     = "security_crawler"
	AbuseEnumeration         = "enumeration"
	AbuseResourceConsumption = "resource_consumption"
	AbuseSuspicious          = "suspicious"
	// AbuseDeclaredCrawler is a class, not abuse: a known search engine
	// that says who it is in its user agent. abuse:any does not match it.
	AbuseDeclaredCrawler = "declared_crawler"
)

// AbuseTypes lists the verdict types in the order the product documents
// them. It is a function so that no caller can change the list.
func AbuseTypes() []string {
	return []string{
		AbuseCredentialStuffing, AbuseBruteForce, AbuseAccountTakeover, AbuseScraping,
		AbuseSecurityCrawler, AbuseEnumeration, AbuseResourceConsumption, AbuseSuspicious,
		AbuseDeclaredCrawler,
	}
}

// IsAbuse reports whether a verdict type is abuse rather than a class of
// client (declared_crawler), which is what abuse:any selects.
func IsAbuse(typ string) bool { return typ != AbuseDeclaredCrawler }

// cloneVerdicts deep-copies verdicts, detector lists included.
func cloneVerdicts(vs []Verdict) []Verdict {
	if vs == nil {
		return nil
	}
	c := make([]Verdict, len(vs))
	for i, v := range vs {
		c[i] = v
		c[i].Detectors = slices.Clone(v.Detectors)
	}
	return c
}
