package detect

import (
	"net/textproto"
	"strings"

	"github.com/spoorhq/spoor/engine"
)

// maxParams bounds how many query or form parameters one exchange has
// checked, as Coraza's SecArgumentsLimit does, so that a request with a
// hundred thousand parameters costs bounded work.
const maxParams = 1000

// scan is the state of one tier-1 pass over one exchange. Scans are pooled
// by the Detector and keep their buffers, so that a pass over a clean
// exchange allocates only its body's text, if it has a body.
type scan struct {
	d    *Detector
	x    *engine.Exchange
	set  tagSet
	dec  decoder
	json jsonWalker
	// host is the exchange's host without port, lower-cased, which
	// redirects are compared against; "" when unknown.
	host   string
	fields []multipartField
	xml    []string
	params int
}

func (s *scan) reset(x *engine.Exchange) {
	s.x = x
	clear(s.set.tags)
	s.set.tags = s.set.tags[:0]
	clear(s.fields)
	s.fields = s.fields[:0]
	clear(s.xml)
	s.xml = s.xml[:0]
	s.host, s.params = "", 0
	if x != nil {
		h := x.Host
		if h == "" {
			h = x.ReqHeader("Host")
		}
		s.host = lowerASCII(hostOnly(h))
	}
}

// run checks every request point of the exchange.
func (s *scan) run() {
	s.path()
	s.pairs(s.x.Query, pointQuery)
	s.headers()
	s.body()
}

// tag records a finding at p, unless one of its type is already there. v
// is the value it was found in and v[at:at+n] the match, from which the
// fragment is cut.
func (s *scan) tag(typ string, p *point, rule, v string, at, n int, msg string) {
	pt := p.String()
	if p.kind == pointHeader {
		pt = "req.header." + textproto.CanonicalMIMEHeaderKey(p.name)
	}
	if s.set.has(typ, pt) {
		return
	}
	s.set.add(engine.AttackTag{Type: typ, Point: pt, Rule: rule, Fragment: excerpt(v, at, n), Message: msg})
}

// value runs every check that v's byte classes allow. name says whether v
// is a parameter's name rather than its value: names are checked for
// injections too (CRS checks ARGS_NAMES), but never read as URLs.
func (s *scan) value(p *point, v string, name bool) {
	m := s.d.classes.of(v)
	if m == 0 || m == classSQL && hexDashed(v) {
		// Nothing to find: a value of hex digits and dashes (a UUID, a
		// hash) has no byte any check but SQLi needs, contains no marker
		// (TestHexDashedMatchesNothing), and is spared the SQLi check
		// (injection).
		return
	}
	s.injection(p, v, m)
	s.scans(p, v, m, name)
}

// scans runs the checks of value other than libinjection's.
func (s *scan) scans(p *point, v string, m class, name bool) {
	if m == 0 {
		return
	}
	s.markers(p, v)
	s.traversal(p, v, m)
	s.cmdInjection(p, v, m)
	if m&classTemplate != 0 {
		s.ssti(p, v)
	}
	s.crlf(p, v, m)
	s.xxe(p, v, m)
	if name || !p.param() {
		return
	}
	s.urls(p, v, m)
	if m&classColon != 0 {
		s.scriptRedirect(p, v)
	}
	if m&classDollar != 0 {
		s.nosqlValue(p, v)
	}
}

// path checks the path as a whole (traversal, files, line breaks) and
// each of its segments as a value. Capture has decoded the path once;
// decoding it again undoes double encoding.
func (s *scan) path() {
	// The checks of a path depend on nothing but the path, so a path found
	// clean once is clean again.
	clean, slot, hash := s.d.paths.lookup(false, s.x.Path)
	if clean {
		return
	}
	found := len(s.set.tags)
	s.pathChecks()
	if len(s.set.tags) == found {
		s.d.paths.remember(slot, hash, false, s.x.Path)
	}
}

func (s *scan) pathChecks() {
	p := point{kind: pointPath}
	v := s.dec.decode(s.x.Path, false)
	m := s.d.classes.of(v)
	if m == 0 {
		return
	}
	s.restricted(&p, v)
	s.traversal(&p, v, m)
	s.markers(&p, v)
	s.crlf(&p, v, m)
	for rest := v; rest != ""; {
		var seg string
		seg, rest, _ = strings.Cut(rest, "/")
		if seg == "" {
			continue
		}
		sm := s.d.classes.of(seg)
		if sm == 0 {
			continue
		}
		s.injection(&p, seg, sm)
		s.cmdInjection(&p, seg, sm)
		if sm&classTemplate != 0 {
			s.ssti(&p, seg)
		}
	}
}

// pairs checks the names and values of a query string or urlencoded form.
func (s *scan) pairs(raw string, kind pointKind) {
	for raw != "" && s.params < maxParams {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		s.params++
		k, v, _ := strings.Cut(pair, "=")
		name := s.dec.decode(k, true)
		p := point{kind: kind, name: name}
		if strings.IndexByte(name, '$') >= 0 {
			s.nosqlName(&p, name)
		}
		s.sessionName(&p)
		s.value(&p, name, true)
		s.value(&p, s.dec.decode(v, true), false)
	}
}

