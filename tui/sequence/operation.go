package sequence

import (
	"strconv"
	"strings"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/table"
)

// Operation names what an MCP or GraphQL request does, sanitized for the
// terminal: "tools/call search_orders" for MCP, "query GetOrders {orders,
// user}" for GraphQL. It is empty for any other request, whose path says
// what it does.
func Operation(x *engine.Exchange) string {
	switch {
	case x.MCP != nil:
		return mcpOperation(x.MCP)
	case x.GQL != nil:
		return gqlOperation(x.GQL)
	}
	return ""
}

// mcpOperation is the first message's method and primitive; a batch says
// how many messages follow, and a message-less exchange what it is for.
func mcpOperation(m *engine.MCPInfo) string {
	var parts []string
	switch {
	case m.End:
		parts = append(parts, "end session")
	case m.Listen:
		parts = append(parts, "listen")
	}
	if method := m.Method(); method != "" {
		parts = append(parts, method)
		if name := m.Name(); name != "" {
			parts = append(parts, name)
		}
	} else if len(m.Messages) > 0 {
		parts = append(parts, "response")
	}
	if len(m.Messages) > 1 {
		parts = append(parts, "+"+strconv.Itoa(len(m.Messages)-1))
	}
	if len(parts) == 0 {
		return ""
	}
	return table.Sanitize(strings.Join(parts, " "))
}

// gqlOperation is the operation's type, name and top-level fields; a
// document that does not parse shows as such.
func gqlOperation(g *engine.GQLInfo) string {
	if g.Type == "" {
		if g.Error != "" {
			return "graphql (unparsed)"
		}
		return ""
	}
	parts := []string{g.Type}
	if g.Name != "" {
		parts = append(parts, g.Name)
	}
	if len(g.Fields) > 0 {
		parts = append(parts, "{"+strings.Join(g.Fields, ", ")+"}")
	}
	if g.Batch > 1 {
		parts = append(parts, "×"+strconv.Itoa(g.Batch))
	}
	return table.Sanitize(strings.Join(parts, " "))
}
