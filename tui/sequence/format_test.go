package sequence

import (
	"testing"
	"time"
)

func TestOffset(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                             "+0.000s",
		182 * time.Millisecond:        "+0.182s",
		9999 * time.Millisecond:       "+9.999s",
		12300 * time.Millisecond:      "+12.3s",
		59960 * time.Millisecond:      "+59.9s",
		2*time.Minute + 3*time.Second: "+2m03s",
		time.Hour + 2*time.Minute + 59*time.Second: "+1h02m",
		-1500 * time.Millisecond:                   "-1.500s",
	} {
		if got := offset(d); got != want {
			t.Errorf("offset(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestLatency(t *testing.T) {
	for d, want := range map[time.Duration]string{
		200 * time.Microsecond:  "0.2ms",
		3400 * time.Microsecond: "3.4ms",
		41 * time.Millisecond:   "41ms",
		30 * time.Second:        "30000ms",
	} {
		if got := latency(d); got != want {
			t.Errorf("latency(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		0:         "0B",
		1023:      "1023B",
		1536:      "1.5KB",
		2_400_000: "2.3MB",
		5 << 40:   "5.0TB",
	} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}
