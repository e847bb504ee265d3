package query

import (
	"errors"
	"fmt"
	"slices"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/filter"
)

// VocabularySource is the read side a filter vocabulary comes from: the
// values the indexes file, and the exchanges for their methods, which no
// index keeps. The store satisfies it.
type VocabularySource interface {
	SessionIDsMatching(field string, accept func(string) bool) ([]string, error)
	ExchangesPage(after uint64, limit int) ([]engine.Exchange, error)
}

// Seen returns the attack and abuse types and the flows the store's
// indexes file. Each lookup visits every distinct value once per epoch and
// refuses it, so no session id is read: the cost grows with the number of
// values, not with the traffic.
func Seen(src VocabularySource) (filter.Vocabulary, error) {
	var v filter.Vocabulary
	for _, f := range []struct {
		field string
		into  *[]string
	}{{"attack", &v.Attacks}, {"abuse", &v.Abuses}, {"flow", &v.Flows}} {
		_, err := src.SessionIDsMatching(f.field, func(value string) bool {
			if !slices.Contains(*f.into, value) {
				*f.into = append(*f.into, value)
			}
			return false
		})
		if err != nil {
			return filter.Vocabulary{}, fmt.Errorf("read the %s values the store holds: %w", f.field, err)
		}
		slices.Sort(*f.into)
	}
	return v, nil
}

// MethodScan reads the methods of the stored exchanges a page at a time,
// in capture order, remembering where it stopped so that a live view can
// read only what was captured since.
type MethodScan struct {
	// After is the id of the last exchange read.
	After   uint64
	Methods []string
}

// methodPage is how many exchanges one read of a MethodScan takes.
const methodPage = 2000

// Next reads up to limit exchanges after s.After (all of them if limit
// is 0) and reports whether more remain.
func (s *MethodScan) Next(src VocabularySource, limit int) (more bool, err error) {
	for read := 0; limit <= 0 || read < limit; {
		n := methodPage
		if limit > 0 {
			n = min(n, limit-read)
		}
		xs, err := src.ExchangesPage(s.After, n)
		if err != nil {
			return false, fmt.Errorf("read the methods the store holds: %w", err)
		}
		for i := range xs {
			if m := xs[i].Method; m != "" && !slices.Contains(s.Methods, m) {
				s.Methods = append(s.Methods, m)
			}
			s.After = xs[i].ID
		}
		read += len(xs)
		if len(xs) < n {
			return false, nil
		}
	}
	return true, nil
}

// ReadVocabulary is what exists for a filter on src: the catalogue's
// types and the registered methods, the flows configured (nil when the
// configuration is unknown), and the types and flows the store holds.
// Methods are read from the exchanges only with methods set, because that
// reads the whole log; ParseChecked does it only for a method the rest
// does not know.
func ReadVocabulary(src VocabularySource, configured []string, methods bool) (*filter.Vocabulary, error) {
	seen, err := Seen(src)
	if err != nil {
		return nil, err
	}
	if methods {
		var scan MethodScan
		if _, err := scan.Next(src, 0); err != nil {
			return nil, err
		}
		seen.Methods = scan.Methods
	}
	return Combine(configured, seen), nil
}

// Combine is the vocabulary of the catalogue, the flows configured (nil
// when the configuration is unknown) and what the store holds. Without the
// configuration flows stay unchecked: the store's alone would refuse one
// configured but not reached yet.
func Combine(configured []string, seen filter.Vocabulary) *filter.Vocabulary {
	v := filter.DefaultVocabulary()
	if configured != nil {
		v = v.With(filter.Vocabulary{Flows: configured})
	} else {
		seen.Flows = nil
	}
	return v.With(seen)
}

// ParseChecked parses expr against what exists on src: the vocabulary
// without the methods first, and again with the methods the log holds
// when a method is the only thing unknown. An error is a *filter.Error
// (the expression is wrong) or a read error.
func ParseChecked(src VocabularySource, expr string, configured []string, opts filter.Options) (*filter.Filter, error) {
	vocab, err := ReadVocabulary(src, configured, false)
	if err != nil {
		return nil, err
	}
	opts.Vocabulary = vocab
	f, err := filter.ParseOptions(expr, opts)
	var fe *filter.Error
	if !errors.As(err, &fe) || fe.Field != "method" {
		return f, err
	}
	if opts.Vocabulary, err = ReadVocabulary(src, configured, true); err != nil {
		return nil, err
	}
	return filter.ParseOptions(expr, opts)
}
