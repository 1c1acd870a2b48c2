package codec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/yizhan/yizhan/server/station"
)

// Row error codes of coordinate notations (issue 13, class 5).
const (
	// CodeWrongHemisphere: a coordinate marked west or south (W, S, 西经, 南纬, or a minus sign before
	// degrees): Liaoning is east and north, so the mark or the value is wrong and the importer does not
	// guess which.
	CodeWrongHemisphere = "wrong_hemisphere"
	// CodeDDMMCoordinate: a bare number such as 12325.5 that reads as degrees and minutes run together
	// (123°25.5′) as much as anything else: ambiguous, never converted.
	CodeDDMMCoordinate = "ddmm_coordinate"
)

// Symbols of degrees, minutes and seconds as clerks type them, after NFKC (fold): full-width ＇＂ are
// ASCII by then and ″ is two primes. Chinese input methods give curly quotes for ' and ".
var (
	degreeMarks = []string{"°", "度", "˚"}
	secondMarks = []string{"′′", "''", "’’", "‘‘", "″", "\"", "”", "“", "秒"}
	minuteMarks = []string{"′", "'", "’", "‘", "分"}
)

// hemispheres are the marks before or after a coordinate, longest first; the byte is E, N, W or S.
var hemispheres = []struct {
	mark string
	h    byte
}{
	{"东经", 'E'}, {"北纬", 'N'}, {"西经", 'W'}, {"南纬", 'S'}, {"东", 'E'}, {"北", 'N'}, {"西", 'W'}, {"南", 'S'},
	{"E", 'E'}, {"N", 'N'}, {"W", 'W'}, {"S", 'S'}, {"e", 'E'}, {"n", 'N'}, {"w", 'W'}, {"s", 'S'},
}

// hasNotation reports whether a coordinate cell (folded) is written with degree, minute or second
// marks or a hemisphere, rather than as a plain decimal: such a cell that parses was converted.
func hasNotation(s string) bool {
	if plainDecimal(s) {
		return false
	}
	if strings.ContainsAny(s, "°度˚′'’‘″\"”“分秒") {
		return true
	}
	_, _, ok := cutHemisphere(s)
	return ok
}

// cutHemisphere takes one hemisphere mark off the start or the end of s.
func cutHemisphere(s string) (rest string, h byte, ok bool) {
	s = strings.TrimSpace(s)
	for _, m := range hemispheres {
		if r, found := strings.CutPrefix(s, m.mark); found && startsNumber(strings.TrimSpace(r)) {
			return strings.TrimSpace(r), m.h, true
		}
		if r, found := strings.CutSuffix(s, m.mark); found && startsNumber(strings.TrimSpace(r)) {
			// "1.5E" is a hemisphere, "1.5e5" is not (the mark must end the cell), and "123°25′30″ E" too.
			return strings.TrimSpace(r), m.h, true
		}
	}
	return s, 0, false
}

func startsNumber(s string) bool {
	return s != "" && (s[0] >= '0' && s[0] <= '9' || s[0] == '.' || s[0] == '-' || s[0] == '+')
}

// notationCoord reads a coordinate cell (folded) written with marks: 123°25′30.5″E, 123度25分30秒,
// 东经123°25.5′, N41 48 30, E123.4567, 123°25'30"', 41°48′′ (doubled primes as seconds). handled is
// false when the cell has no marks (a plain number, left to ParseDecimal). A cell with marks that is
// not a clear coordinate is an error: minutes or seconds of 60 or more, a fraction before the last
// part, marks out of order, a west or south hemisphere.
func notationCoord(name, s string) (v float64, handled bool, e *station.Error) {
	if !hasNotation(s) || strings.ContainsAny(s, ",;") {
		return 0, false, nil // a plain number, or two numbers in one cell (parseCoordValue says so)
	}
	rest, h, _ := cutHemisphere(s)
	if strings.HasPrefix(rest, "-") {
		if h == 0 {
			h = '-'
		}
		rest = strings.TrimSpace(rest[1:])
	} else {
		rest = strings.TrimPrefix(rest, "+")
	}
	parts, ok := dmsParts(rest)
	if !ok {
		return 0, true, station.Errorf(CodeDMSCoordinate, name,
			"%s %q is not a coordinate that can be read: write decimal degrees such as 123.456789, or degrees, minutes and seconds such as 123°25′30″", name, s)
	}
	for i, p := range parts {
		if i > 0 && p >= 60 {
			return 0, true, station.Errorf(CodeDMSCoordinate, name,
				"%s %q has %s of %v, which must be under 60: check the value (is a digit missing or doubled?)", name, s, [...]station.Message{{}, station.Msg("minutes"), station.Msg("seconds")}[i], p)
		}
	}
	v = parts[0]
	if len(parts) > 1 {
		v += parts[1] / 60
	}
	if len(parts) > 2 {
		v += parts[2] / 3600
	}
	v = roundNano(v)
	if v > 180 {
		return 0, true, station.Errorf(CodeDMSCoordinate, name, "%s %q has more than 180 degrees", name, s)
	}
	switch h {
	case 'W', 'S', '-':
		where := map[byte]station.Message{'W': station.Msg("west"), 'S': station.Msg("south"), '-': station.Msg("negative (west or south)")}[h]
		return 0, true, station.Errorf(CodeWrongHemisphere, name,
			"%s %q is %s, but Liaoning is east longitude and north latitude: check the value and its mark (东经/E, 北纬/N)", name, s, where)
	}
	return v, true, nil
}

