// Command natsd is the NATS server with JetStream that bench/nats.sh runs
// the capture nodes and the workstation against: nats-server's own code
// (the nats-server/v2 module spoor's tests embed), so the benchmark needs
// no binary besides what go build makes.
//
//	go run ./bench/natsd -listen 127.0.0.1:4222 -dir /tmp/js -monitor 8222
//
// It runs until SIGINT or SIGTERM. It belongs to bench/ and is no part of
// spoor; outside the benchmark, run the real nats-server -js.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:4222", "client address")
	dir := flag.String("dir", "", "JetStream store directory (required)")
	monitor := flag.Int("monitor", 0, "HTTP monitoring port on 127.0.0.1 (0: none)")
	flag.Parse()
	if err := run(*listen, *dir, *monitor); err != nil {
		fmt.Fprintln(os.Stderr, "natsd:", err)
		os.Exit(1)
	}
}

func run(listen, dir string, monitor int) error {
	if dir == "" {
		return fmt.Errorf("-dir is required")
	}
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("invalid -listen %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return fmt.Errorf("invalid -listen port %q", portText)
	}
	srv, err := server.NewServer(&server.Options{Host: host, Port: port, JetStream: true, StoreDir: dir, HTTPHost: "127.0.0.1", HTTPPort: monitor, NoSigs: true, NoLog: true})
	if err != nil {
		return fmt.Errorf("nats server: %w", err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		return fmt.Errorf("nats server on %s not ready", listen)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	srv.Shutdown()
	srv.WaitForShutdown()
	return nil
}
