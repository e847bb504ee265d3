package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/spoorhq/spoor/engine/rules"
	"github.com/spoorhq/spoor/internal/human"
	"github.com/spoorhq/spoor/query"
	"github.com/spoorhq/spoor/store"
	"github.com/spoorhq/spoor/workstation"
)

// ruleChangeFlags are who and why of a change, recorded in the history.
type ruleChangeFlags struct {
	by, why string
	dryRun  bool
	asJSON  bool
}

func (c *ruleChangeFlags) add(cmd *cobra.Command, preview bool) {
	f := cmd.Flags()
	f.StringVar(&c.by, "by", "", "who makes the change, for the history (default: the OS user)")
	f.StringVar(&c.why, "why", "", "why, for the history")
	if preview {
		f.BoolVar(&c.dryRun, "dry-run", false, "print the impact over the stored history and save nothing")
		f.BoolVar(&c.asJSON, "json", false, "print the impact as JSON")
	}
}

// who is --by, else the OS user.
func (c *ruleChangeFlags) who() string {
	if c.by != "" {
		return c.by
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return os.Getenv("USER")
}

func newRulesCommand(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Block, virtually patch or mute, seeing the impact on stored history first",
		Long: `rules keeps block, virtual_patch and mute rules in the store, with the history
of every change. Each add and import prints what the rule would have hit in
the stored history first (requests, sessions, users, flows, and the clean
sessions among them); --dry-run stops there.

A running proxy holds its store: change its rules in the TUI (R) or in the
file its --rules flag watches.`,
		Args: exactArgs(0),
	}
	cmd.AddCommand(newRulesListCommand(g), newRulesAddCommand(g), newRulesRmCommand(g),
		newRulesExportCommand(g), newRulesImportCommand(g), newRulesHistoryCommand(g))
	return cmd
}

func newRulesListCommand(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the saved rules",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			rs, err := st.Rules()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(out, formatJSON, nonNilRules(rs))
			}
			return rulesTable(rs, time.Now()).write(out, terminalWidth(out))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON array")
	return cmd
}

func nonNilRules(rs []rules.Rule) []rules.Rule {
	if rs == nil {
		return []rules.Rule{}
	}
	return rs
}

// rulesTable is what spoor rules list prints.
func rulesTable(rs []rules.Rule, now time.Time) *table {
	t := &table{cols: []column{
		{title: "ID"}, {title: "ACTION"}, {title: "FILTER", elide: true, min: 12}, {title: "STATUS", right: true, drop: 2},
		{title: "ATTACK/RULE", elide: true, drop: 3}, {title: "EXPIRES", drop: 1}, {title: "STATE"},
	}}
	for _, r := range rs {
		status, tag, expires, state := "-", strings.Trim(r.Attack+" "+r.RuleID+" "+r.Point, " "), "-", "on"
		if r.Action != rules.Mute {
			status = fmt.Sprint(r.StatusOrDefault())
		}
		if !r.Expires.IsZero() {
			expires = human.Time(r.Expires, now)
		}
		switch {
		case r.Disabled:
			state = "off"
		case !r.Active(now):
			state = "expired"
		}
		t.add(r.ID, string(r.Action), r.Filter, status, orDash(tag), expires, state)
	}
	return t
}

func newRulesAddCommand(g *globalFlags) *cobra.Command {
	var (
		r       rules.Rule
		action  string
		expires string
		change  ruleChangeFlags
	)
	cmd := &cobra.Command{
		Use:   "add --action block|virtual_patch|mute --filter EXPR",
		Short: "Add or replace a rule, printing its impact on stored history first",
		Example: `  spoor rules add --action block --filter 'user:mallory' --why 'credential stuffing'
  spoor rules add --action block --filter 'ip:203.0.113.0/24' --status 429 --expires 24h
  spoor rules add --action virtual_patch --filter 'endpoint:/api/search' --attack sqli --dry-run --json
  spoor rules add --action mute --filter 'endpoint:/api/comments method:POST' --rule libinjection-xss --point req.json.body`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			r.Action = rules.Action(action)
			var err error
			if r.Expires, err = rules.ParseExpires(expires, now); err != nil {
				return usageError{fmt.Errorf("invalid --expires: %w", err)}
			}
			if r.ID == "" {
				r.ID = fmt.Sprintf("%s-%s", r.Action, now.UTC().Format("20060102-150405"))
			}
			if _, err := r.Validate(); err != nil {
				return usageError{fmt.Errorf("rule %s: %w", r.ID, err)}
			}
			return applyRules(cmd, g, []rules.Rule{r}, change, now)
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.ID, "id", "", "the rule's id (default: the action and the time)")
	f.StringVar(&action, "action", "", "block, virtual_patch or mute")
	f.StringVar(&r.Filter, "filter", "", "the requests it applies to: ip, user, role, key, method, host, path, endpoint, flow or words")
	f.IntVar(&r.Status, "status", 0, "the status a block or virtual patch answers (default 403)")
	f.StringVar(&r.Attack, "attack", "", "the attack type a virtual patch or mute covers")
	f.StringVar(&r.RuleID, "rule", "", "the detector rule a virtual patch or mute covers (libinjection-xss, crs-942100)")
	f.StringVar(&r.Point, "point", "", "the request point a virtual patch or mute covers (req.query.q)")
	f.StringVar(&expires, "expires", "", "when the rule stops: a duration (24h) or a time (RFC 3339)")
	change.add(cmd, true)
	return cmd
}

