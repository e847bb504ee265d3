package detect

import (
	"fmt"
	"slices"
	"sync"

	"github.com/spoorhq/spoor/engine"
)

// Options configure a Detector.
type Options struct {
	// Paranoia is the Core Rule Set's paranoia level, 1 to 4; 0 means 1.
	// Each level adds rules that catch more obfuscated attacks and flag
	// more legitimate traffic.
	Paranoia int
	// NoCRS leaves tier 2 out: New returns at once and Tier2 adds nothing.
	// Tools and tests that need only tier 1 set it.
	NoCRS bool
	// LoadInBackground makes New return before the Core Rule Set is
	// loaded, which takes a third of a second of CPU: tier 1 is ready at
	// once, and the first Tier2 waits for the rules, returning their load
	// error if there was one. A capture then serves, and an import reads,
	// while the rules load.
	LoadInBackground bool
	// PartialHeaders says the exchanges carry only some of their request
	// headers, as exchanges imported from an access log do (User-Agent and
	// Referer at most). The Core Rule Set rules that fire on a header's
	// absence (missing Host, Accept, Content-Length...) are then skipped:
	// the log, not the client, left the header out.
	PartialHeaders bool
	// PolicyRules keeps the Core Rule Set rules that enforce a site policy
	// rather than detect an attack: allowed methods, content types,
	// charsets, HTTP versions, file extensions, headers and a Host that is
	// a name rather than an address (911100, 920350, 920420, 920430,
	// 920440, 920450, 920480). Their defaults fit few
	// sites (a download of /misc/sample.log breaks the extension policy),
	// so by default they tag nothing.
	PolicyRules bool
}

// Detector tags attacks on exchanges. It is built once (the Core Rule Set
// takes a fraction of a second to load) and is safe for concurrent use.
type Detector struct {
	classes         classTable
	markers         *markerSet
	scanners        *foldSet
	restrictedFiles *foldSet
	templates       *foldSet
	commands        *wordSet
	netCommands     *wordSet
	// sqlContinuations are the words a SQL fragment starts with
	// (sqlfragment.go); shellCalls and evalCalls the functions that run a
	// command or code (codeexec.go).
	sqlContinuations *wordSet
	sqlStatements    *wordSet
	shellCalls       *wordSet
	evalCalls        *wordSet
	nosqlOps         *wordSet
	ssrfSchemes      *wordSet
	urlParams        *wordSet
	redirectParams   *wordSet
	injectable       *wordSet
	sessionNames     *wordSet
	headerRoles      map[string]headerRole
	clean            *headerCache
	// paths remembers clean paths the same way: static files and listings
	// repeat on every page a client loads.
	paths *headerCache
	// memo remembers tier 2's answers to repeated requests.
	memo *tier2Memo

	// crs is the Core Rule Set, nil without it, and crsErr why it failed
	// to load; both are set before crsLoaded is closed.
	crs       *crs
	crsErr    error
	crsLoaded chan struct{}
	scans     sync.Pool
}

// headerRole says how tier 1 reads a request header.
type headerRole uint8

const (
	// headerChecked headers carry text the client chose and applications
	// read, log or reflect (User-Agent, Referer, forwarding and custom
	// headers): every check runs on them. It is the role of any header
	// not listed.
	headerChecked headerRole = iota
	// headerStructured headers hold values whose shape the protocol fixes
	// (Accept, Authorization, Content-Type...). Running SQL and HTML
	// parsers on "text/html;q=0.9" finds nothing but costs time, so they
	// are checked for the markers that arrive in any header only
	// (Shellshock, Log4Shell).
	headerStructured
	// headerScanner headers are sent by security scanners only.
	headerScanner
)

// structuredHeaders lists the headers of role headerStructured. Headers
// starting with "sec-" (fetch metadata, client hints) are structured too.
func structuredHeaders() []string {
	return []string{
		"accept", "accept-encoding", "accept-language", "accept-charset",
		"authorization", "proxy-authorization", "content-type",
		"content-length", "content-encoding", "transfer-encoding",
		"connection", "keep-alive", "cache-control", "pragma",
		"if-none-match", "if-modified-since", "if-match",
		"if-unmodified-since", "if-range", "range", "te", "upgrade",
		"upgrade-insecure-requests", "dnt", "priority", "host", "cookie",
		"traceparent", "tracestate", "baggage", "x-amzn-trace-id",
		"x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled",
		"content-md5",
	}
}

// headerRoles builds the role table.
func headerRoles() map[string]headerRole {
	roles := map[string]headerRole{}
	for _, h := range structuredHeaders() {
		roles[h] = headerStructured
	}
	for _, h := range scannerHeaders() {
		roles[h] = headerScanner
	}
	return roles
}

