// Package codec reads and writes station files: Import reads CSV, XLSX and GeoJSON as government
// offices produce them; WriteCSV, WriteXLSX and WriteGeoJSON write the exchange format that Import
// reads back unchanged. It is a pure core: no SQL, no HTTP.
package codec

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Columns is the header of the CSV exchange format, in order (documented in data/README.md).
var Columns = func() []string {
	var names []string
	for _, f := range station.Fields {
		names = append(names, f.Name)
	}
	return append(names, "version") // the version the row was exported at: see fVersion
}()

// RowErrors lists every problem of a file; it is returned whole so that an admin can fix everything at
// once. Row is the 1-based data row (the header is row 0; see ImportResult), Field the column.
type RowErrors []*station.Error

func (e RowErrors) Error() string {
	if len(e) == 0 {
		return "no errors"
	}
	return fmt.Sprintf("%d row error(s); first: row %d: %s", len(e), e[0].Row, e[0].Error())
}

// ReadCSV reads a CSV file (the exchange format, or any CSV Import accepts) whose coordinates are in
// crs. It returns every station, or RowErrors listing every problem and nothing else. It is Import
// without the byte limit, for trusted files such as the seed dataset. When r is an *os.File, its
// lines are counted first (Import's RowsHint): at a million rows that saves more than it costs.
func ReadCSV(r io.Reader, crs spatial.CRS) ([]station.Station, error) {
	opt := ImportOptions{Format: "csv", CRS: crs, MaxBytes: math.MaxInt64}
	if f, ok := r.(*os.File); ok {
		opt.RowsHint = countLines(f)
	}
	res, err := Import(r, opt)
	var se *station.Error
	if errors.As(err, &se) {
		return nil, RowErrors{se}
	}
	if err != nil {
		return nil, err
	}
	if len(res.Errors) > 0 {
		return nil, RowErrors(res.Errors)
	}
	return res.Stations, nil
}

// countLines counts the lines of a file without moving its offset; 0 when it cannot be read.
func countLines(f *os.File) int {
	buf := make([]byte, 1<<20)
	lines := 1
	for off := int64(0); ; {
		n, err := f.ReadAt(buf, off)
		lines += bytes.Count(buf[:n], []byte{'\n'})
		off += int64(n)
		if err == io.EOF {
			return lines
		}
		if err != nil {
			return 0
		}
	}
}

var utf8BOM = []byte("\uFEFF")

// readCSV reads CSV in UTF-8 (with or without a BOM), UTF-16 with a BOM, or GB18030 (a superset of
// GBK and GB2312, what Excel on Chinese Windows saves as "CSV (逗号分隔)"). The encoding is decided by
// a BOM, else by whether the first 64 kB are valid UTF-8. The delimiter is a comma unless the header
// row only makes sense split at tabs (Excel's "Unicode text") or at semicolons: the first of ',', tab
// and ';' that splits one of the first rows into at least 3 known column names wins.
func (im *importer) readCSV(br *bufio.Reader) error {
	head, err := br.Peek(br.Size())
	atEOF := err != nil
	var src io.Reader = br
	wideName, wide := wideText(head) // UTF-32, UTF-16 without a BOM (filetype.go)
	switch {
	case wide != nil:
		im.res.Encoding = wideName
		src = transform.NewReader(br, wide)
	case bytes.HasPrefix(head, utf8BOM):
		im.res.Encoding = "utf-8-bom"
		br.Discard(len(utf8BOM))
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		im.res.Encoding = "utf-16le"
		src = transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder())
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		im.res.Encoding = "utf-16be"
		src = transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder())
	case validUTF8Prefix(head, atEOF):
		im.res.Encoding = "utf-8"
	default:
		im.res.Encoding = "gb18030"
		src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
	}
	dr, ok := src.(*bufio.Reader)
	if !ok {
		dr = bufio.NewReaderSize(src, 64<<10)
	}
	// A second BOM (files concatenated, or a BOM written twice) would end up in the first header.
	for {
		if p, _ := dr.Peek(len(utf8BOM)); !bytes.Equal(p, utf8BOM) {
			break
		}
		dr.Discard(len(utf8BOM))
	}
	head, _ = dr.Peek(dr.Size())
	cr := csv.NewReader(dr)
	cr.Comma = csvDelimiter(head)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &table{im: im}
	// Row numbers follow the lines as a spreadsheet shows them: an empty line (which encoding/csv
	// skips) is a row, a cell with line breaks is not more than one.
	lastLine := 0
	nextRow := func(start, end int) {
		t.row += 1 + max(start-lastLine-1, 0)
		lastLine = end
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			nextRow(pe.StartLine, pe.Line)
			if t.cols != nil {
				if err := im.countRow(); err != nil {
					return err
				}
			}
			im.addError(station.RowErrorf(station.CodeInvalidImport, t.dataRow(), "", "the row is not valid CSV (%v): a quote inside a cell must be doubled, and a cell with a quote, comma or line break must be quoted", pe.Err))
			continue
		case err != nil:
			return err
		}
		start, _ := cr.FieldPos(0)
		end, _ := cr.FieldPos(len(rec) - 1)
		nextRow(start, end+strings.Count(rec[len(rec)-1], "\n"))
		if t.cols == nil {
			if !t.header(rec) && t.row >= headerSearchRows {
				break
			}
			continue
		}
		if err := t.data(rec, true); err != nil {
			return err
		}
	}
	if t.cols == nil {
		t.noHeader()
	}
	return nil
}

