package codec

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yizhan/yizhan/server/station"
)

// readXLSX reads one worksheet of a workbook: the named one, or the first visible one. Cells are read
// as stored, never evaluated: a formula gives the value Excel cached when it last saved. Numbers that
// Excel shows formatted are read raw and converted where the column says what they mean (see
// xlsxCell). Worksheets and shared strings larger than 16 MB are streamed from temporary files by
// excelize; everything else of the workbook is held in memory, within the limits of checkZip.
func (im *importer) readXLSX(br *bufio.Reader) error {
	im.res.Encoding = "utf-8"
	body, err := io.ReadAll(br)
	if err != nil {
		return err
	}
	if err := checkZip(body, im.opt); err != nil {
		return err
	}
	if e := zipNotWorkbook(body); e != nil {
		return e
	}
	f, err := excelize.OpenReader(bytes.NewReader(body), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: im.opt.MaxUncompressed, UnzipXMLSizeLimit: min(16<<20, im.opt.MaxUncompressed),
	})
	if err != nil {
		return station.Errorf(station.CodeInvalidImport, "", "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheet, e := pickSheet(f, im.opt.Sheet)
	if e != nil {
		return e
	}
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return station.Errorf(station.CodeInvalidImport, "", "sheet %q cannot be read: %v", sheet, err)
	}
	defer rows.Close()
	t := &table{im: im}
	for rows.Next() {
		t.row++
		cells, err := rows.Columns()
		if err != nil {
			return station.Errorf(station.CodeInvalidImport, "", "sheet %q, row %d cannot be read: %v", sheet, t.row, err)
		}
		if t.cols == nil {
			if !t.header(cells) && t.row >= headerSearchRows {
				break
			}
			continue
		}
		for f := range nFields {
			if i := t.cols.idx[f]; i >= 0 && i < len(cells) {
				cells[i] = xlsxCell(f, cells[i], date1904)
			}
		}
		if err := t.data(cells, true); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return station.Errorf(station.CodeInvalidImport, "", "sheet %q cannot be read: %v", sheet, err)
	}
	if t.cols == nil {
		t.noHeader()
	}
	return nil
}