// dmsParts splits what is left of a cell without its hemisphere into degrees and optional minutes
// and seconds. Each number has its mark or, with none, takes the place after the one before, so
// "123 25 30" and "123°25 30" both read. Only the last number may have a fraction, and degrees take
// none when minutes follow (123.5°25′ means nothing).
func dmsParts(s string) ([]float64, bool) {
	var parts []float64
	next := 0 // the place the next number takes: 0 degrees, 1 minutes, 2 seconds
	fraction := false
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		end := 0
		for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
			end++
		}
		if end == 0 || end > 20 || fraction {
			return nil, false
		}
		num := s[:end]
		p, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsInf(p, 0) {
			return nil, false
		}
		fraction = strings.Contains(num, ".")
		s = strings.TrimLeftFunc(s[end:], unicode.IsSpace)
		place := next
		if m, rest, ok := cutMark(s); ok {
			if m < next {
				return nil, false
			}
			place, s = m, rest
		}
		if place > 2 {
			return nil, false
		}
		for len(parts) < place {
			parts = append(parts, 0)
		}
		parts = append(parts, p)
		next = place + 1
	}
	if len(parts) == 0 {
		return nil, false
	}
	return parts, true
}

// cutMark takes a degree, minute or second mark off the start of s and returns its place.
func cutMark(s string) (int, string, bool) {
	for place, marks := range [][]string{degreeMarks, secondMarks, minuteMarks} {
		for _, m := range marks {
			if rest, ok := strings.CutPrefix(s, m); ok {
				return [...]int{0, 2, 1}[place], rest, true
			}
		}
	}
	return 0, "", false
}

// ddmmCoord reports a bare number that reads as degrees and minutes run together, as GPS receivers
// and some surveying tools write them (NMEA's DDMM.mmmm): 12325.5 is 123°25.5′ for a longitude, 4148.3
// is 41°48.3′ for a latitude. It is ambiguous (no marks say so), so it is an error with the reading.
func ddmmCoord(name string, s string, v float64) *station.Error {
	deg := math.Floor(v / 100)
	min := math.Round((v-deg*100)*1e9) / 1e9
	if min >= 60 {
		return nil
	}
	inLon := deg >= math.Floor(station.MinLon) && deg <= station.MaxLon
	inLat := deg >= math.Floor(station.MinLat) && deg <= station.MaxLat
	if !inLon && !inLat {
		return nil
	}
	return station.Errorf(CodeDDMMCoordinate, name,
		"%s %s may be degrees and minutes run together (%v°%s′ = %s): write decimal degrees, or degrees and minutes with their marks", name, s,
		deg, strconv.FormatFloat(min, 'f', -1, 64), FormatCoord(roundNano(deg+min/60)))
}

// FormatDMS writes decimal degrees as degrees, minutes and seconds (123°25′30.5″), the notation the
// importer reads back.
func FormatDMS(v float64) string {
	deg := math.Floor(v)
	rest := (v - deg) * 60
	min := math.Floor(rest)
	sec := math.Round((rest-min)*60*1e6) / 1e6 // a micro-second of arc is 0.03 mm
	if sec >= 60 {
		sec, min = sec-60, min+1
	}
	if min >= 60 {
		min, deg = min-60, deg+1
	}
	return fmt.Sprintf("%v°%v′%s″", deg, min, strconv.FormatFloat(sec, 'f', -1, 64))
}

// countNotation counts the coordinate cells of a row that were written with marks and read.
func (c *converter) countNotation(lonText, latText string, lonErr, latErr *station.Error) {
	if lonErr == nil && hasNotation(lonText) {
		c.conv.DMS++
	}
	if latErr == nil && hasNotation(latText) {
		c.conv.DMS++
	}
}

// checkMarks refuses hemisphere marks that contradict their columns when the values do not: 123.4N
// in the longitude column and 41.8E in the latitude column are either swapped marks or swapped values,
// and the importer does not guess which. (Marks and values swapped together are swapped columns.)
func checkMarks(lonName, latName, lonText, latText string) *station.Error {
	for _, c := range []struct {
		name, text string
		wrong      []byte
		axis       station.Message
	}{{lonName, lonText, []byte{'N', 'S'}, station.Msg("longitude")}, {latName, latText, []byte{'E', 'W'}, station.Msg("latitude")}} {
		if plainDecimal(c.text) {
			continue
		}
		if _, h, ok := cutHemisphere(c.text); ok && (h == c.wrong[0] || h == c.wrong[1]) {
			return station.Errorf(CodeDMSCoordinate, c.name,
				"%s %q is marked %c, which is not a %s mark: check whether the marks or the values are in the wrong column", c.name, c.text, h, c.axis)
		}
	}
	return nil
}
