package abuse

import (
	"math"
	"slices"
)

// Sizes of a distinct counter. Up to exactCap values it is exact, which is
// where every threshold lives; past it a bitmap of linearBits estimates the
// count by linear counting to within a few percent up to tens of thousands,
// so a scraper's thousand product pages cost half a kilobyte, not a set.
const (
	exactCap   = 64
	linearBits = 4096
)

// distinct counts distinct values by their 64-bit hashes in bounded memory.
// The zero value is an empty counter.
type distinct struct {
	exact []uint64 // sorted, while the counter is exact
	bits  []uint64 // the linear-counting bitmap, once exact overflowed
	set   int      // bits set in bits
}

// add records h and reports whether it was new. Once the counter estimates,
// "new" means a new bit, which undercounts only on collisions.
func (d *distinct) add(h uint64) bool {
	if d.bits == nil {
		i, found := slices.BinarySearch(d.exact, h)
		if found {
			return false
		}
		if len(d.exact) < exactCap {
			d.exact = slices.Insert(d.exact, i, h)
			return true
		}
		d.bits = make([]uint64, linearBits/64)
		for _, e := range d.exact {
			d.setBit(e)
		}
		d.exact = nil
	}
	return d.setBit(h)
}

// emptied returns an empty counter that reuses d's exact storage; d must
// not be used afterwards.
func (d *distinct) emptied() distinct { return distinct{exact: d.exact[:0]} }

func (d *distinct) setBit(h uint64) bool {
	// The low bits of FNV-1a mix poorly for short inputs; fold the high
	// half in before picking the bit.
	b := (h ^ h>>32) % linearBits
	w, m := b/64, uint64(1)<<(b%64)
	if d.bits[w]&m != 0 {
		return false
	}
	d.bits[w] |= m
	d.set++
	return true
}

// has reports whether h was added; once estimating, it may say yes for a
// value never added.
func (d *distinct) has(h uint64) bool {
	if d.bits == nil {
		_, found := slices.BinarySearch(d.exact, h)
		return found
	}
	b := (h ^ h>>32) % linearBits
	return d.bits[b/64]&(uint64(1)<<(b%64)) != 0
}

// estimated reports whether count is an estimate rather than exact.
func (d *distinct) estimated() bool { return d.bits != nil }

// count returns the number of distinct values added, exact up to exactCap.
func (d *distinct) count() int {
	if d.bits == nil {
		return len(d.exact)
	}
	zero := linearBits - d.set
	if zero == 0 {
		zero = 1 // saturated: report the largest count the bitmap can tell
	}
	est := -linearBits * math.Log(float64(zero)/linearBits)
	return max(exactCap, int(math.Round(est)))
}

// FNV-1a parameters, for hashing strings without allocating.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashString returns the FNV-1a hash of s.
func hashString(s string) uint64 { return hashMore(fnvOffset, s) }

// hashMore continues an FNV-1a hash with s, so that two strings hash as
// their concatenation without building it.
func hashMore(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// hashByte continues an FNV-1a hash with one byte.
func hashByte(h uint64, c byte) uint64 { return (h ^ uint64(c)) * fnvPrime }