// New builds a Detector. With the Core Rule Set enabled it loads the
// rules from the embedded copy, which takes a fraction of a second; build
// one Detector and share it.
func New(opts Options) (*Detector, error) {
	if opts.Paranoia == 0 {
		opts.Paranoia = 1
	}
	if opts.Paranoia < 1 || opts.Paranoia > 4 {
		return nil, fmt.Errorf("paranoia level %d: must be 1 to 4", opts.Paranoia)
	}
	d := &Detector{
		classes:          newClassTable(),
		markers:          newMarkerSet(literalMarkers()),
		scanners:         newFoldSet(scannerAgents()...),
		templates:        newFoldSet(templateWords()...),
		commands:         newWordSet(shellCommands()),
		netCommands:      newWordSet(networkCommands()),
		sqlContinuations: newWordSet(sqlContinuations()),
		sqlStatements:    newWordSet(sqlStatements()),
		shellCalls:       newWordSet(shellCalls()),
		evalCalls:        newWordSet(evalCalls()),
		nosqlOps:         newWordSet(nosqlOperators()),
		ssrfSchemes:      newWordSet(ssrfSchemes()),
		urlParams:        newWordSet(urlParams()),
		redirectParams:   newWordSet(redirectParams()),
		injectable:       newWordSet(injectableHeaders()),
		sessionNames:     newWordSet(sessionIDNames()),
		headerRoles:      headerRoles(),
		clean:            newHeaderCache(),
		paths:            newHeaderCache(),
		memo:             newTier2Memo(),
	}
	files, err := restrictedFiles()
	if err != nil {
		return nil, err
	}
	d.restrictedFiles = newFoldSet(files...)
	d.scans.New = func() any { return &scan{d: d} }
	d.crsLoaded = make(chan struct{})
	load := func() {
		defer close(d.crsLoaded)
		if !opts.NoCRS {
			d.crs, d.crsErr = newCRS(opts)
		}
	}
	if opts.LoadInBackground {
		go load()
		return d, nil
	}
	if load(); d.crsErr != nil {
		return nil, d.crsErr
	}
	return d, nil
}

// Loaded waits until the Core Rule Set is loaded (at once without
// Options.LoadInBackground) and returns why it failed to load, if it did.
func (d *Detector) Loaded() error {
	_, err := d.coreRuleSet()
	return err
}

// coreRuleSet waits until the Core Rule Set is loaded and returns it, nil
// without it.
func (d *Detector) coreRuleSet() (*crs, error) {
	<-d.crsLoaded
	return d.crs, d.crsErr
}

// headerRole looks a header's role up by its lower-cased name, without
// allocating.
func (d *Detector) headerRole(name string) headerRole {
	var buf [40]byte
	if len(name) > len(buf) {
		return headerChecked
	}
	for i := 0; i < len(name); i++ {
		buf[i] = lower(name[i])
	}
	if len(name) > 4 && string(buf[:4]) == "sec-" {
		return headerStructured
	}
	return d.headerRoles[string(buf[:len(name)])]
}

// Tier1 returns the attacks the fast checks find in x: libinjection's SQLi
// and XSS on every decoded parameter, cookie, chosen header and path
// segment, and byte scans for the other families. It costs a few
// microseconds and allocates only for what it reports (and a clean body's
// text), so it runs on every exchange. It returns nil when it finds
// nothing; a non-nil result marks x as suspicious for the Scheduler.
func (d *Detector) Tier1(x *engine.Exchange) []engine.AttackTag {
	s := d.scans.Get().(*scan)
	s.reset(x)
	s.run()
	var tags []engine.AttackTag
	if len(s.set.tags) > 0 {
		tags = slices.Clone(s.set.tags)
	}
	s.reset(nil)
	d.scans.Put(s)
	return tags
}

// Tier2 runs the Core Rule Set on x's request and returns tags with the
// rules' findings appended, skipping any whose type and point tags already
// holds. Pass Tier1's result as tags to merge the tiers. Without the Core
// Rule Set (Options.NoCRS) it returns tags unchanged. A request repeated
// byte for byte gets the remembered answer (see tier2Memo).
func (d *Detector) Tier2(x *engine.Exchange, tags []engine.AttackTag) ([]engine.AttackTag, error) {
	c, err := d.coreRuleSet()
	if err != nil {
		return tags, err
	}
	if c == nil {
		return tags, nil
	}
	k := d.memo.key(x, tags)
	if remembered, ok := d.memo.get(k); ok {
		return remembered, nil
	}
	set := tagSet{tags: tags}
	if err := c.check(x, &set, d.confirmed); err != nil {
		return set.tags, fmt.Errorf("core rule set: %w", err)
	}
	d.memo.put(k, set.tags)
	return set.tags, nil
}

// Paranoia returns the Core Rule Set paranoia level in use, 0 without it
// or if it failed to load. It waits for the rules to load.
func (d *Detector) Paranoia() int {
	c, _ := d.coreRuleSet()
	if c == nil {
		return 0
	}
	return c.paranoia
}
