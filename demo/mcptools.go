package demo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// The demo MCP server's primitives: three tools over the catalog, two
// resources and one prompt. Tools validate their arguments and report a
// mistake as a tool error (isError), as the specification asks, so that an
// agent can read it and try again.

// mcpTool is a tool as tools/list describes it.
type mcpTool struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	InputSchema map[string]any `json:"inputSchema"`
}

// mcpTools lists the tools in a fixed order.
func mcpTools() []mcpTool {
	object := func(required []string, props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	return []mcpTool{
		{Name: "search_products", Description: "Search the catalog by name or category.",
			InputSchema: object([]string{"query"}, map[string]any{
				"query": map[string]any{"type": "string", "description": "words to look for"},
				"limit": map[string]any{"type": "integer", "description": "at most this many results, 1 to 10"},
			})},
		{Name: "get_product", Description: "Read one product, description included.",
			InputSchema: object([]string{"id"}, map[string]any{"id": map[string]any{"type": "integer"}})},
		{Name: "check_stock", Description: "Tell how many units of a product are in stock.",
			InputSchema: object([]string{"product_id"}, map[string]any{"product_id": map[string]any{"type": "integer"}})},
	}
}

// mcpResource is a resource as resources/list describes it, with its text.
type mcpResource struct {
	URI      string `json:"uri"`
	Name     string `json:"name"`
	MimeType string `json:"mimeType"`
	text     string
}

func (m *mcpServer) resources() []mcpResource {
	return []mcpResource{
		{URI: "shop://catalog/categories", Name: "categories", MimeType: "text/plain", text: strings.Join(productCategories(), "\n")},
		{URI: "shop://policies/returns", Name: "returns", MimeType: "text/markdown",
			text: "# Returns\n\nUnused articles may be returned within 30 days for a full refund."},
	}
}

// dispatch answers one request by method.
func (m *mcpServer) dispatch(msg rpcMessage) (any, *rpcError) {
	switch msg.Method {
	case "ping":
		return map[string]any{}, nil
	case "tools/list":
		return map[string]any{"tools": mcpTools()}, nil
	case "tools/call":
		return m.callTool(msg.Params)
	case "resources/list":
		return map[string]any{"resources": m.resources()}, nil
	case "resources/read":
		return m.readResource(msg.Params)
	case "prompts/list":
		return map[string]any{"prompts": []map[string]any{{
			"name": "compare_products", "description": "Compare two products for a customer.",
			"arguments": []map[string]any{{"name": "a", "required": true}, {"name": "b", "required": true}},
		}}}, nil
	case "prompts/get":
		return m.getPrompt(msg.Params)
	}
	return nil, &rpcError{rpcMethodNotFound, fmt.Sprintf("method %q not found", msg.Method)}
}

// toolText is a tool result of one text block, flagged as an error when
// failed is set.
func toolText(text string, failed bool) map[string]any {
	out := map[string]any{"content": []map[string]string{{"type": "text", "text": text}}}
	if failed {
		out["isError"] = true
	}
	return out
}

// callTool runs a tool. An unknown tool is a protocol error; bad arguments
// are a tool error.
func (m *mcpServer) callTool(params json.RawMessage) (any, *rpcError) {
	var p struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if json.Unmarshal(params, &p) != nil || p.Name == "" {
		return nil, &rpcError{rpcInvalidParams, "tools/call needs a tool name"}
	}
	if len(p.Arguments) == 0 {
		p.Arguments = json.RawMessage("{}")
	}
	switch p.Name {
	case "search_products":
		var in struct {
			Query *string `json:"query"`
			Limit *int    `json:"limit"`
		}
		if err := json.Unmarshal(p.Arguments, &in); err != nil || in.Query == nil {
			return toolText("invalid arguments: want a string query and an optional integer limit", true), nil
		}
		limit := maxMCPResults
		if in.Limit != nil && *in.Limit >= 1 && *in.Limit < limit {
			limit = *in.Limit
		}
		var lines []string
		needle := strings.ToLower(strings.TrimSpace(*in.Query))
		for _, prod := range m.catalog.products {
			if len(lines) == limit || needle == "" {
				break
			}
			if strings.Contains(strings.ToLower(prod.Name), needle) || strings.Contains(prod.Category, needle) {
				lines = append(lines, fmt.Sprintf("#%d %s (%s), %d.%02d", prod.ID, prod.Name, prod.Category, prod.PriceCents/100, prod.PriceCents%100))
			}
		}
		if len(lines) == 0 {
			return toolText("no products match "+strconv.Quote(*in.Query), false), nil
		}
		return toolText(strings.Join(lines, "\n"), false), nil
	case "get_product", "check_stock":
		var in struct {
			ID        *int `json:"id"`
			ProductID *int `json:"product_id"`
		}
		if err := json.Unmarshal(p.Arguments, &in); err != nil {
			return toolText("invalid arguments: the product id must be an integer", true), nil
		}
		id := in.ID
		if p.Name == "check_stock" {
			id = in.ProductID
		}
		if id == nil {
			return toolText("invalid arguments: the product id is required", true), nil
		}
		prod, ok := m.catalog.product(*id)
		if !ok {
			return toolText(fmt.Sprintf("no product %d", *id), true), nil
		}
		if p.Name == "check_stock" {
			return toolText(fmt.Sprintf("%d in stock", prod.Stock), false), nil
		}
		b, _ := json.Marshal(prod)
		return toolText(string(b), false), nil
	}
	return nil, &rpcError{rpcInvalidParams, fmt.Sprintf("unknown tool %q", p.Name)}
}

func (m *mcpServer) readResource(params json.RawMessage) (any, *rpcError) {
	var p struct {
		URI string `json:"uri"`
	}
	_ = json.Unmarshal(params, &p)
	for _, r := range m.resources() {
		if r.URI == p.URI {
			return map[string]any{"contents": []map[string]string{{"uri": r.URI, "mimeType": r.MimeType, "text": r.text}}}, nil
		}
	}
	return nil, &rpcError{mcpNoResource, fmt.Sprintf("resource %q not found", p.URI)}
}

func (m *mcpServer) getPrompt(params json.RawMessage) (any, *rpcError) {
	var p struct {
		Name      string            `json:"name"`
		Arguments map[string]string `json:"arguments"`
	}
	if json.Unmarshal(params, &p) != nil || p.Name != "compare_products" {
		return nil, &rpcError{rpcInvalidParams, "unknown prompt"}
	}
	if p.Arguments["a"] == "" || p.Arguments["b"] == "" {
		return nil, &rpcError{rpcInvalidParams, "compare_products needs arguments a and b"}
	}
	text := fmt.Sprintf("Compare product %s with product %s for a customer: price, category and stock. Recommend one.", p.Arguments["a"], p.Arguments["b"])
	return map[string]any{"messages": []map[string]any{{"role": "user", "content": map[string]string{"type": "text", "text": text}}}}, nil
}
