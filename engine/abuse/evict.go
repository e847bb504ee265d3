package abuse

import (
	"slices"
	"time"
)

// Evict forgets the sessions, keys and addresses idle for longer than the
// configured times at now, an exchange time. Observe sweeps on its own
// schedule (see sweep), so a caller need not; Evict is exported for a
// pipeline that wants to sweep on its own. A session that closes ordinary
// (without a verdict) feeds the baselines as it goes.
func (t *Tracker) Evict(now time.Time) {
	t.lastSweep, t.lastKeySweep, t.lastIPSweep = now, now, now
	t.evictSessions(now)
	t.evictKeys(now)
	t.evictIPs(now)
}

// sweep is Observe's eviction, every Memory.SweepEvery of exchange time.
// Sessions go as soon as they are idle, since closing one feeds the
// baselines; keys and addresses, kept for hours, are swept every eighth of
// their idle time, so that an import whose lines are a minute apart does
// not walk thousands of keys at every other line. They stay at most an
// eighth longer than configured, and the Max caps bound them meanwhile.
func (t *Tracker) sweep(now time.Time) {
	mem := &t.cfg.Memory
	t.lastSweep = now
	t.evictSessions(now)
	if now.Sub(t.lastKeySweep) >= max(mem.KeyIdle/8, mem.SweepEvery) {
		t.lastKeySweep = now
		t.evictKeys(now)
	}
	if now.Sub(t.lastIPSweep) >= max(mem.IPIdle/8, mem.SweepEvery) {
		t.lastIPSweep = now
		t.evictIPs(now)
	}
}

func (t *Tracker) evictSessions(now time.Time) {
	t.idleSessions.expire(now, t.cfg.Memory.SessionIdle, t.forget)
}

func (t *Tracker) evictKeys(now time.Time) { t.idleKeys.expire(now, t.cfg.Memory.KeyIdle, nil) }

func (t *Tracker) evictIPs(now time.Time) { t.idleIPs.expire(now, t.cfg.Memory.IPIdle, nil) }

// Len returns how many sessions, keys and addresses the tracker holds.
func (t *Tracker) Len() (sessions, keys, ips int) {
	return len(t.sessions), len(t.keys), len(t.ips)
}

// trim drops the least recently active quarter of a map that reached its
// cap, calling drop (if set) on each entry before it goes. Sorting is
// O(n log n) but runs once per n/4 insertions, so its cost per insertion
// stays logarithmic.
func trim[T any](m map[string]*T, capacity int, last func(*T) time.Time, drop func(*T)) {
	times := make([]time.Time, 0, len(m))
	for _, v := range m {
		times = append(times, last(v))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	keep := capacity * 3 / 4
	cut := times[max(len(times)-keep, 0)]
	// The first pass drops what is strictly older than the cut; the second
	// breaks ties at the cut, so that entries sharing one time (an import
	// with second resolution) cannot keep the map full.
	for _, older := range [...]func(time.Time) bool{
		func(t time.Time) bool { return t.Before(cut) },
		func(t time.Time) bool { return !t.After(cut) },
	} {
		for k, v := range m {
			if len(m) <= keep {
				return
			}
			if older(last(v)) {
				if drop != nil {
					drop(v)
				}
				delete(m, k)
			}
		}
	}
}

// forget closes a session the tracker no longer holds and keeps its state
// for reuse. Nothing refers to a forgotten state: the verdicts it handed
// out are never edited, only replaced.
func (t *Tracker) forget(ss *sessionState) {
	t.close(ss)
	if len(t.free) < maxFreeSessions {
		ss.reset()
		t.free = append(t.free, ss)
	}
}

// close feeds the baselines with a closing session, if it is long enough
// to say something and drew no verdict.
func (t *Tracker) close(ss *sessionState) {
	if ss.n < t.cfg.Baseline.MinRequests {
		return
	}
	m := &t.scratch
	var f findings
	t.score(ss, m, &f)
	if f.emitted(t.cfg.MinConfidence, t.cfg.MinEvidence) {
		return
	}
	b := &t.base
	if ss.n >= t.cfg.Rate.MinRequests {
		b.rate.add(ss.rate())
	}
	if m[dRegularity].what != "" {
		b.cv.add(m[dRegularity].value)
	}
	n := float64(ss.n)
	if ss.n >= t.cfg.Endpoints.MinRequests {
		b.uniqueShare.add(float64(ss.resources.count()) / n)
	}
	b.breadth.add(float64(ss.endpoints.count()))
	b.harvest.add(float64(ss.harvested.count()))
	if ss.n >= t.cfg.Errors.MinRequests {
		b.clientErrors.add(float64(ss.clientErrors) / n)
		b.notFound.add(float64(ss.notFound) / n)
	}
	if tp := ss.walked(); tp != nil {
		b.objectIDs.add(float64(tp.ids.count()))
	} else {
		b.objectIDs.add(0)
	}
	if ss.n >= t.cfg.Resources.MinRequests {
		b.bytesPerRequest.add(float64(ss.respBytes) / n)
		b.secondsPerRequest.add(ss.serverTime.Seconds() / n)
	}
}