// csvDelimiter picks the delimiter from the first rows of a file (see readCSV).
func csvDelimiter(head []byte) rune {
	for _, d := range []rune{',', '\t', ';'} {
		cr := csv.NewReader(bytes.NewReader(head))
		cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = d, -1, true
		for i := 0; i < headerSearchRows; i++ {
			rec, err := cr.Read()
			if err != nil {
				break
			}
			if _, known, _ := matchHeader(rec); known >= 3 {
				return d
			}
		}
	}
	return ','
}

// validUTF8Prefix reports whether head, the start of a file, is valid UTF-8; unless it is the whole
// file, a rune cut at its end does not count against it.
func validUTF8Prefix(head []byte, whole bool) bool {
	if !whole {
		for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
			if utf8.RuneStart(head[i]) {
				if !utf8.FullRune(head[i:]) {
					head = head[:i]
				}
				break
			}
		}
	}
	return utf8.Valid(head)
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

// WriteCSV writes stations in the exchange format. With bom, a UTF-8 byte order mark comes first so
// that Excel opens the file as UTF-8. Cells that a spreadsheet would run as a formula are neutralised.
func WriteCSV(w io.Writer, stations station.List, bom bool) error {
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
	for i := range stations.Len() {
		st := stations.Station(i)
		for f := range nFields {
			rec[f] = neutraliseFormula(exportCell(st, f))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// exportCell is field f of st as the exchange format writes it.
func exportCell(st *station.Station, f field) string {
	if f < fVersion {
		if sf := station.Fields[f]; sf.Text != nil {
			return *sf.Text(st)
		}
	}
	switch f {
	case fID:
		return st.ID
	case fKind:
		return st.Kind.String()
	case fLon:
		return FormatCoord(st.Lon)
	case fLat:
		return FormatCoord(st.Lat)
	case fAmenities:
		return st.Amenities.String()
	case fHours:
		return st.OpeningHours
	case fStatus:
		return st.Status.String()
	case fAudience:
		return st.Audience.String()
	case fVerifiedAt:
		return formatVerified(st.VerifiedAt)
	case fVersion:
		return formatVersion(st.Version)
	}
	return ""
}

// formatVersion writes a stored station's version; a station never stored has none.
func formatVersion(v int64) string {
	if v <= 0 {
		return ""
	}
	return strconv.FormatInt(v, 10)
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
// left alone. A cell that already starts with an apostrophe before such a character gets one more,
// so that unneutralise gives it back exactly.
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
	case '\'':
		if len(s) > 1 && strings.IndexByte(neutralised, s[1]) >= 0 {
			return "'" + s
		}
	}
	return s
}

// neutralised are the characters after which a leading apostrophe is neutraliseFormula's.
const neutralised = "=+-@\t\r'"

// unneutralise undoes neutraliseFormula so that export → import round-trips.
func unneutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(neutralised, s[1]) >= 0 {
		return s[1:]
	}
	return s
}
