package engine

import (
	"testing"
)

func TestParsePoint(t *testing.T) {
	tests := []struct {
		in      string
		kind    PointKind
		name    string
		carrier string
	}{
		{"req.ip", PointIP, "", ""},
		{"  req.ua ", PointUA, "", ""},
		{"req.method", PointMethod, "", ""},
		{"req.path", PointPath, "", ""},
		{"req.host", PointHost, "", ""},
		{"req.bearer", PointReqBearer, "", ""},
		{"req.basic", PointReqBasic, "", ""},
		{"req.header.X-Session-Id", PointReqHeader, "X-Session-Id", ""},
		{"req.cookie.connect.sid", PointReqCookie, "connect.sid", ""},
		{"req.query.user.id", PointReqQuery, "user.id", ""},
		{"req.form.username", PointReqForm, "username", ""},
		{"req.json.items.0.sku", PointReqJSON, "items.0.sku", ""},
		{"req.jwt.sub", PointReqJWT, "sub", ""},
		{"req.header.X-Token.jwt.sub", PointReqJWT, "sub", "req.header.X-Token"},
		{"req.cookie.id_token.jwt.realm.roles", PointReqJWT, "realm.roles", "req.cookie.id_token"},
		{"req.gql.operation", PointReqGQL, "operation", ""},
		{"req.gql.var.id", PointReqGQL, "var.id", ""},
		{"req.mcp.session", PointReqMCP, "session", ""},
		{"resp.header.Location", PointRespHeader, "Location", ""},
		{"resp.cookie.session", PointRespCookie, "session", ""},
		{"resp.json.token", PointRespJSON, "token", ""},
	}
	for _, tt := range tests {
		p, err := ParsePoint(tt.in)
		if err != nil {
			t.Errorf("ParsePoint(%q): %v", tt.in, err)
			continue
		}
		carrier := ""
		if p.Carrier != nil {
			carrier = p.Carrier.String()
		}
		if p.Kind != tt.kind || p.Name != tt.name || carrier != tt.carrier {
			t.Errorf("ParsePoint(%q) = {%v %q %q}, want {%v %q %q}", tt.in, p.Kind, p.Name, carrier, tt.kind, tt.name, tt.carrier)
		}
	}
}

func TestParsePointErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "empty request point",
		"req.foo.bar":         `unknown request point "req.foo.bar"`,
		"req.ipx":             `unknown request point "req.ipx"`,
		"resp.jwt.sub":        `unknown request point "resp.jwt.sub"`,
		"req.header.":         `request point "req.header.": missing name after "req.header."`,
		"req.json":            `request point "req.json": missing name after "req.json."`,
		"req.json.a..b":       `request point "req.json.a..b": empty segment in JSON path`,
		"resp.json.a.":        `request point "resp.json.a.": empty segment in JSON path`,
		"req.header..jwt.sub": `request point "req.header..jwt.sub": want req.header.<name>.jwt.<claim>`,
		"req.gql.var.":        `request point "req.gql.var.": want req.gql.operation, req.gql.type or req.gql.var.<name>`,
		"req.mcp.tool":        `request point "req.mcp.tool": want req.mcp.method, req.mcp.name or req.mcp.session`,
	} {
		_, err := ParsePoint(in)
		if err == nil || err.Error() != want {
			t.Errorf("ParsePoint(%q) error = %v, want %q", in, err, want)
		}
	}
}
