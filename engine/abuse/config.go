package abuse

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/spoorhq/spoor/engine"
)

// Config holds every threshold the detectors apply. A zero field means "use
// the default", so that a configuration file names only what it changes;
// DefaultConfig lists the defaults. The YAML tags let the engine
// configuration embed it as an `abuse:` section.
//
// Thresholds that compare a session with ordinary traffic come as a floor
// and a factor: a detector fires at max(floor, factor × baseline), where the
// baseline is the median of closed ordinary sessions (see Baseline). The
// floor keeps a quiet capture from flagging everything; the factor lets a
// busy API raise the bar for itself.
type Config struct {
	// RecomputeEvery is how many requests a session may receive between two
	// recomputations of its verdicts once it is past its first
	// RecomputeEvery requests. A counter crossing a threshold recomputes at
	// once. Offline evaluation sets it to 1.
	RecomputeEvery int `yaml:"recompute_every"`
	// MinConfidence is the confidence below which a verdict is not shown.
	MinConfidence float64 `yaml:"min_confidence"`
	// AuthFlow is the business flow whose requests are logins.
	AuthFlow string `yaml:"auth_flow"`
	// MinEvidence is the fewest requests a verdict may rest on: the failed
	// logins of a brute force, the requests of a scraping session. Below
	// it no verdict is given, however the detectors read.
	MinEvidence int `yaml:"min_evidence"`
	// Logins are login endpoints beyond the built-in ones
	// (engine.DefaultLoginEndpoints); the engine configuration's logins
	// section fills it.
	Logins []engine.LoginEndpoint `yaml:"-"`

	Memory      MemoryConfig      `yaml:"memory"`
	Baseline    BaselineConfig    `yaml:"baseline"`
	Rate        RateConfig        `yaml:"rate"`
	Regularity  RegularityConfig  `yaml:"regularity"`
	Endpoints   EndpointConfig    `yaml:"endpoints"`
	Errors      ErrorConfig       `yaml:"errors"`
	Auth        AuthConfig        `yaml:"auth"`
	Enumeration EnumerationConfig `yaml:"enumeration"`
	Rotation    RotationConfig    `yaml:"rotation"`
	Resources   ResourceConfig    `yaml:"resources"`
	Attacks     AttackConfig      `yaml:"attacks"`
}

// MemoryConfig bounds what the tracker keeps. Idle times are measured in
// exchange time, never by the wall clock, so that an import of last month's
// log ages out the same way live traffic does.
type MemoryConfig struct {
	// SessionIdle is how long a session part is kept after its last
	// request. It must be at least the grouping's inactivity gap, or a
	// session that pauses would lose its counters and start again.
	SessionIdle time.Duration `yaml:"session_idle"`
	// KeyIdle is how long a key's counters across its parts are kept.
	KeyIdle time.Duration `yaml:"key_idle"`
	// IPIdle is how long a client address's counters are kept.
	IPIdle time.Duration `yaml:"ip_idle"`
	// SweepEvery is how often, in exchange time, idle state is evicted.
	SweepEvery time.Duration `yaml:"sweep_every"`
	// MaxSessions, MaxKeys and MaxIPs cap the tracked entries whatever the
	// traffic; past a cap the least recently active are dropped.
	MaxSessions int `yaml:"max_sessions"`
	MaxKeys     int `yaml:"max_keys"`
	MaxIPs      int `yaml:"max_ips"`
}

// BaselineConfig says when observed traffic replaces the default baselines.
type BaselineConfig struct {
	// MinSessions is how many ordinary sessions must have closed before
	// their median is trusted over the defaults.
	MinSessions int `yaml:"min_sessions"`
	// MinRequests is the size below which a closed session says too little
	// to feed the baselines.
	MinRequests int `yaml:"min_requests"`
}

// RateConfig sets the request-rate detector. The rate is the mean over the
// session, and only once the session has lasted MinSpan: a browser loading
// a page and its assets sends twenty requests in a second and then none.
type RateConfig struct {
	MinRequests int           `yaml:"min_requests"`
	MinSpan     time.Duration `yaml:"min_span"`
	Floor       float64       `yaml:"floor"`   // requests per second
	Factor      float64       `yaml:"factor"`  // × the median session's rate
	Default     float64       `yaml:"default"` // baseline while traffic is thin
}

