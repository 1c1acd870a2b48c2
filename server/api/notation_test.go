package api_test

import (
	"bytes"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/write"
)

// Coordinate notations, swapped columns and spreadsheet accidents through the real server's import
// and the import command (issue 13, classes 5–7). One server for the three classes: each import
// uses ids of its own.
func TestImportNotationsOverHTTP(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.2")
	admin.login(t, "boss", adminPassword)
	upload := func(t *testing.T, query, body string) (int, write.Report) {
		t.Helper()
		// In English: the checks below read the details' words.
		res, raw := admin.do(t, http.MethodPost, "/api/v1/admin/imports"+query, body, "Content-Type", "application/octet-stream", "Accept-Language", "en")
		if res.StatusCode != 200 && res.StatusCode != 422 {
			t.Fatalf("import: %d %s", res.StatusCode, raw)
		}
		return res.StatusCode, decode[write.Report](t, raw)
	}
	point := func(t *testing.T, id string) (props map[string]any, lon, lat float64) {
		t.Helper()
		res, body := ts.get(t, "/api/v1/stations/"+url.PathEscape(id))
		if res.StatusCode != 200 {
			t.Fatalf("station %s: %d %s", id, res.StatusCode, body)
		}
		f := decode[feature](t, body)
		return f.Properties, f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]
	}
	stations := func(t *testing.T) int { return ts.count(t, `SELECT count(*) FROM station`) }
	hasError := func(rep write.Report, row int, field, code, detail string) bool {
		for _, e := range rep.Errors {
			if e.Row == row && e.Field == field && e.Code == code && strings.Contains(e.Detail, detail) {
				return true
			}
		}
		return false
	}

	t.Run("dms", func(t *testing.T) {
		list := "编号,名称,类型,经度,纬度\n" +
			"DMS-1,度分秒测试一号爱心驿站,爱心驿站,123°25′30.5″E,41°48′N\n" +
			"DMS-2,度分秒测试二号爱心驿站,爱心驿站,东经123度24分,北纬41度47分24秒\n" +
			"DMS-3,度分秒测试三号爱心驿站,爱心驿站,\"E 123°23'06\"\"\",\"N 41°46′12′′\"\n" +
			"DMS-4,度分秒测试四号爱心驿站,爱心驿站,１２３°２２．５′,４１°４５＇\n" +
			"DMS-5,度分秒测试五号爱心驿站,爱心驿站,123.41E,41.79N\n"
		n0 := stations(t)
		code, dry := upload(t, "?dry_run=true", list)
		if code != 200 || dry.Converted != (codec.Converted{DMS: 10}) || dry.Created != 5 {
			t.Fatalf("dry run: %d %+v", code, dry)
		}
		if code, rep := upload(t, "", list); code != 200 || rep.Created != 5 || rep.Converted.DMS != 10 {
			t.Fatalf("import: %d %+v", code, rep)
		}
		for id, want := range map[string][2]float64{"DMS-1": {123.425138889, 41.8}, "DMS-2": {123.4, 41.79}, "DMS-3": {123.385, 41.77},
			"DMS-4": {123.375, 41.75}, "DMS-5": {123.41, 41.79}} {
			if _, lon, lat := point(t, id); math.Abs(lon-want[0]) > 1e-9 || math.Abs(lat-want[1]) > 1e-9 {
				t.Fatalf("%s at %v, %v; want %v", id, lon, lat, want)
			}
		}
		if n := stations(t); n != n0+5 {
			t.Fatalf("%d stations, want %d", n, n0+5)
		}
		// Ambiguous values: one row error each, and nothing is written.
		bad := "编号,名称,类型,经度,纬度\n" +
			"DMS-6,度分秒测试六号爱心驿站,爱心驿站,123°65′,41.8\n" +
			"DMS-7,度分秒测试七号爱心驿站,爱心驿站,123.4,41°48′61″\n" +
			"DMS-8,度分秒测试八号爱心驿站,爱心驿站,W123°25′,41.8\n" +
			"DMS-9,度分秒测试九号爱心驿站,爱心驿站,123.4,南纬41.8\n" +
			"DMS-10,度分秒测试十号爱心驿站,爱心驿站,12325.5,41.8\n"
		code, rep := upload(t, "", bad)
		if code != 422 || len(rep.Errors) != 5 || !hasError(rep, 1, "经度", codec.CodeDMSCoordinate, "minutes of 65") ||
			!hasError(rep, 2, "纬度", codec.CodeDMSCoordinate, "seconds of 61") || !hasError(rep, 3, "经度", codec.CodeWrongHemisphere, "west") ||
			!hasError(rep, 4, "纬度", codec.CodeWrongHemisphere, "south") || !hasError(rep, 5, "经度", codec.CodeDDMMCoordinate, "123°25.5′") {
			t.Fatalf("ambiguous: %d %+v", code, rep.Errors)
		}
		if n := stations(t); n != n0+5 {
			t.Fatalf("a refused import wrote: %d stations", n)
		}
	})

	t.Run("swapped", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("id,name,kind,lon,lat\n")
		for i, p := range []string{"41.80,123.40", "41.81,123.41", "38.92,121.62", "41°48′N,123°25′E"} {
			b.WriteString("SWP-" + string(rune('1'+i)) + ",调换测试" + string(rune('一'+i)) + "号司机之家,driver_home," + p + "\n")
		}
		n0 := stations(t)
		code, rep := upload(t, "", b.String())
		if code != 422 || len(rep.Errors) != 5 || rep.Errors[0].Code != codec.CodeColumnsSwapped || rep.Errors[0].Row != 0 ||
			rep.SwappedRows != 4 || !strings.Contains(rep.Errors[0].Detail, "4 of 4 rows") || !hasError(rep, 4, "lon", codec.CodeSwappedCoordinates, "look swapped") {
			t.Fatalf("swapped file: %d %+v", code, rep)
		}
		if n := stations(t); n != n0 {
			t.Fatalf("a refused import wrote: %d stations", n-n0)
		}
		res, body := admin.do(t, http.MethodPost, "/api/v1/admin/imports?swap_coordinates=maybe", b.String(), "Content-Type", "text/csv")
		checkProblem(t, res, body, 400, "invalid_parameter", "swap_coordinates")
		code, rep = upload(t, "?swap_coordinates=true", b.String())
		if code != 200 || rep.Created != 4 || rep.SwappedRows != 0 || rep.Converted.DMS != 2 {
			t.Fatalf("with swap_coordinates: %d %+v", code, rep)
		}
		if _, lon, lat := point(t, "SWP-3"); lon != 121.62 || lat != 38.92 {
			t.Fatalf("SWP-3 at %v, %v", lon, lat)
		}
		// The option on a file that was right: every row is swapped now, and the finding says so.
		code, rep = upload(t, "?swap_coordinates=true&dry_run=true", "id,name,kind,lon,lat\nSWP-9,调换测试九号司机之家,driver_home,123.4,41.8\n")
		if code != 422 || rep.Errors[0].Code != codec.CodeColumnsSwapped || !strings.Contains(rep.Errors[0].Detail, "without swap_coordinates") {
			t.Fatalf("a right file swapped: %d %+v", code, rep)
		}
	})

	t.Run("spreadsheet", func(t *testing.T) {
		list := "编号,名称,类型,经度,纬度,开放时间,联系电话,核实时间\n" +
			"XLS-1,表格测试一号工会驿站,工会驿站,123.43,41.81,0.375-0.75,1.3912345678E+10,45992\n" +
			"XLS-2,表格测试二号工会驿站,工会驿站,123.44,41.81,\"0.333333333333333-0.5,0.541666666666667-0.75\",2.4123456789E10,45992.4375\n"
		code, rep := upload(t, "", list)
		if code != 200 || rep.Created != 2 || rep.Converted != (codec.Converted{DayFraction: 2, DateSerial: 2, Exponent: 2}) {
			t.Fatalf("import: %d %+v", code, rep)
		}
		p1, _, _ := point(t, "XLS-1")
		p2, _, _ := point(t, "XLS-2")
		if p1["opening_hours"] != "09:00-18:00" || p1["phone"] != "13912345678" || !strings.HasPrefix(p1["verified_at"].(string), "2025-12-01") ||
			p2["opening_hours"] != "08:00-12:00,13:00-18:00" || p2["phone"] != "24123456789" {
			t.Fatalf("stations %v %v", p1, p2)
		}
		// Lost digits and a time that is no whole minute, in CSV and as XLSX text: errors naming the cell.
		n0 := stations(t)
		bad := "编号,名称,类型,经度,纬度,开放时间,联系电话\n" +
			"XLS-3,表格测试三号工会驿站,工会驿站,123.43,41.82,0.375-0.75,2.41E+10\n" +
			"XLS-4,表格测试四号工会驿站,工会驿站,123.43,41.83,0.354-0.75,13912345678\n"
		code, rep = upload(t, "", bad)
		if code != 422 || len(rep.Errors) != 2 || !hasError(rep, 1, "联系电话", codec.CodeLostDigits, "2.41E+10") ||
			!hasError(rep, 2, "开放时间", codec.CodeSpreadsheetTime, "08:29:45.6") {
			t.Fatalf("bad cells: %d %+v", code, rep.Errors)
		}
		wb := excelize.NewFile()
		for i, row := range [][]any{{"编号", "名称", "类型", "经度", "纬度", "联系电话"}, {"XLS-5", "表格测试五号工会驿站", "工会驿站", 123.43, 41.84, "1.391234567E+10"}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			wb.SetSheetRow("Sheet1", cell, &row)
		}
		var buf bytes.Buffer
		if err := wb.Write(&buf); err != nil {
			t.Fatal(err)
		}
		code, rep = upload(t, "", buf.String())
		if code != 422 || len(rep.Errors) != 1 || !hasError(rep, 1, "联系电话", codec.CodeLostDigits, "lost digits") {
			t.Fatalf("xlsx: %d %+v", code, rep.Errors)
		}
		if n := stations(t); n != n0 {
			t.Fatalf("a refused import wrote: %d stations", n-n0)
		}
	})
}
