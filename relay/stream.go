package relay

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// DefaultStream is the stream's name when none is given.
const DefaultStream = "spoor"

// DefaultDuplicates is the stream's duplicate window: a message published
// again with the same Nats-Msg-Id within it is stored once.
const DefaultDuplicates = 2 * time.Minute

// StreamOptions name the stream and the limits it is created with.
type StreamOptions struct {
	// Name is the stream, DefaultStream when empty; exchanges are
	// published on Name.x.NODE.
	Name string
	// MaxAge is how long the stream keeps a message (the retention of the
	// capture); zero keeps them until MaxBytes.
	MaxAge time.Duration
	// MaxBytes bounds the stream's size; the oldest messages go first.
	// Zero or less leaves it unbounded.
	MaxBytes int64
}

func (o StreamOptions) name() string {
	if o.Name == "" {
		return DefaultStream
	}
	return o.Name
}

// subject is the subject node's exchanges are published on.
func (o StreamOptions) subject(node string) string { return o.name() + ".x." + node }

// config is the stream's configuration: file storage, the limits, and
// the duplicate window (no longer than MaxAge, which JetStream requires).
func (o StreamOptions) config() jetstream.StreamConfig {
	dup := DefaultDuplicates
	if o.MaxAge > 0 && o.MaxAge < dup {
		dup = o.MaxAge
	}
	maxBytes := o.MaxBytes
	if maxBytes <= 0 {
		maxBytes = -1
	}
	return jetstream.StreamConfig{
		Name:        o.name(),
		Description: "spoor: exchanges captured by spoor proxy --publish",
		Subjects:    []string{o.name() + ".x.*"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      o.MaxAge,
		MaxBytes:    maxBytes,
		Duplicates:  dup,
	}
}

// ensure creates the stream, or updates its limits to o's.
func (o StreamOptions) ensure(ctx context.Context, js jetstream.JetStream) (jetstream.Stream, error) {
	s, err := js.CreateOrUpdateStream(ctx, o.config())
	if err != nil {
		return nil, fmt.Errorf("create stream %s: %w", o.name(), err)
	}
	return s, nil
}
