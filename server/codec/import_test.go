package codec_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// importOK imports data and fails the test on any error.
func importOK(t *testing.T, data []byte, opt codec.ImportOptions) codec.ImportResult {
	t.Helper()
	res, err := codec.Import(bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(res.Errors) > 0 {
		t.Fatalf("row errors: %v", res.Errors)
	}
	return res
}

// importErrs imports data that must have row errors and returns them.
func importErrs(t *testing.T, data []byte, opt codec.ImportOptions) []*station.Error {
	t.Helper()
	res, err := codec.Import(bytes.NewReader(data), opt)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if len(res.Errors) == 0 || res.Stations != nil {
		t.Fatalf("no row errors; stations %v", res.Stations)
	}
	return res.Errors
}

const zhName = "南湖街道爱心驿站"

// CSV in every encoding Excel and WPS save, with the BOM troubles encoding/csv has on its own.
func TestImportCSVEncodings(t *testing.T) {
	gbk := func(s string) []byte {
		b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plain := "id,name,kind,lon,lat\nA-1," + zhName + ",caring_station,123.4,41.8\n"
	cases := []struct {
		name, encoding string
		data           []byte
	}{
		{"utf-8", "utf-8", []byte(plain)},
		{"ascii only", "utf-8", []byte("id,name,kind,lon,lat\nA-1,Nanhu station,caring_station,123.4,41.8\n")},
		{"bom", "utf-8-bom", []byte("\uFEFF" + plain)},
		{"bom before a quoted header", "utf-8-bom", []byte("\uFEFF\"id\",\"name\",\"kind\",\"lon\",\"lat\"\nA-1," + zhName + ",caring_station,123.4,41.8\n")},
		// A file read once with the BOM inside the first cell and saved again: the cell is now the
		// quoted text \uFEFF"id".
		{"bom inside a quoted first header", "utf-8", []byte("\"\uFEFF\"\"id\"\"\",name,kind,lon,lat\nA-1," + zhName + ",caring_station,123.4,41.8\n")},
		{"two boms", "utf-8-bom", []byte("\uFEFF\uFEFF" + plain)},
		{"crlf", "utf-8", []byte(strings.ReplaceAll(plain, "\n", "\r\n"))},
		{"gbk", "gb18030", gbk(plain)},
		{"gbk with chinese header and crlf", "gb18030", gbk("编号,名称,类型,经度,纬度\r\nA-1," + zhName + ",爱心驿站,123.4,41.8\r\n")},
		{"utf-16 unicode text, tabs", "utf-16le", utf16("id\tname\tkind\tlon\tlat\r\nA-1\t" + zhName + "\tcaring_station\t123.4\t41.8\r\n")},
		{"semicolons", "utf-8", []byte("id;name;kind;lon;lat\nA-1;" + zhName + ";caring_station;123.4;41.8\n")},
		{"tabs", "utf-8", []byte("id\tname\tkind\tlon\tlat\nA-1\t" + zhName + "\tcaring_station\t123.4\t41.8\n")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := importOK(t, c.data, codec.ImportOptions{})
			if res.Format != "csv" || res.Encoding != c.encoding || res.Rows != 1 || len(res.Stations) != 1 {
				t.Fatalf("format %s encoding %s rows %d stations %d", res.Format, res.Encoding, res.Rows, len(res.Stations))
			}
			st := res.Stations[0]
			if st.ID != "A-1" || st.Kind != station.CaringStation || st.Lon != 123.4 || st.Lat != 41.8 {
				t.Fatalf("station %+v", st)
			}
			if c.name != "ascii only" && st.Name != zhName {
				t.Fatalf("name %q", st.Name)
			}
		})
	}
}

// A government list: a title row, Chinese headers with synonyms, remarks and full-width forms,
// a serial-number column, Chinese vocabulary, full-width digits, and no id column.
func TestImportChineseHeaders(t *testing.T) {
	src := strings.Join([]string{
		"辽宁省沈阳市爱心驿站名录（2026年）,,,,,,,,,,,,,",
		",,,,,,,,,,,,,",
		"序号,驿站名称,驿站类型,经度（WGS84）,纬度（WGS84）,详细地址,所属区县,城市,行政区划代码,服务设施,开放时间,联系电话,管理单位,状态,备注",
		"1,南湖街道爱心驿站,爱心驿站,１２３．４１２３４５,４１．７７１２３４,辽宁省沈阳市和平区南湖街道北三路18号,和平区,沈阳市,210102,热水、取暖；卫生间/WiFi 急救药箱,周一至周五 8:30-17:30,０２４－１２３４５６７８,和平区总工会,正常开放,",
		"2,沈吉高速司机之家,,123.5,41.9,,,,,Hot water; Truck parking,全天24小时,,,暂停开放,装修",
		"3,和平区总工会户外劳动者服务站,工会驿站,123.45,41.75,,,,,\"饮用水,手机充电\",,,,,",
	}, "\n")
	res := importOK(t, []byte(src), codec.ImportOptions{})
	if res.HeaderRow != 3 || res.Rows != 3 {
		t.Fatalf("header row %d, rows %d", res.HeaderRow, res.Rows)
	}
	if strings.Join(res.IgnoredColumns, ",") != "序号" {
		t.Fatalf("ignored %v", res.IgnoredColumns)
	}
	a, b, c := res.Stations[0], res.Stations[1], res.Stations[2]
	want := station.AmenitySet(0).With(station.HotWater).With(station.Heating).With(station.Toilet).With(station.Wifi).With(station.FirstAid)
	if a.Kind != station.CaringStation || a.Lon != 123.412345 || a.Lat != 41.771234 || a.District != "和平区" || a.City != "沈阳市" ||
		a.Adcode != "210102" || a.Amenities != want || a.OpeningHours != "Mo-Fr 08:30-17:30" || a.Phone != "024-12345678" ||
		a.Operator != "和平区总工会" || a.Status != station.Open {
		t.Fatalf("first station %+v", a)
	}
	// No kind: the name says 司机之家.
	if b.Kind != station.DriverHome || b.Amenities != station.AmenitySet(0).With(station.HotWater).With(station.TruckParking) ||
		b.OpeningHours != "24/7" || b.Status != station.TemporarilyClosed || b.StatusNote != "装修" {
		t.Fatalf("second station %+v", b)
	}
	if c.Kind != station.UnionStation || c.Amenities != station.AmenitySet(0).With(station.DrinkingWater).With(station.PhoneCharging) {
		t.Fatalf("third station %+v", c)
	}
	// Generated ids are stable, so re-importing the same list updates rather than duplicates.
	if !strings.HasPrefix(a.ID, "G-") || a.ID == b.ID {
		t.Fatalf("ids %q %q", a.ID, b.ID)
	}
	again := importOK(t, []byte(src), codec.ImportOptions{})
	if again.Stations[0].ID != a.ID {
		t.Fatalf("generated id changed: %q then %q", a.ID, again.Stations[0].ID)
	}
}

// Problems of the header are reported against the file (row 0), with the column as the file names it.
func TestImportHeaderErrors(t *testing.T) {
	cases := []struct {
		name, src string
		code      string
		field     string
	}{
		{"same column twice", "id,名称,name,lon,lat\nA,好,好,123.4,41.8\n", station.CodeDuplicateParameter, "name"},
		{"synonyms of one column", "id,name,经度,X坐标,lat\nA,好,123.4,123.4,41.8\n", station.CodeDuplicateParameter, "X坐标"},
		{"no latitude", "id,name,kind,lon\nA,好,other,123.4\n", station.CodeMissingParameter, "lat"},
		{"no header at all", "a,b,c\n1,2,3\n", station.CodeInvalidImport, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			errs := importErrs(t, []byte(c.src), codec.ImportOptions{})
			e := errs[0]
			if e.Code != c.code || e.Field != c.field || e.Row != 0 || e.Detail == "" {
				t.Fatalf("error %+v, want code %s field %q row 0", e, c.code, c.field)
			}
		})
	}
}

