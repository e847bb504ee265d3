package abuse_test

import (
	"fmt"
	"strconv"
	"time"

	"github.com/spoorhq/spoor/engine"
	"github.com/spoorhq/spoor/engine/abuse"
)

// A tracker is wired as an observer of the analyzer, which groups each
// exchange into its session and then lets the tracker score the session.
// Here a script tries twelve user names in three seconds.
func ExampleTracker() {
	tracker, err := abuse.NewTracker(abuse.DefaultConfig())
	if err != nil {
		panic(err)
	}
	analyzer := engine.NewAnalyzer(engine.SessionizerOptions{}, engine.NewHasher([]byte("example")))
	analyzer.Use(tracker)

	start := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	var s engine.Session
	for i := range 12 {
		body := `{"username":"user` + strconv.Itoa(i) + `","password":"123456"}`
		s = analyzer.Process(&engine.Exchange{
			Start:      start.Add(time.Duration(i) * 250 * time.Millisecond),
			ClientIP:   "198.51.100.77",
			Method:     "POST",
			Path:       "/login",
			ReqHeaders: []engine.Header{{Name: "User-Agent", Value: "python-requests/2.32.3"}, {Name: "Content-Type", Value: "application/json"}},
			ReqBody:    engine.Body{Data: []byte(body), Size: int64(len(body))},
			Status:     401,
		})
	}
	for _, v := range s.Abuse {
		fmt.Println(v.Type, v.Confidence)
		for _, d := range v.Detectors {
			fmt.Printf("  %s: %s\n", d.Name, d.Explain)
		}
	}
	// Output:
	// credential_stuffing 0.79
	//   failed_logins: failed logins 12, against a baseline of 0 (fires at ≥ 10); 12 login attempts on POST /login (the Auth flow) in 3 s, 12 failed: 12 answered 401 or 403; 12 user names tried (hashed)
	//   usernames_tried: user names tried 12, 12× above the baseline of 1 (fires at ≥ 5); 100% of the attempts used a new user name (fires at ≥ 30%): many names, few tries each
	//   automation_user_agent: automation user agent: "python-requests/2.32.3" is python-requests, an HTTP client used by scripts
	//   interval_regularity: coefficient of variation of request intervals 0, below the baseline of 1 (fires at ≤ 0.30); requests every 250 ms like clockwork
}
