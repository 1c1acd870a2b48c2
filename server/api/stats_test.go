package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/stats"
)

// withStats gives the server its statistics store: the harness's database.
func withStats(d *api.Deps) { d.Stats = d.ReportDesk.(*sqlite.DB) }

type statsRow struct {
	Adcode          string         `json:"adcode"`
	Name            string         `json:"name"`
	Level           string         `json:"level"`
	CityAdcode      string         `json:"city_adcode"`
	Stations        int            `json:"stations"`
	ByStatus        map[string]int `json:"by_status"`
	ByKind          map[string]int `json:"by_kind"`
	Verified180d    *float64       `json:"verified_180d"`
	Verified        int            `json:"verified_180d_stations"`
	Active          int            `json:"stations_not_closed"`
	Visits          int64          `json:"visits"`
	ReportsOpen     int            `json:"reports_open"`
	ReportsResolved int            `json:"reports_resolved"`
	Coverage        *float64       `json:"coverage_3km"`
	Cells           int            `json:"cells"`
	Covered         int            `json:"cells_covered"`
}

type statsTable struct {
	Group, From, To string
	Areas           []statsRow `json:"areas"`
	Totals          statsRow   `json:"totals"`
}

// sumRows adds up the counts of rows (the shares are worked out from the sums).
func sumRows(rows []statsRow) statsRow {
	s := statsRow{ByStatus: map[string]int{}, ByKind: map[string]int{}}
	for _, r := range rows {
		s.Stations += r.Stations
		for k, n := range r.ByStatus {
			s.ByStatus[k] += n
		}
		for k, n := range r.ByKind {
			s.ByKind[k] += n
		}
		s.Verified += r.Verified
		s.Active += r.Active
		s.Visits += r.Visits
		s.ReportsOpen += r.ReportsOpen
		s.ReportsResolved += r.ReportsResolved
		s.Cells += r.Cells
		s.Covered += r.Covered
	}
	return s
}

// sameCounts compares the counts of two rows, and checks that a's shares are its counts' ratios.
func sameCounts(t *testing.T, what string, a, b statsRow) {
	t.Helper()
	if a.Stations != b.Stations || fmt.Sprint(a.ByStatus) != fmt.Sprint(b.ByStatus) || fmt.Sprint(a.ByKind) != fmt.Sprint(b.ByKind) ||
		a.Verified != b.Verified || a.Active != b.Active || a.Visits != b.Visits || a.ReportsOpen != b.ReportsOpen ||
		a.ReportsResolved != b.ReportsResolved || a.Cells != b.Cells || a.Covered != b.Covered {
		t.Errorf("%s: %+v, want the counts of %+v", what, a, b)
	}
	if a.Coverage == nil || math.Abs(*a.Coverage-float64(a.Covered)/float64(a.Cells)) > 5e-5 {
		t.Errorf("%s: coverage %v of %d/%d cells", what, a.Coverage, a.Covered, a.Cells)
	}
	if a.Verified180d == nil || math.Abs(*a.Verified180d-float64(a.Verified)/float64(a.Active)) > 5e-5 {
		t.Errorf("%s: verified %v of %d/%d stations", what, a.Verified180d, a.Verified, a.Active)
	}
}

