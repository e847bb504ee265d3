package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
)

// startProgress draws a progress line on w while a file imports, if w is a
// terminal: scripts and logs get only the summary. It redraws ten times a
// second from two counters and returns a function that erases the line.
func startProgress(w io.Writer, name string, size int64, read, requests func() int64) (stop func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return func() {}
	}
	width := 80
	if cols, _, err := term.GetSize(f.Fd()); err == nil && cols > 40 {
		width = cols
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		start := time.Now()
		for {
			fmt.Fprint(f, "\r"+progressLine(name, size, read(), requests(), time.Since(start), width))
			select {
			case <-done:
				fmt.Fprint(f, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// progressLine renders "import NAME [=====>    ] 45%  123456 requests  52000/s",
// cut to width. The bar follows the bytes read from the file, compressed or
// not, which is the only measure of a stream known in advance.
func progressLine(name string, size, read, requests int64, elapsed time.Duration, width int) string {
	rate := ""
	if s := elapsed.Seconds(); s >= 1 {
		rate = fmt.Sprintf("  %.0f/s", float64(requests)/s)
	}
	tail := fmt.Sprintf("  %d requests%s", requests, rate)
	head := "import " + name + " "
	barWidth := width - len(head) - len(tail) - 8
	bar := ""
	if size > 0 && barWidth >= 10 {
		frac := min(float64(read)/float64(size), 1)
		filled := int(frac * float64(barWidth))
		bar = "[" + strings.Repeat("=", filled) + strings.Repeat(" ", barWidth-filled) + "]" + fmt.Sprintf(" %3.0f%%", frac*100)
	}
	line := head + bar + tail
	if len(line) >= width {
		line = line[:width-1]
	}
	return line
}
