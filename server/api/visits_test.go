package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// visitFixture is a server on a clock of its own, over 40 seed stations of which the last is closed
// for good, with an admin and two operators (op runs open, other runs theirs) signed in.
type visitFixture struct {
	ts                 *harness
	clk                *clock
	open, theirs, shut string
	admin, op, other   *browser
	anonymous          *browser
}

// shanghai is a time in Asia/Shanghai.
func shanghai(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, codec.Shanghai)
}

func newVisitFixture(t *testing.T, options ...func(*api.Deps)) *visitFixture {
	t.Helper()
	sts := readSeed(t, seedPath)[:40]
	sts[39].Status = station.Closed
	path := filepath.Join(t.TempDir(), "seed.csv")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := codec.WriteCSV(out, station.Slice(sts), true); err != nil {
		t.Fatal(err)
	}
	out.Close()
	clk := &clock{t: shanghai(2026, 12, 6, 23, 59, 30)}
	options = append([]func(*api.Deps){func(d *api.Deps) {
		d.Now, d.Writer.Now = clk.Now, clk.Now
		d.VisitLimit = api.RateLimit{Unlimited: true}
	}}, options...)
	f := &visitFixture{ts: startServer(t, path, options...), clk: clk, open: sts[0].ID, theirs: sts[1].ID, shut: sts[39].ID}
	for _, u := range []struct{ name, role, station string }{{"admin", "admin", ""}, {"op", "operator", f.open}, {"other", "operator", f.theirs}} {
		var ids []string
		if u.station != "" {
			ids = []string{u.station}
		}
		if _, err := userAdd(f.ts, adminPassword, u.name, u.role, ids...); err != nil {
			t.Fatal(err)
		}
	}
	f.admin, f.op, f.other = newBrowser(f.ts, "127.0.0.41"), newBrowser(f.ts, "127.0.0.42"), newBrowser(f.ts, "127.0.0.43")
	f.admin.login(t, "admin", adminPassword)
	f.op.login(t, "op", adminPassword)
	f.other.login(t, "other", adminPassword)
	f.anonymous = newBrowser(f.ts, "127.0.0.44")
	return f
}

const deviceA, deviceB = "dev-AAAAAAAAAAAAAAAA", "dev_BBBBBBBBBBBBBBBB"

// visit posts a visit of device to station id from b.
func visit(t *testing.T, b *browser, id, device string) (*http.Response, []byte) {
	t.Helper()
	return b.do(t, http.MethodPost, "/api/v1/stations/"+id+"/visits", `{"device":"`+device+`"}`)
}

// A device counts once per station and day, the day of Asia/Shanghai: a minute after midnight there
// (still the 6th in UTC) it counts again. The answers match the OpenAPI document, and the database
// keeps one row per station and day and no device id.
func TestVisitOncePerDeviceStationAndDay(t *testing.T) {
	f := newVisitFixture(t)
	router := openAPIRouter(t, f.ts)
	steps := []struct {
		id, device string
		status     int
		answer     string
	}{
		{f.open, deviceA, 201, `"day":"2026-12-06","counted":true`},
		{f.open, deviceA, 200, `"day":"2026-12-06","counted":false`},
		{f.open, deviceB, 201, `"counted":true`},
		{f.theirs, deviceA, 201, `"counted":true`},
		{"", "", 0, ""}, // midnight in Shanghai
		{f.open, deviceA, 201, `"day":"2026-12-07","counted":true`},
		{f.open, deviceA, 200, `"day":"2026-12-07","counted":false`},
	}
	for i, s := range steps {
		if s.id == "" {
			f.clk.Add(time.Minute)
			continue
		}
		res, body := visit(t, f.anonymous, s.id, s.device)
		if res.StatusCode != s.status || !strings.Contains(string(body), s.answer) || res.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("step %d: %d %s, want %d %s", i, res.StatusCode, body, s.status, s.answer)
		}
		req, _ := http.NewRequest(http.MethodPost, f.ts.base+"/api/v1/stations/"+s.id+"/visits", nil)
		validAnswer(t, router, req, res, body)
	}
	for _, c := range []struct {
		id, day string
		app     int
	}{{f.open, "2026-12-06", 2}, {f.theirs, "2026-12-06", 1}, {f.open, "2026-12-07", 1}} {
		if n := f.ts.count(t, `SELECT app FROM visit WHERE station_id = ? AND day = ? AND served IS NULL`, c.id, c.day); n != c.app {
			t.Errorf("%s on %s: app %d, want %d", c.id, c.day, n, c.app)
		}
	}
	if n := f.ts.count(t, `SELECT count(*) FROM visit`); n != 3 {
		t.Errorf("%d visit rows, want 3 (one per station and day)", n)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM visit_device WHERE device LIKE '%AAAA%' OR device LIKE '%BBBB%'`); n != 0 {
		t.Errorf("%d device rows hold the device id", n)
	}

	// Two days on, the devices of the 6th are forgotten; the counts stay.
	f.clk.Add(48 * time.Hour)
	if res, body := visit(t, f.anonymous, f.open, deviceB); res.StatusCode != 201 {
		t.Fatalf("on the 9th: %d %s", res.StatusCode, body)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM visit_device WHERE day < '2026-12-08'`); n != 0 {
		t.Errorf("%d device rows of days gone", n)
	}
	if n := f.ts.count(t, `SELECT sum(app) FROM visit`); n != 5 {
		t.Errorf("%d visits in all, want 5", n)
	}
}

