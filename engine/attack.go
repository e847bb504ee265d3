package engine

// AttackTag is one detection on one request.
type AttackTag struct {
	// Type is the attack family, one of the Attack constants.
	Type string `json:"type"`
	// Point is the request point where the attack was found, in the point
	// grammar: req.query.q, req.json.user.name, req.header.User-Agent.
	Point string `json:"point"`
	// Rule names the detector or rule that fired: "libinjection-sqli",
	// "spoor-traversal", "crs-942100".
	Rule string `json:"rule"`
	// Fragment is the matched text, truncated, so that an investigator sees
	// what fired without opening the request.
	Fragment string `json:"fragment,omitempty"`
	// Message says why the detector fired.
	Message string `json:"message,omitempty"`
	// MutedBy is the id of the mute rule that covered the tag when it was
	// found: the tag is kept and shown, but no count or attack: filter
	// takes it.
	MutedBy string `json:"muted_by,omitempty"`
}

// Muted reports whether a mute rule covered the tag: !Counted.
func (t *AttackTag) Muted() bool { return t.MutedBy != "" }

// Attack types. They are strings rather than a numeric enum because they are
// stored, filtered on (attack:sqli) and printed in JSON as they are.
const (
	AttackSQLi            = "sqli"
	AttackXSS             = "xss"
	AttackPathTraversal   = "path_traversal"
	AttackCmdInjection    = "cmd_injection"
	AttackSSRF            = "ssrf"
	AttackRFI             = "rfi"
	AttackLFI             = "lfi"
	AttackNoSQLi          = "nosqli"
	AttackSSTI            = "ssti"
	AttackXXE             = "xxe"
	AttackCRLF            = "crlf"
	AttackOpenRedirect    = "open_redirect"
	AttackScanner         = "scanner"
	AttackProtocol        = "protocol"
	AttackSessionFixation = "session_fixation"
	// AttackCodeInjection is code of the application's own language in a
	// value: PHP (CRS 933), Java (CRS 944), or a call such as eval(...).
	AttackCodeInjection = "code_injection"
	// AttackGeneric covers injections without a family of their own:
	// Node.js, Ruby and Perl injection, prototype pollution, JNDI lookups.
	AttackGeneric = "generic"
)

// SessionWideAttacks are the attack types that describe who sends the
// traffic rather than what one request tried: a scanner is told by its
// user agent or its headers, which every request of its session carries.
// The TUI's session header and spoor report state them once for the
// session instead of on every request, where they would drown the tags
// that differ.
func SessionWideAttacks() []string { return []string{AttackScanner} }
