package codec_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// xlsxOf makes a one-sheet workbook from rows of values as excelize writes them.
func xlsxOf(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// govWorkbook is a workbook as a city office sends it: a merged title row over a Chinese header, a
// formula with its cached value, a date, a time of day and a phone number stored as numbers, a
// numeric id, and a second sheet for another city.
func govWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "沈阳"))
	must(f.SetCellStr("沈阳", "A1", "沈阳市爱心驿站名录"))
	must(f.MergeCell("沈阳", "A1", "I1"))
	must(f.SetCellStr("沈阳", "A2", "填报单位：沈阳市总工会"))
	must(f.SetSheetRow("沈阳", "A3", &[]any{"站点编号", "站点名称", "类型", "经度", "纬度", "联系电话", "核实时间", "开放时间", "服务设施"}))
	must(f.SetSheetRow("沈阳", "A4", &[]any{1001, "南湖街道爱心驿站", "爱心驿站", 123.412345, 41.771234, 13800000000, nil, "周一至周五 9:00-17:00", "热水、取暖"}))
	must(f.SetCellFormula("沈阳", "D4", "ROUND(123.4123451,6)")) // cached value 123.412345 stays
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(err)
	must(f.SetCellValue("沈阳", "G4", 45292.5)) // 2024-01-01 12:00
	must(f.SetCellStyle("沈阳", "G4", "G4", dateStyle))
	must(f.SetSheetRow("沈阳", "A5", &[]any{"LN-2", "浑河站司机之家", "driver_home", 123.5, 41.7, "024-01234567", "2026-09-14", 0.375, nil}))
	must(f.SetSheetRow("沈阳", "A6", &[]any{nil, nil, nil, nil, nil}))
	must(f.SetSheetRow("沈阳", "A7", &[]any{"LN-3", "=CMD()", "other", 123.6, 41.6}))
	_, err = f.NewSheet("大连")
	must(err)
	must(f.SetSheetRow("大连", "A1", &[]any{"id", "name", "kind", "lon", "lat"}))
	must(f.SetSheetRow("大连", "A2", &[]any{"DL-1", "星海爱心驿站", "caring_station", 121.6, 38.9}))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestImportXLSX(t *testing.T) {
	data := govWorkbook(t)
	res := importOK(t, data, codec.ImportOptions{})
	if res.Format != "xlsx" || res.HeaderRow != 3 || res.Rows != 3 || len(res.Stations) != 3 {
		t.Fatalf("%+v", res)
	}
	a, b, c := res.Stations[0], res.Stations[1], res.Stations[2]
	if a.ID != "1001" || a.Name != "南湖街道爱心驿站" || a.Kind != station.CaringStation || a.Lon != 123.412345 || a.Lat != 41.771234 ||
		a.Phone != "13800000000" || !a.VerifiedAt.Equal(time.Date(2024, 1, 1, 12, 0, 0, 0, codec.Shanghai)) ||
		a.OpeningHours != "Mo-Fr 09:00-17:00" || a.Amenities != station.AmenitySet(0).With(station.HotWater).With(station.Heating) {
		t.Fatalf("first %+v", a)
	}
	// A time of day alone is read as the time Excel shows; it is not opening hours, so kept as text.
	if b.Phone != "024-01234567" || !b.VerifiedAt.Equal(time.Date(2026, 9, 14, 0, 0, 0, 0, codec.Shanghai)) || b.OpeningHours != "09:00" {
		t.Fatalf("second %+v", b)
	}
	if c.Name != "=CMD()" {
		t.Fatalf("third %+v", c)
	}

	res = importOK(t, data, codec.ImportOptions{Sheet: "大连"})
	if res.HeaderRow != 1 || len(res.Stations) != 1 || res.Stations[0].ID != "DL-1" {
		t.Fatalf("sheet 大连: %+v", res)
	}
	_, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{Sheet: "鞍山"})
	var e *station.Error
	if !errors.As(err, &e) || e.Field != "sheet" || !strings.Contains(e.Detail, "沈阳, 大连") {
		t.Fatalf("missing sheet: %v", err)
	}
}

// Row errors in a workbook count from the header, which is below title rows; the spreadsheet row is
// HeaderRow + Row.
func TestImportXLSXRowErrors(t *testing.T) {
	data := xlsxOf(t, [][]any{
		{"某市驿站"},
		{"编号", "名称", "类型", "经度", "纬度"},
		{"A-1", "好站", "other", 123.4, 41.8},
		{"A-2", "好站", "other", 41.8, 123.4},
	})
	errs := importErrs(t, data, codec.ImportOptions{})
	if len(errs) != 1 || errs[0].Row != 2 || errs[0].Field != "经度" || errs[0].Code != codec.CodeSwappedCoordinates {
		t.Fatalf("errors %v", errs)
	}
}

