package abuse

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

func TestConfigDefaults(t *testing.T) {
	got := Config{Rate: RateConfig{Floor: 7}}.withDefaults()
	want := DefaultConfig()
	want.Rate.Floor = 7
	if !reflect.DeepEqual(got, want) {
		t.Errorf("withDefaults kept the set field and filled the rest wrongly:\n got %+v\nwant %+v", got, want)
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig does not validate: %v", err)
	}
	// Every field has a default, so that a zero field never reaches a
	// detector as zero.
	var check func(v reflect.Value, path string)
	check = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f := v.Field(i)
			name := path + "." + v.Type().Field(i).Name
			switch {
			case f.Kind() == reflect.Struct:
				check(f, name)
			case name == "Config.Logins":
				// Extra login endpoints: none by default, the built-ins
				// are engine.DefaultLoginEndpoints.
			case f.IsZero():
				t.Errorf("DefaultConfig leaves %s zero", name)
			}
		}
	}
	check(reflect.ValueOf(DefaultConfig()), "Config")
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Rate: RateConfig{Floor: -1}}, "abuse.rate.floor"},
		{Config{Auth: AuthConfig{MinFailures: -3}}, "abuse.auth.min_failures"},
		{Config{Enumeration: EnumerationConfig{SequentialShare: 1.5}}, "abuse.enumeration.sequential_share"},
		{Config{MinConfidence: 2}, "abuse.min_confidence"},
		{Config{Regularity: RegularityConfig{MaxCV: math.NaN()}}, "abuse.regularity.max_cv"},
		{Config{Memory: MemoryConfig{SessionIdle: -time.Second}}, "abuse.memory.session_idle"},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate() = %v, want an error naming %s", err, c.want)
		}
		if _, err := NewTracker(c.cfg); err == nil {
			t.Errorf("NewTracker accepted a config that does not validate (%s)", c.want)
		}
	}
}

// TestConfigYAML checks that the tags read the way the engine
// configuration will embed the section.
func TestConfigYAML(t *testing.T) {
	doc := `
min_confidence: 0.6
auth: {min_failures: 20, stuffing_usernames: 8}
memory: {session_idle: 45m}
resources: {duration_floor: 2s}
`
	var c Config
	if err := yaml.Unmarshal([]byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	c = c.withDefaults()
	if c.MinConfidence != 0.6 || c.Auth.MinFailures != 20 || c.Auth.StuffingUsernames != 8 ||
		c.Memory.SessionIdle != 45*time.Minute || c.Resources.DurationFloor != 2*time.Second {
		t.Errorf("decoded %+v", c)
	}
	if c.Auth.TakeoverFailures != DefaultConfig().Auth.TakeoverFailures {
		t.Errorf("unset field did not take its default")
	}
}
