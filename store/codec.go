package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// exchangeCodec is the version byte that starts every stored exchange. The
// log is written once and read many times (lists, regroups, retention), so
// it uses a compact append-style binary form rather than JSON, which cost
// most of the ingest time. Fields are written in a fixed order; a field added
// later goes at the end, where a shorter, older record simply leaves it zero,
// so only an incompatible change needs a new version byte.
const exchangeCodec = 1

// appendExchange appends x to b without its body data, id, session id and
// key point: the id is the record's key, the bodies live in their own
// bucket, and the grouping's verdict lives in the generation (genAssign).
// TestExchangeCodecCoversEveryField fails when engine.Exchange gains a field
// this function does not write.
func appendExchange(b []byte, x *engine.Exchange) []byte {
	b = append(b, exchangeCodec)
	b = appendTime(b, x.Start)
	b = binary.AppendVarint(b, int64(x.Duration))
	for _, s := range [...]string{x.ClientIP, x.Method, x.Scheme, x.Host, x.Path, x.Query} {
		b = appendString(b, s)
	}
	b = appendHeaders(b, x.ReqHeaders)
	b = appendBody(b, x.ReqBody)
	b = binary.AppendVarint(b, int64(x.Status))
	b = appendHeaders(b, x.RespHeaders)
	b = appendBody(b, x.RespBody)
	b = appendString(b, x.Error)
	b = appendString(b, x.Endpoint)
	b = binary.AppendUvarint(b, uint64(len(x.Context)))
	names := make([]string, 0, len(x.Context))
	for k := range x.Context {
		names = append(names, k)
	}
	slices.Sort(names) // a deterministic record, so equal exchanges store equal bytes
	for _, k := range names {
		b = appendString(b, k)
		b = appendString(b, x.Context[k])
	}
	b = appendStrings(b, x.Flows)
	b = binary.AppendUvarint(b, uint64(len(x.Attacks)))
	for _, a := range x.Attacks {
		for _, f := range [...]string{a.Type, a.Point, a.Rule, a.Fragment, a.Message} {
			b = appendString(b, f)
		}
	}
	b = appendExtras(b, x)
	// Examined came later: a record without it decodes as examined by
	// nothing known, which is what an older spoor recorded.
	b = append(b, byte(x.Examined))
	// SpecStatus came after Examined: a record without it has no status.
	b = appendString(b, x.SpecStatus)
	// Node came later still: a record without it was captured locally.
	b = appendString(b, x.Node)
	// BlockedBy and the muted tags came later still; a record without
	// them decodes as forwarded, with nothing muted.
	b = appendString(b, x.BlockedBy)
	return appendMuted(b, x.Attacks)
}

// appendMuted writes the index and muting rule of each muted tag: muting
// came after the tags' own layout, so it trails the record.
func appendMuted(b []byte, tags []engine.AttackTag) []byte {
	n := 0
	for i := range tags {
		if tags[i].Muted() {
			n++
		}
	}
	b = binary.AppendUvarint(b, uint64(n))
	for i := range tags {
		if tags[i].Muted() {
			b = binary.AppendUvarint(b, uint64(i))
			b = appendString(b, tags[i].MutedBy)
		}
	}
	return b
}

// exchangeExtras holds the nested, optional fields that only some traffic
// carries (MCP, GraphQL, WebSocket counts). They are stored as one JSON value at the end of
// the record, and only when one is set: a binary form for every nested
// type the engine grows would cost more to keep right than the JSON costs
// on the few exchanges that have them. A new field of this kind is one line
// here and one in appendExtras and decodeExchange.
type exchangeExtras struct {
	MCP *engine.MCPInfo       `json:"mcp,omitempty"`
	GQL *engine.GQLInfo       `json:"gql,omitempty"`
	WS  *engine.WebSocketInfo `json:"ws,omitempty"`
}

func appendExtras(b []byte, x *engine.Exchange) []byte {
	if x.MCP == nil && x.GQL == nil && x.WS == nil {
		return binary.AppendUvarint(b, 0)
	}
	// Marshalling plain structs of strings, numbers and slices does not
	// fail; were it ever to, the record would keep the flat fields.
	js, _ := json.Marshal(exchangeExtras{MCP: x.MCP, GQL: x.GQL, WS: x.WS})
	return appendString(b, string(js))
}

// appendTime keeps the instant and the zone's offset, as JSON would.
func appendTime(b []byte, t time.Time) []byte {
	_, offset := t.Zone()
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(offset))
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendHeaders(b []byte, hs []engine.Header) []byte {
	b = binary.AppendUvarint(b, uint64(len(hs)))
	for _, h := range hs {
		b = appendString(b, h.Name)
		b = appendString(b, h.Value)
	}
	return b
}

