package inventory

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/store"
	"github.com/axiomhq/hyperloglog"
)

// codecVersion is the version of an encoded endpoint; Restore refuses
// others, and the caller then rebuilds the inventory from the history.
const codecVersion = 1

// record is an endpoint as the store keeps it: the counts, with the
// sketches in their own libraries' encodings.
type record struct {
	V            int              `json:"v"`
	Method       string           `json:"method"`
	Host         string           `json:"host"`
	Template     string           `json:"template"`
	SpecStatus   string           `json:"spec_status,omitempty"`
	Requests     int64            `json:"requests"`
	Status       map[int]int64    `json:"status"`
	Dist         []int64          `json:"dist"`
	Req          Sizes            `json:"req"`
	Resp         Sizes            `json:"resp"`
	Attacks      map[string]int64 `json:"attacks,omitempty"`
	First        time.Time        `json:"first"`
	Last         time.Time        `json:"last"`
	ContentTypes []string         `json:"content_types,omitempty"`
	Params       []Param          `json:"params,omitempty"`
	Latency      []byte           `json:"latency"`
	Sessions     []byte           `json:"sessions"`
	Users        []byte           `json:"users"`
	Abuse        []byte           `json:"abuse"`
}

// KeyBytes is an endpoint's key in the store: method, host and template
// joined by NUL, which none of them holds.
func KeyBytes(k Key) []byte {
	return []byte(k.Method + "\x00" + k.Host + "\x00" + k.Template)
}

// Track makes Observe remember which endpoints changed, for
// TakeChanges; an inventory that nothing persists leaves it off.
func (inv *Inventory) Track() {
	inv.mu.Lock()
	inv.track = true
	inv.mu.Unlock()
}

// TakeChanges hands put the key and encoding of each endpoint changed
// since the last call, and forgets that they changed. The store calls it
// as it prepares a batch, so that the endpoints a batch touched are
// written in the batch's transaction.
func (inv *Inventory) TakeChanges(put func(key, value []byte)) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for _, e := range inv.dirty {
		e.dirty = false
		v, err := e.encode()
		if err != nil {
			return fmt.Errorf("encode endpoint %s %s: %w", e.key.Method, e.key.Template, err)
		}
		put(KeyBytes(e.key), v)
	}
	clear(inv.dirty)
	inv.dirty = inv.dirty[:0]
	return nil
}

// Restore adds an endpoint as TakeChanges encoded it; an endpoint already
// counted is merged with it.
func (inv *Inventory) Restore(value []byte) error {
	e, err := decodeStats(value, len(inv.bounds)+1)
	if err != nil {
		return err
	}
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if have := inv.endpoints[e.key]; have != nil {
		return have.merge(e)
	}
	inv.endpoints[e.key] = e
	return nil
}

func (e *stats) encode() ([]byte, error) {
	r := record{
		V: codecVersion, Method: e.key.Method, Host: e.key.Host, Template: e.key.Template,
		SpecStatus: e.specStatus, Requests: e.requests, Status: e.status, Dist: e.dist,
		Req: e.req, Resp: e.resp, Attacks: e.attacks, First: e.first, Last: e.last,
		ContentTypes: e.contentTypes, Params: e.params,
	}
	if e.latency != nil {
		e.latency.Encode(&r.Latency, false)
	}
	var err error
	if r.Sessions, err = e.sessions.MarshalBinary(); err != nil {
		return nil, err
	}
	if r.Users, err = e.users.MarshalBinary(); err != nil {
		return nil, err
	}
	if r.Abuse, err = e.abuse.MarshalBinary(); err != nil {
		return nil, err
	}
	return json.Marshal(r)
}

func decodeStats(value []byte, buckets int) (*stats, error) {
	var r record
	if err := json.Unmarshal(value, &r); err != nil {
		return nil, fmt.Errorf("decode endpoint: %w", err)
	}
	if r.V != codecVersion {
		return nil, fmt.Errorf("decode endpoint: version %d, want %d", r.V, codecVersion)
	}
	if strings.ContainsRune(r.Method+r.Host+r.Template, 0) || len(r.Dist) != buckets {
		return nil, errors.New("decode endpoint: malformed record")
	}
	e := newStats(Key{Method: r.Method, Host: r.Host, Template: r.Template}, buckets)
	e.specStatus, e.requests, e.dist, e.req, e.resp = r.SpecStatus, r.Requests, r.Dist, r.Req, r.Resp
	e.first, e.last, e.contentTypes, e.params = r.First, r.Last, r.ContentTypes, r.Params
	if r.Status != nil {
		e.status = r.Status
	}
	if r.Attacks != nil {
		e.attacks = r.Attacks
	}
	if len(r.Latency) > 0 {
		s, err := ddsketch.DecodeDDSketch(r.Latency, store.DefaultProvider, nil)
		if err != nil {
			return nil, fmt.Errorf("decode endpoint latency: %w", err)
		}
		e.latency = s
	}
	for _, h := range []struct {
		data []byte
		into *hyperloglog.Sketch
	}{{r.Sessions, e.sessions}, {r.Users, e.users}, {r.Abuse, e.abuse}} {
		if err := h.into.UnmarshalBinary(h.data); err != nil {
			return nil, fmt.Errorf("decode endpoint counts: %w", err)
		}
	}
	return e, nil
}

// merge adds o's counts to e's: the sketches merge, sums add, bounds
// widen.
func (e *stats) merge(o *stats) error {
	e.requests += o.requests
	if o.specStatus != "" {
		e.specStatus = o.specStatus
	}
	for k, v := range o.status {
		e.status[k] += v
	}
	for k, v := range o.attacks {
		e.attacks[k] += v
	}
	for i := range e.dist {
		e.dist[i] += o.dist[i]
	}
	e.req.Total += o.req.Total
	e.req.Max = max(e.req.Max, o.req.Max)
	e.resp.Total += o.resp.Total
	e.resp.Max = max(e.resp.Max, o.resp.Max)
	if e.first.IsZero() || (!o.first.IsZero() && o.first.Before(e.first)) {
		e.first = o.first
	}
	if o.last.After(e.last) {
		e.last = o.last
	}
	for _, ct := range o.contentTypes {
		e.addContentType(ct)
	}
	for _, p := range o.params {
		e.addParam(p.In, p.Name, p.Kind)
	}
	if e.latency != nil && o.latency != nil {
		if err := e.latency.MergeWith(o.latency); err != nil {
			return fmt.Errorf("merge latency: %w", err)
		}
	}
	for _, pair := range [][2]*hyperloglog.Sketch{{e.sessions, o.sessions}, {e.users, o.users}, {e.abuse, o.abuse}} {
		if err := pair[0].Merge(pair[1]); err != nil {
			return fmt.Errorf("merge counts: %w", err)
		}
	}
	return nil
}
