package station_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/yizhan/yizhan/server/station"
)

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"站前爱心驿站":                     "站前爱心驿站",
		"  站前 爱心驿站\u3000":            "站前 爱心驿站",
		"\u200b站\u200c前\u200d\u2060": "站前",
		"\ufeff站前":                   "站前",
		"站\u00ad前":                   "站前",
		"站\u202e前\u202c\u200e\u200f": "站前",
		"站\u2066前\u2069":             "站前",
		"站\u180e前\u034f":             "站前",
		"站\ufe0f前\U000E0041":         "站前",
		"站\x00前\x1b\x7f":             "站前",
		"站前\r\n驿站\n爱心\t驿站":           "站前 驿站 爱心 驿站",
		"a\u2028b\u2029c":            "a b c",
		"\u200b \u200b":              "",
		"Café naïve 𠮷 ①":             "Café naïve 𠮷 ①",
		"ÃŠ\u0085x":                  "ÃŠ\u0085x", // C1 controls stay for the mojibake check to name
		"\xff\xfe站":                  "\xff\xfe站", // so do bytes that are not UTF-8
	} {
		if got := station.Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := station.Fold("０２４－８８８８\u200b８８８８"); got != "024-88888888" {
		t.Errorf("Fold: %q", got)
	}
}

// Clean is idempotent, never leaves a character it removes, and never grows the text.
func FuzzClean(f *testing.F) {
	for _, s := range []string{"站前\u200b驿站", "\ufeff\u00ad", "a\r\nb", "\xff", "ÃŠ\u0085"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := station.Clean(s)
		if station.Clean(c) != c || len(c) > len(s) {
			t.Fatalf("Clean(%q) = %q", s, c)
		}
		if strings.TrimFunc(c, unicode.IsSpace) != c {
			t.Fatalf("Clean(%q) = %q has space at an edge", s, c)
		}
		if !utf8.ValidString(s) {
			return
		}
		for i, r := range c {
			if station.Invisible(r) || r == '\n' || r == '\r' || r == '\t' {
				t.Fatalf("Clean(%q) = %q keeps %U at %d", s, c, r, i)
			}
		}
	})
}

// The quick look at the bytes misses no character Clean or CheckText would act on: every code point
// that Invisible reports, or that is a control, makes it look closer.
func TestQuickLookMissesNothing(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if (station.Invisible(r) || unicode.IsControl(r)) && station.CheckText("f", "a"+string(r)+"b", 10) == nil {
			t.Errorf("%U passes CheckText", r)
		}
	}
}