// Visits to unknown stations and stations closed for good are refused (404), and so is every bad
// device or body (400, 413, 415); nothing is stored.
func TestVisitRefusals(t *testing.T) {
	f := newVisitFixture(t)
	router := openAPIRouter(t, f.ts)
	path := "/api/v1/stations/" + f.open + "/visits"
	for _, c := range []struct {
		path, body, contentType string
		status                  int
		code, field             string
	}{
		{"/api/v1/stations/LN-nope/visits", `{"device":"` + deviceA + `"}`, "", 404, "not_found", "id"},
		{"/api/v1/stations/" + f.shut + "/visits", `{"device":"` + deviceA + `"}`, "", 404, "not_found", "id"},
		{path, `{}`, "", 400, "missing_parameter", "device"},
		{path, `{"device":""}`, "", 400, "missing_parameter", "device"},
		{path, `{"device":"short-15-chars-"}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":"` + strings.Repeat("x", 65) + `"}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":"has space in the id 123"}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":"设备设备设备设备设备设备"}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":"dev.AAAAAAAAAAAAAAAA"}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":1234567890123456789}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":null}`, "", 400, "invalid_parameter", "device"},
		{path, `{"device":"` + deviceA + `","device":"` + deviceB + `"}`, "", 400, "duplicate_parameter", "device"},
		{path, `{"device":"` + deviceA + `","station":"x"}`, "", 400, "invalid_parameter", "station"},
		{path, `["` + deviceA + `"]`, "", 400, "invalid_parameter", ""},
		{path, `{"device":"` + deviceA + `"`, "", 400, "invalid_parameter", ""},
		{path, `{"device":"` + deviceA + `"}`, "text/plain", 415, "unsupported_media_type", ""},
		{path, `{"device":"` + strings.Repeat("x", 2000) + `"}`, "", 413, "payload_too_large", ""},
	} {
		header := []string{}
		if c.contentType != "" {
			header = []string{"Content-Type", c.contentType}
		}
		res, body := f.anonymous.do(t, http.MethodPost, c.path, c.body, header...)
		checkProblem(t, res, body, c.status, c.code, c.field)
		req, _ := http.NewRequest(http.MethodPost, f.ts.base+c.path, nil)
		validAnswer(t, router, req, res, body)
	}
	if n := f.ts.count(t, `SELECT (SELECT count(*) FROM visit) + (SELECT count(*) FROM visit_device)`); n != 0 {
		t.Fatalf("%d rows stored by refused visits", n)
	}
}

