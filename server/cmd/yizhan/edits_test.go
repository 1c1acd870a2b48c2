package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type problemBody struct {
	Code, Field, Detail string
}

// editFixture is a server with an admin, two operators (the first runs two stations, the second one)
// and a browser signed in as each.
type editFixture struct {
	ts               *testServer
	admin, op, other *browser
	mine             []string // the first operator's stations
	theirs           string   // the second operator's station
}

func newEditFixture(t *testing.T) *editFixture {
	t.Helper()
	ts := startServer(t, smallSeed(t))
	f := &editFixture{ts: ts, mine: []string{ts.stations[0].ID, ts.stations[1].ID}, theirs: ts.stations[2].ID}
	for _, u := range []struct{ name, role string }{{"boss", "admin"}, {"zhang", "operator"}, {"li", "operator"}} {
		if _, err := userCLI(t, ts, adminPassword+"\n", "add", u.name, "--role", u.role); err != nil {
			t.Fatal(err)
		}
	}
	f.admin, f.op, f.other = newBrowser(ts, "127.0.0.2"), newBrowser(ts, "127.0.0.3"), newBrowser(ts, "127.0.0.4")
	f.admin.login(t, "boss", adminPassword)
	zhang := f.op.login(t, "zhang", adminPassword)
	li := f.other.login(t, "li", adminPassword)
	for id, stations := range map[int64][]string{zhang.User.ID: f.mine, li.User.ID: {f.theirs}} {
		body := `{"station_ids":["` + strings.Join(stations, `","`) + `"]}`
		if res, b := f.admin.do(t, http.MethodPut, fmt.Sprintf("/api/v1/admin/users/%d/stations", id), body); res.StatusCode != 200 {
			t.Fatalf("assign: %d %s", res.StatusCode, b)
		}
	}
	return f
}

func TestMyStations(t *testing.T) {
	f := newEditFixture(t)
	res, body := f.op.do(t, http.MethodGet, "/api/v1/my/stations", "")
	if got := ids(decode[collection](t, body)); res.StatusCode != 200 || strings.Join(got, ",") != strings.Join(f.mine, ",") {
		t.Fatalf("operator's stations: %d %v, want %v", res.StatusCode, got, f.mine)
	}
	_, body = f.admin.do(t, http.MethodGet, "/api/v1/my/stations?per_page=15&page=2", "")
	fc := decode[collection](t, body)
	if len(fc.Features) != 15 || fc.Features[0].ID != f.ts.stations[15].ID || fc.Meta["total"].(float64) != float64(len(f.ts.stations)) {
		t.Fatalf("admin, page 2: %v %v", ids(fc), fc.Meta)
	}
	if res, _ := newBrowser(f.ts, "127.0.0.9").do(t, http.MethodGet, "/api/v1/my/stations", ""); res.StatusCode != 401 {
		t.Fatalf("signed out: %d", res.StatusCode)
	}
}

