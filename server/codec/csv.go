// Package codec reads and writes station files: the CSV exchange format (the seed file, admin imports
// and exports) and GeoJSON. It is a pure core: no SQL, no HTTP.
package codec

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Columns is the header of the CSV exchange format, in order (documented in data/README.md).
var Columns = []string{"id", "name", "kind", "lon", "lat", "address", "city", "district", "adcode",
	"amenities", "opening_hours", "status", "status_note", "audience", "phone", "operator", "verified_at"}

// RowErrors lists every problem of a file; it is returned whole so that an admin can fix everything at
// once. Row is the 1-based data row (the header is row 0), Field the column.
type RowErrors []*station.Error

func (e RowErrors) Error() string {
	if len(e) == 0 {
		return "no errors"
	}
	return fmt.Sprintf("%d row error(s); first: row %d: %s", len(e), e[0].Row, e[0].Error())
}

// maxRowErrors bounds the report for a hopeless file.
const maxRowErrors = 1000

// ReadCSV reads the CSV exchange format (UTF-8, optional BOM) whose coordinates are in crs; they are
// converted to WGS-84, and for another CRS the original text is kept. It returns every station, or
// RowErrors listing every bad row and nothing else.
func ReadCSV(r io.Reader, crs spatial.CRS) ([]station.Station, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, RowErrors{{Code: station.CodeInvalidImport, Detail: "the file is empty: expected a header row"}}
	}
	if err != nil {
		return nil, RowErrors{{Code: station.CodeInvalidImport, Detail: err.Error()}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, name := range []string{"id", "name", "kind", "lon", "lat"} {
		if _, ok := col[name]; !ok {
			return nil, RowErrors{{Code: station.CodeInvalidImport, Field: name, Detail: fmt.Sprintf("the header has no %q column", name)}}
		}
	}
	var out []station.Station
	var errs RowErrors
	seen := map[string]int{}
	for row := 1; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				errs = append(errs, &station.Error{Code: station.CodeInvalidImport, Row: row, Detail: pe.Err.Error()})
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					continue
				}
			} else {
				errs = append(errs, &station.Error{Code: station.CodeInvalidImport, Row: row, Detail: err.Error()})
			}
			break
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return unneutralise(strings.TrimSpace(rec[i]))
			}
			return ""
		}
		st, e := parseRow(get, crs)
		if e == nil {
			if prev, dup := seen[st.ID]; dup {
				e = station.Errorf(station.CodeInvalidImport, "id", "id %q is already used by row %d", st.ID, prev)
			}
		}
		if e != nil {
			e.Row = row
			errs = append(errs, e)
			if len(errs) >= maxRowErrors {
				break
			}
			continue
		}
		seen[st.ID] = row
		out = append(out, st)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func parseRow(get func(string) string, crs spatial.CRS) (station.Station, *station.Error) {
	st := station.Station{
		ID: get("id"), Name: get("name"), Address: get("address"), City: get("city"), District: get("district"),
		Adcode: get("adcode"), OpeningHours: hours.Normalize(get("opening_hours")).Normalized, StatusNote: get("status_note"),
		Phone: get("phone"), Operator: get("operator"), SourceCRS: "wgs84",
	}
	var ok bool
	if st.Kind, ok = station.ParseKind(get("kind")); !ok {
		return st, station.Errorf(station.CodeInvalidParameter, "kind", "kind %q is not one of %s", get("kind"), kindCodes())
	}
	for _, c := range []struct {
		field string
		dst   *float64
	}{{"lon", &st.Lon}, {"lat", &st.Lat}} {
		v, e := ParseDecimal(c.field, get(c.field))
		if e != nil {
			return st, e
		}
		*c.dst = v
	}
	if crs != spatial.WGS84 {
		st.SourceCRS, st.SourceText = crs.String(), get("lon")+","+get("lat")
		p := spatial.ToWGS84(crs, orb.Point{st.Lon, st.Lat})
		st.Lon, st.Lat = p[0], p[1]
	}
	set, bad, ok := station.ParseAmenitySet(get("amenities"))
	if !ok {
		return st, station.Errorf(station.CodeInvalidParameter, "amenities", "amenity %q is not in the vocabulary", bad)
	}
	st.Amenities = set
	if s := get("status"); s != "" {
		if st.Status, ok = station.ParseStatus(s); !ok {
			return st, station.Errorf(station.CodeInvalidParameter, "status", "status %q is not open, temporarily_closed or closed", s)
		}
	}
	if s := get("audience"); s != "" {
		if st.Audience, ok = station.ParseAudience(s); !ok {
			return st, station.Errorf(station.CodeInvalidParameter, "audience", "audience %q is not everyone, couriers_and_drivers or drivers", s)
		}
	}
	if s := get("verified_at"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return st, station.Errorf(station.CodeInvalidParameter, "verified_at", "verified_at %q is not an RFC 3339 time", s)
		}
		st.VerifiedAt = t
	}
	if e := st.Validate(); e != nil {
		return st, e
	}
	return st, nil
}

// ParseDecimal parses a plain decimal number: digits with an optional sign and point. It refuses what
// strconv.ParseFloat would also accept but no coordinate is: NaN, Inf, hex floats, exponents, "_".
func ParseDecimal(field, s string) (float64, *station.Error) {
	if s == "" {
		return 0, station.Errorf(station.CodeMissingParameter, field, "%s is required", field)
	}
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r == '-' || r == '+') && i == 0, r == '.':
		default:
			return 0, station.Errorf(station.CodeInvalidParameter, field, "%s %q is not a decimal number", field, s)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || digits == 0 || len(s) > 32 {
		return 0, station.Errorf(station.CodeInvalidParameter, field, "%s %q is not a decimal number", field, s)
	}
	return v, nil
}

func kindCodes() string {
	var codes []string
	for _, k := range station.Kinds() {
		codes = append(codes, k.String())
	}
	return strings.Join(codes, ", ")
}

// WriteCSV writes stations in the exchange format. With bom, a UTF-8 byte order mark comes first so
// that Excel opens the file as UTF-8. Cells that a spreadsheet would run as a formula are neutralised.
func WriteCSV(w io.Writer, stations []station.Station, bom bool) error {
	if bom {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return err
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	rec := make([]string, len(Columns))
	for i := range stations {
		st := &stations[i]
		rec = rec[:0]
		rec = append(rec, st.ID, st.Name, st.Kind.String(), FormatCoord(st.Lon), FormatCoord(st.Lat), st.Address,
			st.City, st.District, st.Adcode, st.Amenities.String(), st.OpeningHours, st.Status.String(),
			st.StatusNote, st.Audience.String(), st.Phone, st.Operator, formatVerified(st.VerifiedAt))
		for j := range rec {
			rec[j] = neutraliseFormula(rec[j])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatCoord writes the shortest decimal that parses back to exactly v.
func FormatCoord(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Shanghai is where Yizhan's users live: times are shown with its +08:00 offset (no DST since 1991).
var Shanghai = time.FixedZone("CST", 8*3600)

func formatVerified(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Shanghai).Format(time.RFC3339)
}

// neutraliseFormula prefixes a cell that starts like a spreadsheet formula with an apostrophe, which
// spreadsheets show as text. Plain negative numbers (coordinates never are, but a value might be) are
// left alone.
func neutraliseFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s
		}
		return "'" + s
	}
	return s
}

// unneutralise undoes neutraliseFormula so that export → import round-trips.
func unneutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
