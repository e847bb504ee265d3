package engine

import (
	"errors"
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

// String returns the point as it was spelled, which is also its name as a
// context parameter.
func (p Point) String() string { return p.raw }

// ParsePoint parses the request-point grammar of PRODUCT.md. Header names are
// case-insensitive; everything else is case-sensitive.
func ParsePoint(s string) (Point, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return Point{}, errors.New("empty request point")
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
	side, after, _ := strings.Cut(s, ".")
	word, rest, _ := strings.Cut(after, ".")
	kind := namedPointKind(side, word)
	if kind == PointInvalid {
		return Point{}, fmt.Errorf("unknown request point %q", s)
	}
	prefix := side + "." + word + "."
	if rest == "" {
		return Point{}, fmt.Errorf("request point %q: missing name after %q", s, prefix)
	}
	switch kind {
	case PointReqHeader, PointReqCookie:
		if name, claim, ok := strings.Cut(rest, ".jwt."); ok {
			if name == "" || claim == "" {
				return Point{}, fmt.Errorf("request point %q: want %s<name>.jwt.<claim>", s, prefix)
			}
			carrier := Point{Kind: kind, Name: name, raw: prefix + name}
			return Point{Kind: PointReqJWT, Name: claim, Carrier: &carrier, raw: s}, nil
		}
	case PointReqJSON, PointRespJSON:
		if strings.HasPrefix(rest, ".") || strings.HasSuffix(rest, ".") || strings.Contains(rest, "..") {
			return Point{}, fmt.Errorf("request point %q: empty segment in JSON path", s)
		}
	case PointReqGQL:
		if rest != "operation" && rest != "type" && (!strings.HasPrefix(rest, "var.") || rest == "var.") {
			return Point{}, fmt.Errorf("request point %q: want req.gql.operation, req.gql.type or req.gql.var.<name>", s)
		}
	case PointReqMCP:
		if rest != "method" && rest != "name" && rest != "session" {
			return Point{}, fmt.Errorf("request point %q: want req.mcp.method, req.mcp.name or req.mcp.session", s)
		}
	}
	return Point{Kind: kind, Name: rest, raw: s}, nil
}

// namedPointKind maps the first two words of a named point ("req.cookie") to
// its kind, or PointInvalid.
func namedPointKind(side, word string) PointKind {
	switch side + "." + word {
	case "req.header":
		return PointReqHeader
	case "req.cookie":
		return PointReqCookie
	case "req.query":
		return PointReqQuery
	case "req.form":
		return PointReqForm
	case "req.json":
		return PointReqJSON
	case "req.jwt":
		return PointReqJWT
	case "req.gql":
		return PointReqGQL
	case "req.mcp":
		return PointReqMCP
	case "resp.header":
		return PointRespHeader
	case "resp.cookie":
		return PointRespCookie
	case "resp.json":
		return PointRespJSON
	}
	return PointInvalid
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