// Every way a coordinate goes wrong in a government list is recognised, per row, with its own code.
func TestImportCoordinateErrors(t *testing.T) {
	cases := []struct {
		lon, lat string
		code     string
		field    string
		detail   string
	}{
		{"41.8", "123.4", codec.CodeSwappedCoordinates, "经度", "look swapped"},
		{"116.4", "39.9", codec.CodeOutsideLiaoning, "经度", "outside Liaoning"},
		{"123.4", "45.1", codec.CodeOutsideLiaoning, "纬度", "outside Liaoning"},
		{"0", "0", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"0.0", "41.8", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"待定", "41.8", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"#N/A", "41.8", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"N/A", "41.8", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"-", "41.8", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"/", "41.8", codec.CodeMissingCoordinate, "经度", "placeholder"},
		{"", "41.8", codec.CodeMissingCoordinate, "经度", "empty"},
		{"123.4", "", codec.CodeMissingCoordinate, "纬度", "empty"},
		// Degrees, minutes and seconds that read are converted (TestImportConvertsNotations).
		{"123°75′30″", "41.8", codec.CodeDMSCoordinate, "经度", "minutes of 75"},
		{"41°48′N", "123°25′E", codec.CodeSwappedCoordinates, "经度", "look swapped"},
		{"41234567.8", "4630000.5", codec.CodeProjectedCoordinate, "经度", "projected metres"},
		{"13740000", "5130000", codec.CodeProjectedCoordinate, "经度", "projected metres"},
		{"500000", "41.8", codec.CodeProjectedCoordinate, "经度", "Gauss-Krüger"},
		{"123.4,41.8", "", codec.CodeMissingCoordinate, "纬度", "empty"},
		{"W123.4", "41.8", codec.CodeWrongHemisphere, "经度", "west"},
		{"NaN", "41.8", station.CodeInvalidParameter, "经度", "not a decimal"},
		{"1e2", "41.8", station.CodeInvalidParameter, "经度", "not a decimal"},
	}
	for _, c := range cases {
		t.Run(c.lon+" "+c.lat, func(t *testing.T) {
			src := "编号,名称,类型,经度,纬度\nA-1,好站,other,\"" + strings.ReplaceAll(c.lon, `"`, `""`) + "\",\"" + c.lat + "\"\n"
			errs := importErrs(t, []byte(src), codec.ImportOptions{})
			for _, e := range errs {
				if e.Code == c.code && e.Field == c.field && e.Row == 1 && strings.Contains(e.Detail, c.detail) {
					return
				}
			}
			t.Fatalf("errors %v, want %s on %s with %q", errs, c.code, c.field, c.detail)
		})
	}
	// Both values wrong: both reported.
	errs := importErrs(t, []byte("id,name,kind,lon,lat\nA,好,other,待定,#N/A\n"), codec.ImportOptions{})
	if len(errs) != 2 || errs[0].Field != "lon" || errs[1].Field != "lat" {
		t.Fatalf("errors %v", errs)
	}
}

