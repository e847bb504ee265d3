//go:build race

package store

// raceDetector is set in builds with the race detector, which runs the
// store about five times slower; the largest tests scale down under it.
const raceDetector = true