func TestEditStation(t *testing.T) {
	f := newEditFixture(t)
	id := f.mine[0]
	path := "/api/v1/stations/" + id
	_, before := f.ts.get(t, path)
	v0 := decode[feature](t, before).Properties["version"].(float64)
	etag := fmt.Sprintf(`"%v"`, v0)
	_, meta0 := f.ts.get(t, "/api/v1/meta")
	dv0 := decode[map[string]any](t, meta0)["data_version"].(float64)

	refused := []struct {
		who                *browser
		station, body, tag string
		status             int
		code, field        string
	}{
		{f.op, id, `{"phone":"024-11112222"}`, "", 428, "precondition_required", "If-Match"},
		{f.op, id, `{"phone":"024-11112222"}`, `"999"`, 412, "version_conflict", "If-Match"},
		{f.op, id, `{"phone":"024-11112222"}`, `soon`, 400, "invalid_parameter", "If-Match"},
		{f.op, id, `{"name":"新名字","phone":"024-11112222"}`, etag, 403, "forbidden", "name"},
		{f.op, f.theirs, `{"phone":"024-11112222"}`, etag, 404, "not_found", "id"},
		{f.op, id, `{"opening_hours":"随缘"}`, etag, 400, "invalid_parameter", "opening_hours"},
		{f.op, id, `{"amenities":["hot_water","jacuzzi"]}`, etag, 400, "invalid_parameter", "amenities"},
		{f.op, id, `{"phone":"call me maybe"}`, etag, 400, "invalid_parameter", "phone"},
		{f.op, id, `{"status_note":"` + strings.Repeat("长", 501) + `"}`, etag, 400, "out_of_range", "status_note"},
		{f.admin, id, `{"name":"\u200b\u2060\u202e"}`, etag, 400, "missing_parameter", "name"},
		{f.op, id, `{"status":"gone"}`, etag, 400, "invalid_parameter", "status"},
		{f.op, id, `{"verified":false}`, etag, 400, "invalid_parameter", "verified"},
		{f.op, id, `{"phone":"024-11112222","phone":"024-11112223"}`, etag, 400, "duplicate_parameter", "phone"},
		{f.op, id, `{}`, etag, 400, "missing_parameter", ""},
		{f.admin, id, `{"lon":123.4}`, etag, 400, "missing_parameter", "lat"},
		{f.admin, id, `{"lon":116.4,"lat":39.9}`, etag, 400, "out_of_range", "lon"},
	}
	for _, tc := range refused {
		hdr := []string{"If-Match", tc.tag}
		res, body := tc.who.do(t, http.MethodPatch, "/api/v1/stations/"+tc.station, tc.body, hdr...)
		p := decode[problemBody](t, body)
		if res.StatusCode != tc.status || p.Code != tc.code || p.Field != tc.field {
			t.Errorf("%s %s: %d %s %q, want %d %s %q: %s", tc.body, tc.tag, res.StatusCode, p.Code, p.Field, tc.status, tc.code, tc.field, body)
		}
		if tc.status == 412 && !strings.Contains(string(body), `"current":{"type":"Feature"`) {
			t.Errorf("412 without the current station: %s", body)
		}
	}
	if _, after := f.ts.get(t, path); string(after) != string(before) {
		t.Fatal("a refused edit changed the station")
	}
	// Without the CSRF token, the same valid edit is refused.
	if res, _ := f.op.do(t, http.MethodPatch, path, `{"phone":"024-11112222"}`, "If-Match", etag, "X-CSRF-Token", ""); res.StatusCode != 403 {
		t.Fatalf("no CSRF token: %d", res.StatusCode)
	}

	res, body := f.op.do(t, http.MethodPatch, path, `{"opening_hours":"周一至周五 8:00-18:00，节假日休息","amenities":["hot_water","heating"],"phone":"024-11112222","status":"temporarily_closed","status_note":"锅炉检修"}`, "If-Match", etag)
	if res.StatusCode != 200 {
		t.Fatalf("edit: %d %s", res.StatusCode, body)
	}
	edited := decode[feature](t, body)
	if p := edited.Properties; p["opening_hours"] != "Mo-Fr 08:00-18:00; PH off" || p["phone"] != "024-11112222" || p["status"] != "temporarily_closed" ||
		p["version"] != v0+1 || res.Header.Get("ETag") != fmt.Sprintf(`"%v"`, v0+1) || p["open_now"] != false {
		t.Fatalf("edited: %v %s", p, res.Header.Get("ETag"))
	}
	// Every reader sees the edit at once: the station, the dataset and the data version.
	_, now := f.ts.get(t, path)
	if decode[feature](t, now).Properties["version"] != v0+1 {
		t.Fatalf("GET after PATCH still shows the old version")
	}
	_, meta1 := f.ts.get(t, "/api/v1/meta")
	if dv := decode[map[string]any](t, meta1)["data_version"].(float64); dv != dv0+1 {
		t.Fatalf("data_version %v after an edit, want %v", dv, dv0+1)
	}
	// The other operator's edit of a stale version is refused; "still accurate" stamps verified_at.
	res, body = f.op.do(t, http.MethodPatch, path, `{"verified":true}`, "If-Match", fmt.Sprintf(`"%v"`, v0+1))
	if res.StatusCode != 200 || decode[feature](t, body).Properties["verified_at"] == nil {
		t.Fatalf("verify: %d %s", res.StatusCode, body)
	}
	// An admin may change any field.
	res, body = f.admin.do(t, http.MethodPatch, path, `{"name":"改名驿站","lon":123.41,"lat":41.79}`, "If-Match", fmt.Sprintf(`"%v"`, v0+2))
	if res.StatusCode != 200 || decode[feature](t, body).Properties["name"] != "改名驿站" {
		t.Fatalf("admin edit: %d %s", res.StatusCode, body)
	}

	// The history: newest first, who, before and after.
	res, body = f.op.do(t, http.MethodGet, path+"/history", "")
	hist := decode[struct {
		Entries []struct {
			Action, Actor string
			Version       float64
			Before, After map[string]any
		}
	}](t, body)
	if res.StatusCode != 200 || len(hist.Entries) != 3 || hist.Entries[0].Actor != "boss" || hist.Entries[1].Action != "verify" ||
		hist.Entries[2].Actor != "zhang" || hist.Entries[2].After["phone"] != "024-11112222" || hist.Entries[2].Before["status"] != "open" {
		t.Fatalf("history: %d %s", res.StatusCode, body)
	}
	if res, _ := f.other.do(t, http.MethodGet, path+"/history", ""); res.StatusCode != 404 {
		t.Fatalf("another operator's history: %d", res.StatusCode)
	}
}