// Visits spend a limit of their own per client address; refused requests spend none, and another
// address has its own.
func TestVisitRateLimit(t *testing.T) {
	f := newVisitFixture(t, func(d *api.Deps) { d.VisitLimit = api.RateLimit{Burst: 2, Every: time.Hour} })
	b := newBrowser(f.ts, "127.0.0.51")
	for range 5 {
		if res, body := visit(t, b, f.open, "bad"); res.StatusCode != 400 {
			t.Fatalf("bad device: %d %s", res.StatusCode, body)
		}
	}
	for i, d := range []string{deviceA, deviceB} {
		if res, body := visit(t, b, f.open, d); res.StatusCode != 201 {
			t.Fatalf("visit %d: %d %s", i, res.StatusCode, body)
		}
	}
	res, body := visit(t, b, f.open, "dev-CCCCCCCCCCCCCCCC")
	checkProblem(t, res, body, 429, "rate_limited", "")
	if res.Header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After")
	}
	if res, body := visit(t, newBrowser(f.ts, "127.0.0.52"), f.open, "dev-CCCCCCCCCCCCCCCC"); res.StatusCode != 201 {
		t.Fatalf("another address: %d %s", res.StatusCode, body)
	}
	if n := f.ts.count(t, `SELECT app FROM visit WHERE station_id = ?`, f.open); n != 3 {
		t.Fatalf("app %d, want 3", n)
	}
}

// Operators record the people served at their own stations, admins at any; the signed-out, other
// operators and requests without the CSRF token change nothing. The last value stands, and the
// station's history shows each change to those who may see it.
func TestServedRights(t *testing.T) {
	f := newVisitFixture(t)
	router := openAPIRouter(t, f.ts)
	put := func(b *browser, id, day, body string, status int, header ...string) []byte {
		t.Helper()
		path := "/api/v1/stations/" + id + "/visits/" + day
		res, raw := b.do(t, http.MethodPut, path, body, header...)
		if res.StatusCode != status {
			t.Fatalf("%s %s: %d %s, want %d", path, body, res.StatusCode, raw, status)
		}
		req, _ := http.NewRequest(http.MethodPut, f.ts.base+path, nil)
		validAnswer(t, router, req, res, raw)
		return raw
	}
	if res, body := visit(t, f.anonymous, f.open, deviceA); res.StatusCode != 201 {
		t.Fatalf("visit: %d %s", res.StatusCode, body)
	}
	put(f.anonymous, f.open, "2026-12-06", `{"count":9}`, 401)
	put(f.other, f.open, "2026-12-06", `{"count":9}`, 404) // not theirs: answered as if absent
	put(f.op, f.open, "2026-12-06", `{"count":9}`, 403, "X-CSRF-Token", "")
	put(f.op, f.open, "2026-12-06", `{"count":9}`, 403, "X-CSRF-Token", "forged")
	put(f.op, "LN-nope", "2026-12-06", `{"count":9}`, 404)
	if n := f.ts.count(t, `SELECT count(*) FROM visit WHERE served IS NOT NULL`); n != 0 {
		t.Fatalf("refused requests stored %d counts", n)
	}

	got := decode[map[string]any](t, put(f.op, f.open, "2026-12-06", `{"count":30}`, 200))
	if got["app"] != 1.0 || got["served"] != 30.0 || got["visits"] != 31.0 || got["day"] != "2026-12-06" || got["station_id"] != f.open {
		t.Fatalf("answer %v", got)
	}
	put(f.op, f.open, "2026-12-06", `{"count":35}`, 200)
	put(f.op, f.open, "2026-12-06", `{"count":35}`, 200) // the same again: no new history entry
	put(f.admin, f.theirs, "2026-12-05", `{"count":0}`, 200)
	put(f.other, f.theirs, "2026-12-05", `{"count":4}`, 200)
	if n := f.ts.count(t, `SELECT served FROM visit WHERE station_id = ? AND day = '2026-12-06'`, f.open); n != 35 {
		t.Fatalf("served %d, want the last value 35", n)
	}
	if n := f.ts.count(t, `SELECT app + coalesce(served, 0) FROM visit WHERE station_id = ? AND day = '2026-12-05'`, f.theirs); n != 4 {
		t.Fatalf("visits on the 5th %d, want 4", n)
	}

	res, body := f.op.do(t, http.MethodGet, "/api/v1/stations/"+f.open+"/history", "")
	h := decode[struct {
		Entries []struct {
			Action, Actor string
			Version       int64
			Before, After map[string]any
		}
	}](t, body)
	if res.StatusCode != 200 || len(h.Entries) != 2 {
		t.Fatalf("history %d %s", res.StatusCode, body)
	}
	last, first := h.Entries[0], h.Entries[1]
	if first.Actor != "op" || first.Action != "edit" || first.Before["served"] != nil || first.After["served"] != 30.0 ||
		first.After["served_on"] != "2026-12-06" || last.Before["served"] != 30.0 || last.After["served"] != 35.0 || last.Version != 1 {
		t.Fatalf("history %s", body)
	}
	if res, body := f.other.do(t, http.MethodGet, "/api/v1/stations/"+f.theirs+"/history", ""); res.StatusCode != 200 ||
		!strings.Contains(string(body), `"actor":"admin"`) || !strings.Contains(string(body), `"served":4`) {
		t.Fatalf("their history %d %s", res.StatusCode, body)
	}
	// Counts are not station data: the station stays at its version.
	if res, body := f.anonymous.do(t, http.MethodGet, "/api/v1/stations/"+f.open, ""); res.Header.Get("ETag") != `"1"` {
		t.Fatalf("station after counts: %s %s", res.Header.Get("ETag"), body)
	}
}

