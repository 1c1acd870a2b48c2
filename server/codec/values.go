package codec

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/yizhan/yizhan/server/station"
)

// Row error codes of an import beyond the station package's generic ones. Each names one way a
// coordinate goes wrong in government spreadsheets, so that a client can explain it in the admin's
// language.
const (
	// CodeMissingCoordinate: the cell is empty or a placeholder (0, 待定, #N/A, -, /, …).
	CodeMissingCoordinate = "missing_coordinate"
	// CodeSwappedCoordinates: longitude and latitude are in each other's column.
	CodeSwappedCoordinates = "swapped_coordinates"
	// CodeOutsideLiaoning: a valid coordinate that lies outside Liaoning.
	CodeOutsideLiaoning = "outside_liaoning"
	// CodeDMSCoordinate: degrees-minutes-seconds text; the detail suggests the decimal value.
	CodeDMSCoordinate = "dms_coordinate"
	// CodeProjectedCoordinate: metres of a projected CRS (Gauss-Krüger, Web Mercator), not degrees.
	CodeProjectedCoordinate = "projected_coordinate"
	// CodePayloadTooLarge: the file is over a size, row or archive limit of ImportOptions.
	CodePayloadTooLarge = "payload_too_large"
	// CodeDittoCell: the cell says "same as above" (同上, 〃) instead of a value, as in lists made
	// for printing; the importer does not guess what it stood for.
	CodeDittoCell = "ditto_cell"
)

// isDitto reports whether a cell is a ditto mark: it means "the value of the row above", which is
// only true of the printed sheet (sorting or filtering the rows breaks it).
func isDitto(s string) bool {
	if len(s) > len("同上。。") {
		return false
	}
	switch strings.TrimRight(s, "。.") {
	case "同上", "仝上", "同前", "〃", `"`, "”", "“", "ditto", "Ditto", "DITTO":
		return true
	}
	return false
}

// fold is NFKC (full-width digits, letters and punctuation become ASCII) for cells that are parsed
// rather than shown: numbers, codes, phone numbers, times.
func fold(s string) string { return station.FoldClean(s) }

// placeholders are what spreadsheets hold where a coordinate is not known (compared after vocabKey).
var placeholders = map[string]bool{
	"": true, "-": true, "—": true, "/": true, "\\": true, "?": true, "待定": true, "无": true, "暂无": true, "未知": true,
	"空": true, "待补充": true, "n/a": true, "na": true, "#n/a": true, "null": true, "none": true, "nil": true,
	"#value!": true, "#ref!": true, "#div/0!": true, "#name?": true, "#num!": true, "#null!": true, "0,0": true,
}

// parseCoord reads one coordinate cell (already folded) and tells apart the usual ways it goes
// wrong: a placeholder, degrees-minutes-seconds text, two numbers in one cell, projected metres.
// Errors are about field and call the value name. Range and swap checks need both values and come
// later.
func parseCoord(field, name, s string) (float64, *station.Error) {
	v, e := parseCoordValue(name, s)
	if e != nil {
		e.Field = field
	}
	return v, e
}

func parseCoordValue(name, s string) (float64, *station.Error) {
	if plainDecimal(s) { // most cells: no placeholder, notation or stray mark to look for
		v, _ := strconv.ParseFloat(s, 64)
		return checkCoordValue(name, s, v)
	}
	key := station.WordKey(s)
	if placeholders[strings.ReplaceAll(key, "—", "-")] || strings.Trim(key, "-—") == "" {
		if s == "" {
			return 0, station.Errorf(CodeMissingCoordinate, name, "%s is empty", name)
		}
		return 0, station.Errorf(CodeMissingCoordinate, name, "%s %q is a placeholder, not a coordinate", name, s)
	}
	if v, ok, e := notationCoord(name, s); ok { // 123°25′30″, 东经123度25分, E123.4 (dms.go)
		return v, e
	}
	v, e := ParseDecimal(name, s)
	if e != nil {
		if strings.ContainsAny(s, ",;") {
			e.Reword("%s %q holds more than one number: put longitude and latitude in their own columns", name, s)
		} else if t := strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune("EeNnWwSs东西南北经纬", r) }); t != s {
			if _, e2 := ParseDecimal(name, t); e2 == nil {
				e.Reword("%s %q carries a hemisphere mark: write the plain number %s", name, s, t)
			}
		}
		return 0, e
	}
	return checkCoordValue(name, s, v)
}

