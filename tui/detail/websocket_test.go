package detail

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/tui/theme"
)

// TestWebSocketCounts shows a proxied WebSocket's frame counts in the title
// and its byte counts, and why it ended, on the response tab.
func TestWebSocketCounts(t *testing.T) {
	m := New(theme.New(true, true))
	m.SetSize(80, 20)
	x := engine.Exchange{ID: 7, Method: "GET", Path: "/chat", Status: 101,
		WS: &engine.WebSocketInfo{FramesUp: 12, FramesDown: 30, BytesUp: 400, BytesDown: 2048, End: "malformed frame from the client: reserved opcode 0x3"}}
	m.Open(x, engine.Session{})
	if v := m.View(); !strings.Contains(v, "#7 GET /chat → 101 ws ↑12 ↓30 frames") {
		t.Fatalf("title without the frame counts:\n%s", v)
	}
	for m.Tab() != TabResponse {
		m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	}
	v := m.View()
	for _, want := range []string{"ws ↑12 ↓30 frames · ↑400 ↓2048 bytes", "ended: malformed frame from the client: reserved opcode 0x3"} {
		if !strings.Contains(v, want) {
			t.Errorf("response tab without %q:\n%s", want, v)
		}
	}
}
