package engine

import (
	"fmt"
)

// ParamType says what a context parameter tells about a session.
type ParamType string

// Context parameter types. A user or role parameter also names the session
// (Session.User, Session.Role); context marks business data such as amounts;
// plain is shown with each request and nothing more.
const (
	ParamPlain   ParamType = ""
	ParamUser    ParamType = "user"
	ParamRole    ParamType = "role"
	ParamContext ParamType = "context"
)

// parseParamType accepts the spellings of the configuration, where "plain"
// may also be written out.
func parseParamType(s string) (ParamType, error) {
	switch t := ParamType(s); t {
	case ParamPlain, ParamUser, ParamRole, ParamContext:
		return t, nil
	case "plain":
		return ParamPlain, nil
	}
	return "", fmt.Errorf("unknown context type %q (want user, role, context or plain)", s)
}

// ContextParam is a request point shown with each request of a session.
type ContextParam struct {
	Point string
	Type  ParamType
	// Hash stores the keyed hash of the value instead of the value, here and
	// wherever the exchange carries it (body, query, headers).
	Hash bool
}

// contextParam is a compiled ContextParam.
type contextParam struct {
	point Point
	typ   ParamType
	hash  bool
}

// compileContext checks a context list. A point listed twice keeps its
// first type, and is hashed if any entry asks for it: a clear copy must not
// survive because of a duplicate line.
func compileContext(params []ContextParam) ([]contextParam, error) {
	out := make([]contextParam, 0, len(params))
	index := map[string]int{}
	for i, cp := range params {
		c, err := compileParam(cp)
		if err != nil {
			return nil, fmt.Errorf("context[%d]: %w", i, err)
		}
		if j, dup := index[c.point.String()]; dup {
			out[j].hash = out[j].hash || c.hash
			continue
		}
		index[c.point.String()] = len(out)
		out = append(out, c)
	}
	return out, nil
}

func compileParam(cp ContextParam) (contextParam, error) {
	p, err := ParsePoint(cp.Point)
	if err != nil {
		return contextParam{}, err
	}
	t, err := parseParamType(string(cp.Type))
	if err != nil {
		return contextParam{}, err
	}
	return contextParam{point: p, typ: t, hash: cp.Hash}, nil
}
