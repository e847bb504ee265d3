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

// count is a hit count out of a total, for tier 1 alone and for both
// tiers.
type count struct {
	n, tier1, all int
}

func (c *count) add(t1, all bool) {
	c.n++
	if t1 {
		c.tier1++
	}
	if all {
		c.all++
	}
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
		t1, all := hasType(out1[i].tier1, f.types...), hasType(out1[i].all, f.types...)
		if s.Paranoia <= 1 {
			row.pl1.add(t1, all)
			rep.stagesPL1++
			missed := !all
			if cfg.tier1Misses {
				missed = !t1
			}
			if missed && cfg.misses != "" && strings.Contains(f.name, cfg.misses) {
				rep.missed = append(rep.missed, describeMiss(s, xs[i], out1[i].all))
			}
		}
		row.allAtPL1.add(t1, all)
		rep.stagesAll++
		if cfg.pl4 {
			row.allAtPL4.add(hasType(out4[i].tier1, f.types...), hasType(out4[i].all, f.types...))
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
			c.into.add(hasType(o.tier1, c.typ), hasType(o.all, c.typ))
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
		rep.fpSQLi.add(hasType(o.tier1, engine.AttackSQLi), hasType(o.all, engine.AttackSQLi))
		rep.fpAny.add(len(o.tier1) > 0, len(o.all) > 0)
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
			rep.logAny.add(len(o.tier1) > 0, len(o.all) > 0)
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
	fmt.Fprintf(w, "CRS regression stages that expect a rule to fire (recall: stage tagged with its family's type; tier1 / tier1+CRS)\n")
	fmt.Fprintln(tw, "family\tPL1 stages\t@PL1 t1\t@PL1 all\tall stages\t@PL1 all\t@PL4 all\t")
	for _, r := range rep.families {
		pl4 := "-"
		if r.pl4Ran {
			pl4 = fmt.Sprintf("%.3f", ratio(r.allAtPL4.all, r.allAtPL4.n))
		}
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%d\t%.3f\t%s\t\n", r.name,
			r.pl1.n, ratio(r.pl1.tier1, r.pl1.n), ratio(r.pl1.all, r.pl1.n),
			r.allAtPL1.n, ratio(r.allAtPL1.all, r.allAtPL1.n), pl4)
	}
	var pl1, all, all4 count
	for _, r := range rep.families {
		pl1.n, pl1.tier1, pl1.all = pl1.n+r.pl1.n, pl1.tier1+r.pl1.tier1, pl1.all+r.pl1.all
		all.n, all.all = all.n+r.allAtPL1.n, all.all+r.allAtPL1.all
		all4.n, all4.all = all4.n+r.allAtPL4.n, all4.all+r.allAtPL4.all
	}
	fmt.Fprintf(tw, "total\t%d\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t\n", pl1.n, ratio(pl1.tier1, pl1.n), ratio(pl1.all, pl1.n),
		all.n, ratio(all.all, all.n), ratio(all4.all, all4.n))
	tw.Flush()

	fmt.Fprintf(w, "\nlibinjection corpora (payload as ?q=)\n")
	fmt.Fprintln(tw, "set\tlines\ttier1\ttier1+CRS\t")
	fmt.Fprintf(tw, "sqli recall\t%d\t%.3f\t%.3f\t\n", rep.sqli.n, ratio(rep.sqli.tier1, rep.sqli.n), ratio(rep.sqli.all, rep.sqli.n))
	fmt.Fprintf(tw, "xss recall\t%d\t%.3f\t%.3f\t\n", rep.xss.n, ratio(rep.xss.tier1, rep.xss.n), ratio(rep.xss.all, rep.xss.n))
	fmt.Fprintf(tw, "false_positives.txt: sqli tag\t%d\t%.3f\t%.3f\t\n", rep.fpSQLi.n, ratio(rep.fpSQLi.tier1, rep.fpSQLi.n), ratio(rep.fpSQLi.all, rep.fpSQLi.n))
	fmt.Fprintf(tw, "false_positives.txt: any tag\t%d\t%.3f\t%.3f\t\n", rep.fpAny.n, ratio(rep.fpAny.tier1, rep.fpAny.n), ratio(rep.fpAny.all, rep.fpAny.n))
	fmt.Fprintf(tw, "access log: any tag\t%d\t%.4f\t%.4f\t\n", rep.logAny.n, ratio(rep.logAny.tier1, rep.logAny.n), ratio(rep.logAny.all, rep.logAny.n))
	tw.Flush()
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
	fmt.Fprintln(tw, "family\tseeds\tshapes\tvalues\ttier1\ttier1+CRS\t")
	for _, r := range rep.robust {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t\n", r.name, r.seeds, r.shapes, r.recall.n,
			ratio(r.recall.tier1, r.recall.n), ratio(r.recall.all, r.recall.n))
	}
	fmt.Fprintf(tw, "tricky benign: any tag (false positives)\t\t\t%d\t%.4f\t%.4f\t\n", rep.trickyAny.n,
		ratio(rep.trickyAny.tier1, rep.trickyAny.n), ratio(rep.trickyAny.all, rep.trickyAny.n))
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
