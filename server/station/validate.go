package station

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Liaoning's extent with a margin of about 30 km around the decoded provincial outline
// (lon 118.85–125.79, lat 38.72–43.49). The two ranges do not overlap, so swapped columns show.
const (
	MinLon, MaxLon = 118.5, 126.1
	MinLat, MaxLat = 38.4, 43.8
)

// Field length limits, in characters.
const (
	MaxNameLen    = 100
	MaxAddressLen = 200
	MaxTextLen    = 500
)

// Validate checks a station that is about to be stored and returns the first problem found as an
// *Error whose Field names the offending field.
func (st *Station) Validate() *Error {
	if st.ID == "" {
		return Errorf(CodeMissingParameter, "id", "id is required")
	}
	if len(st.ID) > 64 || strings.ContainsFunc(st.ID, func(r rune) bool {
		return !(r == '-' || r == '_' || r == '.' || r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	}) {
		return Errorf(CodeInvalidParameter, "id", "id %q must be at most 64 ASCII letters, digits, '-', '_' or '.'", st.ID)
	}
	if Clean(st.Name) == "" {
		return Errorf(CodeMissingParameter, "name", "name is required: it is empty or holds only invisible characters")
	}
	for _, f := range Fields {
		if f.Text == nil {
			continue
		}
		v := *f.Text(st)
		if f.Max > 0 {
			if e := CheckText(f.Name, v, f.Max); e != nil {
				return e
			}
		}
		if f.Norm != nil && v != "" {
			if n, e := f.Norm(v); e != nil {
				return e
			} else if n != v {
				return Errorf(CodeInvalidParameter, f.Name, "%s %q is not written the way it is stored (%s)", f.Name, v, n)
			}
		}
	}
	if e := CheckText("opening_hours", st.OpeningHours, MaxTextLen); e != nil {
		return e
	}
	if e := CheckPhone(st.Phone); e != nil {
		return e
	}
	if st.Adcode != "" && (len(st.Adcode) != 6 || strings.Trim(st.Adcode, "0123456789") != "") {
		return Errorf(CodeInvalidParameter, "adcode", "adcode %q must be 6 digits", st.Adcode)
	}
	return CheckLiaoning(st.Lon, st.Lat)
}

// CheckPhone accepts what Chinese station lists write as a phone number: digits with an optional
// leading "+", separated by "-" or spaces, with an optional extension after "转" or "ext", 5 to 20
// digits in all (12345 hotlines to +86 mobile numbers). Empty is allowed.
func CheckPhone(s string) *Error {
	if s == "" {
		return nil
	}
	main, ext, hasExt := strings.Cut(strings.ReplaceAll(s, "ext", "转"), "转")
	if ext = strings.TrimSpace(ext); hasExt && (ext == "" || len(ext) > 6 || strings.Trim(ext, "0123456789") != "") {
		return Errorf(CodeInvalidParameter, "phone", "phone %q: an extension after 转 or ext is 1 to 6 digits", s)
	}
	digits := 0
	for i, r := range main {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == '-', r == ' ':
		default:
			return Errorf(CodeInvalidParameter, "phone", "phone %q: only digits, a leading +, - and spaces are allowed", s)
		}
	}
	if digits < 5 || digits > 20 {
		return Errorf(CodeInvalidParameter, "phone", "phone %q has %d digits; a phone number has 5 to 20", s, digits)
	}
	return nil
}

// CheckText rejects text that is too long, not UTF-8, or still carries a character Clean removes
// (a control, format or bidi character, which can disguise what a name says): the guard for values
// that did not come through Clean.
func CheckText(field, s string, max int) *Error {
	if !utf8.ValidString(s) {
		return Errorf(CodeInvalidParameter, field, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(CodeOutOfRange, field, "%s has %d characters; at most %d are allowed", field, n, max)
	}
	if !mayHoldInvisible(s) {
		return nil
	}
	for _, r := range s {
		if unicode.IsControl(r) || Invisible(r) {
			return Errorf(CodeInvalidParameter, field, "%s contains the control character U+%04X", field, r)
		}
	}
	return nil
}

// CheckLiaoning checks that a WGS-84 point is a finite coordinate within Liaoning's extent, and says
// so when the two values look swapped.
func CheckLiaoning(lon, lat float64) *Error {
	for _, v := range []struct {
		field string
		v     float64
	}{{"lon", lon}, {"lat", lat}} {
		if math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return Errorf(CodeInvalidParameter, v.field, "%s is not a finite number", v.field)
		}
	}
	inLon := func(v float64) bool { return v >= MinLon && v <= MaxLon }
	inLat := func(v float64) bool { return v >= MinLat && v <= MaxLat }
	switch {
	case inLon(lat) && inLat(lon):
		return Errorf(CodeOutOfRange, "lon", "lon %v and lat %v look swapped: Liaoning lies at lon %v–%v, lat %v–%v", lon, lat, MinLon, MaxLon, MinLat, MaxLat)
	case !inLon(lon):
		return Errorf(CodeOutOfRange, "lon", "lon %v is outside Liaoning (%v–%v)", lon, MinLon, MaxLon)
	case !inLat(lat):
		return Errorf(CodeOutOfRange, "lat", "lat %v is outside Liaoning (%v–%v)", lat, MinLat, MaxLat)
	}
	return nil
}