// Every bad count or date is refused naming its field, and nothing changes: today is 7 December in
// Shanghai (still the 6th in UTC).
func TestServedBadInput(t *testing.T) {
	f := newVisitFixture(t)
	f.clk.Add(time.Minute)
	router := openAPIRouter(t, f.ts)
	for _, c := range []struct {
		day, body   string
		status      int
		code, field string
	}{
		{"2026-12-06", `{}`, 400, "missing_parameter", "count"},
		{"2026-12-06", `{"count":-1}`, 400, "out_of_range", "count"},
		{"2026-12-06", `{"count":100001}`, 400, "out_of_range", "count"},
		{"2026-12-06", `{"count":3.5}`, 400, "invalid_parameter", "count"},
		{"2026-12-06", `{"count":1e3}`, 400, "invalid_parameter", "count"},
		{"2026-12-06", `{"count":"35"}`, 400, "invalid_parameter", "count"},
		{"2026-12-06", `{"count":null}`, 400, "invalid_parameter", "count"},
		{"2026-12-06", `{"count":true}`, 400, "invalid_parameter", "count"},
		{"2026-12-06", `{"count":99999999999999999999999}`, 400, "invalid_parameter", "count"},
		{"2026-12-06", `{"count":3,"count":4}`, 400, "duplicate_parameter", "count"},
		{"2026-12-06", `{"count":3,"day":"2026-12-06"}`, 400, "invalid_parameter", "day"},
		{"2026-02-30", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"2026-13-01", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"2026-12-7", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"20261207", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"2026%2F12%2F07", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"07-12-2026", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"today", `{"count":3}`, 400, "invalid_parameter", "date"},
		{"2026-12-08", `{"count":3}`, 400, "out_of_range", "date"}, // tomorrow in Shanghai
		{"2019-12-31", `{"count":3}`, 400, "out_of_range", "date"},
	} {
		path := "/api/v1/stations/" + f.open + "/visits/" + c.day
		res, body := f.op.do(t, http.MethodPut, path, c.body)
		checkProblem(t, res, body, c.status, c.code, c.field)
		req, _ := http.NewRequest(http.MethodPut, f.ts.base+path, nil)
		validAnswer(t, router, req, res, body)
	}
	if n := f.ts.count(t, `SELECT (SELECT count(*) FROM visit) + (SELECT count(*) FROM station_audit)`); n != 0 {
		t.Fatalf("%d rows written by refused counts", n)
	}
	for _, day := range []string{"2020-01-01", "2024-02-29", "2026-12-07"} { // the first day, a leap day, today
		if res, body := f.op.do(t, http.MethodPut, "/api/v1/stations/"+f.open+"/visits/"+day, `{"count":100000}`); res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", day, res.StatusCode, body)
		}
	}
}
