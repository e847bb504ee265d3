package workstation

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// Source is an input file, hashed before it is read for import so that a
// file imported before is recognised without writing anything.
type Source struct {
	name string
	file *os.File
	size int64
	hash string
	read atomic.Int64 // bytes read so far, for a progress bar
	temp bool         // the file is a spooled copy of standard input
	once sync.Once
}

// OpenSource opens a file, or for "-" spools stdin to a temporary file:
// its hash must be known before the import starts, and a pipe can be read
// only once. Errors start with "import NAME:".
func OpenSource(name string, stdin io.Reader) (*Source, error) {
	src := &Source{name: name}
	h := sha256.New()
	if name == "-" {
		src.name = "stdin"
		f, err := os.CreateTemp("", "spoor-import-*")
		if err != nil {
			return nil, fmt.Errorf("import stdin: spool to a temporary file: %w", err)
		}
		src.file, src.temp = f, true
		if _, err := io.Copy(io.MultiWriter(f, h), stdin); err != nil {
			src.Close()
			return nil, fmt.Errorf("import stdin: %w", err)
		}
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", name, unwrapPath(err))
		}
		src.file = f
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			src.Close()
			return nil, fmt.Errorf("import %s: is a directory", name)
		}
		if _, err := io.Copy(h, f); err != nil {
			src.Close()
			return nil, fmt.Errorf("import %s: %w", name, unwrapPath(err))
		}
	}
	size, err := src.file.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = src.file.Seek(0, io.SeekStart)
	}
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("import %s: %w", src.name, err)
	}
	src.size = size
	src.hash = hex.EncodeToString(h.Sum(nil))
	return src, nil
}

// Name is the file's name, "stdin" for standard input.
func (s *Source) Name() string { return s.name }

// Size is the file's size in bytes.
func (s *Source) Size() int64 { return s.size }

// Hash is the SHA-256 of the content, in hex.
func (s *Source) Hash() string { return s.hash }

// BytesRead is how much of the file the import has read so far.
func (s *Source) BytesRead() int64 { return s.read.Load() }

func (s *Source) Read(p []byte) (int, error) {
	n, err := s.file.Read(p)
	s.read.Add(int64(n))
	return n, err
}

// rewind goes back to the start of the file, for the import after a look
// at its first bytes.
func (s *Source) rewind() error {
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("import %s: %w", s.name, err)
	}
	s.read.Store(0)
	return nil
}

// Close closes the file and removes a spooled copy of standard input.
func (s *Source) Close() {
	s.once.Do(func() {
		s.file.Close()
		if s.temp {
			os.Remove(s.file.Name())
		}
	})
}

// unwrapPath drops the *os.PathError wrapper, whose message would repeat
// the file name the caller already gives.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
