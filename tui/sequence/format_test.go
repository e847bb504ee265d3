package sequence

import (
	"testing"
	"time"
)

func TestOffset(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                             "+0 s",
		182 * time.Millisecond:        "+182 ms",
		9999 * time.Millisecond:       "+9.99 s",
		12300 * time.Millisecond:      "+12.3 s",
		59960 * time.Millisecond:      "+59.9 s",
		2*time.Minute + 3*time.Second: "+2m03s",
		time.Hour + 2*time.Minute + 59*time.Second: "+1h02m",
		-1500 * time.Millisecond:                   "-1.5 s",
	} {
		if got := offset(d); got != want {
			t.Errorf("offset(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestLatency(t *testing.T) {
	for d, want := range map[time.Duration]string{
		200 * time.Microsecond:     "200 µs",
		3400 * time.Microsecond:    "3.4 ms",
		37801512 * time.Nanosecond: "37.8 ms",
		41 * time.Millisecond:      "41 ms",
		30 * time.Second:           "30 s",
	} {
		if got := latency(d); got != want {
			t.Errorf("latency(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		0:         "0 B",
		1023:      "1023 B",
		1536:      "1.5 KiB",
		2_400_000: "2.28 MiB",
		5 << 40:   "5 TiB",
	} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}
