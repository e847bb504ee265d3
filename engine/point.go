package engine

import (
	"fmt"
	"strings"
)

// PointKind says where in an exchange a request point reads its value.
type PointKind uint8

// The point kinds of the request-point grammar (see PRODUCT.md).
const (
	PointInvalid PointKind = iota
	PointReqHeader
	PointReqCookie
	PointReqQuery
	PointReqForm
	PointReqJSON
	PointReqBearer
	PointReqBasic
	PointReqJWT // claims of the bearer token, or of a header/cookie JWT when Carrier is set
	PointReqGQL
	PointReqMCP
	PointRespHeader
	PointRespCookie
	PointRespJSON
	PointIP
	PointUA
	PointMethod
	PointPath
	PointHost
)

// Point is a parsed request point such as "req.cookie.sid" or
// "req.header.X-Token.jwt.sub".
type Point struct {
	Kind PointKind
	// Name is the header, cookie, parameter or claim name, or the dotted JSON
	// path.
	Name string
	// Carrier is set for a JWT carried outside the bearer header: it is the
	// header or cookie point that holds the token, and Name is the claim.
	Carrier *Point
	raw     string
}

// String returns the point in its canonical spelling.
func (p Point) String() string { return p.raw }

// ParsePoint parses the request-point grammar of PRODUCT.md. Header names are
// case-insensitive; everything else is case-sensitive.
func ParsePoint(s string) (Point, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "req.ip":
		return Point{Kind: PointIP, raw: s}, nil
	case "req.ua":
		return Point{Kind: PointUA, raw: s}, nil
	case "req.method":
		return Point{Kind: PointMethod, raw: s}, nil
	case "req.path":
		return Point{Kind: PointPath, raw: s}, nil
	case "req.host":
		return Point{Kind: PointHost, raw: s}, nil
	case "req.bearer":
		return Point{Kind: PointReqBearer, raw: s}, nil
	case "req.basic":
		return Point{Kind: PointReqBasic, raw: s}, nil
	}
	prefixes := []struct {
		prefix string
		kind   PointKind
	}{
		{"req.header.", PointReqHeader},
		{"req.cookie.", PointReqCookie},
		{"req.query.", PointReqQuery},
		{"req.form.", PointReqForm},
		{"req.json.", PointReqJSON},
		{"req.jwt.", PointReqJWT},
		{"req.gql.", PointReqGQL},
		{"req.mcp.", PointReqMCP},
		{"resp.header.", PointRespHeader},
		{"resp.cookie.", PointRespCookie},
		{"resp.json.", PointRespJSON},
	}
	for _, pf := range prefixes {
		rest, ok := strings.CutPrefix(s, pf.prefix)
		if !ok {
			continue
		}
		if rest == "" {
			return Point{}, fmt.Errorf("point %q: missing name after %q", s, pf.prefix)
		}
		switch pf.kind {
		case PointReqHeader, PointReqCookie:
			if name, claim, ok := strings.Cut(rest, ".jwt."); ok {
				if name == "" || claim == "" {
					return Point{}, fmt.Errorf("point %q: want %s<name>.jwt.<claim>", s, pf.prefix)
				}
				carrier := Point{Kind: pf.kind, Name: name, raw: pf.prefix + name}
				return Point{Kind: PointReqJWT, Name: claim, Carrier: &carrier, raw: s}, nil
			}
		case PointReqJSON, PointRespJSON:
			if strings.HasPrefix(rest, ".") || strings.HasSuffix(rest, ".") || strings.Contains(rest, "..") {
				return Point{}, fmt.Errorf("point %q: empty segment in JSON path", s)
			}
		case PointReqGQL:
			if rest != "operation" && rest != "type" && !(strings.HasPrefix(rest, "var.") && len(rest) > 4) {
				return Point{}, fmt.Errorf("point %q: want req.gql.operation, req.gql.type or req.gql.var.<name>", s)
			}
		case PointReqMCP:
			if rest != "method" && rest != "name" && rest != "session" {
				return Point{}, fmt.Errorf("point %q: want req.mcp.method, req.mcp.name or req.mcp.session", s)
			}
		}
		return Point{Kind: pf.kind, Name: rest, raw: s}, nil
	}
	return Point{}, fmt.Errorf("unknown request point %q (want req.header.<Name>, req.cookie.<name>, req.query.<name>, req.bearer, resp.json.<path>, ...)", s)
}

// MustParsePoint is ParsePoint for literals known to be valid; it panics on
// error and is meant for built-in tables and tests.
func MustParsePoint(s string) Point {
	p, err := ParsePoint(s)
	if err != nil {
		panic(err)
	}
	return p
}

// NeedsResponse reports whether the point reads the response.
func (p Point) NeedsResponse() bool {
	switch p.Kind {
	case PointRespHeader, PointRespCookie, PointRespJSON:
		return true
	}
	return false
}
