package engine

import (
	"encoding/json"
	"testing"
)

// TestExaminationJSON checks the printed names, their round trip, that
// the prefilter's hint is never printed, and that an unknown name fails.
func TestExaminationJSON(t *testing.T) {
	for _, tt := range []struct {
		e    Examination
		want string
	}{
		{0, `[]`},
		{ExaminedOff, `["off"]`},
		{ExaminedTier1 | ExaminedCRS, `["tier1","crs"]`},
		{ExaminedTier1 | ExaminedCRSPending | ExaminedSuspect, `["tier1","crs_pending"]`},
		{(ExaminedTier1 | ExaminedCRSPending | ExaminedSuspect).Checked(), `["tier1","crs"]`},
	} {
		b, err := json.Marshal(tt.e)
		if err != nil || string(b) != tt.want {
			t.Errorf("%08b: %s, %v; want %s", tt.e, b, err, tt.want)
		}
		var back Examination
		if err := json.Unmarshal(b, &back); err != nil || back != tt.e&^ExaminedSuspect {
			t.Errorf("%s read back as %08b, %v", b, back, err)
		}
	}
	var e Examination
	if err := json.Unmarshal([]byte(`["tier3"]`), &e); err == nil {
		t.Error("an unknown detector was accepted")
	}
}