func appendBody(b []byte, body engine.Body) []byte {
	b = binary.AppendVarint(b, body.Size)
	if body.Truncated {
		return append(b, 1)
	}
	return append(b, 0)
}

// decodeExchange reads a record written by appendExchange. The record is
// converted to one string whose substrings become the exchange's strings:
// one allocation for all of them, and nothing that aliases the bbolt page,
// which is unmapped when the transaction ends.
func decodeExchange(id uint64, b []byte) (engine.Exchange, error) {
	return decodeExchangeParts(id, b, allParts)
}

// Parts names the optional parts of a stored exchange or session a scan
// decodes (ScanOptions.Decode); the others are skipped, left zero. A scan
// that judges a filter over the whole log reads only what the filter's
// terms look at: headers, for instance, are most of a record's bytes and
// allocations, and only a bare word (the user agent) reads them.
type Parts uint8

const (
	// PartHeaders is the request and response headers.
	PartHeaders Parts = 1 << iota
	// PartContext is the context values (user, tenant, ...).
	PartContext
	// PartExtras is MCP, GraphQL and WebSocket details.
	PartExtras
	// PartCounts is a session's status and flow counts.
	PartCounts
	// PartActivity is a session's activity buckets and endpoints.
	PartActivity
)

// allParts decodes a whole record.
const allParts = PartHeaders | PartContext | PartExtras | PartCounts | PartActivity

// decodeExchangeParts is decodeExchange that skips the parts not in
// parts. The record's layout is read the same way either way.
func decodeExchangeParts(id uint64, b []byte, parts Parts) (engine.Exchange, error) {
	return decodeExchangeInto(id, b, parts, nil)
}

// decodeExchangeInto is decodeExchangeParts whose strings and string
// slices alias buf when buf is not nil (see scanBuffer): no allocation
// for a record but those of its attack tags, and a result valid until
// buf is reset.
func decodeExchangeInto(id uint64, b []byte, parts Parts, buf *scanBuffer) (engine.Exchange, error) {
	if len(b) == 0 || b[0] != exchangeCodec {
		return engine.Exchange{}, fmt.Errorf("decode exchange %d: %w", id, ErrCorrupt)
	}
	r := reader{s: buf.record(b), i: 1, buf: buf}
	x := engine.Exchange{ID: id}
	x.Start = r.time()
	x.Duration = time.Duration(r.varint())
	for _, p := range [...]*string{&x.ClientIP, &x.Method, &x.Scheme, &x.Host, &x.Path, &x.Query} {
		*p = r.str()
	}
	headers := r.skipHeaders
	if parts&PartHeaders != 0 {
		headers = r.headers
	}
	x.ReqHeaders = headers()
	x.ReqBody = r.body()
	x.Status = int(r.varint())
	x.RespHeaders = headers()
	x.RespBody = r.body()
	x.Error = r.str()
	x.Endpoint = r.str()
	if n := r.count(); n > 0 && parts&PartContext != 0 {
		x.Context = make(map[string]string, n)
		for range n {
			k := r.str()
			x.Context[k] = r.str()
		}
	} else {
		for range 2 * n {
			r.str()
		}
	}
	x.Flows = r.strs()
	if n := r.count(); n > 0 {
		x.Attacks = make([]engine.AttackTag, n)
		for i := range x.Attacks {
			a := &x.Attacks[i]
			for _, p := range [...]*string{&a.Type, &a.Point, &a.Rule, &a.Fragment, &a.Message} {
				*p = r.str()
			}
		}
	}
	if extras := r.str(); extras != "" && r.err == nil && parts&PartExtras != 0 {
		var e exchangeExtras
		if err := json.Unmarshal([]byte(extras), &e); err != nil {
			return engine.Exchange{}, fmt.Errorf("decode exchange %d: extras: %w", id, ErrCorrupt)
		}
		x.MCP, x.GQL, x.WS = e.MCP, e.GQL, e.WS
	}
	if r.err == nil && !r.atEnd() {
		x.Examined = engine.Examination(r.s[r.i])
		r.i++
	}
	if r.err == nil && !r.atEnd() {
		x.SpecStatus = r.str()
	}
	if r.err == nil && !r.atEnd() {
		x.Node = r.str()
	}
	if r.err == nil && !r.atEnd() {
		x.BlockedBy = r.str()
	}
	if r.err == nil && !r.atEnd() {
		for range r.count() {
			i, by := r.uvarint(), r.str()
			if i >= uint64(len(x.Attacks)) {
				r.err = ErrCorrupt
				break
			}
			x.Attacks[i].MutedBy = by
		}
	}
	if r.err != nil {
		return engine.Exchange{}, fmt.Errorf("decode exchange %d: %w", id, r.err)
	}
	return x, nil
}

