package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
)

// maxReply bounds how much of a response an actor reads; the largest page
// of the demo API is a few tens of kilobytes.
const maxReply = 1 << 20

// agent is one running actor. It is owned by a single goroutine.
type agent struct {
	ActorInfo
	base   string
	client *http.Client
	log    *slog.Logger
	pace   pacer
	rng    *rand.Rand

	// sid is the session cookie of a cookie user, token the bearer of an
	// app user or the enumerator. The behaviours set at most one of them,
	// so each request carries exactly the credential its kind would.
	sid   string
	token string
}

// newAgent gives the actor its own client value: it shares the template's
// transport (and so its connections) but has no cookie jar, so nothing is
// sent that the actor did not choose to send, and it returns redirects
// instead of following them, as the tools it imitates do by default.
func newAgent(info ActorInfo, base string, template *http.Client, log *slog.Logger, pace pacer) *agent {
	client := *template
	client.Jar = nil
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &agent{ActorInfo: info, base: base, client: &client, log: log, pace: pace, rng: pace.rng}
}

// reply is what an actor keeps of a response.
type reply struct {
	status  int
	cookies []*http.Cookie
	body    []byte
}

// decode reads the reply's JSON body into v.
func (r reply) decode(v any) error {
	if err := json.Unmarshal(r.body, v); err != nil {
		return fmt.Errorf("decode reply: %w", err)
	}
	return nil
}

// send makes one request. target is the escaped path and query; body, when
// not nil, is sent as JSON. Any status is a reply, not an error: deciding
// what a 401 means is the behaviour's business.
func (a *agent) send(ctx context.Context, method, target string, body any) (reply, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return reply{}, fmt.Errorf("encode %s %s: %w", method, target, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+target, rd)
	if err != nil {
		return reply{}, fmt.Errorf("build %s %s: %w", method, target, err)
	}
	req.Header.Set("User-Agent", a.UserAgent)
	req.Header.Set("X-Forwarded-For", a.IP)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.sid != "" {
		req.AddCookie(&http.Cookie{Name: sidCookie, Value: a.sid})
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("send as %s: %w", a.Name, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return reply{}, fmt.Errorf("read %s %s as %s: %w", method, target, a.Name, err)
	}
	return reply{status: resp.StatusCode, cookies: resp.Cookies(), body: data}, nil
}

// next waits the actor's usual gap and then sends, which is how every actor
// spaces its requests.
func (a *agent) next(ctx context.Context, method, target string, body any) (reply, error) {
	if err := a.pace.step(ctx); err != nil {
		return reply{}, err
	}
	return a.send(ctx, method, target, body)
}
