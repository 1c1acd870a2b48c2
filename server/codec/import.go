package codec

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/hours"
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
	// RowOf gives the row of each station of Stations by id (set only when Errors is empty).
	RowOf map[string]int
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
	sniffed := sniff(head)
	format := opt.Format
	switch format {
	case "":
		format = sniffed
	case "csv", "geojson":
		if sniffed == "xlsx" || sniffed == "xls" {
			return res, station.Errorf(station.CodeInvalidImport, "format", "the file is a workbook (zip or OLE), not %s", format)
		}
	case "xlsx":
	default:
		return res, station.Errorf(station.CodeInvalidParameter, "format", "format %q is not csv, xlsx or geojson", format)
	}
	if sniffed == "xls" {
		return res, station.Errorf(station.CodeInvalidImport, "format",
			"the file is a legacy .xls workbook or a password-protected .xlsx: save it as .xlsx (Excel 2007 or later) without a password")
	}
	res.Format = format
	im := &importer{opt: opt, res: &res, seen: map[string]int{}, hours: map[string]string{}, amen: map[string]amenities{}, props: map[string]field{}}
	switch format {
	case "csv":
		err = im.readCSV(br)
	case "xlsx":
		err = im.readXLSX(br)
	case "geojson":
		res.Encoding = "utf-8"
		err = im.readGeoJSON(br)
	}
	if err == nil && lr.over {
		err = errTooLarge
	}
	if err != nil {
		return res, readErr(lr, opt.MaxBytes, err)
	}
	if len(res.Errors) == 0 {
		res.Stations, res.RowOf = im.stations(), im.seen
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
	size := fmt.Sprintf("%d bytes", max)
	if max >= 1<<20 {
		size = fmt.Sprintf("%d MB", max>>20)
	}
	return &station.Error{Code: CodePayloadTooLarge, Detail: "the file is larger than the limit of " + size}
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

// importer turns rows into stations, collecting errors; the format readers feed it.
type importer struct {
	opt   ImportOptions
	res   *ImportResult
	seen  map[string]int    // id → row that first used it
	hours map[string]string // opening-hours text → normalised, a cache (a file has few distinct values)
	amen  map[string]amenities
	props map[string]field // GeoJSON property name → field (see property)
	// chunks collect the stations: one slice grown row by row would copy a million stations many
	// times over (append grows large slices by only a quarter).
	chunks [][]station.Station
}

const chunkLen = 4096

// stations returns the stations collected, in one slice.
func (im *importer) stations() []station.Station {
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

// amenities is a cached result of parseAmenities.
type amenities struct {
	set station.AmenitySet
	bad string
	ok  bool
}

// parseAmenities is the package's parseAmenities with a cache.
func (im *importer) parseAmenities(s string) (station.AmenitySet, string, bool) {
	if a, ok := im.amen[s]; ok {
		return a.set, a.bad, a.ok
	}
	set, bad, ok := parseAmenities(s)
	if len(im.amen) < 4096 {
		im.amen[s] = amenities{set, bad, ok}
	}
	return set, bad, ok
}

// addError records an error unless the list is full.
func (im *importer) addError(e *station.Error) {
	if len(im.res.Errors) >= maxRowErrors {
		im.res.ErrorsOmitted++
		return
	}
	im.res.Errors = append(im.res.Errors, e)
}

// countRow counts a data row and refuses a file with too many.
func (im *importer) countRow() error {
	im.res.Rows++
	if im.res.Rows > im.opt.MaxRows {
		return &station.Error{Code: CodePayloadTooLarge, Detail: fmt.Sprintf("the file has more than %d rows", im.opt.MaxRows)}
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
type rowValues [nFields]string

// addRow parses one data row into a station, or records its errors. labels name each field as the
// file does; coordField, when set, is the name given to every coordinate error (GeoJSON's
// "geometry").
func (im *importer) addRow(row int, v *rowValues, labels *[nFields]string, coordField string) {
	label := func(f field) string {
		if labels[f] != "" {
			return labels[f]
		}
		return f.String()
	}
	lonName, latName := label(fLon), label(fLat)
	if coordField != "" {
		lonName, latName = coordField, coordField
	}
	var errs []*station.Error
	fail := func(e *station.Error) { errs = append(errs, e) }
	for f := range nFields {
		if garbled(v[f]) {
			fail(station.Errorf(station.CodeInvalidParameter, label(f),
				"%s holds characters that did not decode (%q): save the file as UTF-8 or GBK", label(f), v[f]))
		} else if isDitto(v[f]) {
			fail(station.Errorf(CodeDittoCell, label(f),
				"%s says %q (same as above): write the value itself in every row (in Excel, unmerge and fill down)", label(f), v[f]))
		}
	}
	st := station.Station{
		ID: fold(v[fID]), Name: v[fName], Address: v[fAddress], City: v[fCity], District: v[fDistrict],
		Adcode: fold(v[fAdcode]), StatusNote: v[fStatusNote], Phone: fold(v[fPhone]), Operator: v[fOperator],
		SourceCRS: im.opt.CRS.String(),
	}
	var ok bool
	if s := v[fKind]; s != "" {
		if st.Kind, ok = parseKind(s); !ok {
			fail(station.Errorf(station.CodeInvalidParameter, label(fKind), "kind %q is not one of %s (or 爱心驿站, 司机之家, 工会驿站, 党群服务中心, 其他)", s, kindCodes()))
		}
	} else if st.Kind, ok = kindFromName(st.Name); !ok {
		fail(station.Errorf(station.CodeMissingParameter, label(fKind), "kind is empty and the name does not end with a kind (爱心驿站, 司机之家, 工会驿站, 党群服务中心)"))
	}
	lonText, latText := fold(v[fLon]), fold(v[fLat])
	lon, lonErr := parseCoord(lonName, lonName, lonText)
	lat, latErr := parseCoord(latName, latName, latText)
	if coordField != "" {
		lon, lonErr = parseCoord(coordField, "longitude", lonText)
		lat, latErr = parseCoord(coordField, "latitude", latText)
	}
	switch {
	case lonErr != nil || latErr != nil:
		for _, e := range []*station.Error{lonErr, latErr} {
			if e != nil {
				fail(e)
			}
		}
	default:
		if e := checkSwapped(lonName, lon, lat); e != nil {
			fail(e)
			break
		}
		if im.opt.CRS != spatial.WGS84 {
			st.SourceText = lonText + "," + latText
			p := spatial.ToWGS84(im.opt.CRS, orb.Point{lon, lat})
			lon, lat = roundNano(p[0]), roundNano(p[1])
		}
		st.Lon, st.Lat = lon, lat
		if e := checkLiaoning(lonName, latName, lon, lat); e != nil {
			fail(e)
		}
	}
	if s := v[fAmenities]; s != "" {
		set, bad, ok := im.parseAmenities(s)
		if !ok {
			fail(station.Errorf(station.CodeInvalidParameter, label(fAmenities), "amenity %q is not in the vocabulary", bad))
		}
		st.Amenities = set
	}
	st.OpeningHours = im.normalizeHours(v[fHours])
	if s := v[fStatus]; s != "" {
		if st.Status, ok = statusWords[vocabKey(s)]; !ok {
			fail(station.Errorf(station.CodeInvalidParameter, label(fStatus), "status %q is not open, temporarily_closed or closed (正常开放, 暂停开放, 已关闭)", s))
		}
	}
	if s := v[fAudience]; s != "" {
		if st.Audience, ok = audienceWords[vocabKey(s)]; !ok {
			fail(station.Errorf(station.CodeInvalidParameter, label(fAudience), "audience %q is not everyone, couriers_and_drivers or drivers", s))
		}
	}
	if isSciNotation(st.Phone) {
		fail(station.Errorf(station.CodeInvalidParameter, label(fPhone),
			"phone %q was turned into a number by Excel and lost digits: format the column as text and type it again", st.Phone))
	}
	if s := fold(v[fVerifiedAt]); s != "" {
		if st.VerifiedAt, ok = parseVerified(s); !ok {
			fail(station.Errorf(station.CodeInvalidParameter, label(fVerifiedAt), "verified_at %q is not a date: use RFC 3339 (2026-09-14T10:20:00+08:00) or 2026-09-14", s))
		}
	}
	if s := fold(v[fVersion]); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err != nil || n < 0 || s[0] == '+' {
			fail(station.Errorf(station.CodeInvalidParameter, label(fVersion), "version %q is not a whole number (it is what an export wrote; leave it empty to overwrite the station whatever its version)", s))
		} else {
			st.Version = n
		}
	}
	if st.ID == "" {
		st.ID = generatedID(&st)
	}
	if len(errs) == 0 {
		if e := st.Validate(); e != nil {
			e.Field = label(fieldOf(e.Field))
			fail(e)
		}
	}
	if len(errs) == 0 {
		if prev, dup := im.seen[st.ID]; dup {
			detail := fmt.Sprintf("id %q is already used by row %d", st.ID, prev)
			if v[fID] == "" {
				detail = fmt.Sprintf("same name and address as row %d (no id given)", prev)
			}
			fail(station.Errorf(station.CodeInvalidImport, label(fID), "%s", detail))
		} else {
			im.seen[st.ID] = row
		}
	}
	if len(errs) > 0 {
		for _, e := range errs {
			e.Row = row
			im.addError(e)
		}
		return
	}
	if len(im.res.Errors) == 0 {
		if len(im.chunks) == 0 || len(im.chunks[len(im.chunks)-1]) == chunkLen {
			im.chunks = append(im.chunks, make([]station.Station, 0, chunkLen))
		}
		last := &im.chunks[len(im.chunks)-1]
		*last = append(*last, st)
	}
}

// fieldOf finds the field a station.Validate error names.
func fieldOf(name string) field {
	for i, c := range Columns {
		if c == name {
			return field(i)
		}
	}
	return fName
}

// normalizeHours stores opening hours in canonical OSM syntax where they can be read, and as given
// otherwise (hours.Normalize).
func (im *importer) normalizeHours(s string) string {
	if s == "" {
		return ""
	}
	if n, ok := im.hours[s]; ok {
		return n
	}
	n := hours.Normalize(s).Normalized
	if len(im.hours) < 4096 {
		im.hours[s] = n
	}
	return n
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
	t.im.addError(&station.Error{Code: station.CodeInvalidImport, Detail: fmt.Sprintf(
		"no header row: none of the first %d rows names at least 3 known columns (id, name, kind, lon, lat, 名称, 经度, 纬度 …)", headerSearchRows)})
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
		t.im.addError(&station.Error{Code: station.CodeInvalidImport, Row: t.dataRow(),
			Detail: fmt.Sprintf("this row is a note under the list (%.40q), not a station: delete it from the file", note)})
		return nil
	}
	if len(cells) > t.cols.width {
		for i := t.cols.width; i < len(cells); i++ {
			if strings.TrimSpace(cells[i]) != "" {
				t.im.addError(&station.Error{Code: station.CodeInvalidImport, Row: t.dataRow(),
					Detail: fmt.Sprintf("the row has a value in column %d, past the last column of the header (%d)", i+1, t.cols.width)})
				return nil
			}
		}
	}
	var v rowValues
	for f := range nFields {
		if i := t.cols.idx[f]; i >= 0 && i < len(cells) {
			s := cleanCell(cells[i])
			if unneutralize {
				s = unneutralise(s)
			}
			v[f] = s
		}
	}
	t.im.addRow(t.dataRow(), &v, &t.cols.label, "")
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
