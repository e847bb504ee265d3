package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Timings shared by every actor, at human pacing (Speed 1).
const (
	// startSpread staggers the actors' first requests so that they do not
	// arrive as one burst, yet all within a second.
	startSpread = 800 * time.Millisecond
	// retryMin and retryMax space attempts while the target is unreachable.
	retryMin = time.Second
	retryMax = 3 * time.Second
	// requestTimeout bounds one request, the API's slowest answer included.
	requestTimeout = 10 * time.Second
)

// ActorOptions configures RunActors.
type ActorOptions struct {
	// Target is the base URL the actors call, normally the capture proxy.
	Target string
	// Seed makes every actor's choices repeatable.
	Seed int64
	// Speed divides every pause: 1 is human pacing, larger is faster. Its
	// effect is capped so that the whole cast stays under about 500
	// requests a second.
	Speed float64
	// Logger receives request failures at debug level; nil discards them.
	Logger *slog.Logger
	// Client sends the requests; nil uses a client of the package's own.
	// Its cookie jar and redirect policy are not used: each actor decides
	// which credential it sends and sees redirects as answers.
	Client *http.Client
}

// RunActors runs the whole cast against opts.Target until ctx is done, then
// waits for every actor to stop and returns nil. It returns an error only
// when the options are unusable; failed requests are logged and retried.
func RunActors(ctx context.Context, opts ActorOptions) error {
	base, err := parseTarget(opts.Target)
	if err != nil {
		return err
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	template := opts.Client
	if template == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// The actors talk to the proxy directly; an HTTP_PROXY in the
		// environment must not reroute them.
		tr.Proxy = nil
		tr.MaxIdleConnsPerHost = len(Cast())
		defer tr.CloseIdleConnections()
		template = &http.Client{Transport: tr, Timeout: requestTimeout}
	}
	var wg sync.WaitGroup
	for i, info := range Cast() {
		a := newAgent(info, base, template, logger, newPacer(opts.Speed, cadenceOf(info.Kind), rand.New(rand.NewPCG(uint64(opts.Seed), uint64(i)))))
		wg.Go(func() { a.run(ctx) })
	}
	wg.Wait()
	return nil
}

// parseTarget checks that target is an absolute http or https URL and
// returns it without a trailing slash, ready for paths to be appended.
func parseTarget(target string) (string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return "", fmt.Errorf("demo target %q: %w", target, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("demo target %q: want an http or https URL with a host", target)
	}
	return strings.TrimRight(target, "/"), nil
}

// run starts the actor's behaviour after a short stagger and repeats it
// until ctx is done. A failed round is logged and retried after a pause, so
// that a proxy that is down or restarting is waited for, not hammered.
func (a *agent) run(ctx context.Context) {
	if a.pace.wait(ctx, 0, startSpread) != nil {
		return
	}
	round := a.behaviour()
	for ctx.Err() == nil {
		err := round(ctx)
		if err == nil || ctx.Err() != nil {
			continue
		}
		a.log.Debug("demo actor round failed", "actor", a.Name, "kind", a.Kind, "err", err)
		if errors.Is(err, errUnauthenticated) {
			a.sid, a.token = "", ""
		}
		if a.pace.wait(ctx, retryMin, retryMax) != nil {
			return
		}
	}
}

// behaviour returns one round of the actor's kind: a visit for a person, a
// pass over its list for a tool.
func (a *agent) behaviour() func(context.Context) error {
	switch a.Kind {
	case KindCookieUser:
		return a.cookieVisit
	case KindJWTUser:
		return a.appVisit
	case KindAttacker:
		return a.scan
	case KindCredentialStuffer:
		return a.stuff
	case KindScraper:
		return a.scrape
	case KindMCPAgent:
		return a.mcpTask
	case KindGraphQLClient:
		return a.storefrontVisit
	default: // KindEnumerator
		return a.enumerate
	}
}
