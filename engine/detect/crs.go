package detect

import (
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	coreruleset "github.com/corazawaf/coraza-coreruleset/v4"
	"github.com/corazawaf/coraza/v3"
	"github.com/corazawaf/coraza/v3/types"
	"github.com/spoorhq/spoor/engine"
)

// crs is tier 2: the OWASP Core Rule Set in Coraza, in detection only.
// A coraza.WAF is safe for concurrent use; each check takes a transaction
// from it and closes it, which returns it to Coraza's pool.
type crs struct {
	waf      coraza.WAF
	paranoia int
}

// crsDirectives configures Coraza for spoor: the recommended base
// configuration, then detection only (spoor never blocks; it explains),
// no response inspection (tags are about requests), no audit log (spoor
// does no I/O here), the paranoia level, and every CRS rule file. The
// pre-filter lets Coraza skip regular expressions whose required literals
// are absent; it never changes a result. A body without a Content-Type is
// read as a urlencoded form (tx.enforce_bodyproc_urlencoded), as the
// engine reads it, so that its parameters are inspected at all.
const crsDirectives = `
Include @coraza.conf-recommended
SecRuleEngine DetectionOnly
SecRxPreFilter On
SecResponseBodyAccess Off
SecAuditEngine Off
Include @crs-setup.conf.example
SecAction "id:900000,phase:1,pass,t:none,nolog,setvar:tx.blocking_paranoia_level=%d"
SecAction "id:900001,phase:1,pass,t:none,nolog,setvar:tx.detection_paranoia_level=%d"
SecAction "id:900002,phase:1,pass,t:none,nolog,setvar:tx.enforce_bodyproc_urlencoded=1"
Include @owasp_crs/*.conf
`

// newCRS loads the rules at the paranoia level of opts.
func newCRS(opts Options) (*crs, error) {
	pl := opts.Paranoia
	extend, err := xmlAttributeTargets()
	if err != nil {
		return nil, err
	}
	cfg := coraza.NewWAFConfig().
		WithRootFS(coreruleset.FS).
		WithDirectives(fmt.Sprintf(crsDirectives, pl, pl) + extend + removedRules(opts))
	waf, err := coraza.NewWAF(cfg)
	if err != nil {
		return nil, fmt.Errorf("load core rule set: %w", err)
	}
	return &crs{waf: waf, paranoia: pl}, nil
}

// removedRules returns a directive removing the rules whose matches would
// tag nothing under opts (policy rules, and header-absence rules for
// partial headers), so that no check spends time on them. They set no
// variable another rule reads, except among the links of their own chains
// and 920280's skip of the Host checks when Host is missing, which find
// nothing without a Host.
func removedRules(opts Options) string {
	var ids []int
	if !opts.PolicyRules {
		ids = append(ids, policyRules()...)
	}
	if opts.PartialHeaders {
		ids = append(ids, absenceRules()...)
	}
	if len(ids) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("SecRuleRemoveById")
	for _, id := range ids {
		fmt.Fprintf(&b, " %d", id)
	}
	b.WriteString("\n")
	return b.String()
}

// check runs the rules over x's request (method, URI with query, headers,
// body) and adds a tag for each rule that maps to an attack type, one per
// type and point.
func (c *crs) check(x *engine.Exchange, set *tagSet, confirmed func(rule int, value string) bool) (err error) {
	tx := c.waf.NewTransaction()
	defer func() {
		if cerr := tx.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close transaction: %w", cerr)
		}
	}()
	tx.ProcessConnection(x.ClientIP, 0, "", 0)
	tx.ProcessURI(requestURI(x), x.Method, "HTTP/1.1")
	hasHost := false
	for _, h := range x.ReqHeaders {
		tx.AddRequestHeader(h.Name, h.Value)
		hasHost = hasHost || equalFoldASCII(h.Name, "Host")
	}
	if !hasHost && x.Host != "" {
		tx.AddRequestHeader("Host", x.Host)
	}
	if x.Host != "" {
		tx.SetServerName(hostOnly(x.Host))
	}
	// In detection only, Coraza never interrupts; the interruptions are
	// ignored for that reason.
	tx.ProcessRequestHeaders()
	if body := requestBody(x); len(body) > 0 {
		if _, _, err := tx.WriteRequestBody(body); err != nil {
			return fmt.Errorf("write request body: %w", err)
		}
	}
	if _, err := tx.ProcessRequestBody(); err != nil {
		return fmt.Errorf("process request body: %w", err)
	}
	for _, m := range tx.MatchedRules() {
		addRuleTags(x, m, set, confirmed)
	}
	return nil
}

