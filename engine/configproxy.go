package engine

import (
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MinProxyHeaderBytes is the smallest header limit a proxy accepts: below
// it ordinary browsers' requests no longer fit.
const MinProxyHeaderBytes = 1 << 10

// ProxyConfig holds the limits of `spoor proxy` a configuration file may
// set (`proxy:`); the proxy's flags override them. A zero field leaves the
// proxy's default. The engine does not use them; the capture does.
type ProxyConfig struct {
	// MaxHeaderBytes bounds a request's line and header block
	// (max_header_bytes; --max-header-bytes).
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request body (max_body_bytes;
	// --max-body-bytes); zero sets no bound.
	MaxBodyBytes int64
	// UpstreamTimeout is how long the upstream has to send its whole
	// response (upstream_timeout; --upstream-timeout).
	UpstreamTimeout time.Duration
	// CaptureBodyBytes is how many bytes of each body an exchange keeps
	// (capture_body_bytes).
	CaptureBodyBytes int
}

func (d configDecoder) proxy(n *yaml.Node, p *ProxyConfig) error {
	return d.fields(n, "proxy", []string{"max_header_bytes", "max_body_bytes", "upstream_timeout", "capture_body_bytes"}, func(name string, v *yaml.Node) error {
		var err error
		var size int64
		switch name {
		case "max_header_bytes":
			if size, err = d.byteCount(v, "proxy.max_header_bytes", MinProxyHeaderBytes); err == nil {
				p.MaxHeaderBytes = int(size)
			}
		case "max_body_bytes":
			p.MaxBodyBytes, err = d.byteCount(v, "proxy.max_body_bytes", 0)
		case "upstream_timeout":
			p.UpstreamTimeout, err = d.duration(v, "proxy.upstream_timeout", true)
		case "capture_body_bytes":
			if size, err = d.byteCount(v, "proxy.capture_body_bytes", 1); err == nil {
				p.CaptureBodyBytes = int(size)
			}
		}
		return err
	})
}

// byteCount reads a number of bytes, plain ("65536") or with a unit
// ("64KiB", "1MB"), of at least floor.
func (d configDecoder) byteCount(n *yaml.Node, where string, floor int64) (int64, error) {
	s, err := d.scalar(n, where)
	if err != nil {
		return 0, err
	}
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	num, unit := strings.TrimSpace(s), int64(1)
	for _, u := range units {
		if rest, ok := strings.CutSuffix(num, u.suffix); ok {
			num, unit = strings.TrimSpace(rest), u.n
			break
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v < 0 || v > (1<<62)/unit {
		return 0, d.errorf(n, "bad byte count %q for %s: want a number of bytes such as 65536 or 64KiB", s, where)
	}
	if v*unit < floor {
		return 0, d.errorf(n, "%s %q is too small: want at least %d bytes", where, s, floor)
	}
	return v * unit, nil
}
