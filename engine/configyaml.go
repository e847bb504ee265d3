package engine

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ConfigError is a configuration problem located in its file, printed as one
// line: `spoor.yaml:3: unknown request point "req.foo.bar"`.
type ConfigError struct {
	File string
	Line int // 0 when the problem has no line
	Msg  string
	Err  error
}

func (e *ConfigError) Error() string {
	file := e.File
	if file == "" {
		file = "config"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", file, e.Msg)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ParseConfig reads a YAML configuration. Settings the file leaves out keep
// their DefaultConfig values; unknown fields are rejected, so that a typo
// never silently does nothing. filename only labels errors.
func ParseConfig(data []byte, filename string) (Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, yamlSyntaxError(filename, err)
	}
	cfg := DefaultConfig()
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return cfg, nil // empty, "~" or comments only
	}
	if err := (configDecoder{file: filename}).config(doc.Content[0], &cfg); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// UnmarshalYAML decodes a configuration with the checks of ParseConfig, so
// that a Config can sit inside another YAML document.
func (c *Config) UnmarshalYAML(n *yaml.Node) error {
	cfg := DefaultConfig()
	if !isNull(n) {
		if err := (configDecoder{}).config(n, &cfg); err != nil {
			return err
		}
	}
	*c = cfg
	return nil
}

// yamlSyntaxError turns "yaml: line 3: did not find expected key" into a
// located one-line error.
func yamlSyntaxError(file string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, after, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				line, msg = n, after
			}
		}
	}
	msg = strings.Join(strings.Fields(msg), " ")
	return &ConfigError{File: file, Line: line, Msg: msg, Err: err}
}

// configDecoder walks the YAML node tree by hand rather than decoding into
// tagged structs, so that every error names the line and the setting in
// words a user can act on, and so that defaults survive for what the file
// leaves out.
type configDecoder struct {
	file string
}

func (d configDecoder) errorf(n *yaml.Node, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &ConfigError{File: d.file, Line: n.Line, Msg: err.Error(), Err: err}
}

func (d configDecoder) wrap(n *yaml.Node, err error) error {
	return &ConfigError{File: d.file, Line: n.Line, Msg: err.Error(), Err: err}
}

func (d configDecoder) config(n *yaml.Node, cfg *Config) error {
	return d.fields(n, "", []string{"grouping", "context", "flows", "scope", "retention", "secrets", "logins", "spec", "proxy"}, func(name string, v *yaml.Node) error {
		var err error
		switch name {
		case "spec":
			cfg.Specs, err = d.specs(v)
		case "proxy":
			err = d.proxy(v, &cfg.Proxy)
		case "logins":
			cfg.Logins, err = d.logins(v)
		case "grouping":
			err = d.grouping(v, &cfg.Grouping)
		case "context":
			cfg.Context, err = d.context(v)
		case "flows":
			cfg.Flows, err = d.flows(v)
		case "scope":
			err = d.scope(v, &cfg.Scope)
		case "retention":
			cfg.Retention, err = d.duration(v, "retention", false)
		case "secrets":
			var s string
			if s, err = d.scalar(v, "secrets"); err == nil {
				cfg.Secrets = SecretPolicy(s)
				if cfg.Secrets != SecretsHashed && cfg.Secrets != SecretsClear {
					err = d.errorf(v, "unknown secrets policy %q (want hashed or clear)", s)
				}
			}
		}
		return err
	})
}

func (d configDecoder) grouping(n *yaml.Node, g *GroupingConfig) error {
	return d.fields(n, "grouping", []string{"keys", "builtin", "inactivity"}, func(name string, v *yaml.Node) error {
		var err error
		switch name {
		case "keys":
			var items []*yaml.Node
			if items, err = d.list(v, "grouping.keys"); err != nil {
				return err
			}
			keys := make([]string, 0, len(items))
			for _, item := range items {
				s, err := d.scalar(item, "grouping.keys")
				if err != nil {
					return err
				}
				if _, err := ParseKey(s, OriginConfig); err != nil {
					return d.wrap(item, err)
				}
				keys = append(keys, strings.TrimSpace(s))
			}
			g.Keys = keys
		case "builtin":
			g.Builtin, err = d.boolean(v, "grouping.builtin")
		case "inactivity":
			g.Inactivity, err = d.duration(v, "grouping.inactivity", true)
		}
		return err
	})
}

