package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Default limits of an import. A government list of all 16,500 stations is about 6 MB as CSV and 2 MB
// as XLSX, so these leave room for growth and for files padded with formatting while keeping a
// hostile upload cheap to refuse.
const (
	// DefaultMaxBytes bounds the file as uploaded (for XLSX, the zip).
	DefaultMaxBytes = 50 << 20
	// DefaultMaxRows bounds the data rows (or GeoJSON features).
	DefaultMaxRows = 2_000_000
	// DefaultMaxEntries bounds the files inside an XLSX: a workbook with one sheet per city, each with
	// its relations, drawings and printer settings, stays well under it.
	DefaultMaxEntries = 512
	// DefaultMaxUncompressed bounds the sum of the declared unpacked sizes of an XLSX's files.
	DefaultMaxUncompressed = 1 << 30
)

// Limits inside an XLSX that are not options: any one part that is neither a worksheet nor the
// shared strings (which excelize streams from a temporary file when large) is held in memory, so it
// must be small; and a large part that compresses better than maxRatio:1 is the mark of a zip bomb
// (XML sheets compress 5–30:1, a run of zeros 1000:1).
const (
	maxOtherPart = 32 << 20
	ratioFloor   = 8 << 20
	maxRatio     = 100
)

// maxRowErrors bounds the errors listed for a hopeless file; the rest are counted in ErrorsOmitted.
const maxRowErrors = 1000

// headerSearchRows is how many rows at the top of a sheet may hold titles before the header.
const headerSearchRows = 10

// ImportOptions says how to read a file. The zero value reads a sniffed format in WGS-84 with the
// default limits.
type ImportOptions struct {
	// Format is "csv", "xlsx", "geojson", or "" to sniff it from the content: a zip (PK\x03\x04) is
	// XLSX, a leading '{' (after an optional BOM and white space) GeoJSON, anything else CSV.
	Format string
	// CRS is the coordinate system the admin declared for the file's coordinates; they are converted
	// to WGS-84 and, for another CRS, the original text is kept in SourceText.
	CRS spatial.CRS
	// Sheet is the XLSX worksheet to read; "" means the first visible one.
	Sheet string
	// Limits; zero means the Default… constant.
	MaxBytes        int64
	MaxRows         int
	MaxEntries      int
	MaxUncompressed int64
	// SwapCoordinates reads the longitude column as latitude and the latitude column as longitude,
	// for a file whose columns are swapped throughout (the columns_swapped finding, swap.go).
	SwapCoordinates bool
	// RowsHint, when not 0, is how many rows the file has at most (a CSV file's line count): the
	// stations are then collected in one slice of that size, which saves joining a large file's
	// batches at the end.
	RowsHint int
}

// ImportResult is what Import made of a file.
//
// Row numbers in Errors count data rows from 1: in CSV and XLSX the first row below the header is row
// 1 and the header itself is row 0, so the row a spreadsheet shows is HeaderRow + Row (Row + 1 when
// there are no title rows). Blank rows count, so that this holds. In GeoJSON, Row is the 1-based
// position of the feature in "features". Row 0 is an error about the header or the whole file.
type ImportResult struct {
	Format   string // "csv", "xlsx" or "geojson"
	Encoding string // "utf-8", "utf-8-bom", "gb18030", "utf-16le" or "utf-16be" (always "utf-8" for XLSX and GeoJSON)
	CRS      string // the declared CRS, e.g. "wgs84"
	Rows     int    // data rows (features) seen, blank rows not counted
	// HeaderRow is the spreadsheet row number of the header: 1, or more below title rows; 0 for
	// GeoJSON or when no header was found.
	HeaderRow int
	// IgnoredColumns are header cells (GeoJSON property names) that name no known column, in the
	// order first seen.
	IgnoredColumns []string
	// Stations holds every station of the file, in file order, and only when Errors is empty.
	Stations []station.Station
	// Errors lists every problem found: Row as described above, Field the column as the file names it
	// ("geometry" for a GeoJSON position), Code a stable word, Detail a sentence for the admin.
	Errors []*station.Error
	// ErrorsOmitted counts errors beyond the first 1000, which are not listed.
	ErrorsOmitted int
	// StationRows gives the row of each station of Stations (set only when Errors is empty).
	StationRows []int
	// Converted counts the cells converted from another notation (DMS, day fractions …).
	Converted Converted
	// SwappedRows, with a columns_swapped error, counts the rows whose coordinates look swapped.
	SwappedRows int
}

