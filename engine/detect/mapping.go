package detect

import (
	"net/textproto"
	"strings"

	"github.com/corazawaf/coraza/v3/types"
	"github.com/spoorhq/spoor/engine"
)

// crsType maps a Core Rule Set rule to spoor's attack type, by the rule
// file its id falls in (the hundreds: 942xxx is the SQL injection file)
// and, for the generic-attack file, by its tags. It returns "" for rules
// that tag nothing: initialisation, paranoia-level skips (ids ending in
// 011 to 018), anomaly scoring and correlation.
func crsType(id int, tags []string) string {
	if id%1000 < 100 {
		return ""
	}
	switch id / 1000 {
	case 911, 920, 921, 922:
		return engine.AttackProtocol
	case 913:
		return engine.AttackScanner
	case 930:
		if id == 930100 || id == 930110 {
			return engine.AttackPathTraversal
		}
		return engine.AttackLFI
	case 931:
		return engine.AttackRFI
	case 932:
		return engine.AttackCmdInjection
	case 933, 944:
		// PHP (933) and Java (944) injection is code injection; the rule
		// id and message say which language.
		return engine.AttackCodeInjection
	case 934:
		for _, t := range tags {
			switch t {
			case "attack-ssrf":
				return engine.AttackSSRF
			case "attack-ssti":
				return engine.AttackSSTI
			}
		}
		return engine.AttackGeneric
	case 941:
		return engine.AttackXSS
	case 942:
		if id == 942290 {
			return engine.AttackNoSQLi // "basic MongoDB SQL injection attempts"
		}
		return engine.AttackSQLi
	case 943:
		return engine.AttackSessionFixation
	}
	return ""
}

// policyRules lists the rules that enforce a site policy (allowed methods,
// content types, charsets, versions, extensions, headers, a Host that names
// the site rather than its address) rather than detect an attack. 920350
// (Host is a numeric address) belongs here because spoor usually sits on
// loopback in front of an API addressed by IP, where every request would
// carry the tag.
func policyRules() []int {
	return []int{911100, 920350, 920420, 920430, 920440, 920450, 920480}
}

// absenceRules lists the rules that fire because a request header is
// missing, which says nothing when the exchange was imported from a log
// that does not record it.
func absenceRules() []int {
	return []int{920121, 920180, 920280, 920300, 920320, 920340, 920490, 920640}
}

// crsPoint spells the request point of a variable Coraza matched, as
// "ARGS" and "json.user.name" become "req.json.user.name". It reports false
// for Coraza's internal variables (TX, MATCHED_VAR and the like), which
// are not places in the request.
func crsPoint(x *engine.Exchange, variable, key string) (string, bool) {
	switch variable {
	case "ARGS", "ARGS_GET", "ARGS_POST", "ARGS_NAMES", "ARGS_GET_NAMES", "ARGS_POST_NAMES":
		if name, ok := strings.CutPrefix(key, "json."); ok && variable != "ARGS_GET" && variable != "ARGS_GET_NAMES" {
			// An operator key ("password.$ne") tags the field it sits in,
			// as tier 1 does.
			if i := strings.LastIndexByte(name, '.'); i > 0 && strings.HasPrefix(name[i+1:], "$") {
				name = name[:i]
			}
			return "req.json." + name, true
		}
		if key == "" {
			return "req.path", true
		}
		if strings.HasPrefix(variable, "ARGS_GET") || variable != "ARGS_POST" && variable != "ARGS_POST_NAMES" && inQuery(x.Query, key) {
			return "req.query." + key, true
		}
		return "req.form." + key, true
	case "REQUEST_COOKIES", "REQUEST_COOKIES_NAMES":
		return "req.cookie." + key, true
	case "REQUEST_HEADERS", "REQUEST_HEADERS_NAMES":
		if strings.EqualFold(key, "cookie") {
			return "req.header.Cookie", true
		}
		return "req.header." + textproto.CanonicalMIMEHeaderKey(key), true
	case "REQUEST_FILENAME", "REQUEST_BASENAME", "REQUEST_URI", "REQUEST_URI_RAW",
		"REQUEST_LINE", "PATH_INFO", "QUERY_STRING", "REQUEST_PROTOCOL", "FULL_REQUEST":
		return "req.path", true
	case "REQUEST_METHOD":
		return "req.method", true
	case "REMOTE_ADDR":
		return "req.ip", true
	case "REQUEST_BODY", "XML", "REQUEST_XML", "FILES", "FILES_NAMES", "FILES_SIZES", "FILES_COMBINED_SIZE",
		"MULTIPART_PART_HEADERS", "MULTIPART_FILENAME", "MULTIPART_NAME",
		"MULTIPART_STRICT_ERROR", "MULTIPART_UNMATCHED_BOUNDARY", "REQBODY_ERROR",
		"REQBODY_PROCESSOR", "REQBODY_PROCESSOR_ERROR":
		return "req.body", true
	}
	return "", false
}

// inQuery reports whether the raw query has a parameter called name,
// decoded or as sent.
func inQuery(raw, name string) bool {
	var dec decoder
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		k, _, _ := strings.Cut(pair, "=")
		if k == name || dec.decode(k, true) == name {
			return true
		}
	}
	return false
}

// matchedFragment returns what a rule matched: the "Matched Data: X found
// within ..." text of its log data when it has one, else the variable's
// value, truncated.
func matchedFragment(md types.MatchData) string {
	if d := md.Data(); strings.HasPrefix(d, "Matched Data: ") {
		d = d[len("Matched Data: "):]
		if i := strings.LastIndex(d, " found within "); i >= 0 {
			d = d[:i]
		}
		// The libinjection rules log "XSS data" rather than what matched.
		if d != "XSS data" {
			return excerpt(d, 0, len(d))
		}
	}
	v := md.Value()
	return excerpt(v, 0, len(v))
}