func newRulesImportCommand(g *globalFlags) *cobra.Command {
	var change ruleChangeFlags
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Add or replace the rules of a YAML file, printing their impact first",
		Long:  "import reads rules: [{id, action, filter, status, attack, rule, point, expires, disabled}], as export writes them. A bad rule is one error line each, and nothing is saved.",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return fmt.Errorf("read rules: %w", err)
			}
			now := time.Now()
			rs, err := rules.ParseYAML(data, now)
			if err != nil {
				return usageError{fmt.Errorf("%s: %w", args[0], err)}
			}
			if change.why == "" {
				change.why = "imported from " + args[0]
			}
			return applyRules(cmd, g, rs, change, now)
		},
	}
	change.add(cmd, true)
	return cmd
}

// applyRules prints the impact of each rule, then saves them unless it is
// a dry run.
func applyRules(cmd *cobra.Command, g *globalFlags, rs []rules.Rule, change ruleChangeFlags, now time.Time) error {
	path, err := g.storePath()
	if err != nil {
		return err
	}
	opts := store.Options{ReadOnly: change.dryRun}
	st, err := store.Open(path, opts)
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("%w: change the rules of a running proxy in its TUI (R) or its --rules file", err)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	out := cmd.OutOrStdout()
	impacts := make([]query.Impact, len(rs))
	for i, r := range rs {
		if impacts[i], err = workstation.PreviewRule(cmd.Context(), st, r, now); err != nil {
			return err
		}
	}
	if change.asJSON {
		if len(rs) == 1 {
			err = writeJSONValue(out, impacts[0])
		} else {
			err = writeJSONValue(out, impacts)
		}
	} else {
		for i, r := range rs {
			writeImpact(out, r, impacts[i])
		}
	}
	if err != nil || change.dryRun {
		return err
	}
	if _, err := workstation.SaveRules(st, rs, change.who(), change.why, now); err != nil {
		return usageError{err}
	}
	if !change.asJSON {
		fmt.Fprintf(out, "saved %d rule(s)\n", len(rs))
	}
	return nil
}

func writeJSONValue(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// writeImpact prints what a rule would have hit, the clean sessions
// (collateral) said plainly.
func writeImpact(w io.Writer, r rules.Rule, im query.Impact) {
	fmt.Fprintf(w, "%s %s %q would have hit %s requests in %s sessions (%s users, %s flows)\n",
		r.Action, r.ID, r.Condition(), human.Count(im.Requests), human.Count(im.Sessions), human.Count(im.Users), human.Count(im.Flows))
	if im.CleanSessions > 0 {
		fmt.Fprintf(w, "  would hit %s clean sessions (no attack, no verdict)\n", human.Count(im.CleanSessions))
	}
	for _, c := range im.TopUsers {
		fmt.Fprintf(w, "  user %s: %s sessions\n", c.Name, human.Count(c.N))
	}
	for _, c := range im.TopFlows {
		fmt.Fprintf(w, "  flow %s: %s requests\n", c.Name, human.Count(c.N))
	}
}

func newRulesRmCommand(g *globalFlags) *cobra.Command {
	var change ruleChangeFlags
	cmd := &cobra.Command{
		Use:   "rm ID",
		Short: "Remove a rule (the history keeps it)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := openWritable(g)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := st.DeleteRule(args[0], change.who(), change.why, time.Now()); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return usageError{fmt.Errorf("no rule %s: spoor rules list shows the ids", args[0])}
				}
				return err
			}
			return nil
		},
	}
	change.add(cmd, false)
	return cmd
}

func openWritable(g *globalFlags) (*store.Store, error) {
	path, err := g.storePath()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(path, store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("%w: change the rules of a running proxy in its TUI (R) or its --rules file", err)
	}
	return st, err
}

func newRulesExportCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Print the saved rules as YAML, as import reads them",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			rs, err := st.Rules()
			if err != nil {
				return err
			}
			b, err := rules.MarshalYAML(nonNilRules(rs))
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}

func newRulesHistoryCommand(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "history",
		Short: "List every change to the rules: when, who, why",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openReadOnly(g)
			if err != nil {
				return err
			}
			defer st.Close()
			hist, err := st.RuleHistory()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if asJSON {
				if hist == nil {
					hist = []store.RuleChange{}
				}
				return writeJSON(out, formatJSON, hist)
			}
			t := &table{cols: []column{{title: "AT"}, {title: "CHANGE"}, {title: "RULE"}, {title: "BY"}, {title: "WHY", elide: true}}}
			for _, c := range hist {
				t.add(c.At.Local().Format(time.DateTime), c.Change, c.Rule.ID, orDash(c.By), orDash(c.Why))
			}
			return t.write(out, terminalWidth(out))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON array")
	return cmd
}