// Import reads stations from a CSV, XLSX or GeoJSON file. Every row is checked and every problem is
// reported in the result (then Stations is nil). The returned error is only for a file that cannot be
// read at all or is over a limit, as a *station.Error: code invalid_import (not a workbook, broken
// JSON, a declared format the content contradicts, a missing sheet is invalid_parameter with field
// "sheet", an unknown format invalid_parameter with field "format") or payload_too_large (MaxBytes,
// MaxRows, MaxEntries, MaxUncompressed, a zip bomb); or for an error of r itself, wrapped so that
// errors.Is finds it.
func Import(r io.Reader, opt ImportOptions) (ImportResult, error) {
	opt.defaults()
	res := ImportResult{CRS: opt.CRS.String(), Errors: []*station.Error{}}
	lr := &limitReader{r: r, left: opt.MaxBytes}
	br := bufio.NewReaderSize(lr, 64<<10)
	head, err := br.Peek(512)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return res, readErr(lr, opt.MaxBytes, err)
	}
	if e := unsupportedType(head, err == io.EOF); e != nil {
		return res, e
	}
	sniffed := sniff(head)
	format := opt.Format
	switch format {
	case "":
		format = sniffed
	case "csv", "geojson":
		if sniffed == "xlsx" {
			if e := zipReadNotWorkbook(br); e != nil {
				return res, e
			}
			return res, station.Errorf(station.CodeInvalidImport, "format", "the file is a workbook (zip or OLE), not %s", format)
		}
	case "xlsx":
	default:
		return res, station.Errorf(station.CodeInvalidParameter, "format", "format %q is not csv, xlsx or geojson", format)
	}
	res.Format = format
	im := &importer{opt: opt, res: &res, props: map[string]field{}}
	switch format {
	case "csv":
		err = im.readCSV(br)
	case "xlsx":
		err = im.readXLSX(br)
	case "geojson":
		res.Encoding = "utf-8"
		err = im.readGeoJSON(br)
	}
	im.finish()
	if e := im.garbled.finding(); e != nil {
		res.Errors = append(res.Errors, e)
	}
	im.findSwappedColumns() // swap.go
	if err == nil && lr.over {
		err = errTooLarge
	}
	if err != nil {
		return res, readErr(lr, opt.MaxBytes, err)
	}
	if len(res.Errors) == 0 {
		res.Stations, res.StationRows = im.stations(), im.ids.rows
	}
	return res, nil
}

func (o *ImportOptions) defaults() {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = DefaultMaxEntries
	}
	if o.MaxUncompressed <= 0 {
		o.MaxUncompressed = DefaultMaxUncompressed
	}
}

// sniff names the format that the first bytes of a file show.
func sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "xlsx"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "xls"
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\uFEFF")), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return "geojson"
	}
	return "csv"
}

// limitReader reads at most left bytes and then reports that the file is over the limit.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Probe for one more byte: a file of exactly the limit is fine.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.over = true
			return 0, errTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

var errTooLarge = errors.New("over the size limit")

func tooLarge(max int64) *station.Error {
	size := station.Msg("%d bytes", max)
	if max >= 1<<20 {
		size = station.Msg("%d MB", max>>20)
	}
	return station.Errorf(CodePayloadTooLarge, "", "the file is larger than the limit of %s", size)
}

// readErr turns what went wrong while reading into Import's error: the size limit, a domain error as
// it is, anything else from the reader wrapped.
func readErr(lr *limitReader, max int64, err error) error {
	var se *station.Error
	switch {
	case lr.over || errors.Is(err, errTooLarge):
		return tooLarge(max)
	case errors.As(err, &se):
		return se
	}
	return fmt.Errorf("read import: %w", err)
}

// importer turns rows into stations, collecting errors; the format readers feed it rows and errors
// (addRow, addError), which rows.go converts on every core and accepts in file order.
type importer struct {
	opt   ImportOptions
	res   *ImportResult
	props map[string]field // GeoJSON property name → field (see property); the reader's own

	// garbled collects the text cells decoded wrongly upstream (mojibake.go).
	garbled garbleScan
	pipeline
	// Owned by accept once the pipeline has started.
	ids    idSet
	all    []station.Station   // the stations so far, with RowsHint
	chunks [][]station.Station // the stations so far, without

	// swappedRows counts rows whose coordinates look swapped (swap.go).
	swappedRows int
}

// stations returns the stations collected, in one slice.
func (im *importer) stations() []station.Station {
	if im.all != nil {
		return im.all
	}
	n := 0
	for _, c := range im.chunks {
		n += len(c)
	}
	if n == 0 {
		return nil
	}
	out := make([]station.Station, 0, n)
	for i, c := range im.chunks {
		out = append(out, c...)
		im.chunks[i] = nil
	}
	return out
}

