package abuse

import "math"

// The sketch's buckets grow geometrically by sketchRatio from sketchMin, so
// that one fixed array covers shares (0.01), rates (0.1/s to 1000/s), server
// seconds and response bytes (up to 10 GB) with a relative error of about
// ten percent, which is plenty for a baseline shown as "14× above".
const (
	sketchBuckets = 192
	sketchMin     = 1e-4
	sketchRatio   = 1.2
	// sketchHalfLife is the count at which every bucket is halved, so that
	// the baseline follows traffic as it changes instead of averaging the
	// whole capture.
	sketchHalfLife = 1 << 14
)

// sketch is a small streaming quantile sketch: a histogram over
// geometrically growing buckets. Adding is O(1) without allocation, and the
// memory is fixed whatever the traffic.
type sketch struct {
	counts [sketchBuckets]uint32
	n      uint32
	// median caches quantile(0.5) until the next add: every scoring reads
	// the medians, and sessions close, changing them, far less often.
	median    float64
	medianSet bool
}

// logRatio is ln(sketchRatio); TestSketchConstants keeps the two in step.
const logRatio = 0.1823215567939546

func bucketOf(v float64) int {
	if !(v > sketchMin) { // also catches NaN
		return 0
	}
	// Clamp before converting: an infinite value must not wrap around.
	b := 1 + math.Log(v/sketchMin)/logRatio
	return int(min(b, sketchBuckets-1))
}

// bucketValue is the geometric middle of bucket b, what a quantile reports.
func bucketValue(b int) float64 {
	if b == 0 {
		return 0
	}
	return sketchMin * math.Pow(sketchRatio, float64(b-1)+0.5)
}

// add counts v.
func (k *sketch) add(v float64) {
	k.medianSet = false
	k.counts[bucketOf(v)]++
	k.n++
	if k.n >= sketchHalfLife {
		k.n = 0
		for i := range k.counts {
			k.counts[i] /= 2
			k.n += k.counts[i]
		}
	}
}

// quantile returns the q-quantile (0.5 for the median) of what was added,
// or 0 for an empty sketch.
func (k *sketch) quantile(q float64) float64 {
	if k.n == 0 {
		return 0
	}
	rank := uint32(math.Ceil(q * float64(k.n)))
	rank = max(rank, 1)
	var seen uint32
	for b, c := range k.counts {
		seen += c
		if seen >= rank {
			return bucketValue(b)
		}
	}
	return bucketValue(sketchBuckets - 1)
}

// baselines are the medians of ordinary sessions, one sketch per measured
// feature. A session feeds them once, when it closes, and only if it drew
// no verdict: a scraper sending half the traffic must not teach the
// baseline that scraping is normal.
type baselines struct {
	rate, cv, uniqueShare, breadth, harvest sketch
	clientErrors, notFound, objectIDs       sketch
	bytesPerRequest, secondsPerRequest      sketch
	minSessions                             uint32
}

// median returns the median of k once it has heard from enough sessions,
// def until then.
func (b *baselines) median(k *sketch, def float64) float64 {
	if k.n < b.minSessions {
		return def
	}
	if !k.medianSet {
		k.median, k.medianSet = k.quantile(0.5), true
	}
	return k.median
}
