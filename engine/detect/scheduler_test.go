package detect

import (
	"sync"
	"testing"
)

func TestScheduler(t *testing.T) {
	s := NewScheduler(SchedulerOptions{ShedAt: 100, ResumeAt: 10})
	steps := []struct {
		suspicious bool
		backlog    int
		want       bool
	}{
		{false, 0, true},    // keeping up: everything
		{false, 99, true},   // below the shedding mark
		{false, 100, false}, // behind: clean exchanges shed
		{true, 500, true},   // suspicious ones always checked
		{false, 50, false},  // still shedding above the resume mark
		{false, 10, true},   // caught up
		{false, 60, true},   // and stays so until the shedding mark
	}
	for i, st := range steps {
		if got := s.Tier2(st.suspicious, st.backlog); got != st.want {
			t.Errorf("step %d: Tier2(%v, %d) = %v, want %v", i, st.suspicious, st.backlog, got, st.want)
		}
	}
	want := SchedulerStats{Tier1: 7, Tier2: 5, Shed: 2}
	if got := s.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

// TestSchedulerWithin checks that a spent budget refuses suspicious
// exchanges too, and that a budget left lets them through while shedding.
func TestSchedulerWithin(t *testing.T) {
	s := NewScheduler(SchedulerOptions{ShedAt: 100, ResumeAt: 10})
	steps := []struct {
		suspicious, affordable bool
		backlog                int
		want                   bool
	}{
		{false, true, 0, true},
		{false, false, 0, false},  // clean, budget spent
		{true, false, 0, false},   // suspicious, budget spent
		{true, true, 500, true},   // shedding, budget left: suspicious checked
		{false, true, 500, false}, // shedding: clean shed whatever the budget
	}
	for i, st := range steps {
		if got := s.Tier2Within(st.suspicious, st.backlog, st.affordable); got != st.want {
			t.Errorf("step %d: Tier2Within(%v, %d, %v) = %v, want %v", i, st.suspicious, st.backlog, st.affordable, got, st.want)
		}
	}
	want := SchedulerStats{Tier1: 5, Tier2: 2, Shed: 3, Shedding: true}
	if got := s.Stats(); got != want {
		t.Errorf("stats %+v, want %+v", got, want)
	}
}

func TestSchedulerDefaults(t *testing.T) {
	s := NewScheduler(SchedulerOptions{})
	if s.shedAt != 1000 || s.resumeAt != 250 {
		t.Errorf("defaults %d/%d, want 1000/250", s.shedAt, s.resumeAt)
	}
	s = NewScheduler(SchedulerOptions{ShedAt: 8, ResumeAt: 9})
	if s.resumeAt != 2 {
		t.Errorf("resume mark above the shedding mark kept: %d", s.resumeAt)
	}
}

func TestSchedulerConcurrent(t *testing.T) {
	s := NewScheduler(SchedulerOptions{ShedAt: 10})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				s.Tier2(i%3 == 0, i%20)
			}
		}()
	}
	wg.Wait()
	st := s.Stats()
	if st.Tier1 != 4000 || st.Tier2+st.Shed != st.Tier1 {
		t.Errorf("counts do not add up: %+v", st)
	}
}