// A ditto mark (同上, 〃) in any column is a row error naming the row and the column, and nothing is
// imported: the importer does not guess the value above (reliability.md §4 E42).
func TestImportRefusesDittoCells(t *testing.T) {
	src := "编号,名称,类型,城市,区县,经度,纬度\n" +
		"A-1,南湖街道爱心驿站,爱心驿站,沈阳市,和平区,123.40,41.80\n" +
		"A-2,北站街道爱心驿站,爱心驿站,同上,〃,123.41,41.81\n" +
		"A-3,同上。,爱心驿站,沈阳市,和平区,123.42,41.82\n" +
		"A-4,上同街道爱心驿站,爱心驿站,沈阳市,\"\"\"\",123.43,41.83\n"
	errs := importErrs(t, []byte(src), codec.ImportOptions{})
	var got []string
	for _, e := range errs {
		if e.Code != codec.CodeDittoCell {
			t.Errorf("unexpected error %v", e)
		}
		got = append(got, fmt.Sprint(e.Row, " ", e.Field))
	}
	if want := "[2 城市 2 区县 3 名称 4 区县]"; fmt.Sprint(got) != want {
		t.Fatalf("ditto errors at %v, want %s", got, want)
	}
	// The notes under a printed list are reported as such, with their row.
	errs = importErrs(t, []byte("编号,名称,类型,经度,纬度\nA-1,南湖街道爱心驿站,爱心驿站,123.40,41.80\n,,,,\n填表人：张三  联系电话：024-12345678,,,,\n"), codec.ImportOptions{})
	if len(errs) != 1 || errs[0].Row != 3 || !strings.Contains(errs[0].Detail, "not a station") {
		t.Fatalf("footer: %v", errs)
	}
	// A name that only contains the characters is a name.
	importOK(t, []byte("编号,名称,类型,经度,纬度\nA-1,同上村爱心驿站,爱心驿站,123.40,41.80\n"), codec.ImportOptions{})
}

