package codec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yizhan/yizhan/server/station"
)

// Row error codes of spreadsheet accidents (issue 13, class 7): a value Excel turned into a number
// that cannot be turned back without guessing.
const (
	// CodeLostDigits: a phone number or adcode shown in scientific notation (2.41E+10) and saved that
	// way: the digits past the ones shown are gone.
	CodeLostDigits = "lost_digits"
	// CodeSpreadsheetTime: an opening-hours cell holding a fraction of a day that is no whole minute
	// (0.354 is 8:29:45.6), so the time it stood for is not known.
	CodeSpreadsheetTime = "spreadsheet_time"
)

// Converted counts the cells the importer converted from another notation; every other cell is
// read as written. XLSX number cells are read by their type (xlsx.go) and not counted here.
type Converted struct {
	// DMS: coordinates with degree, minute or second marks, Chinese 度分秒 or a hemisphere (dms.go).
	DMS int `json:"dms"`
	// DayFraction: opening hours saved as fractions of a day (0.375-0.75 → 09:00-18:00).
	DayFraction int `json:"day_fraction"`
	// DateSerial: verified_at saved as a spreadsheet date serial (45992 → 2025-12-01).
	DateSerial int `json:"date_serial"`
	// Exponent: phone numbers or adcodes saved in scientific notation with every digit (1.3912345678E10).
	Exponent int `json:"exponent"`
}

func (c *Converted) add(o Converted) {
	c.DMS += o.DMS
	c.DayFraction += o.DayFraction
	c.DateSerial += o.DateSerial
	c.Exponent += o.Exponent
}

// spreadsheetCells turns back what a spreadsheet made of a row's cells before it was saved as CSV (or
// typed as text in XLSX): day fractions in the hours, a date serial in verified_at, scientific
// notation in phone and adcode. A value whose digits are all there is converted and counted;
// otherwise the cell is an error, never stored as typed nor with digits made up.
func (c *converter) spreadsheetCells(v *rowValues, name func(field) string, fail func(*station.Error)) {
	if s := fold(v[fHours]); s != "" {
		if out, ok, e := dayFractionHours(name(fHours), s); e != nil {
			fail(e)
		} else if ok {
			v[fHours] = out
			c.conv.DayFraction++
		}
	}
	if s := fold(v[fVerifiedAt]); s != "" {
		if out, ok := dateSerial(s); ok {
			v[fVerifiedAt] = out
			c.conv.DateSerial++
		}
	}
	for _, f := range []field{fPhone, fAdcode} {
		if s := fold(v[f]); isSciNotation(s) {
			digits, ok := exponentDigits(s)
			if !ok {
				fail(station.Errorf(CodeLostDigits, name(f),
					"%s %q was turned into a number by Excel and lost digits (%s keeps only the digits shown): format the column as text and type it again", name(f), s, s))
				continue
			}
			v[f] = digits
			c.conv.Exponent++
		}
	}
}

// exponentDigits writes a number in scientific notation as its whole digits when the mantissa holds
// every one of them: 1.3912345678E10 is 13912345678, but 2.41E+10 stands for 11 digits and shows 3.
func exponentDigits(s string) (string, bool) {
	i := strings.IndexAny(s, "eE")
	mant, expText := s[:i], s[i+1:]
	exp, err := strconv.Atoi(strings.TrimPrefix(expText, "+"))
	if err != nil || exp < 0 || exp > 30 {
		return "", false
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	intPart = strings.TrimLeft(intPart, "0")
	if intPart == "" || len(frac) != exp {
		// Exactly exp digits after the point: every digit, none made up.
		return "", false
	}
	return intPart + frac, true
}

// dayFractionHours reads an hours cell that Excel saved as fractions of a day: 0.375, 0.375-0.75,
// 0.333333333333333-0.5,0.541666666666667-0.75 (ranges joined by - ~ 至 到, separated by , ; 、). Each
// time must be within half a second of a whole minute (Excel keeps 15 digits; a general-format CSV
// 9 or more). handled is false when the cell is not made of such numbers.
func dayFractionHours(name, s string) (out string, handled bool, e *station.Error) {
	if !strings.HasPrefix(s, "0.") && !strings.HasPrefix(s, ".") {
		return "", false, nil
	}
	var ranges []string
	for _, r := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",;、", r) }) {
		var times []string
		for _, t := range strings.FieldsFunc(r, func(r rune) bool { return strings.ContainsRune("-~至到–—", r) }) {
			t = strings.TrimSpace(t)
			if !isFraction(t) {
				return "", false, nil
			}
			v, _ := strconv.ParseFloat(t, 64)
			hm, ok := dayTime(v)
			if !ok {
				return "", true, station.Errorf(CodeSpreadsheetTime, name,
					"%s %q is a time Excel saved as a fraction of a day, and %s is no whole minute (%s): format the column as text and type the hours again (09:00-18:00)",
					name, s, t, clock(v))
			}
			times = append(times, hm)
		}
		if len(times) == 0 || len(times) > 2 {
			return "", false, nil
		}
		ranges = append(ranges, strings.Join(times, "-"))
	}
	if len(ranges) == 0 {
		return "", false, nil
	}
	return strings.Join(ranges, ","), true, nil
}

// isFraction reports 0.xxx, .xxx or 1 (24:00, the end of a day).
func isFraction(t string) bool {
	if t == "1" || t == "0" {
		return true
	}
	t = strings.TrimPrefix(t, "0")
	return len(t) > 1 && len(t) <= 20 && t[0] == '.' && strings.Trim(t[1:], "0123456789") == ""
}

// dayTime writes a fraction of a day as HH:MM when it is within half a second of a whole minute.
func dayTime(v float64) (string, bool) {
	min := math.Round(v * 24 * 60)
	if math.Abs(v*86400-min*60) >= 0.5 || min < 0 || min > 24*60 {
		return "", false
	}
	return fmt.Sprintf("%02d:%02d", int(min)/60, int(min)%60), true
}

// clock writes a fraction of a day to the second, for an error's detail.
func clock(v float64) string {
	s := v * 86400
	return fmt.Sprintf("%02d:%02d:%04.1f", int(s)/3600, int(s)%3600/60, math.Mod(s, 60))
}

// Date serials taken for a verified_at: 1990-01-01 to 2099-12-31 (Excel's 1900 date system). A
// number outside is no date a station was verified on and stays an error.
const (
	minSerial = 32874
	maxSerial = 73050
)

// dateSerial reads a verified_at that Excel saved as a date serial (45992, 45992.4375 with a time)
// and writes it as RFC 3339 in Asia/Shanghai.
func dateSerial(s string) (string, bool) {
	if strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 || len(s) > 24 {
		return "", false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v < minSerial || v >= maxSerial+1 {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(v, false)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Second)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, Shanghai).Format(time.RFC3339), true
}
