// Command origin is the upstream API the proxy benchmarks put behind nginx,
// mitmdump and spoor: every request, whatever its method and path, is
// answered 200 with the same 512-byte JSON document, so the proxies in front
// of it, not the origin, decide the figures.
//
//	go run ./bench/origin -listen 127.0.0.1:9000            # fasthttp
//	go run ./bench/origin -listen 127.0.0.1:9000 -impl net/http
//
// It runs until SIGINT or SIGTERM. It belongs to bench/ and is no part of
// spoor.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// bodySize is the size of every answer, the size the earlier
// measurements used.
const bodySize = 512

func main() {
	listen := flag.String("listen", "127.0.0.1:9000", "address to serve on")
	impl := flag.String("impl", "fasthttp", "server implementation: fasthttp or net/http")
	flag.Parse()

	body := document(bodySize)
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "origin: %v\n", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var serve func() error
	var shutdown func()
	switch *impl {
	case "fasthttp":
		srv := &fasthttp.Server{
			Handler: func(c *fasthttp.RequestCtx) {
				c.Response.Header.SetContentType("application/json")
				c.Response.SetBodyRaw(body)
			},
			Name: "origin",
		}
		serve = func() error { return srv.Serve(ln) }
		shutdown = func() { srv.Shutdown() }
	case "net/http":
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}), ReadHeaderTimeout: 10 * time.Second}
		serve = func() error { return srv.Serve(ln) }
		shutdown = func() { srv.Close() }
	default:
		fmt.Fprintf(os.Stderr, "origin: -impl %q: want fasthttp or net/http\n", *impl)
		os.Exit(2)
	}
	go func() {
		<-ctx.Done()
		shutdown()
	}()
	if err := serve(); err != nil && ctx.Err() == nil && err != http.ErrServerClosed {
		fmt.Fprintf(os.Stderr, "origin: %v\n", err)
		os.Exit(1)
	}
}

// document returns a JSON object of exactly n bytes: a user record padded
// with a note field.
func document(n int) []byte {
	head := `{"id":7,"name":"Ann Example","email":"ann@example.com","role":"customer","orders":[101,102,103],"note":"`
	tail := `"}`
	return []byte(head + strings.Repeat("x", n-len(head)-len(tail)) + tail)
}