// xmlAttributeTargets returns directives that make every rule inspecting
// XML text (XML:/*) inspect XML attribute values (XML://@*) too. The
// embedded rules (4.25) read attributes only in the Java file; the
// regression suite of later CRS versions expects every family to catch a
// payload in <a probe="...">, and an attribute is as much client input as
// text. The rule files are read from the embedded copy, in memory.
func xmlAttributeTargets() (string, error) {
	files, err := fs.Glob(coreruleset.FS, "@owasp_crs/REQUEST-9*.conf")
	if err != nil {
		return "", fmt.Errorf("list core rule set files: %w", err)
	}
	var b strings.Builder
	for _, f := range files {
		data, err := fs.ReadFile(coreruleset.FS, f)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", f, err)
		}
		for _, id := range rulesReadingXMLText(string(data)) {
			fmt.Fprintf(&b, "SecRuleUpdateTargetById %d \"XML://@*\"\n", id)
		}
	}
	return b.String(), nil
}

// rulesReadingXMLText returns the ids of the rules in a rule file whose
// own variables include XML:/* but not XML://@*. A rule's id is the first
// "id:" after its SecRule line; chained rules, which have no id of their
// own, are left alone.
func rulesReadingXMLText(conf string) []int {
	var ids []int
	for rest := conf; ; {
		i := strings.Index(rest, "\nSecRule ")
		if i < 0 {
			break
		}
		rest = rest[i+len("\nSecRule "):]
		vars, _, _ := strings.Cut(rest, " ")
		if !strings.Contains(vars, "XML:/*") || strings.Contains(vars, "XML://@*") {
			continue
		}
		j := strings.Index(rest, "id:")
		next := strings.Index(rest, "\nSecRule ")
		if j < 0 || next >= 0 && j > next {
			continue
		}
		k := j + 3
		for k < len(rest) && '0' <= rest[k] && rest[k] <= '9' {
			k++
		}
		if id, err := strconv.Atoi(rest[j+3 : k]); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// requestURI rebuilds the request target from x: capture keeps the path
// decoded, so it is escaped again for Coraza's URI parser, and the query
// is kept as it was sent.
func requestURI(x *engine.Exchange) string {
	u := url.URL{Path: x.Path}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if x.Query != "" {
		return p + "?" + x.Query
	}
	return p
}

// addRuleTags adds the tags of one matched rule: one per point among its
// matched variables, named by the rule's id and carrying its message.
func addRuleTags(x *engine.Exchange, m types.MatchedRule, set *tagSet, confirmed func(rule int, value string) bool) {
	r := m.Rule()
	typ := crsType(r.ID(), r.Tags())
	if typ == "" {
		return
	}
	msg := m.Message()
	if msg == "" {
		// A rule without a message is CRS plumbing (nolog flow control,
		// such as 920539 skipping a check for JSON bodies), not a finding.
		return
	}
	rule := "crs-" + strconv.Itoa(r.ID())
	added := false
	for _, md := range m.MatchedDatas() {
		if md.ChainLevel() > 0 {
			// Later links of a chain are conditions on the first match
			// (a header's absence, a counter), not where the attack is.
			continue
		}
		pt, ok := crsPoint(x, md.Variable().Name(), md.Key())
		if !ok {
			continue
		}
		if !confirmed(r.ID(), md.Value()) {
			// Tier 1 reads the value as prose or a link (confirmed);
			// the rule's finding is dropped, not moved to req.path.
			added = true
			continue
		}
		if set.has(typ, pt) {
			added = true
			continue
		}
		set.add(engine.AttackTag{Type: typ, Point: pt, Rule: rule, Fragment: matchedFragment(md), Message: msg})
		added = true
	}
	if !added {
		// The rule matched on internal variables only (a chain ending in
		// TX, say); the request as a whole carries the attack.
		if !set.has(typ, "req.path") {
			set.add(engine.AttackTag{Type: typ, Point: "req.path", Rule: rule, Message: msg})
		}
	}
}

func equalFoldASCII(a, b string) bool {
	return len(a) == len(b) && hasPrefixFold(a, lowerASCII(b))
}
