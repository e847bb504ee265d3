package engine

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestParseConfigProductExample(t *testing.T) {
	data, err := os.ReadFile("testdata/spoor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(data, "spoor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Grouping: GroupingConfig{
			Keys:       []string{"req.header.X-Session-Id", "resp.json.token", "req.query.token", "req.jwt.sub"},
			Builtin:    true,
			Inactivity: 30 * time.Minute,
		},
		Context: []ContextParam{
			{Point: "req.json.username", Type: ParamUser},
			{Point: "req.jwt.role", Type: ParamRole},
			{Point: "req.json.amount", Type: ParamContext},
			{Point: "req.json.card", Hash: true},
		},
		Flows:     []Flow{{Name: "Auth", Match: []string{"POST /login", "POST /api/*/auth/**"}}},
		Scope:     ScopeConfig{IncludeHosts: []string{}, ExcludePaths: []string{"/healthz"}},
		Retention: 168 * time.Hour,
		Secrets:   SecretsHashed,
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("parsed\n%#v\nwant\n%#v", cfg, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	if _, err := NewAnalyzerFromConfig(cfg, testHasher()); err != nil {
		t.Errorf("NewAnalyzerFromConfig: %v", err)
	}
}

func TestParseConfigDefaults(t *testing.T) {
	for _, in := range []string{"", "# nothing\n", "~\n", "grouping:\n", "grouping:\n  inactivity:\n"} {
		cfg, err := ParseConfig([]byte(in), "spoor.yaml")
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if !reflect.DeepEqual(cfg, DefaultConfig()) {
			t.Errorf("%q: %#v is not the default", in, cfg)
		}
	}
	cfg, err := ParseConfig([]byte("flows: []\nretention: 7d\nsecrets: clear\n"), "spoor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Flows) != 0 || cfg.Retention != 168*time.Hour || cfg.Secrets != SecretsClear || !cfg.Grouping.Builtin {
		t.Errorf("got %#v", cfg)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"grouping:\n  keys: [req.ip]\n  builtin: true\n  keys2: []\n", `spoor.yaml:4: unknown field "keys2" in grouping (want keys, builtin, inactivity)`},
		{"grouping:\n  keys:\n    - req.ip\n    - req.foo.bar\n", `spoor.yaml:4: unknown request point "req.foo.bar"`},
		{"grouping:\n  keys: [req.ip+req.nope]\n", `spoor.yaml:2: grouping key "req.ip+req.nope": unknown request point "req.nope"`},
		{"grouping:\n  builtin: true\n  inactivity: 30x\n", `spoor.yaml:3: bad duration "30x" for grouping.inactivity`},
		{"grouping:\n  inactivity: 0s\n", `spoor.yaml:2: bad duration "0s" for grouping.inactivity: must be positive`},
		{"grouping:\n  builtin: yes\n", `spoor.yaml:2: grouping.builtin: want true or false, got "yes"`},
		{"grouping:\n  keys: req.ip\n", `spoor.yaml:2: grouping.keys: want a list`},
		{"grouping:\n  keys: [[req.ip]]\n", `spoor.yaml:2: grouping.keys: want a single value`},
		{"grouping: [a]\n", `spoor.yaml:1: want a mapping in grouping with keys, builtin, inactivity`},
		{"grouping: {}\ngrouping: {}\n", `spoor.yaml:2: field "grouping" is set twice`},
		{"color: blue\n", `spoor.yaml:1: unknown field "color" (want grouping, context, flows, scope, retention, secrets, logins, spec, proxy)`},
		{"context:\n  - {point: req.json.a, type: boss}\n", `spoor.yaml:2: unknown context type "boss" (want user, role, context or plain)`},
		{"context:\n  - {type: user}\n", `spoor.yaml:2: context entry without a point`},
		{"context:\n  - {point: req.jsn.a}\n", `spoor.yaml:2: unknown request point "req.jsn.a"`},
		{"context:\n  - {point: req.json.a, hash: 1}\n", `spoor.yaml:2: context hash: want true or false, got "1"`},
		{"context:\n  - {point: req.json.a, colour: red}\n", `spoor.yaml:2: unknown field "colour" in context (want point, type, hash)`},
		{"flows:\n  - name: Auth\n    match:\n      - POST /login\n      - GET login\n", `spoor.yaml:5: bad flow pattern "GET login": path must start with "/"`},
		{"flows:\n  - {name: Auth}\n", `spoor.yaml:2: flow "Auth" matches nothing: list at least one pattern`},
		{"flows:\n  - {match: [/x]}\n", `spoor.yaml:2: flow without a name`},
		{"flows:\n  - {name: A, match: [/x]}\n  - {name: A, match: [/y]}\n", `spoor.yaml:3: flow "A" is listed twice`},
		{"scope:\n  exclude_paths: [healthz]\n", `spoor.yaml:2: path pattern "healthz" must start with "/"`},
		{"scope:\n  include_hosts: [\"[a\"]\n", `spoor.yaml:2: bad host pattern "[a": syntax error in pattern`},
		{"scope:\n  include: []\n", `spoor.yaml:2: unknown field "include" in scope (want include_hosts, exclude_hosts, include_paths, exclude_paths)`},
		{"retention: forever\n", `spoor.yaml:1: bad duration "forever" for retention`},
		{"secrets: plain\n", `spoor.yaml:1: unknown secrets policy "plain" (want hashed or clear)`},
		{"grouping:\n  keys: [a\n", `spoor.yaml:1: did not find expected ',' or ']'`},
		{"a: b: c\n", `spoor.yaml: mapping values are not allowed in this context`},
		{"- a\n", `spoor.yaml:1: want a mapping with grouping, context, flows, scope, retention, secrets, logins, spec, proxy`},
		{"logins:\n  - {reason: x}\n", `spoor.yaml:2: login endpoint without a match pattern`},
		{"logins:\n  - {match: \"POST admin\"}\n", `spoor.yaml:2: bad flow pattern "POST admin": path must start with "/"`},
		{"logins:\n  - {match: /a, colour: red}\n", `spoor.yaml:2: unknown field "colour" in logins (want match, body, reason)`},
	}
	for _, tt := range tests {
		_, err := ParseConfig([]byte(tt.in), "spoor.yaml")
		if err == nil {
			t.Errorf("%q: accepted, want %s", tt.in, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error spans lines", tt.in)
		}
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Unwrap() == nil {
			t.Errorf("%q: not a wrapping *ConfigError", tt.in)
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	data, err := os.ReadFile("testdata/spoor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []Config{DefaultConfig(), mustParse(t, data), {}} {
		out, err := yaml.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(out, "stored")
		if err != nil {
			t.Fatalf("re-reading\n%s: %v", out, err)
		}
		want := cfg
		if want.Grouping.Inactivity == 0 {
			want.Grouping.Inactivity = DefaultInactivity
		}
		if want.Secrets == "" {
			want.Secrets = SecretsHashed
		}
		if !configsEqual(back, want) {
			t.Errorf("round trip changed\n%#v\ninto\n%#v\nvia\n%s", want, back, out)
		}
		var viaUnmarshal Config
		if err := yaml.Unmarshal(out, &viaUnmarshal); err != nil || !configsEqual(viaUnmarshal, back) {
			t.Errorf("yaml.Unmarshal: %v, %#v", err, viaUnmarshal)
		}
	}
}

func TestConfigMarshalLayout(t *testing.T) {
	out, err := yaml.Marshal(mustParse(t, []byte(`
grouping: {keys: [resp.json.token]}
context: [{point: req.json.card, hash: true}]
flows: [{name: Auth, match: ["POST /login"]}]
`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"    keys: [resp.json.token]",
		"    inactivity: 30m",
		"    - {point: req.json.card, hash: true}",
		`    - {name: Auth, match: ["POST /login"]}`,
		"retention: 168h",
		"secrets: hashed",
	} {
		if !strings.Contains(string(out), line+"\n") {
			t.Errorf("marshalled config lacks %q:\n%s", line, out)
		}
	}
}

func mustParse(t *testing.T, data []byte) Config {
	t.Helper()
	cfg, err := ParseConfig(data, "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// configsEqual compares configurations treating nil and empty lists alike,
// as YAML does.
func configsEqual(a, b Config) bool {
	norm := func(c Config) Config {
		for _, l := range []*[]string{&c.Grouping.Keys, &c.Scope.IncludeHosts, &c.Scope.ExcludeHosts, &c.Scope.IncludePaths, &c.Scope.ExcludePaths} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		if len(c.Context) == 0 {
			c.Context = nil
		}
		if len(c.Flows) == 0 {
			c.Flows = nil
		}
		if len(c.Logins) == 0 {
			c.Logins = nil
		}
		return c
	}
	return reflect.DeepEqual(norm(a), norm(b))
}

// TestConfigSpecs reads the spec list, both spellings, writes it back
// unchanged, and refuses an entry without a file or a relative base path.
func TestConfigSpecs(t *testing.T) {
	src := "spec:\n  - shop.yaml\n  - {file: v2.yaml, host: api.example.com, base_path: /api, previous: v1.yaml}\n"
	cfg, err := ParseConfig([]byte(src), "spoor.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []SpecFile{{File: "shop.yaml"}, {File: "v2.yaml", Host: "api.example.com", BasePath: "/api", Previous: "v1.yaml"}}
	if !reflect.DeepEqual(cfg.Specs, want) {
		t.Fatalf("specs %+v, want %+v", cfg.Specs, want)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(out, "saved")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Specs, want) {
		t.Errorf("written and read back as %+v", back.Specs)
	}
	for _, bad := range []struct{ src, want string }{
		{"spec:\n  - {host: a}\n", "spoor.yaml:2: spec entry without a file"},
		{"spec:\n  - {file: a.yaml, base_path: api}\n", `spec base_path "api" must start with /`},
		{"spec:\n  - {file: a.yaml, hots: a}\n", "hots"},
	} {
		if _, err := ParseConfig([]byte(bad.src), "spoor.yaml"); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want an error with %q", bad.src, err, bad.want)
		}
	}
}
