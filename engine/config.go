package engine

import (
	"fmt"
	"time"
)

// DefaultRetention is how long a store keeps exchanges unless configured:
// one week, like the commercial products spoor is compared with, but
// changeable.
const DefaultRetention = 7 * 24 * time.Hour

// SecretPolicy says how credentials in headers are stored.
type SecretPolicy string

// Secret policies. The zero value hashes, so that a Config built in code
// without thinking about secrets does not store them in the clear.
const (
	SecretsHashed SecretPolicy = "hashed"
	SecretsClear  SecretPolicy = "clear"
)

// Config is the analysis configuration: the YAML file of PRODUCT.md, which
// the TUI edits and the store persists. DefaultConfig gives its defaults;
// ParseConfig reads it with line-accurate errors; Validate checks one built
// in code.
type Config struct {
	Grouping GroupingConfig
	// Context lists the points shown with each request.
	Context []ContextParam
	// Flows is the business-flow table. A configuration that lists flows
	// replaces the default table (DefaultFlows) rather than extending it, so
	// that what is listed is exactly what applies.
	Flows []Flow
	Scope ScopeConfig
	// Retention is how long the store keeps exchanges; zero keeps them
	// forever. The engine does not use it; the store does.
	Retention time.Duration
	// Secrets is SecretsHashed (or empty) to store Authorization, Cookie and
	// Set-Cookie values hashed, SecretsClear to keep them as captured.
	Secrets SecretPolicy
	// Logins lists login endpoints beyond the built-in ones
	// (DefaultLoginEndpoints), for the abuse detectors; `spoor logins`
	// prints the effective list.
	Logins []LoginEndpoint
	// Specs are the API specifications (OpenAPI 3, Swagger 2) that give
	// Proxy holds the proxy's limits (configproxy.go). It is read from a
	// --config file when the proxy starts, and not saved with the rest.
	Proxy ProxyConfig
	// each request's endpoint its status; engine/spec reads them.
	Specs []SpecFile
}

// SpecFile is one entry of the configuration's spec list.
type SpecFile struct {
	// File is the specification's path; a relative one is relative to
	// the configuration file.
	File string
	// Host limits the file to one host's requests; empty covers every
	// host.
	Host string
	// BasePath replaces the base path of the file's servers (or
	// basePath).
	BasePath string
	// Previous is an older version of the same API: what it lists and
	// File does not is a zombie.
	Previous string
}

// GroupingConfig orders the grouping keys and sets the session split.
type GroupingConfig struct {
	// Keys are tried first, in order.
	Keys []string
	// Builtin appends the built-in keys after Keys.
	Builtin bool
	// Inactivity is the gap after which an actor's next request starts a new
	// session part.
	Inactivity time.Duration
}

// DefaultConfig is the configuration used without a file.
func DefaultConfig() Config {
	return Config{
		Grouping:  GroupingConfig{Builtin: true, Inactivity: DefaultInactivity},
		Flows:     DefaultFlows(),
		Retention: DefaultRetention,
		Secrets:   SecretsHashed,
	}
}

// KeyList returns the effective, ordered key list the grouping settings
// describe; `spoor keys` prints its Describe.
func (g GroupingConfig) KeyList() (KeyList, error) {
	list, err := NewKeyList(g.Keys, g.Builtin)
	if err != nil {
		return nil, fmt.Errorf("grouping.keys: %w", err)
	}
	return list, nil
}

// Validate reports the first problem of a configuration built in code.
func (c Config) Validate() error {
	_, err := compileConfig(c)
	return err
}

// compiledConfig is a Config checked and turned into what the analyzer
// runs.
type compiledConfig struct {
	keys        KeyList
	inactivity  time.Duration
	context     []contextParam
	flows       flowTable
	scope       scope
	hashSecrets bool
}

func compileConfig(c Config) (compiledConfig, error) {
	var cc compiledConfig
	var err error
	if cc.keys, err = c.Grouping.KeyList(); err != nil {
		return compiledConfig{}, err
	}
	if c.Grouping.Inactivity < 0 {
		return compiledConfig{}, fmt.Errorf("grouping.inactivity: %v is negative", c.Grouping.Inactivity)
	}
	cc.inactivity = c.Grouping.Inactivity
	if c.Retention < 0 {
		return compiledConfig{}, fmt.Errorf("retention: %v is negative", c.Retention)
	}
	if cc.context, err = compileContext(c.Context); err != nil {
		return compiledConfig{}, err
	}
	if cc.flows, err = compileFlows(c.Flows); err != nil {
		return compiledConfig{}, err
	}
	if cc.scope, err = compileScope(c.Scope); err != nil {
		return compiledConfig{}, err
	}
	if _, err := NewLoginTable(c.Logins); err != nil {
		return compiledConfig{}, err
	}
	switch c.Secrets {
	case "", SecretsHashed:
		cc.hashSecrets = true
	case SecretsClear:
	default:
		return compiledConfig{}, fmt.Errorf("secrets: unknown policy %q (want hashed or clear)", c.Secrets)
	}
	return cc, nil
}
