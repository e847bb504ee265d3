package demo

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// How the MCP agent works, at Speed 1. It is a coding assistant wired to the
// shop's MCP server: each task is one MCP session, opened with initialize,
// spent listing and calling tools, reading a resource and fetching a
// prompt, and ended with DELETE.
const (
	// The model thinks between two calls.
	mcpThinkMin = 300 * time.Millisecond
	mcpThinkMax = 2 * time.Second
	// A new task comes every half minute or so.
	mcpTaskGapMin = 15 * time.Second
	mcpTaskGapMax = 40 * time.Second
	// mcpMistakeChance is how often the model calls a tool with a wrong
	// argument, reads the tool error and calls again, as models do.
	mcpMistakeChance = 0.15
)

// mcpConn is the agent's side of one MCP session.
type mcpConn struct {
	a      *agent
	sid    string
	nextID int
}

// mcpTask is one round of the MCP agent.
func (a *agent) mcpTask(ctx context.Context) error {
	c := &mcpConn{a: a}
	hello, err := c.call(ctx, "initialize", map[string]any{
		"protocolVersion": mcpProtocolVersion,
		"capabilities":    map[string]any{},
		"clientInfo":      map[string]string{"name": "claude-code", "version": "1.0"},
	})
	if err != nil {
		return err
	}
	if c.sid == "" {
		return fmt.Errorf("mcp agent %s: initialize answered no Mcp-Session-Id (%s)", a.Name, hello)
	}
	if err := c.notify(ctx, "notifications/initialized"); err != nil {
		return err
	}
	if _, err := c.call(ctx, "tools/list", nil); err != nil {
		return err
	}
	if _, err := c.call(ctx, "resources/read", map[string]string{"uri": "shop://catalog/categories"}); err != nil {
		return err
	}
	nouns := productNouns()
	noun := nouns[a.rng.IntN(len(nouns))]
	if _, err := c.tool(ctx, "search_products", map[string]any{"query": noun, "limit": 5}); err != nil {
		return err
	}
	for range 1 + a.rng.IntN(3) {
		id := 1 + a.rng.IntN(productCount)
		name, args := "get_product", map[string]any{"id": id}
		if a.rng.IntN(2) == 0 {
			name, args = "check_stock", map[string]any{"product_id": id}
		}
		if a.rng.Float64() < mcpMistakeChance {
			// The model passes the id as a string; the tool says so.
			wrong := map[string]any{}
			for k := range args {
				wrong[k] = strconv.Itoa(id)
			}
			if _, err := c.tool(ctx, name, wrong); err != nil {
				return err
			}
		}
		if _, err := c.tool(ctx, name, args); err != nil {
			return err
		}
	}
	a1, a2 := strconv.Itoa(1+a.rng.IntN(productCount)), strconv.Itoa(1+a.rng.IntN(productCount))
	if _, err := c.call(ctx, "prompts/get", map[string]any{"name": "compare_products", "arguments": map[string]string{"a": a1, "b": a2}}); err != nil {
		return err
	}
	if err := c.end(ctx); err != nil {
		return err
	}
	return a.pace.wait(ctx, mcpTaskGapMin, mcpTaskGapMax)
}

// tool calls a tool and returns its result.
func (c *mcpConn) tool(ctx context.Context, name string, args map[string]any) (json.RawMessage, error) {
	return c.call(ctx, "tools/call", map[string]any{"name": name, "arguments": args})
}

// call sends a request after the model's thinking time and returns its
// result; a JSON-RPC error is an error.
func (c *mcpConn) call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	c.nextID++
	msg := map[string]any{"jsonrpc": "2.0", "id": c.nextID, "method": method}
	if params != nil {
		msg["params"] = params
	}
	resp, err := c.post(ctx, msg)
	if err != nil {
		return nil, err
	}
	var answer struct {
		Result json.RawMessage `json:"result"`
		Error  *rpcError       `json:"error"`
	}
	if err := json.Unmarshal(resp, &answer); err != nil {
		return nil, fmt.Errorf("mcp %s as %s: %w", method, c.a.Name, err)
	}
	if answer.Error != nil {
		return nil, fmt.Errorf("mcp %s as %s: %d %s", method, c.a.Name, answer.Error.Code, answer.Error.Message)
	}
	return answer.Result, nil
}

// notify sends a notification, which the server acknowledges with 202.
func (c *mcpConn) notify(ctx context.Context, method string) error {
	_, err := c.post(ctx, map[string]any{"jsonrpc": "2.0", "method": method})
	return err
}

// post sends one message and returns the JSON-RPC message of the answer,
// read from the event stream when the server streams it.
func (c *mcpConn) post(ctx context.Context, msg map[string]any) ([]byte, error) {
	if err := c.a.pace.wait(ctx, mcpThinkMin, mcpThinkMax); err != nil {
		return nil, err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("encode mcp message: %w", err)
	}
	resp, err := c.do(ctx, http.MethodPost, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if c.sid == "" {
		c.sid = resp.Header.Get("Mcp-Session-Id")
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return nil, fmt.Errorf("read mcp answer as %s: %w", c.a.Name, err)
	}
	switch {
	case resp.StatusCode == http.StatusAccepted:
		return nil, nil
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("mcp %v as %s: status %d", msg["method"], c.a.Name, resp.StatusCode)
	case strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream"):
		return lastEventData(data), nil
	}
	return data, nil
}

// end is the DELETE that closes the session.
func (c *mcpConn) end(ctx context.Context) error {
	if err := c.a.pace.wait(ctx, mcpThinkMin, mcpThinkMax); err != nil {
		return err
	}
	resp, err := c.do(ctx, http.MethodDelete, nil)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxReply))
	resp.Body.Close()
	return nil
}

// do sends one request of the MCP transport with the agent's headers.
func (c *mcpConn) do(ctx context.Context, method string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.a.base+"/mcp", body)
	if err != nil {
		return nil, fmt.Errorf("build mcp %s: %w", method, err)
	}
	req.Header.Set("User-Agent", c.a.UserAgent)
	req.Header.Set("X-Forwarded-For", c.a.IP)
	req.Header.Set("Accept", "application/json, text/event-stream")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.sid != "" {
		req.Header.Set("Mcp-Session-Id", c.sid)
		req.Header.Set("MCP-Protocol-Version", mcpProtocolVersion)
	}
	resp, err := c.a.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mcp %s as %s: %w", method, c.a.Name, err)
	}
	return resp, nil
}

// lastEventData returns the data of the last event of a stream, which
// holds the answer; the events before it are notifications.
func lastEventData(stream []byte) []byte {
	var last, cur []byte
	sc := bufio.NewScanner(bytes.NewReader(stream))
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if len(cur) > 0 {
				last, cur = cur, nil
			}
		case bytes.HasPrefix(line, []byte("data:")):
			cur = append(cur, bytes.TrimPrefix(bytes.TrimPrefix(line, []byte("data:")), []byte(" "))...)
		}
	}
	return last
}
