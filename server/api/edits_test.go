package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/auth"
)

// An edit: refused whole for every kind of bad request (nothing changes), stored with its audit entry
// and seen by every reader at once; operators change their own stations' operational fields, admins
// any field.
func TestEditStation(t *testing.T) {
	h := newHarness(t)
	id, theirs := h.stations[0].ID, h.stations[2].ID
	admin := h.signedIn("boss", auth.RoleAdmin)
	op := h.signedIn("zhang", auth.RoleOperator, id, h.stations[1].ID)
	other := h.signedIn("li", auth.RoleOperator, theirs)
	anon := h.anonymous()
	path := "/api/v1/stations/" + id
	_, header, before := anon.do(http.MethodGet, path, "")
	etag := header.Get("ETag")
	v0, _ := strconv.ParseInt(strings.Trim(etag, `"`), 10, 64)
	dv0 := h.cat.Current().Version

	refused := func(who *client, station, body, tag string, status int, code, field string) exchange {
		x := exchange{who: who, method: http.MethodPatch, path: "/api/v1/stations/" + station, body: body,
			header: []string{"If-Match", tag}, status: status, contains: []string{`"code":"` + code + `"`}}
		if field != "" {
			x.contains = append(x.contains, `"field":"`+field+`"`)
		}
		if status == 412 {
			x.contains = append(x.contains, `"current":{"type":"Feature"`)
		}
		return x
	}
	run(t, []exchange{
		refused(op, id, `{"phone":"024-11112222"}`, "", 428, "precondition_required", "If-Match"),
		refused(op, id, `{"phone":"024-11112222"}`, `"999"`, 412, "version_conflict", "If-Match"),
		refused(op, id, `{"phone":"024-11112222"}`, `soon`, 400, "invalid_parameter", "If-Match"),
		refused(op, id, `{"name":"新名字","phone":"024-11112222"}`, etag, 403, "forbidden", "name"),
		refused(op, theirs, `{"phone":"024-11112222"}`, etag, 404, "not_found", "id"),
		refused(op, id, `{"opening_hours":"随缘"}`, etag, 400, "invalid_parameter", "opening_hours"),
		refused(op, id, `{"amenities":["hot_water","jacuzzi"]}`, etag, 400, "invalid_parameter", "amenities"),
		refused(op, id, `{"phone":"call me maybe"}`, etag, 400, "invalid_parameter", "phone"),
		refused(op, id, `{"status_note":"`+strings.Repeat("长", 501)+`"}`, etag, 400, "out_of_range", "status_note"),
		refused(admin, id, `{"name":"\u200b\u2060\u202e"}`, etag, 400, "missing_parameter", "name"),
		refused(op, id, `{"status":"gone"}`, etag, 400, "invalid_parameter", "status"),
		refused(op, id, `{"verified":false}`, etag, 400, "invalid_parameter", "verified"),
		refused(op, id, `{"phone":"024-11112222","phone":"024-11112223"}`, etag, 400, "duplicate_parameter", "phone"),
		refused(op, id, `{}`, etag, 400, "missing_parameter", ""),
		refused(admin, id, `{"lon":123.4}`, etag, 400, "missing_parameter", "lat"),
		refused(admin, id, `{"lon":116.4,"lat":39.9}`, etag, 400, "out_of_range", "lon"),
		// Without the CSRF token, a valid edit is refused.
		{who: op, method: http.MethodPatch, path: path, body: `{"phone":"024-11112222"}`, header: []string{"If-Match", etag, "X-CSRF-Token", ""},
			status: 403},
	})
	if _, _, after := anon.do(http.MethodGet, path, ""); string(after) != string(before) {
		t.Fatal("a refused edit changed the station")
	}

	status, header, body := op.do(http.MethodPatch, path, `{"opening_hours":"周一至周五 8:00-18:00，节假日休息","amenities":["hot_water","heating"],"phone":"024-11112222","status":"temporarily_closed","status_note":"锅炉检修"}`, "If-Match", etag)
	var edited struct{ Properties map[string]any }
	if json.Unmarshal(body, &edited); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	if p := edited.Properties; p["opening_hours"] != "Mo-Fr 08:00-18:00; PH off" || p["phone"] != "024-11112222" || p["status"] != "temporarily_closed" ||
		p["version"] != float64(v0+1) || header.Get("ETag") != fmt.Sprintf(`"%d"`, v0+1) || p["open_now"] != false {
		t.Fatalf("edited: %v %s", p, header.Get("ETag"))
	}
	// Every reader sees the edit at once: the station and the data version.
	run(t, []exchange{
		{who: anon, method: http.MethodGet, path: path, status: 200, contains: []string{fmt.Sprintf(`"version":%d`, v0+1), "锅炉检修"}},
		{who: anon, method: http.MethodGet, path: "/api/v1/meta", status: 200, contains: []string{fmt.Sprintf(`"data_version":%d`, dv0+1)}},
		// "Still accurate" stamps verified_at; an admin may change any field.
		{who: op, method: http.MethodPatch, path: path, body: `{"verified":true}`, header: []string{"If-Match", fmt.Sprintf(`"%d"`, v0+1)},
			status: 200, contains: []string{`"verified_at":"`}},
		{who: admin, method: http.MethodPatch, path: path, body: `{"name":"改名驿站","lon":123.41,"lat":41.79}`, header: []string{"If-Match", fmt.Sprintf(`"%d"`, v0+2)},
			status: 200, contains: []string{`"name":"改名驿站"`}},
		// Another operator's history is not theirs to see.
		{who: other, method: http.MethodGet, path: path + "/history", status: 404},
	})

	// The history: newest first, who, before and after.
	status, _, body = op.do(http.MethodGet, path+"/history", "")
	var hist struct {
		Entries []struct {
			Action, Actor string
			Before, After map[string]any
		}
	}
	if json.Unmarshal(body, &hist); status != 200 || len(hist.Entries) != 3 || hist.Entries[0].Actor != "boss" || hist.Entries[1].Action != "verify" ||
		hist.Entries[2].Actor != "zhang" || hist.Entries[2].After["phone"] != "024-11112222" || hist.Entries[2].Before["status"] != "open" {
		t.Fatalf("history: %d %s", status, body)
	}
}

type problemBody struct {
	Code, Field, Detail string
}

// editFixture is a server with an admin, two operators (the first runs two stations, the second one)
// and a browser signed in as each.
type editFixture struct {
	ts               *harness
	admin, op, other *browser
	mine             []string // the first operator's stations
	theirs           string   // the second operator's station
}

func newEditFixture(t *testing.T) *editFixture {
	t.Helper()
	ts := startServer(t, smallSeed(t))
	f := &editFixture{ts: ts, mine: []string{ts.stations[0].ID, ts.stations[1].ID}, theirs: ts.stations[2].ID}
	for _, u := range []struct{ name, role string }{{"boss", "admin"}, {"zhang", "operator"}, {"li", "operator"}} {
		if _, err := userAdd(ts, adminPassword, u.name, u.role); err != nil {
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
	res, body := f.op.do(t, http.MethodGet, "/api/v1/my/stations?sort=id", "")
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
