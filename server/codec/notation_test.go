package codec_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// importRaw imports data whatever its row errors.
func importRaw(data []byte, opt codec.ImportOptions) (codec.ImportResult, error) {
	return codec.Import(bytes.NewReader(data), opt)
}

// csvCell quotes a value for a CSV cell.
func csvCell(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Coordinates as clerks type them are converted (issue 13, class 5): every mark of degrees, minutes
// and seconds, Chinese 度分秒, 东经/北纬 and hemisphere letters before or after, full-width forms.
func TestImportConvertsNotations(t *testing.T) {
	const lon, lat = 123.425, 41.8
	cases := []struct {
		lon, lat string
		wantLon  float64
		wantLat  float64
	}{
		{"123°25′30″", "41°48′", lon, lat},
		{"123°25'30\"", "41°48'", lon, lat},
		{"123° 25′ 30″", "41° 48′ 0″", lon, lat},
		{"123度25分30秒", "41度48分", lon, lat},
		{"123°25′30.5″E", "41°48′N", 123.425138889, lat},
		{"东经123°25.5′", "北纬41°48′", lon, lat},
		{"E123°25′30″", "N41°48′00″", lon, lat},
		{"123°25′30″ E", "41 48 N", lon, lat},
		{"123°25′30″e", "41°48′n", lon, lat},
		{"123°25′30′′", "41°47′59.5′′", lon, 41 + 47.0/60 + 59.5/3600}, // doubled primes are seconds
		{"123°25'30''", "41°48''", lon, 41 + 48.0/3600},
		{"123°25＇30＂", "41°48＇", lon, lat},             // full-width quotes
		{"１２３°２５′３０″", "４１°４８′", lon, lat},             // full-width digits
		{"123°25’30”", "41°48’", lon, lat},             // an input method's curly quotes
		{"123.425°", "41.8°", lon, lat},                // decimal degrees with the mark
		{"E123.425", "N41.8", lon, lat},                // decimal degrees with the hemisphere
		{"123.425E", "41.8 北纬", lon, lat},              // after, with or without a space
		{"123°25′30″东经", "41°48′北纬", lon, lat},         // Chinese after
		{"东经 123 度 25 分 30 秒", "北纬41度48分0秒", lon, lat}, // spaces everywhere
		{"123°25.5", "41°48", lon, lat},                // a last number without its mark takes the next place
	}
	for _, c := range cases {
		t.Run(c.lon+" "+c.lat, func(t *testing.T) {
			src := "id,name,kind,lon,lat\nA-1,站,other," + csvCell(c.lon) + "," + csvCell(c.lat) + "\n"
			res := importOK(t, []byte(src), codec.ImportOptions{})
			st := res.Stations[0]
			if math.Abs(st.Lon-c.wantLon) > 1e-9 || math.Abs(st.Lat-c.wantLat) > 1e-9 {
				t.Fatalf("got %v, %v; want %v, %v", st.Lon, st.Lat, c.wantLon, c.wantLat)
			}
			if res.Converted.DMS != 2 {
				t.Fatalf("converted %+v, want 2 dms", res.Converted)
			}
		})
	}
	// Plain decimals are not counted.
	res := importOK(t, []byte("id,name,kind,lon,lat\nA-1,站,other,123.425,41.8\nA-2,站,other,123°25′30″,41.8\n"), codec.ImportOptions{})
	if res.Converted != (codec.Converted{DMS: 1}) {
		t.Fatalf("converted %+v", res.Converted)
	}
}

// Notations that do not say one value clearly stay row errors, each with its code.
func TestImportRefusesAmbiguousNotations(t *testing.T) {
	cases := []struct {
		lon, lat string
		code     string
		field    string
		detail   string
	}{
		{"123°60′", "41.8", codec.CodeDMSCoordinate, "lon", "minutes of 60"},
		{"123°25′60″", "41.8", codec.CodeDMSCoordinate, "lon", "seconds of 60"},
		{"123.4", "41°48′75.5″", codec.CodeDMSCoordinate, "lat", "seconds of 75.5"},
		{"123°25′30″", "41°47′60′′", codec.CodeDMSCoordinate, "lat", "seconds of 60"},
		{"123.5°25′", "41.8", codec.CodeDMSCoordinate, "lon", "not a coordinate that can be read"},
		{"123′25°", "41.8", codec.CodeDMSCoordinate, "lon", "not a coordinate that can be read"},
		{"123°25′30″15", "41.8", codec.CodeDMSCoordinate, "lon", "not a coordinate that can be read"},
		{"123°°25′", "41.8", codec.CodeDMSCoordinate, "lon", "not a coordinate that can be read"},
		{"W123°25′30″", "41.8", codec.CodeWrongHemisphere, "lon", "west"},
		{"123°25′30″W", "41.8", codec.CodeWrongHemisphere, "lon", "west"},
		{"西经123.4", "41.8", codec.CodeWrongHemisphere, "lon", "west"},
		{"123.4", "41°48′S", codec.CodeWrongHemisphere, "lat", "south"},
		{"123.4", "南纬41度48分", codec.CodeWrongHemisphere, "lat", "south"},
		{"-123°25′", "41.8", codec.CodeWrongHemisphere, "lon", "negative"},
		{"12325.5", "41.8", codec.CodeDDMMCoordinate, "lon", "123°25.5′ = 123.425"},
		{"12325", "41.8", codec.CodeDDMMCoordinate, "lon", "123°25′"},
		{"123.4", "4148.3", codec.CodeDDMMCoordinate, "lat", "41°48.3′"},
		{"123.4", "4148", codec.CodeDDMMCoordinate, "lat", "41°48′"},
		{"123°25′30″, 41°48′", "", station.CodeInvalidParameter, "lon", "more than one number"},
		{"361°", "41.8", codec.CodeDMSCoordinate, "lon", "180 degrees"},
		{"123.4N", "41.8E", codec.CodeDMSCoordinate, "lon", "not a longitude mark"},
		{"123.4", "北纬41°48′东经", codec.CodeDMSCoordinate, "lat", "can be read"},
		{"123.4", "东经41°48′", codec.CodeDMSCoordinate, "lat", "not a latitude mark"},
	}
	for _, c := range cases {
		t.Run(c.lon+" "+c.lat, func(t *testing.T) {
			src := "id,name,kind,lon,lat\nA-1,站,other," + csvCell(c.lon) + "," + csvCell(c.lat) + "\n"
			errs := importErrs(t, []byte(src), codec.ImportOptions{})
			for _, e := range errs {
				if e.Code == c.code && e.Field == c.field && e.Row == 1 && strings.Contains(e.Detail, c.detail) {
					return
				}
			}
			t.Fatalf("errors %v, want %s on %s with %q", errs, c.code, c.field, c.detail)
		})
	}
}

// A file whose columns are swapped throughout is one columns_swapped finding with the count, first;
// SwapCoordinates reads it the other way round; a few swapped rows in a good file are row errors only.
func TestImportFindsSwappedColumns(t *testing.T) {
	var b strings.Builder
	b.WriteString("编号,名称,类型,经度,纬度\n")
	for i, p := range [][2]string{{"41.80", "123.40"}, {"41°48′N", "123°25′E"}, {"39.9", "121.6"}, {"40.1", "124.3"}, {"123.4", "41.8"}} {
		b.WriteString("A-" + string(rune('1'+i)) + ",站,other," + csvCell(p[0]) + "," + csvCell(p[1]) + "\n")
	}
	src := []byte(b.String())
	res, err := importRaw(src, codec.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 5 || res.Errors[0].Code != codec.CodeColumnsSwapped || res.Errors[0].Row != 0 ||
		!strings.Contains(res.Errors[0].Detail, "4 of 5 rows") || !strings.Contains(res.Errors[0].Detail, "swap_coordinates=true") || res.SwappedRows != 4 {
		t.Fatalf("errors %v, swapped rows %d", res.Errors, res.SwappedRows)
	}
	for _, e := range res.Errors[1:] {
		if e.Code != codec.CodeSwappedCoordinates || e.Row == 5 {
			t.Fatalf("row error %v", e)
		}
	}
	// Swapping reads four rows and makes the fifth, which was right, the one that is swapped.
	res, _ = importRaw(src, codec.ImportOptions{SwapCoordinates: true})
	if len(res.Errors) != 1 || res.Errors[0].Code != codec.CodeSwappedCoordinates || res.Errors[0].Row != 5 || res.SwappedRows != 0 {
		t.Fatalf("with the swap: errors %v", res.Errors)
	}
	fixed := strings.Replace(string(src), "A-5,站,other,\"123.4\",\"41.8\"", "A-5,站,other,\"41.8\",\"123.4\"", 1)
	res = importOK(t, []byte(fixed), codec.ImportOptions{SwapCoordinates: true})
	if st := res.Stations[1]; math.Abs(st.Lon-123.416666667) > 1e-9 || st.Lat != 41.8 || res.Converted.DMS != 2 {
		t.Fatalf("swapped station %+v, converted %+v", st, res.Converted)
	}
	// A good file with the option: every row is swapped, and the finding says to leave the option out.
	good := "id,name,kind,lon,lat\nA-1,站,other,123.4,41.8\nA-2,站,other,121.6,38.9\n"
	res, _ = importRaw([]byte(good), codec.ImportOptions{SwapCoordinates: true})
	if len(res.Errors) != 3 || res.Errors[0].Code != codec.CodeColumnsSwapped || !strings.Contains(res.Errors[0].Detail, "without swap_coordinates") {
		t.Fatalf("good file swapped: %v", res.Errors)
	}
	// Half or fewer: no finding (the threshold is more than half of the data rows).
	half := "id,name,kind,lon,lat\nA-1,站,other,41.8,123.4\nA-2,站,other,121.6,38.9\n\n"
	res, _ = importRaw([]byte(half), codec.ImportOptions{})
	if len(res.Errors) != 1 || res.Errors[0].Code != codec.CodeSwappedCoordinates || res.SwappedRows != 0 {
		t.Fatalf("one of two rows swapped: %v", res.Errors)
	}
	// A full error list keeps the finding first and counts what is left out.
	var many strings.Builder
	many.WriteString("id,name,kind,lon,lat\n")
	for i := range 1200 {
		many.WriteString("A-" + strings.Repeat("x", 1) + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676)) + ",站,other,41.8,123.4\n")
	}
	res, _ = importRaw([]byte(many.String()), codec.ImportOptions{})
	if len(res.Errors) != 1000 || res.Errors[0].Code != codec.CodeColumnsSwapped || res.ErrorsOmitted != 201 || !strings.Contains(res.Errors[0].Detail, "1200 of 1200") {
		t.Fatalf("%d errors, first %v, %d omitted", len(res.Errors), res.Errors[0], res.ErrorsOmitted)
	}
}

