package workstation

import (
	"github.com/spoorhq/spoor/capture"
	"github.com/spoorhq/spoor/engine"
)

// withFileLimits fills the limits the flags left at zero from the proxy
// block of the --config file: a flag overrides the file, and what neither
// sets keeps the proxy's default.
func withFileLimits(flags capture.Limits, captureLimit int, file engine.ProxyConfig) (capture.Limits, int) {
	if flags.MaxHeaderBytes == 0 {
		flags.MaxHeaderBytes = file.MaxHeaderBytes
	}
	if flags.MaxBodyBytes == 0 {
		flags.MaxBodyBytes = file.MaxBodyBytes
	}
	if flags.UpstreamTimeout == 0 {
		flags.UpstreamTimeout = file.UpstreamTimeout
	}
	if captureLimit == 0 {
		captureLimit = file.CaptureBodyBytes
	}
	return flags, captureLimit
}