func TestOperatorReports(t *testing.T) {
	f := newEditFixture(t)
	rider := newBrowser(f.ts, "127.0.0.20")
	for _, sid := range []string{f.mine[0], f.theirs} {
		if res, body := rider.do(t, http.MethodPost, "/api/v1/stations/"+sid+"/reports", `{"reason":"locked","note":"没开门"}`); res.StatusCode != 201 {
			t.Fatalf("report: %d %s", res.StatusCode, body)
		}
	}
	type reportList struct {
		Reports []struct {
			ID        float64
			StationID string `json:"station_id"`
			Status    string
		}
	}
	_, body := f.op.do(t, http.MethodGet, "/api/v1/my/reports", "")
	mine := decode[reportList](t, body)
	if len(mine.Reports) != 1 || mine.Reports[0].StationID != f.mine[0] {
		t.Fatalf("my reports: %s", body)
	}
	_, body = f.admin.do(t, http.MethodGet, "/api/v1/admin/reports", "")
	if all := decode[reportList](t, body); len(all.Reports) != 2 {
		t.Fatalf("all reports: %s", body)
	}
	if res, _ := f.op.do(t, http.MethodGet, "/api/v1/admin/reports", ""); res.StatusCode != 403 {
		t.Fatalf("an operator on admin reports: %d", res.StatusCode)
	}
	rid := fmt.Sprint(int64(mine.Reports[0].ID))
	if res, _ := f.other.do(t, http.MethodPatch, "/api/v1/reports/"+rid, `{"status":"resolved"}`); res.StatusCode != 404 {
		t.Fatalf("another operator resolving: %d", res.StatusCode)
	}
	res, body := f.op.do(t, http.MethodPatch, "/api/v1/reports/"+rid, `{"status":"resolved"}`)
	if res.StatusCode != 200 || !strings.Contains(string(body), `"resolved_by":"zhang"`) {
		t.Fatalf("resolve: %d %s", res.StatusCode, body)
	}
	_, body = f.op.do(t, http.MethodGet, "/api/v1/my/reports?status=open", "")
	if open := decode[reportList](t, body); len(open.Reports) != 0 {
		t.Fatalf("open reports after resolving: %s", body)
	}
}
