package sequence

import (
	"time"

	"github.com/spoorhq/spoor/internal/human"
)

// offset renders how long after the session's start a request came, in
// internal/human's units so that it reads as every other duration does:
// "+182 ms", "+12.3 s", "+2m03s". Values are truncated, not rounded, so
// 59.96 s never shows as "+60 s".
func offset(d time.Duration) string {
	switch {
	case d < 0:
		return human.Duration(d)
	case d == 0:
		return "+0 s"
	}
	return "+" + human.Duration(d)
}

// latency renders a request's duration: "850 µs", "37.8 ms", "30 s".
func latency(d time.Duration) string { return human.Duration(d) }

// size renders a byte count in binary units: "512 B", "1.5 KiB".
func size(n int64) string { return human.Bytes(n) }
