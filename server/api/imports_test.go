package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/yizhan/yizhan/server/spatial"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

type importAnswer struct {
	DryRun                      bool `json:"dry_run"`
	Format, Encoding, CRS       string
	Rows                        int
	Created, Updated, Unchanged int
	DataVersion                 int64 `json:"data_version"`
	Errors                      []struct {
		Row         int
		Field, Code string
		Detail      string
	}
}

func gbk(t *testing.T, s string) string {
	t.Helper()
	out, _, err := transform.String(simplifiedchinese.GB18030.NewEncoder(), s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAdminImportAndExport(t *testing.T) {
	f := newEditFixture(t)
	n0 := f.ts.count(t, `SELECT count(*) FROM station`)
	upload := func(b *browser, query, body string) (*http.Response, importAnswer) {
		t.Helper()
		res, raw := b.do(t, http.MethodPost, "/api/v1/admin/imports"+query, body, "Content-Type", "application/octet-stream")
		if res.StatusCode == 200 || res.StatusCode == 422 {
			return res, decode[importAnswer](t, raw)
		}
		return res, importAnswer{}
	}
	if res, _ := upload(f.op, "", "id,name\n"); res.StatusCode != 403 {
		t.Fatalf("an operator importing: %d", res.StatusCode)
	}

	// A government list in GBK with Chinese headers and GCJ-02 coordinates (an Amap picker's).
	wgs := [2]float64{123.4501, 41.7702}
	gcj := spatial.FromWGS84(spatial.GCJ02, wgs)
	list := gbk(t, "编号,名称,类型,经度,纬度,地址,开放时间,服务设施,联系电话\n"+
		fmt.Sprintf("IMP-1,新建爱心驿站,爱心驿站,%.6f,%.6f,沈阳市沈河区测试路1号,全天24小时,热水;充电;取暖,024-12345678\n", gcj[0], gcj[1])+
		fmt.Sprintf("IMP-2,新建司机之家,司机之家,%.6f,%.6f,沈阳市于洪区测试路2号,周一至周五 8:00-18:00,卫生间,024-87654321\n", gcj[0]+0.01, gcj[1]))
	res, dry := upload(f.admin, "?dry_run=true&crs=gcj02", list)
	if res.StatusCode != 200 || !dry.DryRun || dry.Encoding != "gb18030" || dry.Created != 2 || dry.CRS != "gcj02" {
		t.Fatalf("dry run: %d %+v", res.StatusCode, dry)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM station`); n != n0 {
		t.Fatalf("a dry run wrote %d stations", n-n0)
	}
	res, real := upload(f.admin, "?crs=gcj02", list)
	if res.StatusCode != 200 || real.Created != 2 || real.DryRun {
		t.Fatalf("import: %d %+v", res.StatusCode, real)
	}
	// At once: the new station answers, in WGS-84, with its hours and amenities normalised.
	_, body := f.ts.get(t, "/api/v1/stations/IMP-1")
	st := decode[feature](t, body)
	if p := st.Properties; p["opening_hours"] != "24/7" || p["kind"] != "caring_station" ||
		spatial.DistanceM(orb.Point(st.Geometry.Coordinates), orb.Point(wgs)) > 0.2 { // the file has 6 decimals (about 0.1 m)
		t.Fatalf("imported station: %v %v", p, st.Geometry.Coordinates)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM station_audit WHERE station_id = 'IMP-1' AND action = 'create' AND actor = 'boss'`); n != 1 {
		t.Fatalf("audit entries for the import: %d", n)
	}
	// The same file again changes nothing, and says so.
	if res, again := upload(f.admin, "?crs=gcj02", list); res.StatusCode != 200 || again.Unchanged != 2 || again.Created+again.Updated != 0 || again.DataVersion != real.DataVersion {
		t.Fatalf("re-import: %d %+v", res.StatusCode, again)
	}
	// Any bad row: 422 with every error, and nothing written.
	bad := "id,name,kind,lon,lat\nIMP-3,好驿站,caring_station,123.4,41.8\nIMP-4,坏驿站,spaceship,123.4,41.8\nIMP-5,反了,caring_station,41.8,123.4\n"
	res, rep := upload(f.admin, "", bad)
	if res.StatusCode != 422 || len(rep.Errors) != 2 || rep.Errors[0].Row != 2 || rep.Errors[0].Field != "kind" || rep.Errors[1].Row != 3 {
		t.Fatalf("bad rows: %d %+v", res.StatusCode, rep)
	}
	if f.ts.count(t, `SELECT count(*) FROM station WHERE id = 'IMP-3'`) != 0 {
		t.Fatal("a failed import wrote a row")
	}

	// Export in each format; the CSV goes back in unchanged.
	for _, tc := range []struct{ format, typ string }{
		{"csv", "text/csv; charset=utf-8"}, {"geojson", "application/geo+json"},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	} {
		res, body := f.admin.do(t, http.MethodGet, "/api/v1/admin/export?format="+tc.format, "")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != tc.typ || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("export %s: %d %v", tc.format, res.StatusCode, res.Header)
		}
		res, back := upload(f.admin, "?format="+tc.format, string(body))
		if res.StatusCode != 200 || back.Unchanged != n0+2 || back.Created+back.Updated != 0 {
			t.Fatalf("%s export → import: %d %+v", tc.format, res.StatusCode, back)
		}
	}
	res, body = f.admin.do(t, http.MethodGet, "/api/v1/admin/export?format=csv", "")
	if !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatal("the CSV export has no UTF-8 BOM")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff"))).ReadAll()
	if err != nil || len(rows) != n0+3 {
		t.Fatalf("export rows: %d %v", len(rows), err)
	}
	if res, _ := f.op.do(t, http.MethodGet, "/api/v1/admin/export", ""); res.StatusCode != 403 {
		t.Fatalf("an operator exporting: %d", res.StatusCode)
	}
}

// One import at a time: while an upload is still arriving, another import answers 409 import_running;
// once it is done, imports are accepted again.
func TestOneImportAtATime(t *testing.T) {
	f := newEditFixture(t)
	other := newBrowser(f.ts, "127.0.0.2")
	other.cookie, other.csrf = f.admin.cookie, f.admin.csrf
	small := "id,name,kind,lon,lat\nONE-1,一号驿站,caring_station,123.4,41.8\n"
attempt:
	for {
		pr, pw := io.Pipe()
		req, err := http.NewRequest(http.MethodPost, f.ts.base+"/api/v1/admin/imports?dry_run=true", pr)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Cookie", f.admin.cookie)
		req.Header.Set("X-CSRF-Token", f.admin.csrf)
		// Refused, the upload is answered at once: the server does not wait for the rest of a body it
		// has not asked to continue (without this it would, until its read timeout).
		req.Header.Set("Expect", "100-continue")
		first := make(chan *http.Response, 1)
		go func() {
			res, err := f.admin.client.Do(req)
			if err != nil {
				t.Error(err)
				first <- nil
				return
			}
			res.Body.Close()
			first <- res
		}()
		if _, err := io.WriteString(pw, "id,name,kind,lon,lat\n"); err != nil { // the upload has begun
			t.Fatal(err)
		}
		// Probe until the first upload holds the import lock (it takes it before reading the body). A
		// probe may itself hold the lock just when the upload tries to take it: then the upload is the
		// one refused, and the attempt starts over.
		for {
			select {
			case res := <-first:
				pw.Close()
				if res == nil || res.StatusCode != 409 {
					t.Fatalf("the first import ended before its upload did: %v", res)
				}
				continue attempt
			default:
			}
			res, body := other.do(t, http.MethodPost, "/api/v1/admin/imports?dry_run=true", small, "Content-Type", "text/csv")
			if res.StatusCode == 409 {
				if p := decode[problemBody](t, body); p.Code != "import_running" {
					t.Fatalf("409 with code %q", p.Code)
				}
				break
			}
			if res.StatusCode != 200 {
				t.Fatalf("second import: %d %s", res.StatusCode, body)
			}
		}
		io.WriteString(pw, "ONE-2,二号驿站,caring_station,123.41,41.81\n")
		pw.Close()
		if res := <-first; res == nil || res.StatusCode != 200 {
			t.Fatalf("the first import: %v", res)
		}
		break
	}
	if res, body := other.do(t, http.MethodPost, "/api/v1/admin/imports?dry_run=true", small, "Content-Type", "text/csv"); res.StatusCode != 200 {
		t.Fatalf("an import after the first finished: %d %s", res.StatusCode, body)
	}
}

// An operator's edit made after the admin exported the list is not undone by importing that export:
// the changed row names the version it was exported at, the station has moved on, so the import
// answers 422 with a version_conflict on that row and writes nothing (the command line the same,
// exit status 2). Emptying the version cell says "overwrite", and then it applies.
func TestImportOfStaleExportConflicts(t *testing.T) {
	f := newEditFixture(t)
	_, exported := f.admin.do(t, http.MethodGet, "/api/v1/admin/export?format=csv", "")
	mine := f.mine[0]
	res, body := f.op.do(t, http.MethodGet, "/api/v1/stations/"+mine, "")
	if res, body = f.op.do(t, http.MethodPatch, "/api/v1/stations/"+mine, `{"status_note":"运营方刚改的"}`, "If-Match", res.Header.Get("ETag")); res.StatusCode != 200 {
		t.Fatalf("operator edit: %d %s", res.StatusCode, body)
	}

	// The admin changes the station's address in the old export and imports it.
	lines := strings.Split(string(exported), "\n")
	row := 0
	for i, l := range lines {
		if strings.HasPrefix(l, mine+",") {
			row = i // the header is row 0
			cells := strings.Split(l, ",")
			cells[5] = "表格里改的地址" // address
			lines[i] = strings.Join(cells, ",")
		}
	}
	if row == 0 {
		t.Fatalf("station %s not in the export", mine)
	}
	stale := strings.Join(lines, "\n")
	before := f.ts.count(t, `SELECT count(*) FROM station_audit`)
	res, raw := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", stale, "Content-Type", "text/csv")
	rep := decode[importAnswer](t, raw)
	if res.StatusCode != 422 || len(rep.Errors) != 1 || rep.Errors[0].Code != "version_conflict" || rep.Errors[0].Row != row || rep.Errors[0].Field != "version" {
		t.Fatalf("stale import: %d %s", res.StatusCode, raw)
	}
	_, body = f.ts.get(t, "/api/v1/stations/"+mine)
	if st := decode[feature](t, body); st.Properties["status_note"] != "运营方刚改的" || st.Properties["address"] == "表格里改的地址" {
		t.Fatalf("after the refused import: %v", st.Properties)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM station_audit`); n != before {
		t.Fatalf("the refused import wrote %d audit rows", n-before)
	}

	// Emptying the version cell overwrites on purpose.
	cells := strings.Split(lines[row], ",")
	cells[len(cells)-1] = ""
	lines[row] = strings.Join(cells, ",")
	if res, raw := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", strings.Join(lines, "\n"), "Content-Type", "text/csv"); res.StatusCode != 200 {
		t.Fatalf("import with the version emptied: %d %s", res.StatusCode, raw)
	}
	_, body = f.ts.get(t, "/api/v1/stations/"+mine)
	if st := decode[feature](t, body); st.Properties["address"] != "表格里改的地址" {
		t.Fatalf("after the overwrite: %v", st.Properties)
	}
}