// A workbook's unpacked size is checked from the zip directory before anything is unpacked: a zip
// bomb is refused without inflating it.
func TestImportXLSXZipBomb(t *testing.T) {
	bomb := func(entries int, size int) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		zeros := make([]byte, 1<<20)
		for i := range entries {
			w, err := zw.Create("xl/worksheets/sheet" + strings.Repeat("1", i+1) + ".xml")
			if err != nil {
				t.Fatal(err)
			}
			for n := 0; n < size; n += len(zeros) {
				w.Write(zeros[:min(len(zeros), size-n)])
			}
		}
		zw.Close()
		return buf.Bytes()
	}
	// 200 MB of zeros deflated to 200 kB, made without deflating 200 MB: a sync-flushed deflate of
	// 1 MB of zeros refers only to itself, so repeating it 200 times is a valid stream of 200 MB.
	bigBomb := func() []byte {
		var chunk bytes.Buffer
		fw, _ := flate.NewWriter(&chunk, flate.BestCompression)
		zeros := make([]byte, 1<<20)
		fw.Write(zeros)
		fw.Flush()
		var body bytes.Buffer
		crc := uint32(0)
		for range 200 {
			body.Write(chunk.Bytes())
			crc = crc32.Update(crc, crc32.IEEETable, zeros)
		}
		body.Write([]byte{3, 0}) // an empty final block
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(body.Len()), UncompressedSize64: 200 << 20})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body.Bytes())
		zw.Close()
		// It really is 200 MB of zeros.
		zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		rc, err := zr.File[0].Open()
		if err != nil {
			t.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, rc); n != 200<<20 || err != nil {
			t.Fatalf("bomb unpacks to %d bytes: %v", n, err)
		}
		return buf.Bytes()
	}
	cases := []struct {
		name string
		data []byte
		opt  codec.ImportOptions
		want string
	}{
		{"200 MB of zeros", bigBomb(), codec.ImportOptions{}, "zip bomb"},
		{"too many entries", bomb(codec.DefaultMaxEntries+1, 0), codec.ImportOptions{}, "files"},
		{"over the unpacked limit", bomb(3, 1<<20), codec.ImportOptions{MaxUncompressed: 2 << 20}, "unpacks to more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := codec.Import(bytes.NewReader(c.data), c.opt)
			runtime.ReadMemStats(&after)
			var e *station.Error
			if !errors.As(err, &e) || e.Code != codec.CodePayloadTooLarge || !strings.Contains(e.Detail, c.want) {
				t.Fatalf("err %v, want payload_too_large with %q", err, c.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Fatalf("refusing it allocated %d MB", alloc>>20)
			}
		})
	}
	// An entry that unpacks to more than it declares is caught by archive/zip while excelize reads it.
	liar := bigBomb()
	zr, _ := zip.NewReader(bytes.NewReader(liar), int64(len(liar)))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := zr.File[0].FileHeader
	hdr.UncompressedSize64 = 1 << 20
	raw, _ := zr.File[0].OpenRaw()
	w, _ := zw.CreateRaw(&hdr)
	io.Copy(w, raw)
	zw.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := codec.Import(bytes.NewReader(buf.Bytes()), codec.ImportOptions{})
	runtime.ReadMemStats(&after)
	if station.ErrorCode(err) != station.CodeInvalidImport || after.TotalAlloc-before.TotalAlloc > 32<<20 {
		t.Fatalf("lying entry: err %v, allocated %d MB", err, (after.TotalAlloc-before.TotalAlloc)>>20)
	}
	// Not a zip at all, or a damaged one.
	for _, data := range [][]byte{[]byte("PK\x03\x04 not really"), govWorkbook(t)[:2000]} {
		if _, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{}); station.ErrorCode(err) != station.CodeInvalidImport {
			t.Errorf("err %v", err)
		}
	}
}

// The export keeps ids, codes and phone numbers as text and neutralises formula-like cells.
func TestWriteXLSX(t *testing.T) {
	in := []station.Station{{ID: "0012", Name: "=1+1", Kind: station.OtherKind, Lon: 123.4, Lat: 41.8, Phone: "13800000000",
		Adcode: "210102", Operator: "@单位", StatusNote: "-暂停"}}
	var buf bytes.Buffer
	if err := codec.WriteXLSX(&buf, station.Slice(in)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != codec.XLSXSheet {
		t.Fatalf("sheets %v", got)
	}
	rows, err := f.GetRows(codec.XLSXSheet)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(codec.Columns, ",") {
		t.Fatalf("header %v", rows[0])
	}
	for col, want := range map[string]string{"A2": "0012", "B2": "'=1+1", "O2": "13800000000", "I2": "210102", "P2": "'@单位", "M2": "'-暂停", "D2": "123.4"} {
		got, _ := f.GetCellValue(codec.XLSXSheet, col)
		if got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
	for col, want := range map[string]excelize.CellType{"A2": excelize.CellTypeInlineString, "O2": excelize.CellTypeInlineString, "D2": excelize.CellTypeUnset} {
		if got, _ := f.GetCellType(codec.XLSXSheet, col); got != want {
			t.Errorf("%s has type %v, want %v", col, got, want)
		}
	}
	if formula, _ := f.GetCellFormula(codec.XLSXSheet, "B2"); formula != "" {
		t.Errorf("B2 is a formula: %q", formula)
	}
}
