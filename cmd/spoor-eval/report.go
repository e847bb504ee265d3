package main

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/detect"
)

// Floors below which the evaluation fails.
const (
	minRecallPL1    = 0.95  // sqli, xss, path traversal, cmd injection at PL1
	maxBenignLogFPR = 0.005 // share of benign log requests tagged
)

// floorFamilies are the CRS families whose PL1 recall must reach
// minRecallPL1.
var floorFamilies = []string{"sqli (942)", "xss (941)", "path_traversal/lfi (930)", "cmd_injection (932)"}

// count is a hit count out of a total, for tier 1 alone, for both tiers
// as an import screens them, and for both tiers on everything.
type count struct {
	n, tier1, screened, all int
}

// add counts o by whether match holds for each of its tag lists.
func (c *count) add(o outcome, match func([]engine.AttackTag) bool) {
	c.n++
	if match(o.tier1) {
		c.tier1++
	}
	if match(o.screened) {
		c.screened++
	}
	if match(o.all) {
		c.all++
	}
}

// plus is the sum of two counts.
func (c count) plus(d count) count {
	return count{c.n + d.n, c.tier1 + d.tier1, c.screened + d.screened, c.all + d.all}
}

func ratio(k, n int) float64 {
	if n == 0 {
		return 0
	}
	return float64(k) / float64(n)
}

// familyRow is one family's recall in the three CRS runs.
type familyRow struct {
	name     string
	pl1      count // stages of PL1 rules, detector at PL1
	allAtPL1 count // every stage, detector at PL1
	allAtPL4 count // every stage, detector at PL4
	pl4Ran   bool
}

// report holds every figure the command prints.
type report struct {
	families             []*familyRow
	sqli, xss            count
	fpSQLi, fpAny        count // libinjection false_positives.txt
	logAny               count // benign access log, any tag
	logChecked           int   // of which screening sends to tier 2
	logBad               int
	logRules             map[string]int
	fpRules              map[string]int
	logTagged            []string
	missed               []string
	stagesPL1, stagesAll int
	robust               []*robustRow
	trickyAny            count // hand-written tricky benign values, any tag
	trickyRules          map[string]int
	trickyTagged         []string
	elapsed              time.Duration
	workers              int
}

// evaluate runs every corpus.
func evaluate(cfg config) (*report, error) {
	rep := &report{workers: cfg.workers, logRules: map[string]int{}, fpRules: map[string]int{}, trickyRules: map[string]int{}}
	pl1, err := detect.New(detect.Options{Paranoia: 1})
	if err != nil {
		return nil, err
	}
	if err := rep.crs(cfg, pl1); err != nil {
		return nil, err
	}
	if err := rep.libinjection(cfg, pl1); err != nil {
		return nil, err
	}
	seeds, err := corpusSeeds(cfg)
	if err != nil {
		return nil, err
	}
	if err := rep.robustness(cfg, pl1, seeds); err != nil {
		return nil, err
	}
	if err := rep.tricky(cfg, pl1); err != nil {
		return nil, err
	}
	// The log records User-Agent and Referer only; the rules that fire on
	// a missing header would tag every line for what the log left out.
	partial, err := detect.New(detect.Options{Paranoia: 1, PartialHeaders: true})
	if err != nil {
		return nil, err
	}
	if err := rep.accessLog(cfg, partial); err != nil {
		return nil, err
	}
	return rep, nil
}