// Coordinates in GCJ-02 or BD-09 are converted to WGS-84 and the original text is kept.
func TestImportConvertsCRS(t *testing.T) {
	wgs := orb.Point{123.4315, 41.8057}
	for _, crs := range []spatial.CRS{spatial.GCJ02, spatial.BD09} {
		p := spatial.FromWGS84(crs, wgs)
		text := codec.FormatCoord(p[0]) + "," + codec.FormatCoord(p[1])
		res := importOK(t, []byte("id,name,kind,lon,lat\nA-1,站,caring_station,"+text+"\n"), codec.ImportOptions{CRS: crs})
		st := res.Stations[0]
		if d := spatial.DistanceM(wgs, orb.Point{st.Lon, st.Lat}); d > 0.001 || st.SourceCRS != crs.String() || st.SourceText != text || res.CRS != crs.String() {
			t.Fatalf("%s: %+v (%.4f m off)", crs, st, d)
		}
	}
}

// Values in the many forms people type them; and the ones that cannot be accepted.
func TestImportValues(t *testing.T) {
	ok := []struct {
		column, value string
		check         func(station.Station) bool
	}{
		{"kind", "Drivers' home", func(s station.Station) bool { return s.Kind == station.DriverHome }},
		{"kind", "党群服务站", func(s station.Station) bool { return s.Kind == station.CommunityCenter }},
		{"kind", "户外劳动者服务站", func(s station.Station) bool { return s.Kind == station.UnionStation }},
		{"amenities", "drinking_water;hot_water", func(s station.Station) bool { return s.Amenities == 3 }},
		{"amenities", "饮用水，热水", func(s station.Station) bool { return s.Amenities == 3 }},
		{"amenities", "饮用水 热水", func(s station.Station) bool { return s.Amenities == 3 }},
		{"amenities", "Drinking water/Hot water", func(s station.Station) bool { return s.Amenities == 3 }},
		{"status", "temporarily_closed", func(s station.Station) bool { return s.Status == station.TemporarilyClosed }},
		{"status", "已关闭", func(s station.Station) bool { return s.Status == station.Closed }},
		{"audience", "司机", func(s station.Station) bool { return s.Audience == station.Drivers }},
		{"verified_at", "2026-09-14T10:20:00+08:00", func(s station.Station) bool {
			return s.VerifiedAt.Equal(time.Date(2026, 9, 14, 10, 20, 0, 0, codec.Shanghai))
		}},
		{"verified_at", "2026/9/14", func(s station.Station) bool {
			return s.VerifiedAt.Equal(time.Date(2026, 9, 14, 0, 0, 0, 0, codec.Shanghai))
		}},
		{"verified_at", "2026年9月14日", func(s station.Station) bool {
			return s.VerifiedAt.Equal(time.Date(2026, 9, 14, 0, 0, 0, 0, codec.Shanghai))
		}},
		{"verified_at", "２０２６－０９－１４ １０:２０", func(s station.Station) bool {
			return s.VerifiedAt.Equal(time.Date(2026, 9, 14, 10, 20, 0, 0, codec.Shanghai))
		}},
		{"opening_hours", "８：００－１８：００", func(s station.Station) bool { return s.OpeningHours == "08:00-18:00" }},
		{"name", "南湖\u200b驿站\n（北门）", func(s station.Station) bool { return s.Name == "南湖驿站 （北门）" }},
		{"name", "\u3000南湖\u200c驿\u200d站\u2060（北\ufeff门）—“东”\u3000", func(s station.Station) bool { return s.Name == "南湖驿站（北门）—“东”" }},
		{"name", "\u00a0南湖驿站\u2028", func(s station.Station) bool { return s.Name == "南湖驿站" }},
		{"phone", "'+86 24 1234 5678", func(s station.Station) bool { return s.Phone == "+86 24 1234 5678" }},
	}
	for _, c := range ok {
		t.Run(c.column+"="+c.value, func(t *testing.T) {
			src := "id,name,kind,lon,lat," + c.column + "\nA-1,站,other,123.4,41.8,\"" + c.value + "\"\n"
			if c.column == "name" || c.column == "kind" {
				src = "id,kind,lon,lat,name\nA-1,other,123.4,41.8,\"" + c.value + "\"\n"
				if c.column == "kind" {
					src = "id,name,lon,lat,kind\nA-1,站,123.4,41.8," + c.value + "\n"
				}
			}
			res := importOK(t, []byte(src), codec.ImportOptions{})
			if !c.check(res.Stations[0]) {
				t.Fatalf("%+v", res.Stations[0])
			}
		})
	}
	bad := []struct {
		column, value, detail string
	}{
		{"kind", "spaceship", "not one of"},
		{"amenities", "热水、桑拿", `"桑拿"`},
		{"phone", "2.41E+10", "format the column as text"},
		{"verified_at", "last week", "not a date"},
		{"status", "maybe", "not open"},
		{"name", "锟斤拷锟斤拷", "did not decode"},
		{"name", "好\uFFFD站", "did not decode"},
		{"adcode", "21010", "6 digits"},
	}
	for _, c := range bad {
		t.Run(c.column+"="+c.value, func(t *testing.T) {
			src := "id,name,kind,lon,lat," + c.column + "\nA-1,站,other,123.4,41.8," + c.value + "\n"
			switch c.column {
			case "name":
				src = "id,kind,lon,lat,name\nA-1,other,123.4,41.8," + c.value + "\n"
			case "kind":
				src = "id,name,lon,lat,kind\nA-1,站,123.4,41.8," + c.value + "\n"
			}
			errs := importErrs(t, []byte(src), codec.ImportOptions{})
			if errs[0].Field != c.column || errs[0].Row != 1 || !strings.Contains(errs[0].Detail, c.detail) {
				t.Fatalf("errors %v, want %s: %q", errs, c.column, c.detail)
			}
		})
	}
}

