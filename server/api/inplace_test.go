package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// Edits and a small import are applied to the running server's read model in place. A second
// server started on the same database afterwards reads every station from the table. Both answer
// every query alike: station, nearby, box, search, meta, dataset and history.
func TestInPlaceAnswersAsReload(t *testing.T) {
	f := newEditFixture(t)
	// Edits of every kind: text, hours, amenities, status (closed: out of riders' answers), a move,
	// a rename, and a confirmation.
	edits := []struct {
		who  *browser
		id   string
		body string
	}{
		{f.op, f.mine[0], `{"opening_hours":"Mo-Su 00:00-24:00","amenities":["hot_water","heating"],"status_note":"冬季供暖"}`},
		{f.op, f.mine[1], `{"status":"closed","status_note":"已撤站"}`},
		{f.admin, f.theirs, `{"name":"浑河湾（新）爱心驿站","lon":123.45,"lat":41.77,"kind":"司机之家"}`},
		{f.op, f.mine[0], `{"verified":true}`},
		{f.admin, f.ts.stations[9].ID, `{"status":"temporarily_closed","opening_hours":"周一至周五 9:00-17:00"}`},
	}
	for _, e := range edits {
		res, body := e.who.do(t, http.MethodGet, "/api/v1/stations/"+e.id, "")
		res, body = e.who.do(t, http.MethodPatch, "/api/v1/stations/"+e.id, e.body, "If-Match", res.Header.Get("ETag"))
		if res.StatusCode != 200 {
			t.Fatalf("edit %s: %d %s", e.body, res.StatusCode, body)
		}
	}
	var csv strings.Builder
	csv.WriteString("id,name,kind,lon,lat,address,opening_hours,status\n")
	for i := 20; i < 25; i++ {
		st := f.ts.stations[i]
		fmt.Fprintf(&csv, "%s,%s（改）,%s,%v,%v,%s,24/7,open\n", st.ID, st.Name, st.Kind, st.Lon, st.Lat, st.Address)
	}
	if res, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", csv.String(), "Content-Type", "text/csv"); res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}

	// In place indeed: 4 stations edited, 5 imported, none created.
	if n := metric(t, f.ts, "yizhan_stations_patched"); n != 9 {
		t.Fatalf("%v stations patched in place, want 9", n)
	}
	reloaded := reopened(t, f.ts)
	if n := metric(t, reloaded, "yizhan_stations_patched"); n != 0 {
		t.Fatalf("a reloaded server has %v stations patched", n)
	}
	paths := []string{
		"/api/v1/meta",
		"/api/v1/stations/nearby?lat=41.78&lon=123.44&limit=50&radius=300000&at=2026-12-08T10:00:00%2B08:00",
		"/api/v1/stations/nearby?lat=41.78&lon=123.44&limit=50&status=open,temporarily_closed,closed&open=2026-12-08T10:00:00%2B08:00&at=2026-12-08T10:00:00%2B08:00",
		"/api/v1/stations?bbox=118,38,126,44&limit=5000&status=closed,open,temporarily_closed&at=2026-12-08T10:00:00%2B08:00",
		"/api/v1/search?q=%E9%A9%BF%E7%AB%99&limit=100&at=2026-12-08T10:00:00%2B08:00",
		"/api/v1/search?q=%E6%B5%91%E6%B2%B3&at=2026-12-08T10:00:00%2B08:00",
		"/api/v1/stations.geojson",
		"/api/v1/dataset",
	}
	for _, e := range edits {
		paths = append(paths, "/api/v1/stations/"+e.id+"?at=2026-12-08T10:00:00%2B08:00")
	}
	for _, p := range paths {
		_, live := f.ts.get(t, p)
		_, fresh := reloaded.get(t, p)
		if !sameJSON(live, fresh) {
			t.Errorf("%s differs:\nin place: %.600s\nreloaded: %.600s", p, live, fresh)
		}
	}
}

// metric reads one unlabelled value from the server's /metrics.
func metric(t *testing.T, ts *harness, name string) float64 {
	t.Helper()
	_, body := ts.get(t, "/metrics")
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			var f float64
			fmt.Sscan(v, &f)
			return f
		}
	}
	t.Fatalf("no %s in /metrics", name)
	return 0
}

// sameJSON compares two answers as JSON values, leaving out what differs between two servers.
func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	strip := func(v any) any {
		if m, ok := v.(map[string]any); ok {
			delete(m, "request_id")
		}
		return v
	}
	xa, _ := json.Marshal(strip(x))
	ya, _ := json.Marshal(strip(y))
	return string(xa) == string(ya)
}