// Spreadsheet accidents in CSV cells are converted where every digit is there, and are errors naming
// the cell otherwise (issue 13, class 7).
func TestImportSpreadsheetAccidents(t *testing.T) {
	hoursOf := func(text string) string {
		res := importOK(t, []byte("id,name,kind,lon,lat,opening_hours\nA-1,站,other,123.4,41.8,"+csvCell(text)+"\n"), codec.ImportOptions{})
		return res.Stations[0].OpeningHours
	}
	good := []struct{ column, value, want string }{
		{"opening_hours", "0.375-0.75", hoursOf("09:00-18:00")},
		{"opening_hours", "0.375", hoursOf("09:00")},
		{"opening_hours", ".375-.75", hoursOf("09:00-18:00")},
		{"opening_hours", "0.375~0.75", hoursOf("09:00-18:00")},
		{"opening_hours", "0.375至0.75", hoursOf("09:00-18:00")},
		{"opening_hours", "0.354166666666667-0.729166666666667", hoursOf("08:30-17:30")},
		{"opening_hours", "0.354166667-0.729166667", hoursOf("08:30-17:30")},
		{"opening_hours", "0.333333333333333-0.5,0.541666666666667-0.75", hoursOf("08:00-12:00,13:00-18:00")},
		{"opening_hours", "0.75-0.0833333333333333", hoursOf("18:00-02:00")},
		{"opening_hours", "0-1", hoursOf("0-1")}, // not fractions: read as text, as before
		{"opening_hours", "０．３７５－０．７５", hoursOf("09:00-18:00")},
		{"verified_at", "45992", "2025-12-01T00:00:00+08:00"},
		{"verified_at", "45992.4375", "2025-12-01T10:30:00+08:00"},
		{"verified_at", "32874", "1990-01-01T00:00:00+08:00"},
		{"phone", "1.3912345678E10", "13912345678"},
		{"phone", "1.3912345678E+10", "13912345678"},
		{"phone", "2.412345678e+09", "2412345678"},
		{"phone", "1.3912345670E+10", "13912345670"}, // the trailing zero is written, so it is known
		{"adcode", "2.10102E+05", "210102"},
	}
	for _, c := range good {
		t.Run(c.column+"="+c.value, func(t *testing.T) {
			src := "id,name,kind,lon,lat," + c.column + "\nA-1,站,other,123.4,41.8," + csvCell(c.value) + "\n"
			res := importOK(t, []byte(src), codec.ImportOptions{})
			st := res.Stations[0]
			got := map[string]string{"opening_hours": st.OpeningHours, "phone": st.Phone, "adcode": st.Adcode,
				"verified_at": st.VerifiedAt.In(codec.Shanghai).Format(time.RFC3339)}[c.column]
			if got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
			n := res.Converted.DayFraction + res.Converted.DateSerial + res.Converted.Exponent
			if want := map[bool]int{true: 0, false: 1}[c.value == "0-1"]; n != want {
				t.Fatalf("converted %+v", res.Converted)
			}
		})
	}
	bad := []struct{ column, value, code, detail string }{
		{"phone", "2.41E+10", codec.CodeLostDigits, "format the column as text"},
		{"phone", "2.41e10", codec.CodeLostDigits, "lost digits"},
		{"phone", "1.391234567E+10", codec.CodeLostDigits, "lost digits"},
		{"phone", "２．４１Ｅ＋１０", codec.CodeLostDigits, "lost digits"},
		{"phone", "1.3912345678E-10", codec.CodeLostDigits, "lost digits"},
		{"adcode", "2.1E+05", codec.CodeLostDigits, "lost digits"},
		{"opening_hours", "0.354-0.75", codec.CodeSpreadsheetTime, "08:29:45.6"},
		{"opening_hours", "0.375-0.71", codec.CodeSpreadsheetTime, "0.71 is no whole minute"},
		{"verified_at", "20251202", station.CodeInvalidParameter, "not a date"},
		{"verified_at", "1234", station.CodeInvalidParameter, "not a date"},
		{"verified_at", "99999", station.CodeInvalidParameter, "not a date"},
	}
	for _, c := range bad {
		t.Run(c.column+"="+c.value, func(t *testing.T) {
			src := "id,name,kind,lon,lat," + c.column + "\nA-1,站,other,123.4,41.8," + csvCell(c.value) + "\n"
			errs := importErrs(t, []byte(src), codec.ImportOptions{})
			if len(errs) != 1 || errs[0].Code != c.code || errs[0].Field != c.column || errs[0].Row != 1 || !strings.Contains(errs[0].Detail, c.detail) {
				t.Fatalf("errors %v, want %s on %s with %q", errs, c.code, c.column, c.detail)
			}
		})
	}
}

