package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/spatial"
)

// Over the API, a row whose point misses its declared district or city is a row error
// outside_district in the 经度 column saying where the point is and why; the file is refused whole
// and nothing is written. Points that fit (an island of 长海县 declared by name, a GCJ-02 point declared
// as such, a point near the city's edge) pass, and a file of only such rows imports.
func TestImportHoldsPointsToTheirPlace(t *testing.T) {
	f := newEditFixture(t)
	n0 := f.ts.count(t, `SELECT count(*) FROM station`)
	upload := func(query, body string) (int, importAnswer) {
		t.Helper()
		res, raw := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports"+query, body, "Content-Type", "text/csv")
		if res.StatusCode != 200 && res.StatusCode != 422 {
			t.Fatalf("import: %d %s", res.StatusCode, raw)
		}
		return res.StatusCode, decode[importAnswer](t, raw)
	}
	gcj := spatial.FromWGS84(spatial.GCJ02, [2]float64{123.4078, 41.7604})
	const header = "编号,名称,类型,经度,纬度,市,区县,行政区划代码\n"
	good := header +
		fmt.Sprintf("PL-1,和平爱心驿站,爱心驿站,%.6f,%.6f,沈阳市,和平区,210102\n", gcj[0], gcj[1]) +
		"PL-2,海岛爱心驿站,爱心驿站,122.6,39.27,大连市,长海县,\n" +
		"PL-3,边界爱心驿站,爱心驿站,124.0,42.9,铁岭,,\n"
	bad := good +
		"PL-4,度分秒爱心驿站,爱心驿站,123.2428,41.4537,沈阳市,和平区,210102\n" + // 123°24′28″ typed as a decimal
		"PL-5,吉林爱心驿站,爱心驿站,124.0,43.55,铁岭市,昌图县,211224\n" + // over the border in Jilin
		"PL-6,错市爱心驿站,爱心驿站,121.6796,38.9062,沈阳市,,\n" // in Dalian, declared Shenyang

	code, rep := upload("?dry_run=true&crs=gcj02", bad)
	if code != 422 || len(rep.Errors) != 3 {
		t.Fatalf("bad rows: %d %+v", code, rep)
	}
	for i, want := range []struct {
		row    int
		phrase []string
	}{
		{4, []string{"所填的沈阳市和平区以外", "可能把度分秒当成小数填写", "123.2428 应为 123°24′28″"}},
		{5, []string{"所填的铁岭市昌图县以外", "不在辽宁省任何区县内"}},
		{6, []string{"所填的沈阳市以外", "实际落在大连市中山区"}},
	} {
		e := rep.Errors[i]
		if e.Row != want.row || e.Code != "outside_district" || e.Field != "经度" {
			t.Errorf("error %d: %+v", i, e)
		}
		for _, p := range want.phrase {
			if !strings.Contains(e.Detail, p) {
				t.Errorf("row %d: %q does not say %q", e.Row, e.Detail, p)
			}
		}
	}
	if n := f.ts.count(t, `SELECT count(*) FROM station WHERE id LIKE 'PL-%'`); n != 0 {
		t.Fatalf("a refused file wrote %d stations", n)
	}
	// typed right (a GPS decimal in a GCJ-02 file is 0.6 km off: within the tolerance), or declared
	// where it is, the rows pass
	fixed := good + "PL-4,度分秒爱心驿站,爱心驿站,123.407778,41.760278,沈阳市,和平区,210102\n" +
		"PL-6,错市爱心驿站,爱心驿站,121.6796,38.9062,大连市,,\n"
	if code, rep = upload("?dry_run=true&crs=gcj02", fixed); code != 200 || rep.Created != 5 {
		t.Fatalf("fixed rows: %d %+v", code, rep)
	}
	code, rep = upload("?crs=gcj02", good)
	if code != 200 || rep.Created != 3 {
		t.Fatalf("good rows: %d %+v", code, rep)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM station`); n != n0+3 {
		t.Fatalf("stations: %d, want %d", n, n0+3)
	}
}
