package mcp

// Signal types. They are strings because they are stored, counted on the
// session and printed in JSON as they are.
const (
	SignalUnlistedTool     = "mcp_unlisted_tool"
	SignalSchemaMismatch   = "mcp_schema_mismatch"
	SignalBeforeInitialize = "mcp_before_initialize"
	SignalSessionIPs       = "mcp_session_ips"
	SignalErrorBurst       = "mcp_error_burst"
)
