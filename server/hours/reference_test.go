package hours_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/hours"
)

// reference is testdata/opening_hours_js.json: what opening_hours.js, the reference implementation
// of the specification, answers for every expression of testdata/corpus.txt (regenerate with
// scripts/gen-hours-fixtures).
type reference struct {
	From    string            `json:"from"`
	To      string            `json:"to"`
	PHNames map[string]string `json:"ph_names"`
	Cases   []struct {
		Expr      string  `json:"expr"`
		Intervals [][]any `json:"intervals"` // [start, end, unknown, comment]
		Samples   [][]any `json:"samples"`   // [at, state, next change, comment]
	} `json:"cases"`
}

func loadReference(t *testing.T) (reference, *hours.Calendar) {
	t.Helper()
	raw, err := os.ReadFile("testdata/opening_hours_js.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(raw, &ref); err != nil {
		t.Fatal(err)
	}
	// opening_hours.js has its own (incomplete) list of Chinese holidays; evaluate with exactly that
	// list so that the comparison is about the rules, not the calendar.
	days := map[time.Time]string{}
	for d, name := range ref.PHNames {
		t0, err := time.Parse(time.DateOnly, d)
		if err != nil {
			t.Fatal(err)
		}
		days[t0] = name
	}
	return ref, hours.NewCalendar(days, 2025, 2026, 2027)
}

func mustTime(t *testing.T, v any) time.Time {
	t.Helper()
	s, _ := v.(string)
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("reference time %v: %v", v, err)
	}
	return at
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func TestAgreesWithOpeningHoursJS(t *testing.T) {
	ref, cal := loadReference(t)
	from, to := mustTime(t, ref.From), mustTime(t, ref.To)
	corpus, err := os.ReadFile("testdata/corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(corpus), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			n++
		}
	}
	if n < 100 || len(ref.Cases) != n {
		t.Fatalf("corpus has %d expressions and the reference %d cases; want the same, at least 100", n, len(ref.Cases))
	}
	samples := 0
	for _, c := range ref.Cases {
		t.Run(c.Expr, func(t *testing.T) {
			s, err := hours.Parse(c.Expr)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			again, err := hours.Parse(s.String())
			if err != nil || again.String() != s.String() {
				t.Fatalf("canonical form %q does not parse to itself: %v", s.String(), err)
			}
			var want, got []string
			for _, iv := range c.Intervals {
				want = append(want, fmt.Sprintf("%s..%s unknown=%v %q", mustTime(t, iv[0]).Format(time.RFC3339),
					mustTime(t, iv[1]).Format(time.RFC3339), iv[2], str(iv[3])))
			}
			for _, iv := range s.Intervals(cal, from, to) {
				got = append(got, fmt.Sprintf("%s..%s unknown=%v %q", iv.From.Format(time.RFC3339), iv.To.Format(time.RFC3339), iv.Unknown, iv.Comment))
			}
			if d := firstDifference(want, got); d != "" {
				t.Errorf("intervals differ from opening_hours.js: %s", d)
			}
			for _, smp := range c.Samples {
				at := mustTime(t, smp[0])
				state, comment := s.StateAt(cal.Moment(at))
				next, ok := s.NextChange(cal, at, to)
				wantNext := "none"
				if smp[2] != nil {
					wantNext = mustTime(t, smp[2]).Format(time.RFC3339)
				}
				gotNext := "none"
				if ok {
					gotNext = next.Format(time.RFC3339)
				}
				if state.String() != smp[1] || gotNext != wantNext || comment != str(smp[3]) {
					t.Errorf("at %s: got %s, next %s, comment %q; opening_hours.js: %s, next %s, comment %q",
						smp[0], state, gotNext, comment, smp[1], wantNext, str(smp[3]))
				}
				samples++
			}
		})
	}
	t.Logf("%d expressions, %d instants compared", len(ref.Cases), samples)
}

func firstDifference(want, got []string) string {
	for i := 0; i < len(want) || i < len(got); i++ {
		w, g := "(none)", "(none)"
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			return fmt.Sprintf("interval %d: want %s, got %s (%d vs %d intervals)", i, w, g, len(want), len(got))
		}
	}
	return ""
}