// pickSheet returns the sheet to read: name when given and present, else the first visible sheet.
func pickSheet(f *excelize.File, name string) (string, *station.Error) {
	list := f.GetSheetList()
	if name != "" {
		for _, s := range list {
			if s == name {
				return s, nil
			}
		}
		return "", station.Errorf(station.CodeInvalidParameter, "sheet", "the workbook has no sheet %q; its sheets are %s", name, strings.Join(list, ", "))
	}
	for _, s := range list {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	if len(list) > 0 {
		return list[0], nil
	}
	return "", station.Errorf(station.CodeInvalidImport, "", "the workbook has no sheets")
}

// xlsxCell turns a raw cell value into the text a CSV of the same sheet would hold, for the columns
// where Excel's numbers mislead:
//   - verified_at: a date serial (45292 = 2024-01-01) becomes RFC 3339 in Asia/Shanghai;
//   - opening_hours: a time of day stored as a fraction (0.375) becomes "09:00";
//   - id, phone, adcode: a whole number is written in full (24123456789, never 2.41E+10);
//   - lon, lat: a number is written as the shortest decimal of its value (no 17-digit noise).
//
// Only raw numbers are converted: text cells never look like a canonical number with a leading zero,
// and a text cell holding a plain number means the same as the number.
func xlsxCell(f field, s string, date1904 bool) string {
	if !isRawNumber(s) {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	switch f {
	case fVerifiedAt:
		if v >= 1 && v < 2958466 { // 1900-01-01 to 9999-12-31
			if t, err := excelize.ExcelDateToTime(v, date1904); err == nil {
				t = t.Round(time.Second)
				return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, Shanghai).Format(time.RFC3339)
			}
		}
	case fHours:
		if v > 0 && v < 1 {
			m := int(math.Round(v * 24 * 60))
			if m < 24*60 {
				return fmt.Sprintf("%02d:%02d", m/60, m%60)
			}
		}
	case fID, fPhone, fAdcode:
		if f != fID && isSciNotation(s) {
			return s // every digit there or some lost: spreadsheetCells decides (spreadsheet.go)
		}
		return plainNumber(v, s)
	case fLon, fLat:
		return FormatCoord(v)
	}
	return s
}

// isRawNumber reports s in the form a worksheet stores a number: an optional '-', digits without a
// leading zero (except "0" itself), an optional fraction and exponent.
func isRawNumber(s string) bool {
	s = strings.TrimPrefix(s, "-")
	if s == "" || s[0] < '0' || s[0] > '9' || s[0] == '0' && len(s) > 1 && s[1] != '.' && s[1] != 'e' && s[1] != 'E' {
		return false
	}
	return strings.Trim(s, "0123456789.eE+-") == ""
}

// checkZip refuses an archive over the limits before anything is unpacked. It reads only the
// central directory (the entry count first, from the end record, so that even the directory of a
// hostile archive is not parsed in full). archive/zip later refuses an entry that unpacks to more
// than its declared size, so the declared sizes can be trusted.
func checkZip(body []byte, opt ImportOptions) error {
	tooMany := func(n int) error {
		return station.Errorf(CodePayloadTooLarge, "", "the workbook holds %d files; at most %d are allowed", n, opt.MaxEntries)
	}
	if n, ok := zipEntryCount(body); ok && n > opt.MaxEntries {
		return tooMany(n)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return station.Errorf(station.CodeInvalidImport, "", "not a readable XLSX workbook (zip): %v", err)
	}
	if len(zr.File) > opt.MaxEntries {
		return tooMany(len(zr.File))
	}
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		if size > uint64(opt.MaxUncompressed) || total > uint64(opt.MaxUncompressed) {
			return station.Errorf(CodePayloadTooLarge, "", "the workbook unpacks to more than %d MB", opt.MaxUncompressed>>20)
		}
		if size > ratioFloor && size/max(f.CompressedSize64, 1) > maxRatio {
			return station.Errorf(CodePayloadTooLarge, "", "part %q unpacks %d:1 to %d MB, which no spreadsheet does: refused as a zip bomb", truncate(f.Name, 60), size/max(f.CompressedSize64, 1), size>>20)
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		if size > maxOtherPart && !strings.HasPrefix(name, "xl/worksheets/sheet") && name != "xl/sharedstrings.xml" {
			return station.Errorf(CodePayloadTooLarge, "", "part %q unpacks to %d MB; only worksheets may be that large", truncate(f.Name, 60), size>>20)
		}
	}
	return nil
}

// zipEntryCount reads the number of entries from a zip's end-of-central-directory record. ok is false
// when there is no such record or it defers to a zip64 record.
func zipEntryCount(b []byte) (int, bool) {
	const eocdLen = 22
	lo := max(len(b)-eocdLen-math.MaxUint16, 0)
	for i := len(b) - eocdLen; i >= lo; i-- {
		if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 5 && b[i+3] == 6 {
			n := binary.LittleEndian.Uint16(b[i+10:])
			if n == math.MaxUint16 {
				return 0, false
			}
			return int(n), true
		}
	}
	return 0, false
}

// XLSXSheet is the name of the one worksheet WriteXLSX writes.
const XLSXSheet = "站点"

// WriteXLSX writes stations as a workbook with one sheet, 站点, holding the columns of the CSV
// exchange format with the same header. Coordinates are numbers; id, adcode and phone are text cells
// (so Excel keeps leading zeros and never shows 2.41E+10); verified_at is RFC 3339 text. Text that a
// spreadsheet would run as a formula is neutralised as in WriteCSV; Import undoes it.
func WriteXLSX(w io.Writer, stations station.List) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", XLSXSheet); err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(XLSXSheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, width := range []float64{18, 36, 16, 12, 12, 48, 10, 10, 9, 40, 30, 12, 20, 14, 16, 30, 26} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	row := make([]any, len(Columns))
	for i, c := range Columns {
		row[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	cell := func(style int, s string) any {
		if s == "" {
			return nil
		}
		return excelize.Cell{StyleID: style, Value: neutraliseFormula(s)}
	}
	for i := range stations.Len() {
		st := stations.Station(i)
		row = row[:0]
		for f := range nFields {
			switch {
			case f == fLon:
				row = append(row, st.Lon)
			case f == fLat:
				row = append(row, st.Lat)
			case f == fID || f < fVersion && station.Fields[f].Fold:
				row = append(row, cell(text, exportCell(st, f))) // digits that must stay text (leading zeros)
			default:
				row = append(row, cell(0, exportCell(st, f)))
			}
		}
		name, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(name, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
