package main

import (
	"bufio"
	"embed"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
)

// Floors of the robustness and tricky-benign sets.
const (
	minRobustRecall = 0.90 // per family, both tiers
	maxTrickyFPR    = 0.03 // share of tricky benign values tagged, both tiers
)

// The robustness families.
const (
	robustSQLi      = "sqli"
	robustXSS       = "xss"
	robustTraversal = "path_traversal"
	robustCmdi      = "cmd_injection"
)

//go:embed testdata/robust/*.txt testdata/tricky_benign.txt
var evalData embed.FS

// robustRow is one family's recall on the robustness set.
type robustRow struct {
	name          string
	seeds, shapes int
	recall        count
	// byMutation counts recall per mutation ("seed" and "shape" for the
	// unmutated payloads).
	byMutation map[string]*count
	order      []string
	missed     []string
}

// variant is one payload of the robustness set and how it was made.
type variant struct {
	payload, mutation string
}

// robustFamilies lists the families: the spoor types that count as a
// detection, the corpus seeds, and the file of hand-written shapes.
func robustFamilies() []struct {
	name  string
	types []string
	file  string
} {
	return []struct {
		name  string
		types []string
		file  string
	}{
		{robustSQLi, []string{engine.AttackSQLi}, "sqli.txt"},
		{robustXSS, []string{engine.AttackXSS}, "xss.txt"},
		{robustTraversal, []string{engine.AttackPathTraversal, engine.AttackLFI}, "traversal.txt"},
		{robustCmdi, []string{engine.AttackCmdInjection, engine.AttackCodeInjection}, "cmdi.txt"},
	}
}

// robustness builds the robustness set, from corpus payloads that both
// tiers tag in their own form (seeds) and from the hand-written shapes of
// testdata/robust, each mutated as wordlists spell attacks; then measures
// recall per family.
func (rep *report) robustness(cfg config, d *detect.Detector, seeds map[string][]string) error {
	for _, f := range robustFamilies() {
		shapes, err := readLines("testdata/robust/" + f.file)
		if err != nil {
			return err
		}
		kept, err := taggedSeeds(d, seeds[f.name], f.types, cfg.workers)
		if err != nil {
			return err
		}
		row := &robustRow{name: f.name, seeds: len(kept), shapes: len(shapes), byMutation: map[string]*count{}}
		var vs []variant
		seen := map[string]bool{}
		add := func(p, m string) {
			if p == "" || seen[p] {
				return
			}
			seen[p] = true
			vs = append(vs, variant{p, m})
		}
		muts := append(familyMutations(f.name), commonMutations()...)
		for _, group := range []struct {
			name     string
			payloads []string
		}{{"seed", kept}, {"shape", shapes}} {
			for _, p := range group.payloads {
				add(p, group.name)
				for _, m := range muts {
					add(m.fn(p), m.name)
				}
			}
		}
		payloads := make([]string, len(vs))
		for i, v := range vs {
			payloads[i] = v.payload
		}
		out, err := analyse(d, valueExchanges(payloads), cfg.workers)
		if err != nil {
			return err
		}
		for i, o := range out {
			match := typed(f.types...)
			t1, all := match(o.tier1), match(o.all)
			row.recall.add(o, match)
			c := row.byMutation[vs[i].mutation]
			if c == nil {
				c = &count{}
				row.byMutation[vs[i].mutation] = c
				row.order = append(row.order, vs[i].mutation)
			}
			c.add(o, match)
			missed := !all
			switch {
			case cfg.tier1Misses:
				missed = !t1
			case cfg.screenedMisses:
				missed = !match(o.screened)
			}
			if missed && cfg.misses != "" && strings.Contains("robust-"+f.name, cfg.misses) {
				row.missed = append(row.missed, fmt.Sprintf("%s %q", vs[i].mutation, vs[i].payload))
			}
		}
		rep.robust = append(rep.robust, row)
	}
	return nil
}

