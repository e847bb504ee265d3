package human

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 3550: "3,550",
		123456: "123,456", 1234567: "1,234,567", -1234: "-1,234", -999: "-999", -123456: "-123,456",
	} {
		if got := Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		500:                           "500 ns",
		850 * time.Microsecond:        "850 µs",
		37801512 * time.Nanosecond:    "37.8 ms",
		1500 * time.Microsecond:       "1.5 ms",
		999960 * time.Microsecond:     "999 ms",
		1240 * time.Millisecond:       "1.24 s",
		9120 * time.Millisecond:       "9.12 s",
		290 * time.Microsecond * 10:   "2.9 ms",
		4*time.Minute + 5*time.Second: "4m05s",
		3*time.Hour + 20*time.Minute:  "3h20m",
		50 * time.Hour:                "2d02h",
		-1500 * time.Millisecond:      "-1.5 s",
		0:                             "0 ns",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 512: "512 B", 1536: "1.5 KiB", 20 << 20: "20 MiB", 3 << 40: "3 TiB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTime(t *testing.T) {
	now := time.Date(2026, 12, 5, 15, 0, 0, 0, time.UTC)
	for in, want := range map[time.Time]string{
		time.Date(2026, 12, 5, 9, 3, 4, 0, time.UTC):  "09:03:04",
		time.Date(2026, 3, 4, 21, 5, 59, 0, time.UTC): "Mar 04 21:05",
		time.Date(2015, 3, 4, 21, 5, 59, 0, time.UTC): "2015-03-04",
		{}: "-",
	} {
		if got := Time(in, now); got != want {
			t.Errorf("Time(%v) = %q, want %q", in, got, want)
		}
	}
}
