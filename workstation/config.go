package workstation

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/store"
)

// ConfigSource says where the effective configuration came from.
type ConfigSource string

// The sources of a configuration, in the order EffectiveConfig tries them.
const (
	ConfigFromFile    ConfigSource = "file"
	ConfigFromStore   ConfigSource = "store"
	ConfigFromDefault ConfigSource = "default"
)

// ReadConfigFile parses a --config file; errors name the file and line.
func ReadConfigFile(path string) (engine.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return engine.Config{}, fmt.Errorf("read config: %w", err)
	}
	cfg, err := engine.ParseConfig(data, path)
	if err != nil {
		return cfg, err
	}
	return cfg, resolveSpecPaths(&cfg, path)
}

// EffectiveConfig picks the configuration a command runs with: the file
// at path if given, else the one saved in st (which may be nil), else
// fallback (the demo's), else the built-in defaults.
func EffectiveConfig(path string, st *store.Store, fallback []byte) (engine.Config, ConfigSource, error) {
	if path != "" {
		cfg, err := ReadConfigFile(path)
		return cfg, ConfigFromFile, err
	}
	if st != nil {
		data, err := st.Config()
		if err != nil {
			return engine.Config{}, "", err
		}
		if data != nil {
			cfg, err := engine.ParseConfig(data, st.Path()+" (saved configuration)")
			return cfg, ConfigFromStore, err
		}
	}
	if fallback != nil {
		cfg, err := engine.ParseConfig(fallback, "built-in configuration")
		return cfg, ConfigFromDefault, err
	}
	return engine.DefaultConfig(), ConfigFromDefault, nil
}

// saveConfig records cfg in the store so later commands (keys, open,
// regroup) see what the capture ran with.
func saveConfig(st *store.Store, cfg engine.Config) error {
	data, err := encodeConfig(cfg)
	if err != nil {
		return err
	}
	return st.SaveConfig(data)
}

func encodeConfig(cfg engine.Config) ([]byte, error) {
	data, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode configuration: %w", err)
	}
	return data, nil
}

// ReadConfig is EffectiveConfig for the commands that only read it (spoor
// keys, spoor logins): the file at path if given, else the configuration
// saved in the store at storePath, opened read-only; no store yet means
// the defaults.
func ReadConfig(path string, storePath func() (string, error)) (engine.Config, ConfigSource, error) {
	if path != "" {
		return EffectiveConfig(path, nil, nil)
	}
	db, err := storePath()
	if err != nil {
		return engine.Config{}, "", err
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return EffectiveConfig("", nil, nil)
	case err != nil:
		return engine.Config{}, "", err
	}
	defer st.Close()
	return EffectiveConfig("", st, nil)
}
