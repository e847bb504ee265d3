package detail

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
	"github.com/spoorhq/spoor/tui/theme"
)

// mcpLines renders the MCP tab: what the client declared, then each
// JSON-RPC message with its primitive, arguments and outcome, then the
// signals observers raised. Arguments are small (the engine cuts them), so
// indenting them here costs little; the result is the response body, which
// the tab shows below once loaded.
func mcpLines(mi *engine.MCPInfo, th theme.Theme) []string {
	if mi == nil {
		return []string{th.Muted.Render("no MCP on this request")}
	}
	var facts []string
	for _, f := range []struct{ label, value string }{
		{"protocol", mi.ProtocolVersion}, {"client", mi.Client},
	} {
		if f.value != "" {
			facts = append(facts, f.label+" "+table.Sanitize(f.value))
		}
	}
	for _, f := range []struct {
		on   bool
		text string
	}{{mi.End, "ends the session"}, {mi.Listen, "opens the server stream"}, {mi.Stream, "event-stream response"}} {
		if f.on {
			facts = append(facts, f.text)
		}
	}
	var lines []string
	if len(facts) > 0 {
		lines = append(lines, th.Muted.Render(strings.Join(facts, " · ")), "")
	}
	if len(mi.Messages) == 0 {
		lines = append(lines, th.Muted.Render("no JSON-RPC messages in the request body"))
	}
	for i, msg := range mi.Messages {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, messageLines(i, len(mi.Messages), msg, th)...)
	}
	if len(mi.Signals) > 0 {
		lines = append(lines, "", th.Header.Render("SIGNALS"))
		for _, s := range mi.Signals {
			lines = append(lines, th.Warn.Render(table.Sanitize(s.Type))+"  "+th.Muted.Render(table.Sanitize(s.Message)))
		}
	}
	return lines
}

// messageLines renders one JSON-RPC message.
func messageLines(i, n int, msg engine.MCPMessage, th theme.Theme) []string {
	head := "MESSAGE"
	if n > 1 {
		head += " " + strconv.Itoa(i+1) + " OF " + strconv.Itoa(n)
	}
	if msg.ID != "" {
		head += " · id " + table.Sanitize(msg.ID)
	} else if msg.Method != "" {
		head += " · notification"
	}
	lines := []string{th.Header.Render(head)}
	field := func(label, value string) {
		lines = append(lines, th.Accent.Render(label)+" "+value)
	}
	method := cmp.Or(msg.Method, "(response to a server request)")
	field("method   ", table.Sanitize(method))
	if msg.Name != "" {
		field(primitiveLabel(msg.Method), table.Sanitize(msg.Name))
	}
	switch msg.Outcome {
	case engine.MCPOutcomeResult:
		field("outcome  ", th.Ok.Render("result"))
	case engine.MCPOutcomeError:
		field("outcome  ", th.Danger.Render("JSON-RPC error"))
	case engine.MCPOutcomeToolError:
		field("outcome  ", th.Danger.Render("tool error"))
	default:
		field("outcome  ", th.Muted.Render("no answer captured"))
	}
	if e := msg.Error; e != nil {
		text := table.Sanitize(e.Message)
		if e.Code != 0 {
			text = strconv.Itoa(e.Code) + " " + text
		}
		field("error    ", th.Danger.Render(text))
	}
	if msg.Arguments != "" {
		lines = append(lines, th.Accent.Render("arguments"))
		lines = append(lines, prettyJSON(msg.Arguments)...)
	}
	return lines
}

// primitiveLabel names what a message addresses, padded like the other
// field labels.
func primitiveLabel(method string) string {
	switch {
	case strings.HasPrefix(method, "tools/"):
		return "tool     "
	case strings.HasPrefix(method, "prompts/"):
		return "prompt   "
	case strings.HasPrefix(method, "resources/"):
		return "resource "
	}
	return "name     "
}

// prettyJSON indents JSON arguments for reading; arguments the engine cut
// are no longer valid JSON and show as they are, marked as cut.
func prettyJSON(s string) []string {
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(s), "  ", "  "); err != nil {
		return []string{"  " + table.Sanitize(s), "  (cut)"}
	}
	lines := strings.Split(b.String(), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = "  " + lines[i]
		}
		lines[i] = table.Sanitize(lines[i])
	}
	return lines
}