func TestAdminStats(t *testing.T) {
	ts := startServer(t, seedPath, withStats)
	router := openAPIRouter(t, ts)
	if _, err := userAdd(ts, adminPassword, "office", "admin"); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.2")
	admin.login(t, "office", adminPassword)
	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, body := admin.do(t, http.MethodGet, path, "")
		req, _ := http.NewRequest(http.MethodGet, ts.base+path, nil)
		validAnswer(t, router, req, res, body)
		return res, body
	}

	// Three reports on two stations of different cities today; one of them resolved.
	var first, last station.Station
	for _, st := range ts.stations {
		if st.Status != station.Closed {
			if first.ID == "" {
				first = st
			}
			last = st
		}
	}
	var reportIDs []int64
	for _, id := range []string{first.ID, first.ID, last.ID} {
		res, body := ts.post(t, "/api/v1/stations/"+id+"/reports", "application/json", `{"reason":"locked"}`)
		if res.StatusCode != 201 {
			t.Fatalf("report: %d %s", res.StatusCode, body)
		}
		reportIDs = append(reportIDs, int64(decode[map[string]any](t, body)["id"].(float64)))
	}
	if res, body := admin.do(t, http.MethodPatch, fmt.Sprintf("/api/v1/reports/%d", reportIDs[2]), `{"status":"resolved"}`); res.StatusCode != 200 {
		t.Fatalf("resolve: %d %s", res.StatusCode, body)
	}

	// Visits through the visits' write path: two riders at the first station today; 35 people
	// served at the last today and 10 on a day of last month, recorded by an admin.
	now := time.Now().In(time.FixedZone("CST", 8*3600))
	today, earlier := now.Format(time.DateOnly), now.AddDate(0, -1, 0).Format(time.DateOnly)
	for _, device := range []string{"stats-test-device-0001", "stats-test-device-0002"} {
		if res, body := ts.post(t, "/api/v1/stations/"+first.ID+"/visits", "application/json", `{"device":"`+device+`"}`); res.StatusCode != 201 {
			t.Fatalf("visit: %d %s", res.StatusCode, body)
		}
	}
	for day, n := range map[string]int{today: 35, earlier: 10} {
		if res, body := admin.do(t, http.MethodPut, "/api/v1/stations/"+last.ID+"/visits/"+day, fmt.Sprintf(`{"count":%d}`, n)); res.StatusCode/100 != 2 {
			t.Fatalf("served: %d %s", res.StatusCode, body)
		}
	}

	_, body := get("/api/v1/admin/stats")
	cities := decode[statsTable](t, body)
	_, body = get("/api/v1/admin/stats?group=district")
	districts := decode[statsTable](t, body)
	if cities.Group != "city" || len(cities.Areas) != 14 || len(districts.Areas) != 100 || cities.To != today || cities.From != today[:4]+"-01-01" {
		t.Fatalf("%s %s–%s with %d cities, %d districts", cities.Group, cities.From, cities.To, len(cities.Areas), len(districts.Areas))
	}
	for _, tab := range []statsTable{cities, districts} {
		sameCounts(t, tab.Group+" totals", tab.Totals, sumRows(tab.Areas))
	}
	sameCounts(t, "totals by city", cities.Totals, districts.Totals)
	wantVisits := int64(37)
	if earlier >= cities.From {
		wantVisits += 10
	}
	if tot := cities.Totals; tot.Stations != len(ts.stations) || tot.ReportsOpen != 2 || tot.ReportsResolved != 1 || tot.Visits != wantVisits {
		t.Errorf("totals: %d stations, reports %d open %d resolved, visits %d", tot.Stations, tot.ReportsOpen, tot.ReportsResolved, tot.Visits)
	}
	for _, c := range cities.Areas {
		var mine []statsRow
		for _, d := range districts.Areas {
			if d.CityAdcode == c.Adcode {
				mine = append(mine, d)
			}
		}
		if len(mine) == 0 {
			t.Errorf("%s has no districts", c.Name)
		}
		sameCounts(t, c.Name, c, sumRows(mine))
	}
	for _, d := range districts.Areas {
		if d.Adcode == first.Adcode && (d.ReportsOpen != 2 || d.Visits < 2) {
			t.Errorf("%s: %d open reports, %d visits; want 2 and at least 2", d.Name, d.ReportsOpen, d.Visits)
		}
	}

	// The period bounds the reports: none before today.
	yesterday := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -1).Format(time.DateOnly)
	_, body = get("/api/v1/admin/stats?from=2026-01-01&to=" + yesterday)
	if tot := decode[statsTable](t, body).Totals; tot.ReportsOpen+tot.ReportsResolved != 0 || tot.Stations != len(ts.stations) {
		t.Errorf("before today: %+v", tot)
	}
	_, body = get("/api/v1/admin/stats?from=" + today + "&to=" + today)
	if tot := decode[statsTable](t, body).Totals; tot.ReportsOpen != 2 || tot.ReportsResolved != 1 || tot.Visits != 37 {
		t.Errorf("today: %+v", tot)
	}

	// Visits per month: an operator sees her station's, an admin an area's or all.
	if _, err := userAdd(ts, adminPassword, "zhao", "operator", last.ID); err != nil {
		t.Fatal(err)
	}
	op := newBrowser(ts, "127.0.0.3")
	op.login(t, "zhao", adminPassword)
	type months struct {
		From, To string
		Months   []struct {
			Month  string `json:"month"`
			Visits int64  `json:"visits"`
		} `json:"months"`
		Total int64 `json:"total"`
	}
	period := "?from=" + earlier + "&to=" + today
	res, body := op.do(t, http.MethodGet, "/api/v1/my/visits"+period, "")
	req, _ := http.NewRequest(http.MethodGet, ts.base+"/api/v1/my/visits"+period, nil)
	validAnswer(t, router, req, res, body)
	mine := decode[months](t, body)
	if got := fmt.Sprint(mine.Months); mine.Total != 45 || got != fmt.Sprintf("[{%s 10} {%s 35}]", earlier[:7], today[:7]) {
		t.Errorf("the operator's visits: %s, total %d", got, mine.Total)
	}
	_, body = get("/api/v1/my/visits" + period)
	if all := decode[months](t, body); all.Total != 47 {
		t.Errorf("an admin's visits: %+v, want 47", all)
	}
	_, body = get("/api/v1/my/visits" + period + "&adcode=" + first.Adcode)
	if area := decode[months](t, body); area.Total != 2 && first.Adcode != last.Adcode {
		t.Errorf("the visits in %s: %+v, want 2", first.Adcode, area)
	}

	// The exports hold the same numbers.
	want := [][]string{stats.Columns()}
	for _, r := range append(slices.Clone(cities.Areas), cities.Totals) {
		line := []string{r.Adcode, r.Name, strconv.Itoa(r.Stations), strconv.Itoa(r.ByStatus["open"]),
			strconv.Itoa(r.ByStatus["temporarily_closed"]), strconv.Itoa(r.ByStatus["closed"])}
		for _, k := range []string{"caring_station", "driver_home", "union_station", "community_center", "other"} {
			line = append(line, strconv.Itoa(r.ByKind[k]))
		}
		line = append(line, strconv.FormatFloat(*r.Verified180d, 'f', -1, 64), strconv.FormatInt(r.Visits, 10),
			strconv.Itoa(r.ReportsOpen), strconv.Itoa(r.ReportsResolved), strconv.FormatFloat(*r.Coverage, 'f', -1, 64))
		want = append(want, line)
	}
	want[len(want)-1][0] = ""
	res, body = get("/api/v1/admin/stats?format=csv")
	if res.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !bytes.HasPrefix(body, []byte("\ufeff")) {
		t.Fatalf("CSV: %s %.20q", res.Header.Get("Content-Type"), body)
	}
	got, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("CSV (%v)\n%v\nwant\n%v", err, got, want)
	}
	_, body = get("/api/v1/admin/stats?format=xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, err = f.GetRows(stats.XLSXSheet, excelize.Options{RawCellValue: true}); err != nil || !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("XLSX (%v)\n%v\nwant\n%v", err, got, want)
	}

	// The uncovered cells of a district add up to what its row says.
	d := districts.Areas[0]
	_, body = get("/api/v1/admin/stats/coverage?adcode=" + d.Adcode)
	fc := decode[struct {
		Meta     map[string]any `json:"meta"`
		Features []struct {
			Properties struct{ Cells int } `json:"properties"`
		} `json:"features"`
	}](t, body)
	uncovered := 0
	for _, f := range fc.Features {
		uncovered += f.Properties.Cells
	}
	if int(fc.Meta["cells"].(float64)) != d.Cells || uncovered != d.Cells-d.Covered {
		t.Errorf("%s: %v, %d uncovered cells; the row says %d of %d covered", d.Name, fc.Meta, uncovered, d.Covered, d.Cells)
	}
	c := cities.Areas[len(cities.Areas)-1]
	_, body = get("/api/v1/admin/stats/coverage?adcode=" + c.Adcode)
	if m := decode[map[string]any](t, body)["meta"].(map[string]any); int(m["cells"].(float64)) != c.Cells || int(m["cells_covered"].(float64)) != c.Covered {
		t.Errorf("%s: %v, the row says %d of %d", c.Name, m, c.Covered, c.Cells)
	}

	// The stations not confirmed lately: the count the rows give, oldest first.
	_, body = get("/api/v1/admin/stats/unconfirmed?limit=5")
	un := decode[struct {
		Total    int `json:"total"`
		Stations []struct {
			ID         string  `json:"id"`
			VerifiedAt *string `json:"verified_at"`
		} `json:"stations"`
	}](t, body)
	if tot := cities.Totals; un.Total != tot.Active-tot.Verified || len(un.Stations) != min(5, un.Total) || un.Total == 0 {
		t.Errorf("unconfirmed: %d (%d listed), want %d", un.Total, len(un.Stations), tot.Active-tot.Verified)
	}
	_, body = get("/api/v1/admin/stats/unconfirmed?adcode=" + d.Adcode)
	if n := decode[map[string]any](t, body)["total"].(float64); int(n) != d.Active-d.Verified {
		t.Errorf("unconfirmed in %s: %v, want %d", d.Name, n, d.Active-d.Verified)
	}

	// Coverage follows the data: closing the stations of the district with the fewest leaves some of
	// its land uncovered (coverage is kept per data version, and a closed station covers nothing).
	sparse := districts.Areas[0]
	for _, r := range districts.Areas {
		if r.Active > 0 && (sparse.Active == 0 || r.Active < sparse.Active) {
			sparse = r
		}
	}
	closed := 0
	for _, st := range ts.stations {
		if st.Adcode != sparse.Adcode || st.Status == station.Closed {
			continue
		}
		res, _ := admin.do(t, http.MethodGet, "/api/v1/stations/"+st.ID, "")
		if res, body := admin.do(t, http.MethodPatch, "/api/v1/stations/"+st.ID, `{"status":"closed"}`, "If-Match", res.Header.Get("ETag")); res.StatusCode != 200 {
			t.Fatalf("close %s: %d %s", st.ID, res.StatusCode, body)
		}
		closed++
	}
	_, body = get("/api/v1/admin/stats/coverage?adcode=" + sparse.Adcode)
	if m := decode[map[string]any](t, body)["meta"].(map[string]any); int(m["cells_covered"].(float64)) >= sparse.Covered {
		t.Errorf("%s after closing its %d stations: %v cells covered, before %d", sparse.Name, closed, m["cells_covered"], sparse.Covered)
	}
}

