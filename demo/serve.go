package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is the demo API served on a free loopback port.
type Server struct {
	srv *http.Server
	ln  net.Listener
}

// Serve starts the demo API on a free loopback port; Close stops it.
func Serve(opts APIOptions) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start demo api: %w", err)
	}
	s := &Server{srv: &http.Server{Handler: NewAPI(opts), ReadHeaderTimeout: 10 * time.Second}, ln: ln}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the API's base URL.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the API at once.
func (s *Server) Close() error { return s.srv.Close() }

// StartActors runs RunActors in the background. stop ends the actors,
// waits for them, and returns RunActors' error, if any.
func StartActors(ctx context.Context, opts ActorOptions) (stop func() error) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- RunActors(ctx, opts) }()
	return func() error {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}
}