// plainDecimal reports a cell that is nothing but a decimal number: an optional minus, digits, at most
// one point, 32 characters at most.
func plainDecimal(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	digits, points := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.':
			points++
		case c == '-' && i == 0:
		default:
			return false
		}
	}
	return digits > 0 && points <= 1
}

// checkCoordValue holds a number read from a coordinate cell to what a coordinate can be: 0 is a
// placeholder, DDMM.m and projected metres are named.
func checkCoordValue(name, s string, v float64) (float64, *station.Error) {
	if v == 0 {
		return 0, station.Errorf(CodeMissingCoordinate, name, "%s %q is a placeholder, not a coordinate", name, s)
	}
	if e := ddmmCoord(name, s, v); e != nil {
		return 0, e
	}
	if math.Abs(v) > 1000 {
		return 0, station.Errorf(CodeProjectedCoordinate, name,
			"%s %s looks like projected metres (CGCS2000 / Gauss-Krüger, or Web Mercator), not degrees: convert to longitude and latitude in degrees", name, s)
	}
	return v, nil
}

// checkPlace checks a pair of coordinates as given (before CRS conversion): swapped columns.
func checkSwapped(lonName string, lon, lat float64) *station.Error {
	inLon := func(v float64) bool { return v >= station.MinLon && v <= station.MaxLon }
	inLat := func(v float64) bool { return v >= station.MinLat && v <= station.MaxLat }
	if inLon(lat) && inLat(lon) {
		return station.Errorf(CodeSwappedCoordinates, lonName,
			"longitude %v and latitude %v look swapped: in Liaoning longitude is %v–%v and latitude %v–%v", lon, lat,
			station.MinLon, station.MaxLon, station.MinLat, station.MaxLat)
	}
	return nil
}

// checkLiaoning checks a converted WGS-84 point against Liaoning's extent.
func checkLiaoning(lonName, latName string, lon, lat float64) *station.Error {
	if e := station.CheckLiaoning(lon, lat); e != nil {
		if e.Field == "lat" {
			e.Field = latName
		} else {
			e.Field = lonName
		}
		if e.Code == station.CodeOutOfRange {
			e.Code = CodeOutsideLiaoning
		}
		return e
	}
	return nil
}

// verifiedLayouts are the date forms accepted for verified_at besides RFC 3339, read in Asia/Shanghai.
var verifiedLayouts = []string{
	"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2",
	"2006.1.2", "2006年1月2日",
}

// parseVerified reads verified_at: RFC 3339, or a date (and time) in Asia/Shanghai.
func parseVerified(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range verifiedLayouts {
		if t, err := time.ParseInLocation(layout, s, Shanghai); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isSciNotation reports a number shown like 2.41E+10: what Excel makes of a long phone number before
// it is saved as CSV, with the digits past the fourth lost.
func isSciNotation(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	return strings.Trim(s[:i], "0123456789.") == ""
}

// garbled reports text that shows a wrong decoding: U+FFFD replacement characters, the "锟斤拷" left by
// a UTF-8 → GBK → UTF-8 round trip, or bytes that are not UTF-8 at all.
func garbled(s string) bool {
	if isASCII(s) {
		return false
	}
	return !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || strings.Contains(s, "锟斤拷")
}

// generatedID makes a stable id for a row that has none, from what identifies a station in a
// government list. The same row gives the same id on every import, so re-importing the file updates
// rather than duplicates; a renamed station gets a new id, which is why files should carry ids.
func generatedID(st *station.Station) string {
	h := sha256.New()
	for _, s := range []string{st.City, st.District, st.Name, st.Address} {
		h.Write([]byte(norm.NFKC.String(s)))
		h.Write([]byte{0})
	}
	return "G-" + hex.EncodeToString(h.Sum(nil)[:8])
}