// RegularityConfig sets the interval-regularity detector: the coefficient
// of variation of the gaps between requests, lower meaning more machine-like.
type RegularityConfig struct {
	MinIntervals int `yaml:"min_intervals"`
	// MaxCV is the ceiling: the detector fires at min(MaxCV, Factor ×
	// baseline), because for regularity lower is the suspicious side.
	MaxCV   float64 `yaml:"max_cv"`
	Factor  float64 `yaml:"factor"`
	Default float64 `yaml:"default"`
	// PauseFactor sets apart the rests between bursts: a gap longer than
	// PauseFactor × the mean gap so far is a pause, not an interval, so that
	// a tool that rests after each batch still reads as regular.
	PauseFactor float64 `yaml:"pause_factor"`
}

// EndpointConfig sets the endpoint detectors: how much of a session is new
// resources (crawling), how many endpoints it touches (scanning) and how
// many distinct resources it read successfully (harvesting).
type EndpointConfig struct {
	MinRequests    int     `yaml:"min_requests"`
	UniqueShare    float64 `yaml:"unique_share"`
	UniqueDefault  float64 `yaml:"unique_default"`
	BreadthFloor   float64 `yaml:"breadth_floor"`
	BreadthFactor  float64 `yaml:"breadth_factor"`
	BreadthDefault float64 `yaml:"breadth_default"`
	// HarvestResources is how many distinct resources read with a 2xx make
	// a harvest (HarvestFactor × the median session's, if more).
	HarvestResources int     `yaml:"harvest_resources"`
	HarvestFactor    float64 `yaml:"harvest_factor"`
	HarvestDefault   float64 `yaml:"harvest_default"`
}

// ErrorConfig sets the 4xx and 404 (forced browsing) detectors.
type ErrorConfig struct {
	MinRequests        int     `yaml:"min_requests"`
	ClientErrorShare   float64 `yaml:"client_error_share"`
	NotFoundShare      float64 `yaml:"not_found_share"`
	Factor             float64 `yaml:"factor"`
	ClientErrorDefault float64 `yaml:"client_error_default"`
	NotFoundDefault    float64 `yaml:"not_found_default"`
}

// AuthConfig sets the authentication-abuse detectors.
type AuthConfig struct {
	// MinFailures is how many failed logins make an attack.
	MinFailures int `yaml:"min_failures"`
	// StuffingUsernames and StuffingUsernameShare tell credential
	// stuffing: many user names, few tries each.
	StuffingUsernames     int     `yaml:"stuffing_usernames"`
	StuffingUsernameShare float64 `yaml:"stuffing_username_share"`
	// BruteForceShare tells brute force: the share of failures spent on the
	// most tried user name.
	BruteForceShare float64 `yaml:"brute_force_share"`
	// TakeoverFailures is the run of failures that, ended by a success,
	// makes an account takeover.
	TakeoverFailures int `yaml:"takeover_failures"`
	// FragmentShare is the share of a session's requests that must be
	// failed logins for the session to inherit its address's attack: a
	// stuffer that drops its session after each guess leaves only
	// fragments, while a person behind the same NAT does not.
	FragmentShare float64 `yaml:"fragment_share"`
	// ShapeRepeats is how often a login endpoint must give one answer
	// (status, size, body fingerprint, no new credential), and that answer
	// be at least half of its answers, for the answer to be its failure
	// shape: the 200 with the form again that most web logins give a wrong
	// password.
	ShapeRepeats int `yaml:"shape_repeats"`
	// LogMinRate is the login attempts per second below which failures
	// known only from an access log's response sizes are not counted: a
	// repeated size is a failure only at a machine's pace.
	LogMinRate float64 `yaml:"log_min_rate"`
}

// EnumerationConfig sets the enumeration (BOLA) detectors, measured on the
// session's most walked endpoint template such as /users/{id}.
type EnumerationConfig struct {
	MinIDs          int     `yaml:"min_ids"`
	SequentialShare float64 `yaml:"sequential_share"`
	ErrorShare      float64 `yaml:"error_share"`
	Default         float64 `yaml:"default"`
}

// RotationConfig sets the rotation detectors: one key seen from many
// addresses, and one address carrying many keys.
type RotationConfig struct {
	KeyIPs         int     `yaml:"key_ips"`
	IPsPerRequest  float64 `yaml:"ips_per_request"`
	IPKeys         int     `yaml:"ip_keys"`
	KeysPerRequest float64 `yaml:"keys_per_request"`
}

// ResourceConfig sets the resource-consumption detectors: mean response
// size and mean server time per request.
type ResourceConfig struct {
	MinRequests     int           `yaml:"min_requests"`
	BytesFloor      float64       `yaml:"bytes_floor"`
	BytesFactor     float64       `yaml:"bytes_factor"`
	BytesDefault    float64       `yaml:"bytes_default"`
	DurationFloor   time.Duration `yaml:"duration_floor"`
	DurationFactor  float64       `yaml:"duration_factor"`
	DurationDefault time.Duration `yaml:"duration_default"`
}

