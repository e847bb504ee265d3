package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"time"
)

// maxSpeed caps the speed-up. At 1 the whole cast sends about 45 requests a
// second; the cap keeps it under 500 however large ActorOptions.Speed is, so
// a demo or a test never floods the proxy.
const maxSpeed = 10

// cadence is the pause between two requests of an actor at Speed 1.
type cadence struct {
	lo, hi time.Duration
}

// cadenceOf gives each kind the rhythm of what it imitates: people think
// for a second or two, tools send as fast as their authors throttle them.
func cadenceOf(k Kind) cadence {
	switch k {
	case KindCookieUser, KindJWTUser:
		return cadence{500 * time.Millisecond, 3 * time.Second}
	case KindAttacker:
		return cadence{100 * time.Millisecond, 200 * time.Millisecond} // 5 to 10 a second
	case KindCredentialStuffer:
		return cadence{160 * time.Millisecond, 240 * time.Millisecond} // about 5 a second
	case KindScraper:
		return cadence{40 * time.Millisecond, 60 * time.Millisecond} // about 20 a second
	default:
		return cadence{80 * time.Millisecond, 120 * time.Millisecond} // about 10 a second
	}
}

// pacer spaces an actor's requests. It belongs to one actor's goroutine.
type pacer struct {
	speed float64
	gap   cadence
	rng   *rand.Rand
}

// newPacer clamps speed to (0, maxSpeed]; zero, negative or NaN speeds mean
// human pacing.
func newPacer(speed float64, gap cadence, rng *rand.Rand) pacer {
	switch {
	case math.IsNaN(speed) || speed <= 0:
		speed = 1
	case speed > maxSpeed:
		speed = maxSpeed
	}
	return pacer{speed: speed, gap: gap, rng: rng}
}

// step waits the actor's usual gap between two requests.
func (p pacer) step(ctx context.Context) error { return p.wait(ctx, p.gap.lo, p.gap.hi) }

// wait sleeps for a random duration in [lo, hi] at human pacing, shortened by
// the speed-up. It returns early with the context's error when ctx is done.
func (p pacer) wait(ctx context.Context, lo, hi time.Duration) error {
	d := lo
	if hi > lo {
		d += time.Duration(p.rng.Int64N(int64(hi - lo)))
	}
	t := time.NewTimer(time.Duration(float64(d) / p.speed))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
