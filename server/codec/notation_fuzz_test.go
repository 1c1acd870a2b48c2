package codec

import (
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/yizhan/yizhan/server/station"
)

// The coordinate cell parser never panics; what it accepts is a finite number, a converted notation
// lies within 0–180 degrees and reads back the same from FormatDMS, and what it refuses has a code
// and a detail.
func FuzzCoordCell(f *testing.F) {
	for _, s := range []string{"123°25′30″", "123度25分30秒", "东经123°25.5′", "41°48′N", "N41 48 30", "E123.4", "123°25＇30＂",
		"123°25′30′′", "12325.5", "4148.3", "W123°25′", "-123°", "123.5°25′", "123°60′", "123.456789", "0", "待定", "1e308°"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = fold(station.Clean(s))
		v, e := parseCoordValue("lon", s)
		if e != nil {
			if e.Code == "" || e.Detail == "" {
				t.Fatalf("%q: error without code or detail: %+v", s, e)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1000 {
			t.Fatalf("%q: accepted %v", s, v)
		}
		if !hasNotation(s) {
			return
		}
		if v < 0 || v > 180 {
			t.Fatalf("%q: converted to %v, out of range", s, v)
		}
		back, e := parseCoordValue("lon", FormatDMS(v))
		if e != nil || math.Abs(back-v) > 1e-9 {
			t.Fatalf("%q → %v → %q → %v, %v", s, v, FormatDMS(v), back, e)
		}
	})
}

var hoursForm = regexp.MustCompile(`^([0-2]\d:[0-5]\d(-[0-2]\d:[0-5]\d)?)(,[0-2]\d:[0-5]\d(-[0-2]\d:[0-5]\d)?)*$`)

// The spreadsheet cell conversions never panic and never make digits up: converted hours are HH:MM
// ranges, a converted date serial is a date parseVerified reads, and a phone's digits have exactly
// the value written in scientific notation.
func FuzzSpreadsheetCell(f *testing.F) {
	for _, s := range []string{"0.375-0.75", "0.375", ".5", "0.333333333333333-0.5,0.541666666666667-0.75", "0.354", "0-1",
		"45992", "45992.4375", "20251202", "1.3912345678E10", "2.41E+10", "1.3912345678E-10", "9E+30", "0.375至0.75"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = fold(station.Clean(s))
		if out, ok, e := dayFractionHours("opening_hours", s); e != nil {
			if e.Code != CodeSpreadsheetTime || e.Detail == "" || ok != true {
				t.Fatalf("%q: %+v", s, e)
			}
		} else if ok && (!hoursForm.MatchString(out) || out > "24:00" && len(out) == 5) {
			t.Fatalf("%q: hours %q", s, out)
		}
		if out, ok := dateSerial(s); ok {
			if _, ok := parseVerified(out); !ok {
				t.Fatalf("%q: date %q does not read", s, out)
			}
		}
		if isSciNotation(s) {
			if digits, ok := exponentDigits(s); ok {
				want, err1 := strconv.ParseFloat(s, 64)
				got, err2 := strconv.ParseFloat(digits, 64)
				if err1 != nil || err2 != nil || want != got || regexp.MustCompile(`^[1-9]\d*$`).FindString(digits) == "" {
					t.Fatalf("%q: digits %q", s, digits)
				}
			}
		}
	})
}