// timeIn places t in a zone with the given UTC offset, reusing UTC and the
// local zone when they match, as a JSON round trip would, so that the common
// cases do not allocate a zone per exchange.
func timeIn(t time.Time, offset int) time.Time {
	if offset == 0 {
		return t.UTC()
	}
	if _, local := t.In(time.Local).Zone(); local == offset {
		return t.In(time.Local)
	}
	return t.In(time.FixedZone("", offset))
}

// reader decodes a record; the first error sticks and later reads return
// zero values, so decoders check once at the end.
type reader struct {
	s   string
	i   int
	err error
	// buf, when set, holds the string slices and headers decoded, which
	// then alias it.
	buf *scanBuffer
}

// atEnd reports whether a field added after this record was written is
// absent; see exchangeCodec.
func (r *reader) atEnd() bool { return r.i >= len(r.s) }

func (r *reader) uvarint() uint64 {
	if r.err != nil || r.atEnd() {
		return 0
	}
	var v uint64
	for shift := 0; r.i < len(r.s) && shift < 64; shift += 7 {
		c := r.s[r.i]
		r.i++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.err = ErrCorrupt
	return 0
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// count reads a length that must fit in what remains of the record, so a
// corrupt length cannot make a decoder allocate gigabytes.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.i) {
		r.err = ErrCorrupt
		return 0
	}
	return int(n)
}

func (r *reader) time() time.Time {
	sec, nsec, offset := r.varint(), r.uvarint(), r.varint()
	return timeIn(time.Unix(sec, int64(nsec)), int(offset))
}

func (r *reader) strs() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := r.buf.strings(n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *reader) counts() map[string]int {
	n := r.count()
	if n == 0 {
		return nil
	}
	m := make(map[string]int, n)
	for range n {
		k := r.str()
		m[k] = int(r.varint())
	}
	return m
}

func (r *reader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	s := r.s[r.i : r.i+n]
	r.i += n
	return s
}

func (r *reader) headers() []engine.Header {
	n := r.count()
	if n == 0 {
		return nil
	}
	hs := r.buf.headerSlice(n)
	for i := range hs {
		hs[i].Name = r.str()
		hs[i].Value = r.str()
	}
	return hs
}

// skipHeaders reads past a list of headers and returns none.
func (r *reader) skipHeaders() []engine.Header {
	for range 2 * r.count() {
		r.str()
	}
	return nil
}

func (r *reader) body() engine.Body {
	b := engine.Body{Size: r.varint()}
	if r.atEnd() {
		return b
	}
	b.Truncated = r.s[r.i] == 1
	r.i++
	return b
}

// appendBodies packs the request and response body as two length-prefixed
// byte strings.
func appendBodies(b, req, resp []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(req)))
	b = append(b, req...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(resp)))
	return append(b, resp...)
}

func decodeBodies(b []byte) (req, resp []byte, err error) {
	next := func() ([]byte, error) {
		if len(b) < 4 {
			return nil, fmt.Errorf("decode bodies: short record: %w", ErrCorrupt)
		}
		n := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(len(b)) < uint64(n) {
			return nil, fmt.Errorf("decode bodies: short record: %w", ErrCorrupt)
		}
		out := append([]byte(nil), b[:n]...)
		b = b[n:]
		return out, nil
	}
	if req, err = next(); err != nil {
		return nil, nil, err
	}
	if resp, err = next(); err != nil {
		return nil, nil, err
	}
	return req, resp, nil
}

// assignment is an exchange's place in one generation's grouping.
type assignment struct {
	sessionID, keyPoint string
}

func appendAssignment(b []byte, a assignment) []byte {
	b = appendString(b, a.sessionID)
	return append(b, a.keyPoint...)
}

func decodeAssignment(b []byte) (assignment, error) {
	r := reader{s: string(b)}
	a := assignment{sessionID: r.str()}
	if r.err != nil {
		return assignment{}, fmt.Errorf("decode assignment: %w", ErrCorrupt)
	}
	a.keyPoint = r.s[r.i:]
	return a, nil
}

// sessionCodec starts a session record. A session is stored as a header
// the store maintains, then the engine's summary. The header holds
// the range and number of the session's stored exchanges, which bound the
// epochs a read of its requests visits and tell retention when the session
// is empty, and the index entries derived from the summary, which let a
// writer replace them without decoding the previous summary: a session is
// rewritten after every batch it takes part in, and most of its entries
// (user, attacks) do not change.
const sessionCodec = 1