// headers checks cookies, the headers that carry client-chosen text
// (User-Agent, Referer, forwarding and custom headers), scanner headers,
// and every header for Shellshock and Log4Shell, which arrive in any
// header.
func (s *scan) headers() {
	for _, h := range s.x.ReqHeaders {
		if strings.EqualFold(h.Name, "Cookie") {
			s.cookies(h.Value)
			continue
		}
		p := point{kind: pointHeader, name: h.Name}
		switch s.d.headerRole(h.Name) {
		case headerChecked:
			if hexDashed(h.Value) {
				// A request or trace id: value would find nothing, and
				// caching ids that never repeat would evict the agents
				// and referrers that do.
				continue
			}
			ua := strings.EqualFold(h.Name, "User-Agent")
			clean, slot, hash := s.d.clean.lookup(ua, h.Value)
			if clean {
				continue
			}
			found := len(s.set.tags)
			v := s.dec.decode(h.Value, false)
			if isURLHeader(h.Name) {
				s.urlHeader(&p, h.Value, v)
			} else {
				s.value(&p, v, false)
			}
			if ua {
				s.scanner(&p, v)
			}
			if len(s.set.tags) == found {
				s.d.clean.remember(slot, hash, ua, h.Value)
			}
			continue
		case headerScanner:
			s.scannerHeader(&p, h.Name, h.Value)
		}
		if strings.IndexByte(h.Value, '$') >= 0 || strings.IndexByte(h.Value, '(') >= 0 {
			s.markers(&p, h.Value)
		}
	}
}

// isURLHeader reports whether a header's value is a URL a browser wrote.
func isURLHeader(name string) bool {
	return strings.EqualFold(name, "Referer") || strings.EqualFold(name, "Origin")
}

// urlHeader checks a URL-valued header: the byte scans run on the whole
// decoded URL v, and libinjection on each of its parts (path segments,
// query names and values, fragment) decoded as the site that receives
// them would. A payload sits in one part, and a Referer's query string
// parsed whole by libinjection costs microseconds on every page view for
// nothing. A value that is not a URL is checked whole.
func (s *scan) urlHeader(p *point, raw, v string) {
	_, _, ok := urlParts(raw)
	if !ok {
		s.value(p, v, false)
		return
	}
	rest := raw[strings.Index(raw, "//")+2:]
	rest, fragment, _ := strings.Cut(rest, "#")
	rest, query, _ := strings.Cut(rest, "?")
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		for seg := range strings.SplitSeq(rest[i+1:], "/") {
			seg = s.dec.decode(seg, false)
			s.injection(p, seg, s.d.classes.of(seg))
		}
	}
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		k, val, _ := strings.Cut(pair, "=")
		k = s.dec.decode(k, true)
		s.injection(p, k, s.d.classes.of(k))
		val = s.dec.decode(val, true)
		s.injection(p, val, s.d.classes.of(val))
	}
	if fragment != "" {
		fragment = s.dec.decode(fragment, false)
		s.injection(p, fragment, s.d.classes.of(fragment))
	}
	s.scans(p, v, s.d.classes.of(v), false)
}

// cookies checks the values of one Cookie header, percent-decoded as most
// frameworks read them.
func (s *scan) cookies(header string) {
	for header != "" {
		var pair string
		pair, header, _ = strings.Cut(header, ";")
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		name := s.dec.decode(strings.TrimSpace(k), false)
		p := point{kind: pointCookie, name: name}
		s.value(&p, name, true)
		s.value(&p, s.dec.decode(strings.TrimSpace(v), false), false)
	}
}

// body checks the request body by its kind: form fields, multipart fields,
// JSON keys and leaves, an XML document for external entities, or, for a
// body spoor cannot structure, its first maxTextBody bytes as one value.
func (s *scan) body() {
	data := requestBody(s.x)
	kind, boundary := classifyBody(s.x, data)
	switch kind {
	case bodyForm:
		s.pairs(string(data), pointForm)
	case bodyMultipart:
		s.fields = multipartFields(data, boundary, s.fields[:0])
		for _, f := range s.fields {
			p := point{kind: pointForm, name: f.name}
			s.value(&p, f.value, false)
		}
	case bodyJSON:
		// The walk's error only says where it stopped; what it reported
		// before stands.
		_ = s.json.walk(string(data), s)
	case bodyXML:
		p := point{kind: pointBody}
		v := string(data)
		s.xxe(&p, v, s.d.classes.of(v))
		s.xml = xmlValues(v, s.xml[:0])
		for _, v := range s.xml {
			s.value(&p, v, false)
		}
	case bodyText:
		p := point{kind: pointBody}
		s.value(&p, string(data[:min(len(data), maxTextBody)]), false)
	}
}

// jsonKey checks an object key: a MongoDB operator ("$ne") tags the field
// it sits in, and "__proto__" or "constructor.prototype" pollute the
// prototype of every object in a JavaScript server.
func (s *scan) jsonKey(path []byte, key string) {
	if key == "" {
		return
	}
	parent := path[:max(0, len(path)-len(key)-1)]
	p := point{kind: pointJSON, path: parent}
	if len(parent) == 0 {
		p.path = path
	}
	switch {
	case key[0] == '$' && len(key) <= 17 && s.isOperator(key[1:]):
		s.tag(engine.AttackNoSQLi, &p, "spoor-nosqli", key, 0, len(key),
			"NoSQL operator "+key+" as a JSON key")
	case key == "__proto__" || key == "prototype" && strings.HasSuffix(string(parent), "constructor"):
		s.tag(engine.AttackGeneric, &p, "spoor-prototype", key, 0, len(key),
			"JSON key "+key+" pollutes the JavaScript object prototype")
	default:
		// A key is a parameter name to the application, and attacks
		// arrive in names too (CRS checks ARGS_NAMES).
		p.path = path
		s.value(&p, key, true)
		s.sessionName(&p)
	}
}

// jsonString checks a string leaf.
func (s *scan) jsonString(path []byte, value string) {
	p := point{kind: pointJSON, path: path}
	s.value(&p, value, false)
}
