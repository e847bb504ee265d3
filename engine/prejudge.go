package engine

import "fmt"

// Prejudge names the actor of a request before it is forwarded, with the
// analyzer's own pure functions: the grouping key that applies, the user
// and role the request itself carries, and the business flows its method
// and path fall in. The proxy asks it only when a rule needs one of those.
// Unlike an Analyzer it keeps no state, so it is safe for concurrent use,
// and it knows nothing of the session's past: aliases a login stitched and
// a user named by an earlier request are the analyzer's alone.
type Prejudge struct {
	keys    KeyList
	context []contextParam
	flows   flowTable
	hasher  Hasher
}

// NewPrejudge compiles cfg as NewAnalyzerFromConfig does.
func NewPrejudge(cfg Config, h Hasher) (*Prejudge, error) {
	cc, err := compileConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return &Prejudge{keys: cc.keys, context: cc.context, flows: cc.flows, hasher: h}, nil
}

// Session returns what x says of its session: key point, key id, identity
// and actor as the analyzer would name them, and the user and role x
// carries (hashed when their parameter is, as they are stored). It fills
// x.Flows, which the analyzer later overwrites with the same flows.
func (p *Prejudge) Session(x *Exchange) Session {
	v := NewView(x)
	id := p.keys.Identify(v, p.hasher)
	s := Session{KeyPoint: id.Key.String(), Identity: id.Value, KeyID: keyIDOf(id.Value), Actor: id.Display}
	for _, cp := range p.context {
		if cp.typ != ParamUser && cp.typ != ParamRole {
			continue
		}
		val := v.Value(cp.point)
		if val == "" {
			continue
		}
		if cp.hash {
			val = p.hasher.Hash(val)
		}
		switch {
		case cp.typ == ParamUser && s.User == "":
			s.User = val
		case cp.typ == ParamRole && s.Role == "":
			s.Role = val
		}
	}
	x.Flows = p.flows.match(x.Method, splitPath(x.Path, nil))
	return s
}