// countRow counts a data row and refuses a file with too many.
func (im *importer) countRow() error {
	im.res.Rows++
	if im.res.Rows > im.opt.MaxRows {
		return station.Errorf(CodePayloadTooLarge, "", "the file has more than %d rows", im.opt.MaxRows)
	}
	return nil
}

// ignore records unknown column names once each.
func (im *importer) ignore(names []string) {
	for _, n := range names {
		if n != "" && !containsString(im.res.IgnoredColumns, n) {
			im.res.IgnoredColumns = append(im.res.IgnoredColumns, n)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// rowValues holds one row's cells by field, cleaned (see cleanCell).
type rowValues [maxFields]string

// fieldOf finds the field a station.Validate error names.
func fieldOf(name string) field {
	for i, c := range Columns {
		if c == name {
			return field(i)
		}
	}
	return fName
}

// table reads the rows of a CSV file or an XLSX sheet: the header (after at most headerSearchRows
// title rows), then data rows.
type table struct {
	im   *importer
	cols *columns // nil until the header is found
	row  int      // spreadsheet row number of the row at hand
}

// dataRow is the row at hand as ImportResult numbers it: 1 is the row below the header.
func (t *table) dataRow() int { return t.row - t.im.res.HeaderRow }

// header looks at one of the first rows of a table. It returns true when the row is the header.
func (t *table) header(cells []string) bool {
	for _, c := range cells {
		t.im.garbled.cell(0, fName, "", c)
	}
	cols, known, errs := matchHeader(cells)
	if known < 3 {
		return false
	}
	t.cols = cols
	t.im.res.HeaderRow = t.row
	t.im.ignore(cols.ignored)
	for _, e := range errs {
		t.im.addError(e)
	}
	return true
}

// noHeader records that no header was found.
func (t *table) noHeader() {
	t.im.addError(station.Errorf(station.CodeInvalidImport, "", "no header row: none of the first %d rows names at least 3 known columns (id, name, kind, lon, lat, 名称, 经度, 纬度 …)", headerSearchRows))
}

// data turns one data row into a station. Blank rows are skipped.
func (t *table) data(cells []string, unneutralize bool) error {
	blank := true
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			blank = false
			break
		}
	}
	if blank {
		return nil
	}
	if err := t.im.countRow(); err != nil {
		return err
	}
	if note, ok := footer(cells); ok {
		t.im.addError(station.RowErrorf(station.CodeInvalidImport, t.dataRow(), "", "this row is a note under the list (%.40q), not a station: delete it from the file", note))
		return nil
	}
	if len(cells) > t.cols.width {
		for i := t.cols.width; i < len(cells); i++ {
			if strings.TrimSpace(cells[i]) != "" {
				t.im.addError(station.RowErrorf(station.CodeInvalidImport, t.dataRow(), "", "the row has a value in column %d, past the last column of the header (%d)", i+1, t.cols.width))
				return nil
			}
		}
	}
	j := t.im.newRow(t.dataRow(), &t.cols.label)
	for f := range nFields {
		if i := t.cols.idx[f]; i >= 0 && i < len(cells) {
			s := station.Clean(cells[i])
			if unneutralize {
				s = unneutralise(s)
			}
			j.v[f] = s
			// The raw cell: cleaning removes control and format characters that are part of the evidence.
			t.im.garbled.cell(t.dataRow(), f, t.cols.label[f], strings.TrimSpace(cells[i]))
		}
	}
	return nil
}

// footer reports whether a row is a note that government lists put under the table (填表人：…,
// 审核人, 填报日期, 注：…): one filled cell that starts with such a word. It returns that cell.
func footer(cells []string) (string, bool) {
	note := ""
	for _, c := range cells {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		if note != "" {
			return "", false
		}
		note = c
	}
	for _, w := range []string{"填表人", "制表人", "审核人", "负责人", "联系人", "填报人", "填报单位", "填表单位", "填报日期", "填表日期", "制表日期", "注：", "注:", "备注：", "备注:", "说明：", "说明:"} {
		if strings.HasPrefix(note, w) {
			return note, true
		}
	}
	return "", false
}

// roundNano rounds a converted coordinate to 1e-9 degrees (0.1 mm, still finer than the inverse's
// accuracy). Unrounded it has 17 significant digits, which a spreadsheet keeps only 15 of, so an
// XLSX export would not import back unchanged.
func roundNano(deg float64) float64 { return math.Round(deg*1e9) / 1e9 }