func TestAdminStatsRefusals(t *testing.T) {
	ts := startServer(t, smallSeed(t), withStats)
	router := openAPIRouter(t, ts)
	for _, u := range []struct{ name, role string }{{"office", "admin"}, {"wang", "operator"}} {
		if _, err := userAdd(ts, adminPassword, u.name, u.role, ts.stations[0].ID); err != nil && u.role == "operator" {
			t.Fatal(err)
		}
	}
	admin, op, anon := newBrowser(ts, "127.0.0.2"), newBrowser(ts, "127.0.0.3"), newBrowser(ts, "127.0.0.4")
	admin.login(t, "office", adminPassword)
	op.login(t, "wang", adminPassword)
	check := func(b *browser, path string, status int, code, field string) {
		t.Helper()
		res, body := b.do(t, http.MethodGet, path, "")
		checkProblem(t, res, body, status, code, field)
		req, _ := http.NewRequest(http.MethodGet, ts.base+path, nil)
		validAnswer(t, router, req, res, body)
	}
	for _, path := range []string{"/api/v1/admin/stats", "/api/v1/admin/stats/coverage?adcode=210102", "/api/v1/admin/stats/unconfirmed"} {
		check(anon, path, 401, "unauthenticated", "")
		check(op, path, 403, "forbidden", "")
	}
	for _, c := range []struct{ query, code, field string }{
		{"group=province", "invalid_parameter", "group"},
		{"group=city&group=district", "duplicate_parameter", "group"},
		{"from=2026-13-01", "invalid_parameter", "from"},
		{"from=2026-2-01", "invalid_parameter", "from"},
		{"to=yesterday", "invalid_parameter", "to"},
		{"to=1999-12-31&from=1999-01-01", "out_of_range", "from"},
		{"from=2026-06-02&to=2026-06-01", "invalid_parameter", "from"},
		{"format=pdf", "invalid_parameter", "format"},
	} {
		check(admin, "/api/v1/admin/stats?"+c.query, 400, c.code, c.field)
	}
	check(anon, "/api/v1/my/visits", 401, "unauthenticated", "")
	check(op, "/api/v1/my/visits?to=2026-02-30", 400, "invalid_parameter", "to")
	check(admin, "/api/v1/my/visits?adcode=999999", 404, "not_found", "adcode")
	check(admin, "/api/v1/admin/stats/coverage", 400, "missing_parameter", "adcode")
	check(admin, "/api/v1/admin/stats/coverage?adcode=110101", 404, "not_found", "adcode")
	check(admin, "/api/v1/admin/stats/unconfirmed?adcode=21", 404, "not_found", "adcode")
	check(admin, "/api/v1/admin/stats/unconfirmed?limit=0", 400, "out_of_range", "limit")
	if res, body := admin.do(t, http.MethodGet, "/api/v1/admin/stats?from=2026-06-01&to=2026-06-01", ""); res.StatusCode != 200 || !strings.Contains(string(body), `"from":"2026-06-01"`) {
		t.Errorf("one day: %d %.200s", res.StatusCode, body)
	}
	// Without a statistics store, the routes say so.
	bare := startServer(t, smallSeed(t))
	userAdd(bare, adminPassword, "office", "admin")
	b := newBrowser(bare, "127.0.0.5")
	b.login(t, "office", adminPassword)
	res, body := b.do(t, http.MethodGet, "/api/v1/admin/stats", "")
	checkProblem(t, res, body, 503, "unavailable", "")
}