// taggedSeeds keeps the payloads both tiers tag with one of the types in
// their corpus form: the corpora hold lines that are not attacks on their
// own (fuzz fragments, benign parameters of a regression request), and a
// robustness set asks whether a detection survives a rewrite.
func taggedSeeds(d *detect.Detector, payloads []string, types []string, workers int) ([]string, error) {
	out, err := analyse(d, valueExchanges(payloads), workers)
	if err != nil {
		return nil, err
	}
	var kept []string
	for i, o := range out {
		if hasType(o.all, types...) {
			kept = append(kept, payloads[i])
		}
	}
	return kept, nil
}

// corpusSeeds collects seed payloads per robustness family: every
// seedStride-th line of libinjection's SQLi and XSS lists (decoded), and
// the query and form values of the CRS regression stages of the path
// traversal (930) and command injection (932) rule files, at most
// seedsPerRule of one rule's tests, so that the long test list of one
// rule (932140 tests a hundred Windows FOR and IF forms) does not
// outweigh the family.
func corpusSeeds(cfg config) (map[string][]string, error) {
	const (
		seedStride   = 8
		seedsPerRule = 12
	)
	perRule := map[int]int{}
	seeds := map[string][]string{}
	dir := filepath.Join(cfg.corpora, "libinjection")
	for _, c := range []struct{ pattern, fam string }{{"sqli-*.txt", robustSQLi}, {"xss-*.txt", robustXSS}} {
		lines, err := payloadLists(dir, c.pattern)
		if err != nil {
			return nil, err
		}
		for i := 0; i < len(lines); i += seedStride {
			v, err := url.QueryUnescape(lines[i])
			if err != nil {
				v = lines[i]
			}
			seeds[c.fam] = append(seeds[c.fam], v)
		}
	}
	stages, err := readStages(filepath.Join(cfg.corpora, "crs-regression", "crs_regression_tests.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, s := range stages {
		var fam string
		switch s.RuleID / 1000 {
		case 930:
			fam = robustTraversal
		case 932:
			fam = robustCmdi
		default:
			continue
		}
		if len(s.ExpectIDs) == 0 {
			continue
		}
		x, err := stageExchange(s)
		if err != nil {
			return nil, err
		}
		vals := queryValues(x.Query)
		if strings.HasPrefix(x.ReqHeader("Content-Type"), "application/x-www-form-urlencoded") {
			vals = append(vals, queryValues(string(x.ReqBody.Data))...)
		}
		for _, v := range vals {
			if len(v) < 3 || seen[fam+v] || perRule[s.RuleID] >= seedsPerRule {
				continue
			}
			seen[fam+v] = true
			perRule[s.RuleID]++
			seeds[fam] = append(seeds[fam], v)
		}
	}
	return seeds, nil
}

// tricky measures false positives on the hand-written tricky benign
// values: prose with SQL words, shell commands in sentences, relative
// paths, code in comments.
func (rep *report) tricky(cfg config, d *detect.Detector) error {
	values, err := readLines("testdata/tricky_benign.txt")
	if err != nil {
		return err
	}
	out, err := analyse(d, valueExchanges(values), cfg.workers)
	if err != nil {
		return err
	}
	for i, o := range out {
		rep.trickyAny.add(o, anyTag)
		for _, t := range o.all {
			rep.trickyRules[t.Rule+" "+t.Type]++
		}
		if len(o.all) > 0 {
			var rules []string
			for _, t := range o.all {
				rules = append(rules, t.Rule)
			}
			rep.trickyTagged = append(rep.trickyTagged, fmt.Sprintf("%s  %q", strings.Join(rules, ","), values[i]))
		}
	}
	return nil
}

// readLines reads an embedded file: one value per line, blank lines and
// lines starting with "# " skipped.
func readLines(name string) ([]string, error) {
	f, err := evalData.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), "\r")
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return lines, nil
}

// valueExchanges sends each value as the value of one query parameter,
// encoded as a client encodes it: GET /search?q=<value>.
func valueExchanges(values []string) []*engine.Exchange {
	escaped := make([]string, len(values))
	for i, v := range values {
		escaped[i] = url.QueryEscape(v)
	}
	return queryExchanges(escaped)
}