// AttackConfig sets how many attack tags on a session's requests count as
// a vote for a security crawler.
type AttackConfig struct {
	MinTags int `yaml:"min_tags"`
}

// DefaultConfig returns the defaults. They are tuned so that the demo's
// tools are named within seconds at human pacing, while its people, who
// think for half a second to three seconds between requests, are not.
func DefaultConfig() Config {
	return Config{
		RecomputeEvery: 16,
		MinConfidence:  0.5,
		AuthFlow:       "Auth",
		MinEvidence:    5,
		Memory: MemoryConfig{
			SessionIdle: 30 * time.Minute,
			KeyIdle:     24 * time.Hour,
			IPIdle:      time.Hour,
			SweepEvery:  time.Minute,
			MaxSessions: 20000,
			MaxKeys:     20000,
			MaxIPs:      20000,
		},
		Baseline:   BaselineConfig{MinSessions: 20, MinRequests: 5},
		Rate:       RateConfig{MinRequests: 10, MinSpan: 10 * time.Second, Floor: 2, Factor: 5, Default: 0.5},
		Regularity: RegularityConfig{MinIntervals: 10, MaxCV: 0.3, Factor: 0.5, Default: 1, PauseFactor: 5},
		Endpoints: EndpointConfig{
			MinRequests: 20, UniqueShare: 0.9, UniqueDefault: 0.5,
			BreadthFloor: 25, BreadthFactor: 5, BreadthDefault: 4,
			HarvestResources: 50, HarvestFactor: 5, HarvestDefault: 10,
		},
		Errors: ErrorConfig{
			MinRequests: 10, ClientErrorShare: 0.5, NotFoundShare: 0.3, Factor: 5,
			ClientErrorDefault: 0.05, NotFoundDefault: 0.02,
		},
		Auth: AuthConfig{
			MinFailures: 10, StuffingUsernames: 5, StuffingUsernameShare: 0.3,
			BruteForceShare: 0.6, TakeoverFailures: 5, FragmentShare: 0.5,
			ShapeRepeats: 5, LogMinRate: 0.2,
		},
		Enumeration: EnumerationConfig{MinIDs: 20, SequentialShare: 0.6, ErrorShare: 0.2, Default: 3},
		Rotation:    RotationConfig{KeyIPs: 5, IPsPerRequest: 0.2, IPKeys: 10, KeysPerRequest: 0.3},
		Resources: ResourceConfig{
			MinRequests: 10,
			BytesFloor:  256 << 10, BytesFactor: 10, BytesDefault: 8 << 10,
			DurationFloor: 500 * time.Millisecond, DurationFactor: 10, DurationDefault: 50 * time.Millisecond,
		},
		Attacks: AttackConfig{MinTags: 3},
	}
}

// Validate reports the first field that no detector can work with: a
// negative number, or a share above 1. Zero fields are fine: they take
// their defaults.
func (c Config) Validate() error {
	return validate(reflect.ValueOf(c), "abuse")
}

func validate(v reflect.Value, path string) error {
	t := v.Type()
	for i := range t.NumField() {
		f, fv := t.Field(i), v.Field(i)
		name := path + "." + strings.Split(f.Tag.Get("yaml"), ",")[0]
		switch fv.Kind() {
		case reflect.Struct:
			if err := validate(fv, name); err != nil {
				return err
			}
		case reflect.Int, reflect.Int64:
			if fv.Int() < 0 {
				return fmt.Errorf("%s: %v is negative", name, fv.Interface())
			}
		case reflect.Float64:
			x := fv.Float()
			if x < 0 || x != x {
				return fmt.Errorf("%s: %v is not a non-negative number", name, x)
			}
			if (strings.HasSuffix(name, "_share") || strings.HasSuffix(name, "confidence")) && x > 1 {
				return fmt.Errorf("%s: %v is a share and must be at most 1", name, x)
			}
		}
	}
	return nil
}

// withDefaults returns c with every zero field taken from DefaultConfig.
func (c Config) withDefaults() Config {
	fillZero(reflect.ValueOf(&c).Elem(), reflect.ValueOf(DefaultConfig()))
	return c
}

// fillZero copies def's fields into the zero fields of dst, recursively. It
// is reflection rather than a list of assignments so that a field added to
// Config cannot be forgotten here.
func fillZero(dst, def reflect.Value) {
	for i := range dst.NumField() {
		f := dst.Field(i)
		if f.Kind() == reflect.Struct {
			fillZero(f, def.Field(i))
			continue
		}
		if f.IsZero() {
			f.Set(def.Field(i))
		}
	}
}
