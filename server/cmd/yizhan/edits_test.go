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
