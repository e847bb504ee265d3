package tui

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/rules"
	rulesui "github.com/spoorhq/spoor/tui/rules"
)

// syncRuleKeys enables R where a rules backend exists and no editor is
// open, b where a session is on display, m and v in a request's detail
// when it carries a tag.
func (m *Model) syncRuleKeys() {
	on := m.rulesOn && m.focus != focusRules && m.focus != focusKeys && m.focus != focusContext
	m.keys.Rules.SetEnabled(on)
	_, hasSession := m.blockSession()
	m.keys.Block.SetEnabled(on && hasSession)
	tagged := m.focus == focusDetail && len(ruleTags(m.detail.Exchange().Attacks)) > 0
	m.keys.Mute.SetEnabled(on && tagged)
	m.keys.Patch.SetEnabled(on && tagged)
}

// blockSession is the session b acts on: the list's selected one, or the
// one on display.
func (m *Model) blockSession() (engine.Session, bool) {
	switch m.focus {
	case focusSessions:
		return m.sessions.Selected()
	case focusSequence, focusDetail:
		s := m.sequence.Session()
		return s, s.ID != ""
	}
	return engine.Session{}, false
}

// back is where the rules screen returns to.
func (m *Model) openRules() tea.Cmd {
	m.rulesFrom = m.focus
	m.focus = focusRules
	return m.rules.Open()
}

// proposeBlock offers to block the session's key value, its user or its
// address.
func (m *Model) proposeBlock() tea.Cmd {
	s, ok := m.blockSession()
	if !ok {
		return nil
	}
	var choices []rulesui.Choice
	add := func(label, id, filter string) {
		choices = append(choices, rulesui.Choice{Label: label, Rule: rules.Rule{ID: ruleID("block", id), Action: rules.Block, Filter: filter}})
	}
	add("block key "+s.KeyID+" ("+s.KeyPoint+")", "key-"+s.KeyID, "key:"+s.KeyID)
	if s.User != "" {
		add("block user "+s.User, "user-"+s.User, "user:"+quoteValue(s.User))
	}
	for _, ip := range s.IPs[:min(len(s.IPs), 3)] {
		add("block address "+ip, "ip-"+ip, "ip:"+ip)
	}
	m.rulesFrom = m.focus
	m.focus = focusRules
	return m.rules.Propose("block session "+s.ID, choices)
}

// proposeTagRule offers a mute (or a virtual patch) of the open request's
// first tag that is neither muted nor session-wide, for its endpoint and
// point. A virtual patch sees only what comes before the body, so it is
// offered for the first such tag at a query, path, header or cookie point;
// when the tags are all in the body, the status bar says why none can be
// patched.
func (m *Model) proposeTagRule(patch bool) tea.Cmd {
	x := m.detail.Exchange()
	tags := ruleTags(x.Attacks)
	if len(tags) == 0 {
		return nil
	}
	endpoint := x.Template()
	t := tags[0]
	r := rules.Rule{Action: rules.Mute, Filter: "endpoint:" + quoteValue(endpoint), RuleID: t.Rule, Point: t.Point}
	label := "mute " + t.Rule + " at " + t.Point + " on " + endpoint
	r.ID = ruleID(string(r.Action), t.Rule+"-"+t.Point+"-"+endpoint)
	if patch {
		i := slices.IndexFunc(tags, func(c engine.AttackTag) bool { return rules.PatchablePoint(c.Point) })
		if i < 0 {
			m.notice = "cannot virtually patch " + t.Type + " at " + t.Point + ": a virtual patch judges a request before its body is read; mute the tag or block the session instead"
			return nil
		}
		t = tags[i]
		r = rules.Rule{Action: rules.VirtualPatch, Filter: "endpoint:" + quoteValue(endpoint), Attack: t.Type, Point: t.Point}
		label = "virtual patch " + t.Type + " at " + t.Point + " on " + endpoint
		r.ID = ruleID(string(r.Action), t.Type+"-"+t.Point+"-"+endpoint)
	}
	m.rulesFrom = m.focus
	m.focus = focusRules
	return m.rules.Propose(label, []rulesui.Choice{{Label: label, Rule: r}})
}

// ruleTags are the tags m and v may act on: those no mute covers yet and
// whose type is not session-wide (a scanner's user agent is on every
// request of its session, so it is not a tag of this request to mute).
func ruleTags(tags []engine.AttackTag) []engine.AttackTag {
	var out []engine.AttackTag
	for _, t := range tags {
		if !t.Muted() && !slices.Contains(engine.SessionWideAttacks(), t.Type) {
			out = append(out, t)
		}
	}
	return out
}

// rulesClosed returns to the screen the rules were opened from and reloads.
func (m *Model) rulesClosed(msg rulesui.CloseMsg) tea.Cmd {
	m.focus = m.rulesFrom
	m.notice = msg.Notice
	// A mute saved, edited or removed changes what the stored history
	// counts and marks: reload as a commit would, with the open session's
	// requests (asOf -1: as if never loaded) and the request on display,
	// so that a tag just muted shows as muted where it was muted.
	m.dirty = true
	m.marks++
	var again tea.Cmd
	switch m.focus {
	case focusDetail:
		again = loadExchange(m.src, m.detail.ID())
		m.asOf = -1
	case focusSequence:
		m.asOf = -1
	}
	return tea.Batch(again, m.arm())
}

// ruleID makes an id of the characters rules accept.
func ruleID(prefix, s string) string {
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteByte('-')
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	id := strings.Trim(b.String(), "_")
	if len(id) <= 64 {
		return id
	}
	// Cut to fit, the id keeps a digest of the rest, so that two long
	// endpoints that share their first characters do not share an id.
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%s-%08x", id[:55], h.Sum32())
}

// quoteValue quotes a filter value with spaces or quotes in it.
func quoteValue(v string) string {
	if !strings.ContainsAny(v, " \"|") {
		return v
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}
