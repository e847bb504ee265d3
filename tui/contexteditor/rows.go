package contexteditor

import "github.com/spoorhq/spoor/engine"

// Origin says where a row comes from: the configuration, or spoor's
// defaults (the credentials hashed unless the user opts out).
type Origin string

// Row origins.
const (
	OriginConfig  Origin = "config"
	OriginDefault Origin = "default"
)

// Row is one line of the editor: a point, its type, whether its values
// are stored hashed, and its origin.
type Row struct {
	Point  string
	Type   engine.ParamType
	Hash   bool
	Origin Origin
	Why    string
	// Pending marks a hashed row that confirming the question on display
	// would store in the clear.
	Pending bool
}

// credentials are the headers stored hashed by default. The policy is one
// switch (secrets: hashed or clear), so toggling any of these rows toggles
// all of them.
func credentials() []string {
	return []string{
		"req.header.Authorization", "req.header.Proxy-Authorization",
		"req.header.Cookie", "resp.header.Set-Cookie",
	}
}

// nextType returns the type after t in the cycle plain, user, role,
// context.
func nextType(t engine.ParamType) engine.ParamType {
	types := []engine.ParamType{engine.ParamPlain, engine.ParamUser, engine.ParamRole, engine.ParamContext}
	for i, x := range types {
		if x == t {
			return types[(i+1)%len(types)]
		}
	}
	return engine.ParamPlain
}

// typeName spells a type as the configuration does.
func typeName(t engine.ParamType) string {
	if t == engine.ParamPlain {
		return "plain"
	}
	return string(t)
}

// why explains what a configured parameter of type t does.
func why(t engine.ParamType) string {
	switch t {
	case engine.ParamUser:
		return "names the session's user"
	case engine.ParamRole:
		return "names the session's role"
	case engine.ParamContext:
		return "business data shown with each request"
	}
	return "shown with each request"
}

// describe lists the effective rows: the configured parameters in order,
// then the credentials with the secrets policy.
func describe(params []engine.ContextParam, hashSecrets bool) []Row {
	rows := make([]Row, 0, len(params)+len(credentials()))
	for _, p := range params {
		rows = append(rows, Row{Point: p.Point, Type: p.Type, Hash: p.Hash, Origin: OriginConfig, Why: why(p.Type)})
	}
	for _, c := range credentials() {
		w := "credential · one switch for all four (secrets: hashed)"
		if !hashSecrets {
			w = "credential · one switch for all four (secrets: clear)"
		}
		rows = append(rows, Row{Point: c, Hash: hashSecrets, Origin: OriginDefault, Why: w})
	}
	return rows
}