// Several problems in one file: all reported, each with its row; nothing returned.
func TestImportReportsEveryRow(t *testing.T) {
	src := strings.Join([]string{
		"id,name,kind,lon,lat",
		"A-1,好,caring_station,123.4,41.8",
		"",
		"A-1,好,caring_station,123.4,41.8",
		"A-3,,spaceship,123.4,41.8",
		"A-4,好,caring_station,123.4,41.8,extra",
		`A-5,"好"站,caring_station,123.4,41.8`,
		"A-6,好,caring_station,123.4,41.8",
		"A-7,\"多行",
		"地址\",caring_station,123.4,41.8",
		"A-8,好,spaceship,123.4,41.8",
	}, "\n")
	res, err := codec.Import(strings.NewReader(src), codec.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type rf struct {
		row   int
		field string
	}
	var got []rf
	for _, e := range res.Errors {
		got = append(got, rf{e.Row, e.Field})
	}
	want := []rf{{3, "id"}, {4, "kind"}, {5, ""}, {6, ""}, {9, "kind"}}
	if len(got) != len(want) || res.Stations != nil || res.Rows != 8 {
		t.Fatalf("errors %v (rows %d), want %v", res.Errors, res.Rows, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("errors %v, want %v", res.Errors, want)
		}
	}
}

// The format is sniffed from the content, and a declared format that the content contradicts is
// refused.
func TestImportFormat(t *testing.T) {
	csv := []byte("id,name,kind,lon,lat\nA-1,站,other,123.4,41.8\n")
	geo := []byte(` {"type":"FeatureCollection","features":[{"type":"Feature","id":"A-1","geometry":{"type":"Point","coordinates":[123.4,41.8]},"properties":{"name":"站","kind":"other"}}]}`)
	xlsx := xlsxOf(t, [][]any{{"id", "name", "kind", "lon", "lat"}, {"A-1", "站", "other", 123.4, 41.8}})
	for _, c := range []struct {
		data   []byte
		format string
	}{{csv, "csv"}, {geo, "geojson"}, {append([]byte("\uFEFF"), geo...), "geojson"}, {xlsx, "xlsx"}} {
		for _, declared := range []string{"", c.format} {
			res := importOK(t, c.data, codec.ImportOptions{Format: declared})
			if res.Format != c.format || len(res.Stations) != 1 || res.Stations[0].ID != "A-1" {
				t.Fatalf("%s declared %q: %+v", c.format, declared, res)
			}
		}
	}
	for _, c := range []struct {
		data   []byte
		format string
		code   string
	}{
		{xlsx, "csv", station.CodeInvalidImport},
		{csv, "xlsx", station.CodeInvalidImport},
		{csv, "geojson", station.CodeInvalidImport},
		{csv, "pdf", station.CodeInvalidParameter},
		{[]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, "", codec.CodeUnsupportedFileType},
	} {
		_, err := codec.Import(bytes.NewReader(c.data), codec.ImportOptions{Format: c.format})
		if station.ErrorCode(err) != c.code {
			t.Errorf("declared %q: err %v, want %s", c.format, err, c.code)
		}
	}
}

// Files over a limit are refused with payload_too_large.
func TestImportLimits(t *testing.T) {
	var src strings.Builder
	src.WriteString("id,name,kind,lon,lat\n")
	for i := range 100 {
		src.WriteString("A-" + string(rune('0'+i/10)) + string(rune('0'+i%10)) + ",站,other,123.4,41.8\n")
	}
	data := []byte(src.String())
	if res := importOK(t, data, codec.ImportOptions{MaxBytes: int64(len(data)), MaxRows: 100}); res.Rows != 100 {
		t.Fatalf("rows %d", res.Rows)
	}
	for _, opt := range []codec.ImportOptions{{MaxBytes: int64(len(data)) - 1}, {MaxRows: 99}, {MaxBytes: 100}} {
		_, err := codec.Import(bytes.NewReader(data), opt)
		var e *station.Error
		if !errors.As(err, &e) || e.Code != codec.CodePayloadTooLarge {
			t.Errorf("%+v: err %v", opt, err)
		}
	}
	// A reader error is returned as it is.
	boom := errors.New("connection reset")
	if _, err := codec.Import(&failingReader{data: data[:50], err: boom}, codec.ImportOptions{}); !errors.Is(err, boom) {
		t.Errorf("err %v", err)
	}
}

type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// The error list is bounded; the rest are counted.
func TestImportErrorCap(t *testing.T) {
	var src strings.Builder
	src.WriteString("id,name,kind,lon,lat\n")
	for range 1500 {
		src.WriteString(",站,other,0,0\n")
	}
	res, err := codec.Import(strings.NewReader(src.String()), codec.ImportOptions{})
	if err != nil || len(res.Errors) != 1000 || res.ErrorsOmitted != 2000 || res.Rows != 1500 {
		t.Fatalf("err %v, %d errors, %d omitted, %d rows", err, len(res.Errors), res.ErrorsOmitted, res.Rows)
	}
}

// A repeated id is an error at the row that repeats it, naming the row that has it, whether the
// file is sorted by id (then each id is checked against the one before) or not (then against all),
// across batches, and for rows whose ids are generated from name and address.
func TestImportRepeatedIDs(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,kind,lon,lat,address\n")
	row := func(id, name string) { fmt.Fprintf(&b, "%s,%s,caring_station,123.4,41.8,中街1号\n", id, name) }
	for i := 1; i <= 1200; i++ { // sorted, over more than one batch
		row(fmt.Sprintf("S-%04d", i), fmt.Sprintf("驿站%d", i))
		if i == 700 {
			row("S-0700", "重复") // row 701: repeats the row before
		}
	}
	row("S-0005", "乱序重复") // row 1202: out of order, repeats row 5
	row("R-0001", "乱序")   // row 1203: out of order, new
	row("S-1200", "重复末行") // row 1204: repeats row 1201
	row("R-0001", "又一次")  // row 1205: repeats row 1203
	row("", "无编号")        // row 1206: a generated id
	row("", "无编号")        // row 1207: the same generated id
	errs := importErrs(t, []byte(b.String()), codec.ImportOptions{})
	want := []struct {
		row    int
		detail string
	}{
		{701, `"S-0700" is already used by row 700`},
		{1202, `"S-0005" is already used by row 5`},
		{1204, `"S-1200" is already used by row 1201`},
		{1205, `"R-0001" is already used by row 1203`},
		{1207, "same name and address as row 1206"},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if e := errs[i]; e.Row != w.row || e.Field != "id" || !strings.Contains(e.Detail, w.detail) {
			t.Errorf("error %d: row %d field %q: %s; want row %d: %s", i, e.Row, e.Field, e.Detail, w.row, w.detail)
		}
	}
}

// RowsHint changes how stations are collected, not what they are: with the right count, one too
// small, or none, the stations and the row of each are the same.
func TestImportRowsHint(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,kind,lon,lat\n")
	for i := range 2000 {
		if i == 1000 {
			b.WriteString("\n") // a blank row counts as a row
		}
		fmt.Fprintf(&b, "H-%04d,驿站%d,caring_station,%.4f,41.8\n", (i*7919)%2000, i, 123+float64(i)/10000)
	}
	base := importOK(t, []byte(b.String()), codec.ImportOptions{})
	if len(base.Stations) != 2000 || base.StationRows[999] != 1000 || base.StationRows[1000] != 1002 {
		t.Fatalf("%d stations, rows %v", len(base.Stations), base.StationRows[998:1002])
	}
	for _, hint := range []int{2002, 1} {
		res := importOK(t, []byte(b.String()), codec.ImportOptions{RowsHint: hint})
		if !reflect.DeepEqual(res.Stations, base.Stations) || !reflect.DeepEqual(res.StationRows, base.StationRows) {
			t.Errorf("RowsHint %d: the stations or their rows differ", hint)
		}
	}
}
