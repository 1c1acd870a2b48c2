package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The stations an operator keeps come sorted by what needs her: open reports (most first), then a
// confirmation 180 days old or never made, then hours nobody can read; each with its attention and the
// list with its counts. Admins filter every station by place, kind, status and need, a page at a time;
// history and reports come in pages too.
func TestMyStationsShowWhatNeedsAttention(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	s := ts.stations
	mine := []string{s[0].ID, s[1].ID, s[2].ID, s[3].ID}
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := userAdd(ts, opPassword, "wang", "operator", mine...); err != nil {
		t.Fatal(err)
	}
	admin, op := newBrowser(ts, "127.0.0.2"), newBrowser(ts, "127.0.0.3")
	admin.login(t, "boss", adminPassword)
	op.login(t, "wang", opPassword)
	for _, id := range []string{mine[0], mine[1], mine[1]} {
		if res, body := ts.post(t, "/api/v1/stations/"+id+"/reports", "application/json", `{"reason":"closed"}`); res.StatusCode != 201 {
			t.Fatalf("report: %d %s", res.StatusCode, body)
		}
	}
	st3 := s[3]
	csv := fmt.Sprintf("id,name,kind,lon,lat,adcode,opening_hours\n%s,%s,%s,%v,%v,%s,看心情开门\n", st3.ID, st3.Name, st3.Kind, st3.Lon, st3.Lat, st3.Adcode)
	if res, body := admin.do(t, http.MethodPost, "/api/v1/admin/imports", csv, "Content-Type", "text/csv"); res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	for _, id := range []string{mine[2], mine[3]} {
		res, _ := admin.do(t, http.MethodGet, "/api/v1/stations/"+id, "")
		if res, body := admin.do(t, http.MethodPatch, "/api/v1/stations/"+id, `{"verified":true}`, "If-Match", res.Header.Get("ETag")); res.StatusCode != 200 {
			t.Fatalf("confirm: %d %s", res.StatusCode, body)
		}
	}

	type attention struct {
		OpenReports     int  `json:"open_reports"`
		UnconfirmedDays *int `json:"unconfirmed_days"`
		HoursUnknown    bool `json:"hours_unknown"`
	}
	type answer struct {
		Meta struct {
			Total, Page, PerPage int
			Counts               struct {
				OpenReports  int `json:"open_reports"`
				Unconfirmed  int `json:"unconfirmed"`
				HoursUnknown int `json:"hours_unknown"`
			}
		}
		Features []struct {
			ID         string
			Properties struct {
				Attention attention
			}
		}
	}
	list := func(b *browser, query string) answer {
		t.Helper()
		res, body := b.do(t, http.MethodGet, "/api/v1/my/stations"+query, "")
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", query, res.StatusCode, body)
		}
		return decode[answer](t, body)
	}
	listed := func(a answer) string {
		var out []string
		for _, f := range a.Features {
			out = append(out, f.ID)
		}
		return strings.Join(out, " ")
	}
	overdue := func(at time.Time) bool { return at.IsZero() || time.Since(at) >= 180*24*time.Hour }

	got := list(op, "")
	if want := strings.Join([]string{mine[1], mine[0], mine[3], mine[2]}, " "); listed(got) != want {
		t.Errorf("the operator's list by need: %s, want %s", listed(got), want)
	}
	a := map[string]attention{}
	for _, f := range got.Features {
		a[f.ID] = f.Properties.Attention
	}
	if a[mine[1]].OpenReports != 2 || a[mine[0]].OpenReports != 1 || !a[mine[3]].HoursUnknown || a[mine[2]].HoursUnknown ||
		a[mine[2]].UnconfirmedDays == nil || *a[mine[2]].UnconfirmedDays != 0 {
		t.Errorf("attention: %+v", a)
	}
	wantUnconfirmed := 0
	for _, st := range s[:2] {
		if overdue(st.VerifiedAt) {
			wantUnconfirmed++
		}
	}
	if c := got.Meta.Counts; c.OpenReports != 2 || c.HoursUnknown != 1 || c.Unconfirmed != wantUnconfirmed || got.Meta.Total != 4 {
		t.Errorf("counts %+v total %d, want 2 with reports, 1 with hours unknown, %d unconfirmed", c, got.Meta.Total, wantUnconfirmed)
	}
	if got := list(op, "?sort=id"); listed(got) != strings.Join(mine, " ") {
		t.Errorf("sort=id: %s", listed(got))
	}

	// Admins: every station, filtered.
	count := func(keep func(i int) bool) int {
		n := 0
		for i := range s {
			if keep(i) {
				n++
			}
		}
		return n
	}
	district, city := s[0].Adcode, s[0].Adcode[:4]+"00"
	for _, c := range []struct {
		query string
		want  int
	}{
		{"", len(s)},
		{"?district=" + district, count(func(i int) bool { return s[i].Adcode == district })},
		{"?city=" + city, count(func(i int) bool { return s[i].Adcode[:4] == city[:4] })},
		{"?kinds=driver_home,union_station", count(func(i int) bool { return s[i].Kind.String() == "driver_home" || s[i].Kind.String() == "union_station" })},
		{"?status=temporarily_closed,closed", count(func(i int) bool { return s[i].Status.String() != "open" })},
		{"?open_reports=true", 2},
		{"?hours_unknown=true", 1 + count(func(i int) bool { return s[i].OpeningHours == "" })},
		{"?unconfirmed_days=1", count(func(i int) bool { return i != 2 && i != 3 })},
		{"?unconfirmed_days=180&district=" + district, count(func(i int) bool { return i != 2 && i != 3 && s[i].Adcode == district && overdue(s[i].VerifiedAt) })},
	} {
		if got := list(admin, c.query); got.Meta.Total != c.want || len(got.Features) != min(c.want, 100) {
			t.Errorf("admin %s: total %d, %d listed, want %d", c.query, got.Meta.Total, len(got.Features), c.want)
		}
	}
	if got := list(admin, "?per_page=7&page=2&sort=id"); len(got.Features) != 7 || got.Features[0].ID != s[7].ID || got.Meta.Total != len(s) {
		t.Errorf("admin page 2 of 7: %s", listed(got))
	}
	if got := list(admin, "?sort=need&per_page=2"); listed(got) != mine[1]+" "+mine[0] {
		t.Errorf("admin by need: %s", listed(got))
	}
	for query, field := range map[string]string{
		"?district=21010": "district", "?city=沈阳市": "city", "?sort=random": "sort", "?open_reports=yes": "open_reports",
		"?hours_unknown=1": "hours_unknown", "?unconfirmed_days=0": "unconfirmed_days", "?unconfirmed_days=x": "unconfirmed_days",
		"?kinds=sauna": "kinds", "?status=gone": "status", "?per_page=0": "per_page", "?page=-1": "page",
	} {
		res, body := admin.do(t, http.MethodGet, "/api/v1/my/stations"+query, "")
		checkProblem(t, res, body, 400, codeOf(t, body), field)
	}

	// History and reports a page at a time.
	res, body := op.do(t, http.MethodGet, "/api/v1/stations/"+mine[3]+"/history?per_page=1&page=2", "")
	h := decode[struct {
		Entries []map[string]any
		Total   int
	}](t, body)
	if res.StatusCode != 200 || len(h.Entries) != 1 || h.Total != 2 || h.Entries[0]["action"] == nil {
		t.Errorf("history page 2: %d %s", res.StatusCode, body)
	}
	res, body = admin.do(t, http.MethodGet, "/api/v1/admin/reports?per_page=2&page=2", "")
	r := decode[struct {
		Reports []map[string]any
		Total   int
	}](t, body)
	if res.StatusCode != 200 || len(r.Reports) != 1 || r.Total != 3 {
		t.Errorf("reports page 2: %d %s", res.StatusCode, body)
	}
	res, body = op.do(t, http.MethodGet, "/api/v1/my/reports?per_page=500", "")
	checkProblem(t, res, body, 400, "out_of_range", "per_page")
}

// codeOf is the code of a problem body.
func codeOf(t *testing.T, body []byte) string {
	t.Helper()
	code, _ := decode[map[string]any](t, body)["code"].(string)
	if code != "invalid_parameter" && code != "out_of_range" {
		t.Errorf("code %q: %s", code, body)
	}
	return code
}