// indexEntry is one key a record owns in an index bucket.
type indexEntry struct {
	bucket string
	key    []byte
}

// sessionHeader is what the store keeps about a session beside its summary.
type sessionHeader struct {
	// first and last bound the ids of the session's stored exchanges.
	first, last uint64
	// count is the number of its stored exchanges.
	count   uint64
	entries []indexEntry
}

func appendSessionHeader(b []byte, h sessionHeader) []byte {
	b = append(b, sessionCodec)
	b = binary.AppendUvarint(b, h.first)
	b = binary.AppendUvarint(b, h.last)
	b = binary.AppendUvarint(b, h.count)
	b = binary.AppendUvarint(b, uint64(len(h.entries)))
	for _, e := range h.entries {
		b = appendString(b, e.bucket)
		b = appendString(b, string(e.key))
	}
	return b
}

// appendSession appends the header and the summary. The summary is binary
// like an exchange, with its nested, optional parts (MCP, abuse verdicts) as
// a JSON tail: a session is rewritten after every batch it takes part in and
// decoded for every line of the sessions list, so its codec is as hot as
// the exchange's. TestSessionCodecCoversEveryField guards it as
// TestExchangeCodecCoversEveryField guards the exchange's.
func appendSession(b []byte, s *engine.Session, h sessionHeader) ([]byte, error) {
	return appendSessionSummary(appendSessionHeader(b, h), s)
}

// appendSessionSummary appends what follows the header: the writer encodes
// it before its transaction, when it does not know the header yet.
func appendSessionSummary(b []byte, s *engine.Session) ([]byte, error) {
	for _, f := range [...]string{s.ID, s.KeyID, s.KeyPoint, s.Identity, s.Actor} {
		b = appendString(b, f)
	}
	b = binary.AppendVarint(b, int64(s.Part))
	b = appendTime(b, s.FirstSeen)
	b = appendTime(b, s.LastSeen)
	b = binary.AppendVarint(b, int64(s.Requests))
	b = appendStrings(b, s.IPs)
	b = appendString(b, s.User)
	b = appendString(b, s.Role)
	b = appendStrings(b, s.UserAgents)
	codes := slices.Sorted(maps.Keys(s.StatusCounts))
	b = binary.AppendUvarint(b, uint64(len(codes)))
	for _, c := range codes {
		b = binary.AppendVarint(b, int64(c))
		b = binary.AppendVarint(b, int64(s.StatusCounts[c]))
	}
	b = appendCounts(b, s.Attacks)
	b = appendCounts(b, s.Flows)
	b = binary.AppendVarint(b, s.ReqBytes)
	b = binary.AppendVarint(b, s.RespBytes)
	b = binary.AppendVarint(b, int64(s.Latency))
	if s.MCP == nil && s.Abuse == nil {
		b = binary.AppendUvarint(b, 0)
	} else {
		js, err := json.Marshal(sessionExtras{MCP: s.MCP, Abuse: s.Abuse})
		if err != nil {
			return nil, fmt.Errorf("encode session %s: %w", s.ID, err)
		}
		b = appendString(b, string(js))
	}
	return appendActivity(b, s), nil
}

// appendActivity appends the session's activity buckets and endpoints,
// which follow the extras: a record written before them ends at the
// extras, and reads back with none (decodeActivity).
func appendActivity(b []byte, s *engine.Session) []byte {
	b = binary.AppendVarint(b, int64(s.Activity.Width))
	for i := range engine.ActivityBuckets {
		b = binary.AppendUvarint(b, uint64(s.Activity.Counts[i]))
		b = binary.AppendUvarint(b, uint64(s.Activity.Errors[i]))
	}
	return appendStrings(b, s.Endpoints)
}

// decodeActivity reads what appendActivity wrote, if the record has it.
func decodeActivity(r *reader, s *engine.Session) {
	if r.atEnd() {
		return
	}
	s.Activity.Width = time.Duration(r.varint())
	for i := range engine.ActivityBuckets {
		s.Activity.Counts[i] = uint32(r.uvarint())
		s.Activity.Errors[i] = uint32(r.uvarint())
	}
	s.Endpoints = r.strs()
}

// sessionExtras is the JSON tail of a session record; see exchangeExtras.
type sessionExtras struct {
	MCP   *engine.SessionMCP `json:"mcp,omitempty"`
	Abuse []engine.Verdict   `json:"abuse,omitempty"`
}

