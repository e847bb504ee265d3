package human

import (
	"math"
	"strconv"
	"time"
)

// Count renders an integer with thousands separators: 3550 → "3,550".
func Count[T ~int | ~int32 | ~int64 | ~uint32 | ~uint64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) <= 3 {
		if neg {
			return "-" + s
		}
		return s
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	if neg {
		out = append(out, '-')
	}
	head := len(s) % 3
	if head > 0 {
		out = append(out, s[:head]...)
	}
	for i := head; i < len(s); i += 3 {
		if len(out) > 0 && !(neg && len(out) == 1) {
			out = append(out, ',')
		}
		out = append(out, s[i:i+3]...)
	}
	return string(out)
}

// Duration renders a duration with three significant figures at most and a
// unit people read: "850 µs", "37.8 ms", "1.24 s", "4m05s", "3h20m", "2d04h".
func Duration(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d < time.Microsecond:
		s = strconv.FormatInt(int64(d), 10) + " ns"
	case d < time.Millisecond:
		s = sig(float64(d)/float64(time.Microsecond)) + " µs"
	case d < time.Second:
		s = sig(float64(d)/float64(time.Millisecond)) + " ms"
	case d < time.Minute:
		s = sig(float64(d)/float64(time.Second)) + " s"
	case d < time.Hour:
		s = pair(d/time.Minute, "m", d%time.Minute/time.Second, "s")
	case d < 24*time.Hour:
		s = pair(d/time.Hour, "h", d%time.Hour/time.Minute, "m")
	default:
		s = pair(d/(24*time.Hour), "d", d%(24*time.Hour)/time.Hour, "h")
	}
	if neg {
		return "-" + s
	}
	return s
}

// sig renders v (≥ 1, < 1000) with at most three significant figures,
// truncated rather than rounded so 999.96 never reads "1000".
func sig(v float64) string {
	switch {
	case v < 10:
		return strconv.FormatFloat(truncate(v, 100), 'f', -1, 64)
	case v < 100:
		return strconv.FormatFloat(truncate(v, 10), 'f', -1, 64)
	default:
		return strconv.FormatInt(int64(truncate(v, 1)), 10)
	}
}

// truncate cuts v to a multiple of 1/scale. A quotient such as 9120 ms /
// 1 s is 9.1199999… in binary, so what float64 adds below a millionth is
// rounded away first; else 9.12 would read "9.11".
func truncate(v, scale float64) float64 {
	return math.Trunc(math.Round(v*scale*1e6)/1e6) / scale
}

func pair(a time.Duration, ua string, b time.Duration, ub string) string {
	bs := strconv.FormatInt(int64(b), 10)
	if b < 10 {
		bs = "0" + bs
	}
	return strconv.FormatInt(int64(a), 10) + ua + bs + ub
}

// Bytes renders a size in binary units: "512 B", "1.5 KiB", "20.3 MiB".
func Bytes(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n) / unit
	suffixes := []string{"KiB", "MiB", "GiB", "TiB"}
	i := 0
	for v >= unit && i < len(suffixes)-1 {
		v /= unit
		i++
	}
	return sig(v) + " " + suffixes[i]
}

// Time renders an instant relative to now, in now's location: the clock
// alone today ("21:05:59"), the day and clock within the year
// ("Mar 04 21:05"), and the date in an earlier or later year
// ("2015-03-04"). A zero time renders as "-".
func Time(t, now time.Time) string {
	if t.IsZero() {
		return "-"
	}
	t = t.In(now.Location())
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04:05")
	case t.Year() == now.Year():
		return t.Format("Jan 02 15:04")
	default:
		return t.Format("2006-01-02")
	}
}
