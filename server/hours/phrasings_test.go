package hours

import (
	"os"
	"strings"
	"testing"
)

// TestPhrasings reads testdata/phrasings.tsv, hours as public notices write them with the source of
// each, and checks that every phrasing means what the file says; a known miss ("?") must stay
// unparsed, so that a change which starts to read it, or guesses, is seen.
func TestPhrasings(t *testing.T) {
	data, err := os.ReadFile("testdata/phrasings.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var total, read, misses int
	header := true
	for n, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[0] == "" || f[1] == "" || f[2] == "" || f[3] == "" {
			t.Errorf("line %d: want text, opening_hours, source and note: %q", n+1, line)
			continue
		}
		text, want := f[0], f[1]
		total++
		r := Normalize(text)
		if want == "?" {
			misses++
			if !strings.Contains(f[3], "MISS:") {
				t.Errorf("line %d: a known miss needs a note saying why (MISS: …)", n+1)
			}
			if r.Status != Unparsed {
				t.Errorf("line %d: known miss %q is now read as %q (%s): check it and move it to the read ones", n+1, text, r.Normalized, r.Status)
			}
			continue
		}
		if r.Status == Unparsed || r.Normalized != want {
			t.Errorf("line %d: Normalize(%q) = %q (%s); want %q", n+1, text, r.Normalized, r.Status, want)
			continue
		}
		read++
	}
	if total < 100 {
		t.Errorf("%d phrasings; want at least 100", total)
	}
	t.Logf("phrasings: %d, read as written in the corpus: %d (%.0f%%), known misses: %d", total, read, 100*float64(read)/float64(total), misses)
}

// Text not understood says how far it was read; seasons named without months say what was assumed.
func TestNormalizeSaysWhatItRead(t *testing.T) {
	for _, c := range []struct{ text, read string }{
		{"周一至周五 9:00-17:00，每月最后一个周五下午闭馆", "周一至周五 9:00-17:00"},
		{"ＡＢＣ 9:00-17:00", ""},
		{"全天24小时，刷脸进门", "全天24小时"},
		{"早上8: 30开放", ""},
		{"周一至周五 8:00-18:00，周六", "周一至周五 8:00-18:00"},
		{"冬季", ""},
		{"8点开门", ""},
	} {
		r := Normalize(c.text)
		if r.Status != Unparsed || r.Read != c.read {
			t.Errorf("Normalize(%q): %s, read %q; want unparsed, read %q", c.text, r.Status, r.Read, c.read)
		}
	}
	r := Normalize("冬天早上八点半开门，下午四点半关门，节假日休息")
	if r.Status != Partial || len(r.Assumed) != 1 || r.Assumed[0] != (Assumed{"冬天", "Nov-Mar"}) {
		t.Errorf("winter: %s %+v; want partial, 冬天 assumed Nov-Mar", r.Status, r.Assumed)
	}
	if r := Normalize("冬季（11月-3月）8:30-16:30"); len(r.Assumed) != 0 {
		t.Errorf("months written: assumed %+v; want none", r.Assumed)
	}
}
