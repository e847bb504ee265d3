package main

import (
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// configSource says where the effective configuration came from.
type configSource string

const (
	configFromFile    configSource = "file"
	configFromStore   configSource = "store"
	configFromDefault configSource = "default"
)

// readConfigFile parses a --config file; errors name the file and line.
func readConfigFile(path string) (engine.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return engine.Config{}, fmt.Errorf("read config: %w", err)
	}
	return engine.ParseConfig(data, path)
}

// effectiveConfig picks the configuration a command runs with: --config if
// given, else the one saved in the store, else fallback (the built-in
// defaults, or the demo's).
func effectiveConfig(flagPath string, st *store.Store, fallback []byte) (engine.Config, configSource, error) {
	if flagPath != "" {
		cfg, err := readConfigFile(flagPath)
		return cfg, configFromFile, err
	}
	if st != nil {
		data, err := st.Config()
		if err != nil {
			return engine.Config{}, "", err
		}
		if data != nil {
			cfg, err := engine.ParseConfig(data, st.Path()+" (saved configuration)")
			return cfg, configFromStore, err
		}
	}
	if fallback != nil {
		cfg, err := engine.ParseConfig(fallback, "built-in configuration")
		return cfg, configFromDefault, err
	}
	return engine.DefaultConfig(), configFromDefault, nil
}

// saveConfig records cfg in the store so later commands (keys, open,
// regroup) see what the capture ran with.
func saveConfig(st *store.Store, cfg engine.Config) error {
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("encode configuration: %w", err)
	}
	return st.SaveConfig(data)
}