// crs scores recall on the regression stages that expect a rule to fire.
func (rep *report) crs(cfg config, pl1 *detect.Detector) error {
	stages, err := readStages(filepath.Join(cfg.corpora, "crs-regression", "crs_regression_tests.jsonl.gz"))
	if err != nil {
		return err
	}
	var xs []*engine.Exchange
	var kept []stage
	for _, s := range stages {
		if len(s.ExpectIDs) == 0 {
			continue
		}
		if stageFamily(s).name == "" {
			continue
		}
		x, err := stageExchange(s)
		if err != nil {
			return err
		}
		xs, kept = append(xs, x), append(kept, s)
	}
	out1, err := analyse(pl1, xs, cfg.workers)
	if err != nil {
		return err
	}
	var out4 []outcome
	if cfg.pl4 {
		pl4, err := detect.New(detect.Options{Paranoia: 4})
		if err != nil {
			return err
		}
		if out4, err = analyse(pl4, xs, cfg.workers); err != nil {
			return err
		}
	}
	rows := map[string]*familyRow{}
	for i, s := range kept {
		f := stageFamily(s)
		row := rows[f.name]
		if row == nil {
			row = &familyRow{name: f.name, pl4Ran: cfg.pl4}
			rows[f.name] = row
			rep.families = append(rep.families, row)
		}
		match := typed(f.types...)
		t1, all := match(out1[i].tier1), match(out1[i].all)
		if s.Paranoia <= 1 {
			row.pl1.add(out1[i], match)
			rep.stagesPL1++
			missed := !all
			switch {
			case cfg.tier1Misses:
				missed = !t1
			case cfg.screenedMisses:
				missed = !match(out1[i].screened)
			}
			if missed && cfg.misses != "" && strings.Contains(f.name, cfg.misses) {
				rep.missed = append(rep.missed, describeMiss(s, xs[i], out1[i].all))
			}
		}
		row.allAtPL1.add(out1[i], match)
		rep.stagesAll++
		if cfg.pl4 {
			row.allAtPL4.add(out4[i], match)
		}
	}
	sort.Slice(rep.families, func(i, j int) bool { return rep.families[i].name < rep.families[j].name })
	return nil
}

// libinjection scores recall on the SQLi and XSS lists and false positives
// on the benign list.
func (rep *report) libinjection(cfg config, d *detect.Detector) error {
	dir := filepath.Join(cfg.corpora, "libinjection")
	for _, c := range []struct {
		pattern string
		typ     string
		into    *count
	}{
		{"sqli-*.txt", engine.AttackSQLi, &rep.sqli},
		{"xss-*.txt", engine.AttackXSS, &rep.xss},
	} {
		lines, err := payloadLists(dir, c.pattern)
		if err != nil {
			return err
		}
		out, err := analyse(d, queryExchanges(lines), cfg.workers)
		if err != nil {
			return err
		}
		for _, o := range out {
			c.into.add(o, typed(c.typ))
		}
	}
	benign, err := payloadLists(dir, "false_positives.txt")
	if err != nil {
		return err
	}
	out, err := analyse(d, queryExchanges(benign), cfg.workers)
	if err != nil {
		return err
	}
	for _, o := range out {
		rep.fpSQLi.add(o, typed(engine.AttackSQLi))
		rep.fpAny.add(o, anyTag)
		for _, t := range o.all {
			rep.fpRules[t.Rule+" "+t.Type]++
		}
	}
	return nil
}