// The same accidents typed as text in a workbook are read the same way; numbers of the workbook are
// read by their type.
func TestImportXLSXSpreadsheetAccidents(t *testing.T) {
	data := xlsxOf(t, [][]any{
		{"编号", "名称", "类型", "经度", "纬度", "开放时间", "电话", "核实时间"},
		{"A-1", "站一", "other", "123°25′30″E", "北纬41°48′", "0.375-0.75", "1.3912345678E+10", "45992"},
		{"A-2", "站二", "other", 123.4, 41.8, 0.375, 13912345678, 45992},
	})
	res := importOK(t, data, codec.ImportOptions{})
	a, b := res.Stations[0], res.Stations[1]
	if a.Lon != 123.425 || a.Lat != 41.8 || a.Phone != "13912345678" || b.Phone != a.Phone || !a.VerifiedAt.Equal(b.VerifiedAt) ||
		a.VerifiedAt.In(codec.Shanghai).Format("2006-01-02") != "2025-12-01" {
		t.Fatalf("stations %+v", res.Stations)
	}
	// A workbook's text that reads as a number is taken as one by the XLSX reader (xlsx.go), which
	// does not count it; the hours range, the coordinates and the phone's exponent are counted.
	if res.Converted != (codec.Converted{DMS: 2, DayFraction: 1, Exponent: 1}) {
		t.Fatalf("converted %+v", res.Converted)
	}
	data = xlsxOf(t, [][]any{
		{"编号", "名称", "类型", "经度", "纬度", "电话"},
		{"A-1", "站一", "other", 123.4, 41.8, "2.41E+10"},
	})
	errs := importErrs(t, data, codec.ImportOptions{})
	if len(errs) != 1 || errs[0].Code != codec.CodeLostDigits || errs[0].Field != "电话" || errs[0].Row != 1 {
		t.Fatalf("errors %v", errs)
	}
}

// The files in testdata/notation import with every cell converted, and the report counts them.
func TestImportNotationFiles(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "notation.csv"))
	if err != nil {
		t.Fatal(err)
	}
	res := importOK(t, data, codec.ImportOptions{})
	if res.Rows != 6 || res.Converted != (codec.Converted{DMS: 12, DayFraction: 6, DateSerial: 6, Exponent: 6}) {
		t.Fatalf("rows %d, converted %+v", res.Rows, res.Converted)
	}
	for _, st := range res.Stations {
		if e := station.CheckLiaoning(st.Lon, st.Lat); e != nil || st.Phone[0] != '1' || len(st.Phone) != 11 || st.OpeningHours == "" {
			t.Fatalf("station %+v", st)
		}
	}
}
