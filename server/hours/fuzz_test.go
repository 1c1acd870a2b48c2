package hours_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/hours"
)

// FuzzNormalize feeds Normalize (and through it the parser, the Chinese converter and the evaluator)
// arbitrary text. The seed corpus is every expression of testdata/corpus.txt, the Chinese forms of
// the normaliser's table, the phrasings of testdata/phrasings.tsv and whatever the fuzzer found and was kept in testdata/fuzz/FuzzNormalize, so
// every `go test` replays it. Properties: no panic; unparsed text is kept verbatim; the canonical
// form is a fixed point; evaluation agrees with itself (the state at an instant is open or unknown
// exactly when an interval starts there, and the next change is where that state ends).
func FuzzNormalize(f *testing.F) {
	corpus, err := os.ReadFile("testdata/corpus.txt")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(corpus), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			f.Add(line)
		}
	}
	for _, s := range []string{"", " ", ";", ",", "24/7;", "Mo-", "Mo-Fr 08:00-", "08:00-48:00", "47:59-48:00",
		"2026 Dec 31-2026 Jan 01", "Feb 30", "\"", "Mo \"\"", "Su,PH,Mo-Fr 00:00-24:00", "PH PH", "Jan-Dec 00:00-00:01",
		"全天24小时", "早8点到晚6点", "12:00-次日2:00", "冬季（11月-3月）8:30-16:30，夏季（4月-10月）8:00-18:00"} {
		f.Add(s)
	}
	phrasings, err := os.ReadFile("testdata/phrasings.tsv")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range strings.Split(string(phrasings), "\n") {
		if text, _, ok := strings.Cut(line, "\t"); ok && !strings.HasPrefix(line, "#") {
			f.Add(text)
		}
	}
	at := time.Date(2026, 1, 15, 23, 40, 0, 0, hours.Zone)
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 2048 {
			return
		}
		res := hours.Normalize(text)
		if res.Status == hours.Unparsed {
			if res.Normalized != text || res.Schedule != nil {
				t.Fatalf("unparsed %q came back as %q", text, res.Normalized)
			}
			return
		}
		again := hours.Normalize(res.Normalized)
		if again.Status != hours.Parsed || again.Normalized != res.Normalized {
			t.Fatalf("%q → %q (%s) → %q (%s): the canonical form is not a fixed point", text, res.Normalized, res.Status, again.Normalized, again.Status)
		}
		cal := hours.DefaultCalendar
		state, _ := res.Schedule.StateAt(cal.Moment(at))
		ivs := res.Schedule.Intervals(cal, at, at.Add(72*time.Hour))
		startsOpen := len(ivs) > 0 && ivs[0].From.Equal(at)
		if startsOpen != (state != hours.Closed) {
			t.Fatalf("%q at %s: state %s but intervals %v", res.Normalized, at, state, ivs)
		}
		next, ok := res.Schedule.NextChange(cal, at, at.Add(72*time.Hour))
		if startsOpen && ok && ivs[0].To.Before(next) { // only a change of comment may split an interval
			if len(ivs) < 2 || !ivs[1].From.Equal(ivs[0].To) || ivs[1].Unknown != ivs[0].Unknown {
				t.Fatalf("%q: the first interval %v ends before the next change %s", res.Normalized, ivs[0], next)
			}
		}
		if ok && !next.After(at) {
			t.Fatalf("%q: next change %s is not after %s", res.Normalized, next, at)
		}
	})
}