// accessLog scores false positives on the real access log.
func (rep *report) accessLog(cfg config, d *detect.Detector) error {
	files, err := filepath.Glob(filepath.Join(cfg.corpora, "access-logs", "*.log.gz"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no access-logs/*.log.gz under %s", cfg.corpora)
	}
	for _, f := range files {
		lines, bad, err := readAccessLog(f)
		if err != nil {
			return err
		}
		rep.logBad += bad
		xs := make([]*engine.Exchange, len(lines))
		for i, l := range lines {
			xs[i] = logExchange(l)
		}
		out, err := analyse(d, xs, cfg.workers)
		if err != nil {
			return err
		}
		for i, o := range out {
			rep.logAny.add(o, anyTag)
			if o.checked {
				rep.logChecked++
			}
			if len(o.all) == 0 {
				continue
			}
			var rules []string
			for _, t := range o.all {
				rep.logRules[t.Rule+" "+t.Type]++
				rules = append(rules, t.Rule+"@"+t.Point)
			}
			rep.logTagged = append(rep.logTagged, strings.Join(rules, ",")+"  "+lines[i].raw)
		}
	}
	return nil
}

// print writes the report as compact tables.
func (rep *report) print(w io.Writer, verbose bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "CRS regression stages that expect a rule to fire (recall: stage tagged with its family's type; tier1 / screened: tier 2 only on what tier 1 tagged or the prefilter flags, an import's default / tier1+CRS on everything)\n")
	fmt.Fprintln(tw, "family\tPL1 stages\t@PL1 t1\t@PL1 screened\t@PL1 all\tall stages\t@PL1 all\t@PL4 all\t")
	var pl1, all, all4 count
	for _, r := range rep.families {
		pl4 := "-"
		if r.pl4Ran {
			pl4 = fmt.Sprintf("%.3f", ratio(r.allAtPL4.all, r.allAtPL4.n))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%d\t%.3f\t%s\t\n", r.name,
			r.pl1.n, ratio(r.pl1.tier1, r.pl1.n), ratio(r.pl1.screened, r.pl1.n), ratio(r.pl1.all, r.pl1.n),
			r.allAtPL1.n, ratio(r.allAtPL1.all, r.allAtPL1.n), pl4)
		pl1, all, all4 = pl1.plus(r.pl1), all.plus(r.allAtPL1), all4.plus(r.allAtPL4)
	}
	fmt.Fprintf(tw, "total\t%d\t%.3f\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t\n", pl1.n, ratio(pl1.tier1, pl1.n), ratio(pl1.screened, pl1.n), ratio(pl1.all, pl1.n),
		all.n, ratio(all.all, all.n), ratio(all4.all, all4.n))
	tw.Flush()

	fmt.Fprintf(w, "\nlibinjection corpora (payload as ?q=)\n")
	fmt.Fprintln(tw, "set\tlines\ttier1\tscreened\ttier1+CRS\t")
	for _, row := range []struct {
		name string
		c    count
		prec string
	}{
		{"sqli recall", rep.sqli, "%.3f"},
		{"xss recall", rep.xss, "%.3f"},
		{"false_positives.txt: sqli tag", rep.fpSQLi, "%.3f"},
		{"false_positives.txt: any tag", rep.fpAny, "%.3f"},
		{"access log: any tag", rep.logAny, "%.4f"},
	} {
		c, f := row.c, row.prec
		fmt.Fprintf(tw, "%s\t%d\t"+f+"\t"+f+"\t"+f+"\t\n", row.name, c.n, ratio(c.tier1, c.n), ratio(c.screened, c.n), ratio(c.all, c.n))
	}
	tw.Flush()
	fmt.Fprintf(w, "access log: screening sends %d of %d lines (%.2f%%) to tier 2\n", rep.logChecked, rep.logAny.n, 100*ratio(rep.logChecked, rep.logAny.n))
	if rep.logBad > 0 {
		fmt.Fprintf(w, "access log: %d lines not in combined format, skipped\n", rep.logBad)
	}
	rep.printRobust(w, tw)
	printRules(w, "false_positives.txt tags by rule:", rep.fpRules)
	printRules(w, "tricky benign tags by rule:", rep.trickyRules)
	printRules(w, "access log tags by rule:", rep.logRules)
	for _, m := range rep.missed {
		fmt.Fprintln(w, "  missed:", m)
	}
	for _, r := range rep.robust {
		for _, m := range r.missed {
			fmt.Fprintf(w, "  missed %s: %s\n", r.name, m)
		}
	}
	if verbose {
		for _, l := range rep.logTagged {
			fmt.Fprintln(w, "  tagged:", l)
		}
		for _, l := range rep.trickyTagged {
			fmt.Fprintln(w, "  tricky tagged:", l)
		}
	}
	fmt.Fprintf(w, "\n%d CRS stages (%d of PL1 rules), %d workers, %s\n", rep.stagesAll, rep.stagesPL1, rep.workers, rep.elapsed.Round(100*time.Millisecond))
}

// floors returns the figures below their floor.
func (rep *report) floors() []string {
	var failed []string
	for _, name := range floorFamilies {
		for _, r := range rep.families {
			if r.name == name {
				if got := ratio(r.pl1.all, r.pl1.n); got < minRecallPL1 {
					failed = append(failed, fmt.Sprintf("%s recall at PL1 %.3f < %.2f", name, got, minRecallPL1))
				}
			}
		}
	}
	for _, r := range rep.robust {
		if got := ratio(r.recall.all, r.recall.n); got < minRobustRecall {
			failed = append(failed, fmt.Sprintf("robustness %s recall %.3f < %.2f", r.name, got, minRobustRecall))
		}
	}
	if got := ratio(rep.trickyAny.all, rep.trickyAny.n); got > maxTrickyFPR {
		failed = append(failed, fmt.Sprintf("tricky benign false positives %.4f > %.3f", got, maxTrickyFPR))
	}
	if got := ratio(rep.logAny.all, rep.logAny.n); got > maxBenignLogFPR {
		failed = append(failed, fmt.Sprintf("access log false positives %.4f > %.3f", got, maxBenignLogFPR))
	}
	return failed
}

// describeMiss says what a missed stage sent and what was tagged instead.
func describeMiss(s stage, x *engine.Exchange, tags []engine.AttackTag) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d/%d.%d %s %q", s.RuleID, s.TestID, s.Stage, x.Method, x.Path)
	if x.Query != "" {
		fmt.Fprintf(&b, " ?%q", x.Query)
	}
	for _, h := range x.ReqHeaders {
		if h.Name != "User-Agent" && h.Name != "Accept" && h.Name != "Host" {
			fmt.Fprintf(&b, " [%s: %q]", h.Name, h.Value)
		}
	}
	if len(x.ReqBody.Data) > 0 {
		fmt.Fprintf(&b, " body=%q", x.ReqBody.Data[:min(len(x.ReqBody.Data), 160)])
	}
	b.WriteString(" => ")
	for _, t := range tags {
		fmt.Fprintf(&b, "%s:%s ", t.Rule, t.Type)
	}
	return b.String()
}

// printRules prints rule counts, most frequent first, on one line.
func printRules(w io.Writer, title string, counts map[string]int) {
	if len(counts) == 0 {
		return
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprint(w, title)
	for _, k := range keys {
		fmt.Fprintf(w, " %s=%d", strings.Replace(k, " ", ":", 1), counts[k])
	}
	fmt.Fprintln(w)
}

// printRobust prints the robustness set's recall per family and per
// mutation, and the tricky benign set's false positives.
func (rep *report) printRobust(w io.Writer, tw *tabwriter.Writer) {
	fmt.Fprintf(w, "\nrobustness set (corpus seeds and hand-written shapes, mutated; value as ?q=): recall\n")
	fmt.Fprintln(tw, "family\tseeds\tshapes\tvalues\ttier1\tscreened\ttier1+CRS\t")
	for _, r := range rep.robust {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t\n", r.name, r.seeds, r.shapes, r.recall.n,
			ratio(r.recall.tier1, r.recall.n), ratio(r.recall.screened, r.recall.n), ratio(r.recall.all, r.recall.n))
	}
	fmt.Fprintf(tw, "tricky benign: any tag (false positives)\t\t\t%d\t%.4f\t%.4f\t%.4f\t\n", rep.trickyAny.n,
		ratio(rep.trickyAny.tier1, rep.trickyAny.n), ratio(rep.trickyAny.screened, rep.trickyAny.n), ratio(rep.trickyAny.all, rep.trickyAny.n))
	tw.Flush()
	for _, r := range rep.robust {
		fmt.Fprintf(w, "  %s by mutation (tier1/all):", r.name)
		for _, m := range r.order {
			c := r.byMutation[m]
			fmt.Fprintf(w, " %s %d/%d/%d", m, c.tier1, c.all, c.n)
		}
		fmt.Fprintln(w)
	}
}
