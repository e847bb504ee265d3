package search

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sahilm/fuzzy"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
)

// Match is the best match of the query in one session.
type Match struct {
	SessionID string
	// Index is the session's position in the list searched.
	Index int
	Field string
	Text  string
	// Marks are the byte offsets of the matched characters in Text. Every
	// session that matched the same text shares one slice: read it, never
	// write to it.
	Marks []int
	Score int
}

// ResultMsg carries the matches of one query, best first.
type ResultMsg struct {
	Gen     uint64
	Query   string
	Matches []Match
}

// field names where a text was found. A session's texts are searched in
// the order of the fields, and on equal scores the earlier text wins.
type field uint8

const (
	fieldKey field = iota
	fieldUser
	fieldIP
	fieldUA
	fieldEndpoint
)

var fieldNames = [...]string{fieldKey: "key", fieldUser: "user", fieldIP: "ip", fieldUA: "ua", fieldEndpoint: "endpoint"}

// An occurrence packs the field of a session's text into the top bits and
// the text's number below.
const (
	fieldShift = 29
	textMask   = 1<<fieldShift - 1
)

// Index is the searchable text of one loaded session list: key values,
// users, IPs and user agents, sanitized once and stored once however many
// sessions share them. A list of 100k sessions holds about 300k such
// strings but far fewer distinct ones (user agents and IPs repeat across
// thousands of sessions), so a query scores each distinct text once and
// hands the result to every session that has it.
//
// An Index is built on its first query, so that making one costs the UI
// goroutine nothing, and is safe for concurrent queries. It is for one
// list: a reloaded list needs a new Index (see For).
type Index struct {
	list []engine.Session
	once sync.Once

	// texts are the distinct sanitized strings. The texts of session i,
	// in search order, are occ[start[i]:start[i+1]], each its field and
	// text number packed.
	texts []string
	occ   []uint32
	start []int32
	// folded holds each ASCII text lowercased, from folded[foldStart[t]],
	// for the prefilter; a text with other runes has foldStart[t] < 0 and
	// always goes to the scorer.
	folded    string
	foldStart []int32
}

// NewIndex returns the index of list. It does no work until it is first
// searched.
func NewIndex(list []engine.Session) *Index { return &Index{list: list} }

// For reports whether the index was made for list: the same sessions, not
// merely equal ones. The root replaces its list on every reload and never
// edits one in place, so identity is enough.
func (x *Index) For(list []engine.Session) bool {
	return x != nil && len(x.list) == len(list) && (len(list) == 0 || &x.list[0] == &list[0])
}

func (x *Index) build() {
	// Texts are told apart by their captured form, so that each distinct
	// one is sanitized once; two forms that sanitize alike are scored
	// twice, alike, which changes nothing.
	seen := map[string]uint32{}
	x.occ = make([]uint32, 0, 3*len(x.list))
	x.start = make([]int32, len(x.list)+1)
	add := func(f field, raw string) {
		if raw == "" {
			return
		}
		t, ok := seen[raw]
		if !ok {
			t = uint32(len(x.texts))
			seen[raw] = t
			x.texts = append(x.texts, table.Sanitize(raw))
		}
		x.occ = append(x.occ, uint32(f)<<fieldShift|t)
	}
	for i := range x.list {
		s := &x.list[i]
		add(fieldKey, s.Actor)
		add(fieldUser, s.User)
		for _, ip := range s.IPs {
			add(fieldIP, ip)
		}
		for _, ua := range s.UserAgents {
			add(fieldUA, ua)
		}
		x.start[i+1] = int32(len(x.occ))
	}

	var folded strings.Builder
	x.foldStart = make([]int32, len(x.texts))
	for t, s := range x.texts {
		if !isASCII(s) {
			x.foldStart[t] = -1
			continue
		}
		x.foldStart[t] = int32(folded.Len())
		for i := 0; i < len(s); i++ {
			folded.WriteByte(lowerASCII(s[i]))
		}
	}
	x.folded = folded.String()
}

// foldedText returns text t lowercased, which is as long as t, and whether
// it has that form.
func (x *Index) foldedText(t int) (string, bool) {
	from := x.foldStart[t]
	if from < 0 {
		return "", false
	}
	return x.folded[from : from+int32(len(x.texts[t]))], true
}

// scored is one of the index's texts that the query matched.
type scored struct {
	hit
	text int32
}

// parallelMin is the number of distinct texts below which one goroutine
// scores them all: fewer are done before more goroutines would start.
const parallelMin = 16_384

// score matches query against every distinct text; the result is in no
// particular order.
func (x *Index) score(query string) []scored {
	n := len(x.texts)
	workers := min(runtime.GOMAXPROCS(0), max(n/parallelMin, 1))
	if workers == 1 {
		return x.scoreRange(query, 0, n)
	}
	parts := make([][]scored, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { parts[w] = x.scoreRange(query, n*w/workers, n*(w+1)/workers) })
	}
	wg.Wait()
	return slices.Concat(parts...)
}

// survivors implements fuzzy.Source over the texts that passed the
// prefilter.
type survivors struct {
	x     *Index
	texts []int32
}

func (s survivors) String(i int) string { return s.x.texts[s.texts[i]] }
func (s survivors) Len() int            { return len(s.texts) }