func appendStrings(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// appendCounts writes a name → count map in name order, so that equal
// sessions store equal bytes.
func appendCounts(b []byte, m map[string]int) []byte {
	b = binary.AppendUvarint(b, uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b = appendString(b, k)
		b = binary.AppendVarint(b, int64(m[k]))
	}
	return b
}

// readSessionHeader reads the header of a session record and returns it
// with the offset of the JSON summary. Entry keys alias b.
func readSessionHeader(b []byte) (sessionHeader, int, error) {
	var h sessionHeader
	if len(b) == 0 || b[0] != sessionCodec {
		return h, 0, fmt.Errorf("decode session: %w", ErrCorrupt)
	}
	i := 1
	ok := true
	uvarint := func() uint64 {
		n, w := binary.Uvarint(b[i:])
		if w <= 0 {
			ok = false
			return 0
		}
		i += w
		return n
	}
	bytesField := func() []byte {
		n := uvarint()
		if !ok || n > uint64(len(b)-i) {
			ok = false
			return nil
		}
		out := b[i : i+int(n)]
		i += int(n)
		return out
	}
	h.first, h.last, h.count = uvarint(), uvarint(), uvarint()
	n := uvarint()
	if !ok || n > uint64(len(b)) {
		return h, 0, fmt.Errorf("decode session: %w", ErrCorrupt)
	}
	h.entries = make([]indexEntry, 0, n)
	for range n {
		bucket := bytesField()
		key := bytesField()
		if !ok {
			return h, 0, fmt.Errorf("decode session: %w", ErrCorrupt)
		}
		h.entries = append(h.entries, indexEntry{bucket: string(bucket), key: key})
	}
	return h, i, nil
}

func decodeSession(b []byte) (engine.Session, error) {
	return decodeSessionParts(b, allParts)
}

// decodeSessionParts is decodeSession that skips the counters
// (PartCounts: status and flow counts) and the activity (PartActivity:
// the activity buckets and endpoints) when parts lacks them.
func decodeSessionParts(b []byte, parts Parts) (engine.Session, error) {
	return decodeSessionInto(b, parts, nil)
}

// decodeSessionInto is decodeSessionParts whose strings and string
// slices alias buf when buf is not nil, as decodeExchangeInto's do.
func decodeSessionInto(b []byte, parts Parts, buf *scanBuffer) (engine.Session, error) {
	var s engine.Session
	at, err := skipSessionHeader(b)
	if err != nil {
		return s, err
	}
	r := reader{s: buf.record(b[at:]), buf: buf}
	for _, p := range [...]*string{&s.ID, &s.KeyID, &s.KeyPoint, &s.Identity, &s.Actor} {
		*p = r.str()
	}
	s.Part = int(r.varint())
	s.FirstSeen = r.time()
	s.LastSeen = r.time()
	s.Requests = int(r.varint())
	s.IPs = r.strs()
	s.User = r.str()
	s.Role = r.str()
	s.UserAgents = r.strs()
	if n := r.count(); n > 0 && parts&PartCounts != 0 {
		s.StatusCounts = make(map[int]int, n)
		for range n {
			c := int(r.varint())
			s.StatusCounts[c] = int(r.varint())
		}
	} else {
		for range 2 * n {
			r.varint()
		}
	}
	s.Attacks = r.counts()
	if parts&PartCounts != 0 {
		s.Flows = r.counts()
	} else {
		for range r.count() {
			r.str()
			r.varint()
		}
	}
	s.ReqBytes = r.varint()
	s.RespBytes = r.varint()
	s.Latency = time.Duration(r.varint())
	if extras := r.str(); extras != "" && r.err == nil {
		var e sessionExtras
		if err := json.Unmarshal([]byte(extras), &e); err != nil {
			return engine.Session{}, fmt.Errorf("decode session %s: extras: %w", s.ID, ErrCorrupt)
		}
		s.MCP, s.Abuse = e.MCP, e.Abuse
	}
	if parts&PartActivity != 0 {
		decodeActivity(&r, &s)
	}
	if r.err != nil {
		return engine.Session{}, fmt.Errorf("decode session: %w", r.err)
	}
	return s, nil
}

// skipSessionHeader returns the offset of the summary in a session
// record, reading past the header without decoding its entries.
func skipSessionHeader(b []byte) (int, error) {
	if len(b) == 0 || b[0] != sessionCodec {
		return 0, fmt.Errorf("decode session: %w", ErrCorrupt)
	}
	r := reader{s: unsafeString(b), i: 1}
	r.uvarint()
	r.uvarint()
	r.uvarint()
	for range 2 * r.count() {
		r.str()
	}
	if r.err != nil {
		return 0, fmt.Errorf("decode session: %w", ErrCorrupt)
	}
	return r.i, nil
}
