// Command passthrough is the bare fasthttp reverse proxy the proxy
// benchmarks measure spoor against: a fasthttp server whose handler hands
// each request to a fasthttp.HostClient for the origin and relays the
// answer, and nothing else — no capture, no copy, no analysis. It is the
// ceiling a Go user-space proxy built on fasthttp reaches on the machine.
//
//	go run ./bench/passthrough -listen 127.0.0.1:9001 -upstream 127.0.0.1:9000
//
// It runs until SIGINT or SIGTERM. It belongs to bench/ and is no part of
// spoor.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:9001", "address to serve on")
	upstream := flag.String("upstream", "127.0.0.1:9000", "host:port of the origin")
	flag.Parse()

	client := &fasthttp.HostClient{
		Addr:                          *upstream,
		NoDefaultUserAgentHeader:      true,
		DisableHeaderNamesNormalizing: true,
		DisablePathNormalizing:        true,
		// As spoor's client does: at 1,000 connections a request waits for
		// one of the 512 upstream connections instead of failing at once.
		MaxConnWaitTimeout: 10 * time.Second,
	}
	srv := &fasthttp.Server{
		Handler: func(ctx *fasthttp.RequestCtx) {
			req := &ctx.Request
			// Hop-by-hop: the client's connection is not the upstream's.
			req.Header.Del("Connection")
			if err := client.Do(req, &ctx.Response); err != nil {
				ctx.Error("passthrough: "+err.Error(), fasthttp.StatusBadGateway)
				return
			}
			ctx.Response.Header.Del("Connection")
		},
		NoDefaultServerHeader:         true,
		NoDefaultContentType:          true,
		DisableHeaderNamesNormalizing: true,
		Name:                          "passthrough",
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "passthrough: %v\n", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Shutdown()
	}()
	if err := srv.Serve(ln); err != nil && ctx.Err() == nil {
		fmt.Fprintf(os.Stderr, "passthrough: %v\n", err)
		os.Exit(1)
	}
}