// scoreRange scores texts[from:to]. A text can only match when the query's
// characters occur in it in order, case folded, so a cheap test of that
// on the lowercased text keeps most texts away from the scorer. The test
// only applies to an ASCII query and an ASCII text: other runes fold in
// ways (the Kelvin sign is a k) that only the scorer knows.
func (x *Index) scoreRange(query string, from, to int) []scored {
	pattern, prefilter := "", isASCII(query)
	if prefilter {
		b := []byte(query)
		for i := range b {
			b[i] = lowerASCII(b[i])
		}
		pattern = string(b)
	}
	cand := survivors{x: x}
	for t := from; t < to; t++ {
		if prefilter {
			if f, ok := x.foldedText(t); ok && !subsequence(pattern, f) {
				continue
			}
		}
		cand.texts = append(cand.texts, int32(t))
	}
	var out []scored
	for _, fm := range fuzzy.FindFromNoSort(query, cand) {
		out = append(out, scored{hit: hit{text: x.texts[cand.texts[fm.Index]], score: fm.Score, marks: fm.MatchedIndexes}, text: cand.texts[fm.Index]})
	}
	return out
}

// Find ranks sessions by their best match of query among their key value,
// user, IPs, user agents and the endpoints known for them (by session ID).
// A session's best match is its highest score, the earliest of its texts
// on a tie; sessions rank by that score, ties in list order (newest
// first). Text is sanitized before matching so that highlighted offsets
// line up with what the list prints.
func (x *Index) Find(query string, endpoints map[string][]string) []Match {
	if query == "" {
		return nil
	}
	x.once.Do(x.build)
	scored := x.score(query)
	hs := hits{query: query, list: make([]hit, len(scored))}
	hitOf := make([]int32, len(x.texts))
	for t := range hitOf {
		hitOf[t] = -1
	}
	for h, sc := range scored {
		hs.list[h] = sc.hit
		hitOf[sc.text] = int32(h)
	}

	// picks[i] is session i's best hit, or -1. Only a higher score
	// replaces a hit, so the earliest text wins a tie.
	type pick struct {
		hit   int32
		field field
	}
	picks := make([]pick, len(x.list))
	for i := range x.list {
		p := pick{hit: -1}
		for _, o := range x.occ[x.start[i]:x.start[i+1]] {
			if h := hitOf[o&textMask]; h >= 0 && (p.hit < 0 || hs.list[h].score > hs.list[p.hit].score) {
				p = pick{hit: h, field: field(o >> fieldShift)}
			}
		}
		if len(endpoints) > 0 {
			for _, e := range endpoints[x.list[i].ID] {
				if h := hs.endpoint(e); h >= 0 && (p.hit < 0 || hs.list[h].score > hs.list[p.hit].score) {
					p = pick{hit: h, field: fieldEndpoint}
				}
			}
		}
		picks[i] = p
	}

	// Rank by score with a counting sort, which keeps the list's
	// newest-first order among equals: a bucket per distinct score, best
	// first.
	scores := make([]int, len(hs.list))
	for h := range hs.list {
		scores[h] = hs.list[h].score
	}
	slices.Sort(scores)
	scores = slices.Compact(scores)
	bucket := make(map[int]int, len(scores))
	for k, sc := range scores {
		bucket[sc] = len(scores) - 1 - k
	}
	bucketOf := make([]int, len(hs.list))
	for h := range hs.list {
		bucketOf[h] = bucket[hs.list[h].score]
	}
	next := make([]int, len(scores)+1)
	for _, p := range picks {
		if p.hit >= 0 {
			next[bucketOf[p.hit]+1]++
		}
	}
	for k := range scores {
		next[k+1] += next[k]
	}
	out := make([]Match, next[len(scores)])
	for i, p := range picks {
		if p.hit < 0 {
			continue
		}
		h := &hs.list[p.hit]
		k := &next[bucketOf[p.hit]]
		out[*k] = Match{SessionID: x.list[i].ID, Index: i, Field: fieldNames[p.field], Text: h.text, Marks: h.marks, Score: h.score}
		*k++
	}
	return out
}

// hit is a text the query matched.
type hit struct {
	text  string
	score int
	marks []int
}

// hits are the matches of one query: those of the index's texts, then
// those of the endpoints the query met.
type hits struct {
	query string
	list  []hit
	// endpoints maps an endpoint as captured to its index in list, or -1.
	endpoints map[string]int32
}

// endpoint returns the index in list of endpoint e's match, or -1.
// Endpoints are learnt as rows are drawn, so they are few and change
// between queries: they are not indexed, only each distinct one scored
// once, when first met.
func (hs *hits) endpoint(e string) int32 {
	if e == "" {
		return -1
	}
	h, ok := hs.endpoints[e]
	if ok {
		return h
	}
	if hs.endpoints == nil {
		hs.endpoints = map[string]int32{}
	}
	h = -1
	text := table.Sanitize(e)
	if ms := fuzzy.FindNoSort(hs.query, []string{text}); len(ms) == 1 {
		h = int32(len(hs.list))
		hs.list = append(hs.list, hit{text: text, score: ms[0].Score, marks: ms[0].MatchedIndexes})
	}
	hs.endpoints[e] = h
	return h
}

// subsequence reports whether the bytes of pattern occur in s in order.
func subsequence(pattern, s string) bool {
	for i := 0; i < len(pattern); i++ {
		j := strings.IndexByte(s, pattern[i])
		if j < 0 {
			return false
		}
		s = s[j+1:]
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Size returns how many distinct texts the index holds and in how many
// places they occur, once it is built.
func (x *Index) Size() (texts, places int) { return len(x.texts), len(x.occ) }
