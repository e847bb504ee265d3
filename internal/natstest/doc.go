// Package natstest runs an embedded NATS server with JetStream on loopback
// for tests, with its store in a test's temporary directory. It can stop
// and start again on the same port and store, as a restarted server would.
//
// Only _test.go files import it; the spoor binary does not embed a server.
package natstest
