package store

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkOpenFirstPageCold is BenchmarkOpenFirstPage with the file
// dropped from the page cache before each open, as after a reboot: every
// page the open and the first page read comes from the disk.
func BenchmarkOpenFirstPageCold(b *testing.B) {
	dir := largeBench(b)
	path := largeStore(b, dir, 1_000_000, 700)
	for range b.N {
		b.StopTimer()
		evict(b, path)
		b.StartTimer()
		openFirstPage(b, path, true)
	}
}

// evict asks the kernel to drop the file's clean pages from its cache.
func evict(b *testing.B, path string) {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		b.Fatal(err)
	}
}