func (d configDecoder) context(n *yaml.Node) ([]ContextParam, error) {
	items, err := d.list(n, "context")
	if err != nil {
		return nil, err
	}
	params := make([]ContextParam, 0, len(items))
	for _, item := range items {
		var cp ContextParam
		var pointNode *yaml.Node
		err := d.fields(item, "context", []string{"point", "type", "hash"}, func(name string, v *yaml.Node) error {
			var err error
			switch name {
			case "point":
				pointNode = v
				cp.Point, err = d.scalar(v, "context point")
			case "type":
				var s string
				if s, err = d.scalar(v, "context type"); err == nil {
					if cp.Type, err = parseParamType(s); err != nil {
						err = d.wrap(v, err)
					}
				}
			case "hash":
				cp.Hash, err = d.boolean(v, "context hash")
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if pointNode == nil {
			return nil, d.errorf(item, "context entry without a point")
		}
		if _, err := ParsePoint(cp.Point); err != nil {
			return nil, d.wrap(pointNode, err)
		}
		cp.Point = strings.TrimSpace(cp.Point)
		params = append(params, cp)
	}
	return params, nil
}

func (d configDecoder) flows(n *yaml.Node) ([]Flow, error) {
	items, err := d.list(n, "flows")
	if err != nil {
		return nil, err
	}
	flows := make([]Flow, 0, len(items))
	for _, item := range items {
		var f Flow
		var matchNode *yaml.Node
		err := d.fields(item, "flows", []string{"name", "match"}, func(name string, v *yaml.Node) error {
			var err error
			switch name {
			case "name":
				f.Name, err = d.scalar(v, "flow name")
			case "match":
				matchNode = v
				f.Match, err = d.patterns(v)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(f.Name) == "" {
			return nil, d.errorf(item, "flow without a name")
		}
		if matchNode == nil || len(f.Match) == 0 {
			return nil, d.errorf(item, "flow %q matches nothing: list at least one pattern", f.Name)
		}
		if slices.ContainsFunc(flows, func(g Flow) bool { return g.Name == f.Name }) {
			return nil, d.errorf(item, "flow %q is listed twice", f.Name)
		}
		flows = append(flows, f)
	}
	return flows, nil
}

// logins reads the login endpoints added to the built-in ones.
func (d configDecoder) logins(n *yaml.Node) ([]LoginEndpoint, error) {
	items, err := d.list(n, "logins")
	if err != nil {
		return nil, err
	}
	out := make([]LoginEndpoint, 0, len(items))
	for _, item := range items {
		var e LoginEndpoint
		err := d.fields(item, "logins", []string{"match", "body", "reason"}, func(name string, v *yaml.Node) error {
			var err error
			switch name {
			case "match":
				if e.Match, err = d.scalar(v, "login match"); err == nil {
					if _, perr := compileLogin(e); perr != nil {
						err = d.wrap(v, perr)
					}
				}
			case "body":
				e.Body, err = d.scalar(v, "login body")
			case "reason":
				e.Reason, err = d.scalar(v, "login reason")
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(e.Match) == "" {
			return nil, d.errorf(item, "login endpoint without a match pattern")
		}
		e.Match = strings.TrimSpace(e.Match)
		out = append(out, e)
	}
	return out, nil
}

// specs reads the spec list: {file, host, base_path, previous} entries,
// or a bare file name.
func (d configDecoder) specs(n *yaml.Node) ([]SpecFile, error) {
	items, err := d.list(n, "spec")
	if err != nil {
		return nil, err
	}
	out := make([]SpecFile, 0, len(items))
	for _, item := range items {
		var f SpecFile
		if item.Kind == yaml.ScalarNode {
			f.File = item.Value
		} else {
			err := d.fields(item, "spec", []string{"file", "host", "base_path", "previous"}, func(name string, v *yaml.Node) error {
				var err error
				switch name {
				case "file":
					f.File, err = d.scalar(v, "spec file")
				case "host":
					f.Host, err = d.scalar(v, "spec host")
				case "base_path":
					f.BasePath, err = d.scalar(v, "spec base_path")
					if err == nil && f.BasePath != "" && f.BasePath[0] != '/' {
						err = d.errorf(v, "spec base_path %q must start with /", f.BasePath)
					}
				case "previous":
					f.Previous, err = d.scalar(v, "spec previous")
				}
				return err
			})
			if err != nil {
				return nil, err
			}
		}
		if strings.TrimSpace(f.File) == "" {
			return nil, d.errorf(item, "spec entry without a file")
		}
		out = append(out, f)
	}
	return out, nil
}

// patterns reads a flow's match list; a single pattern may stand alone.
func (d configDecoder) patterns(n *yaml.Node) ([]string, error) {
	items := []*yaml.Node{n}
	if n.Kind != yaml.ScalarNode {
		var err error
		if items, err = d.list(n, "flow match"); err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(items))
	for _, item := range items {
		s, err := d.scalar(item, "flow match")
		if err != nil {
			return nil, err
		}
		if _, err := parseFlowPattern(s); err != nil {
			return nil, d.wrap(item, err)
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out, nil
}

func (d configDecoder) scope(n *yaml.Node, s *ScopeConfig) error {
	return d.fields(n, "scope", []string{"include_hosts", "exclude_hosts", "include_paths", "exclude_paths"}, func(name string, v *yaml.Node) error {
		where := "scope." + name
		items, err := d.list(v, where)
		if err != nil {
			return err
		}
		out := make([]string, 0, len(items))
		for _, item := range items {
			p, err := d.scalar(item, where)
			if err != nil {
				return err
			}
			if strings.HasSuffix(name, "_hosts") {
				err = checkHostPattern(p)
			} else {
				_, err = ParsePathPattern(strings.TrimSpace(p))
			}
			if err != nil {
				return d.wrap(item, err)
			}
			out = append(out, strings.TrimSpace(p))
		}
		switch name {
		case "include_hosts":
			s.IncludeHosts = out
		case "exclude_hosts":
			s.ExcludeHosts = out
		case "include_paths":
			s.IncludePaths = out
		case "exclude_paths":
			s.ExcludePaths = out
		}
		return nil
	})
}

// fields calls fn for each member of the mapping n, rejecting unknown and
// repeated names. A member whose value is null is skipped, so that an empty
// "inactivity:" keeps the default.
func (d configDecoder) fields(n *yaml.Node, where string, known []string, fn func(name string, v *yaml.Node) error) error {
	n = resolve(n)
	in := ""
	if where != "" {
		in = " in " + where
	}
	if n.Kind != yaml.MappingNode {
		return d.errorf(n, "want a mapping%s with %s", in, strings.Join(known, ", "))
	}
	seen := make(map[string]bool, len(known))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolve(n.Content[i+1])
		name := k.Value
		if !slices.Contains(known, name) {
			return d.errorf(k, "unknown field %q%s (want %s)", name, in, strings.Join(known, ", "))
		}
		if seen[name] {
			return d.errorf(k, "field %q%s is set twice", name, in)
		}
		seen[name] = true
		if isNull(v) {
			continue
		}
		if err := fn(name, v); err != nil {
			return err
		}
	}
	return nil
}

// list returns the items of a sequence.
func (d configDecoder) list(n *yaml.Node, where string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, d.errorf(n, "%s: want a list", where)
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, item := range n.Content {
		items[i] = resolve(item)
	}
	return items, nil
}

func (d configDecoder) scalar(n *yaml.Node, where string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", d.errorf(n, "%s: want a single value", where)
	}
	return n.Value, nil
}

func (d configDecoder) boolean(n *yaml.Node, where string) (bool, error) {
	s, err := d.scalar(n, where)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, d.errorf(n, "%s: want true or false, got %q", where, s)
}

// duration reads a Go duration ("30m", "168h") or a number of days ("7d").
func (d configDecoder) duration(n *yaml.Node, where string, positive bool) (time.Duration, error) {
	s, err := d.scalar(n, where)
	if err != nil {
		return 0, err
	}
	v, err := parseDuration(s)
	if err != nil {
		return 0, d.errorf(n, "bad duration %q for %s", s, where)
	}
	if v < 0 || (positive && v == 0) {
		return 0, d.errorf(n, "bad duration %q for %s: must be positive", s, where)
	}
	return v, nil
}

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100*365 {
			return 0, errors.New("bad number of days")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

// formatDuration writes a duration the way a person would: "30m", "168h".
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	}
	return d.String()
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// resolve follows aliases. The schema is shallow and only known fields are
// descended into, so an alias cannot make decoding expensive.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// MarshalYAML writes the configuration in the layout of PRODUCT.md, every
// setting spelled out, so that the stored copy documents what applies.
func (c Config) MarshalYAML() (any, error) {
	grouping := mapNode(false,
		member{"keys", strList(c.Grouping.Keys)},
		member{"builtin", boolNode(c.Grouping.Builtin)},
		member{"inactivity", strNode(formatDuration(orDefault(c.Grouping.Inactivity, DefaultInactivity)))},
	)
	context := &yaml.Node{Kind: yaml.SequenceNode}
	for _, cp := range c.Context {
		ms := []member{{"point", strNode(cp.Point)}}
		if cp.Type != ParamPlain {
			ms = append(ms, member{"type", strNode(string(cp.Type))})
		}
		if cp.Hash {
			ms = append(ms, member{"hash", boolNode(true)})
		}
		context.Content = append(context.Content, mapNode(true, ms...))
	}
	flows := &yaml.Node{Kind: yaml.SequenceNode}
	for _, f := range c.Flows {
		match := strList(f.Match)
		for _, m := range match.Content {
			m.Style = yaml.DoubleQuotedStyle
		}
		flows.Content = append(flows.Content, mapNode(true, member{"name", strNode(f.Name)}, member{"match", match}))
	}
	scope := mapNode(false,
		member{"include_hosts", strList(c.Scope.IncludeHosts)},
		member{"exclude_hosts", strList(c.Scope.ExcludeHosts)},
		member{"include_paths", strList(c.Scope.IncludePaths)},
		member{"exclude_paths", strList(c.Scope.ExcludePaths)},
	)
	secrets := c.Secrets
	if secrets == "" {
		secrets = SecretsHashed
	}
	members := []member{
		{"grouping", grouping},
		{"context", emptyFlow(context)},
		{"flows", emptyFlow(flows)},
		{"scope", scope},
		{"retention", strNode(formatDuration(c.Retention))},
		{"secrets", strNode(string(secrets))},
	}
	if len(c.Logins) > 0 {
		logins := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range c.Logins {
			ms := []member{{"match", strNode(e.Match)}}
			ms[0].value.Style = yaml.DoubleQuotedStyle
			if e.Body != "" {
				ms = append(ms, member{"body", strNode(e.Body)})
			}
			if e.Reason != "" {
				ms = append(ms, member{"reason", strNode(e.Reason)})
			}
			logins.Content = append(logins.Content, mapNode(true, ms...))
		}
		members = append(members, member{"logins", logins})
	}
	if len(c.Specs) > 0 {
		specs := &yaml.Node{Kind: yaml.SequenceNode}
		for _, f := range c.Specs {
			ms := []member{{"file", strNode(f.File)}}
			for _, m := range []member{{"host", strNode(f.Host)}, {"base_path", strNode(f.BasePath)}, {"previous", strNode(f.Previous)}} {
				if m.value.Value != "" {
					ms = append(ms, m)
				}
			}
			specs.Content = append(specs.Content, mapNode(true, ms...))
		}
		members = append(members, member{"spec", specs})
	}
	return mapNode(false, members...), nil
}

// orDefault returns d, or def when d is zero (the code's spelling of
// "default").
func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}

func strNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func boolNode(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func strList(list []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, s := range list {
		n.Content = append(n.Content, strNode(s))
	}
	return n
}

// emptyFlow writes an empty block list as "[]" instead of nothing.
func emptyFlow(n *yaml.Node) *yaml.Node {
	if len(n.Content) == 0 {
		n.Style = yaml.FlowStyle
	}
	return n
}

// member is one name and value of a mapping being written.
type member struct {
	name  string
	value *yaml.Node
}

// mapNode builds a mapping, in flow style ({point: x, type: user}) when
// flow is set.
func mapNode(flow bool, members ...member) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for _, m := range members {
		n.Content = append(n.Content, strNode(m.name), m.value)
	}
	return n
}
