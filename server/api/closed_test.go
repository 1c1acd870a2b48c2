package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// closedFixture is a small server with four stations imported around one point: one closed for good
// exactly at it, one temporarily closed, one open and one more closed, each about 110 m further north.
type closedFixture struct {
	*editFixture
	at       orb.Point
	stations []station.Station // the seed's and the imported ones, by id
}

// The imported stations, nearest first.
var closedImports = []struct{ id, status string }{
	{"CLS-A-CLOSED", "closed"}, {"CLS-B-TEMP", "temporarily_closed"}, {"CLS-C-OPEN", "open"}, {"CLS-D-CLOSED", "closed"},
}

func newClosedFixture(t *testing.T) *closedFixture {
	t.Helper()
	f := &closedFixture{editFixture: newEditFixture(t), at: orb.Point{123.4050, 41.7900}}
	csv := "id,name,kind,lon,lat,address,city,district,adcode,amenities,opening_hours,status,status_note,audience,phone,operator,verified_at\n"
	f.stations = slices.Clone(f.ts.stations)
	for n, imp := range closedImports {
		lat := f.at[1] + float64(n)*0.001
		csv += fmt.Sprintf("%s,闭站测试%d号驿站,caring_station,%.6f,%.6f,辽宁省沈阳市和平区测试路%d号,沈阳市,和平区,210102,hot_water,24/7,%s,,everyone,024-12345678,测试,\n",
			imp.id, n+1, f.at[0], lat, n+1, imp.status)
		st, _ := station.ParseStatus(imp.status)
		f.stations = append(f.stations, station.Station{ID: imp.id, Lon: f.at[0], Lat: lat, Status: st})
	}
	res, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", csv, "Content-Type", "text/csv")
	if a := decode[importAnswer](t, body); res.StatusCode != 200 || a.Created != len(closedImports) {
		t.Fatalf("import: %d %s", res.StatusCode, body)
	}
	sort.Slice(f.stations, func(i, j int) bool { return f.stations[i].ID < f.stations[j].ID })
	return f
}

// nearest is the reference: the stations with one of statuses, by (distance from p, id).
func (f *closedFixture) nearest(p orb.Point, k int, statuses ...station.Status) []string {
	var sts []station.Station
	for _, st := range f.stations {
		if slices.Contains(statuses, st.Status) {
			sts = append(sts, st)
		}
	}
	sort.SliceStable(sts, func(i, j int) bool {
		return spatial.DistanceM(p, orb.Point{sts[i].Lon, sts[i].Lat}) < spatial.DistanceM(p, orb.Point{sts[j].Lon, sts[j].Lat})
	})
	var ids []string
	for i := 0; i < len(sts) && i < k; i++ {
		ids = append(ids, sts[i].ID)
	}
	return ids
}

var (
	riders = []station.Status{station.Open, station.TemporarilyClosed}
	every  = []station.Status{station.Open, station.TemporarilyClosed, station.Closed}
)

// Riders never get a station closed for good from nearby, bbox or search, and a limit of k still gives
// k stations; admins and integrators get them with status=.
func TestClosedStationsLeftOut(t *testing.T) {
	f := newClosedFixture(t)
	at := fmt.Sprintf("lat=%v&lon=%v", f.at[1], f.at[0])
	get := func(t *testing.T, path string) collection {
		t.Helper()
		res, body := f.ts.get(t, path)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, res.StatusCode, body)
		}
		return decode[collection](t, body)
	}
	t.Run("nearby", func(t *testing.T) {
		for _, tc := range []struct {
			query    string
			k        int
			statuses []station.Status
		}{
			{"", 3, riders},
			{"&limit=1", 1, riders},
			{"&limit=44", 44, riders}, // all but the closed ones: the limit is not shortened by them
			{"&status=open,temporarily_closed", 5, riders},
			{"&status=temporarily_closed,open", 5, riders},
			{"&status=closed", 5, []station.Status{station.Closed}},
			{"&status=closed,open,temporarily_closed", 4, every},
			{"&status=open", 3, []station.Status{station.Open}},
			{"&status=temporarily_closed", 3, []station.Status{station.TemporarilyClosed}},
			{"&status=open,closed", 6, []station.Status{station.Open, station.Closed}},
		} {
			limit := tc.query
			if !strings.Contains(limit, "limit=") {
				limit += fmt.Sprintf("&limit=%d", tc.k)
			}
			fc := get(t, "/api/v1/stations/nearby?"+at+limit)
			want := f.nearest(f.at, tc.k, tc.statuses...)
			if got := ids(fc); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: %v, want %v", tc.query, got, want)
			}
			for _, ft := range fc.Features {
				if st, _ := station.ParseStatus(ft.Properties["status"].(string)); !slices.Contains(tc.statuses, st) {
					t.Errorf("%s: %s is %s", tc.query, ft.ID, ft.Properties["status"])
				}
			}
		}
		// At the closed station's own point: the first a rider gets is the temporarily closed one,
		// 111 m away, and an admin asking for closed ones gets it at 0 m.
		if fc := get(t, "/api/v1/stations/nearby?"+at+"&limit=1"); fc.Features[0].ID != "CLS-B-TEMP" {
			t.Errorf("a rider's nearest: %v", ids(fc))
		}
		fc := get(t, "/api/v1/stations/nearby?"+at+"&limit=1&status=closed")
		if fc.Features[0].ID != "CLS-A-CLOSED" || fc.Features[0].Properties["distance_m"].(float64) != 0 {
			t.Errorf("an admin's nearest closed: %v %v", ids(fc), fc.Features[0].Properties)
		}
		// Closed stations are never open: asked for together with open=now, none is left.
		if fc := get(t, "/api/v1/stations/nearby?"+at+"&status=closed,temporarily_closed&open=now"); len(fc.Features) != 0 {
			t.Errorf("closed and open now: %v", ids(fc))
		}
	})

	t.Run("online equals offline", func(t *testing.T) {
		// The PWA answers offline from the dataset by distance: online and offline must agree.
		_, body := f.ts.get(t, "/api/v1/stations.geojson")
		offline := decode[collection](t, body)
		type cand struct {
			id string
			d  float64
		}
		var cs []cand
		for _, ft := range offline.Features {
			cs = append(cs, cand{ft.ID, spatial.DistanceM(f.at, orb.Point(ft.Geometry.Coordinates))})
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].d < cs[j].d || cs[i].d == cs[j].d && cs[i].id < cs[j].id })
		var want []string
		for _, c := range cs[:20] {
			want = append(want, c.id)
		}
		if got := ids(get(t, "/api/v1/stations/nearby?"+at)); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("online %v\noffline %v", got, want)
		}
		if slices.Contains(want, "CLS-A-CLOSED") || !slices.Contains(want, "CLS-B-TEMP") {
			t.Errorf("the offline dataset: %v", want)
		}
	})

	t.Run("bbox", func(t *testing.T) {
		box := orb.Bound{Min: orb.Point{f.at[0] - 0.0005, f.at[1] - 0.0005}, Max: orb.Point{f.at[0] + 0.0005, f.at[1] + 0.0035}}
		inBox := func(statuses []station.Status) []string {
			var out []string
			for _, st := range f.stations {
				if box.Contains(orb.Point{st.Lon, st.Lat}) && slices.Contains(statuses, st.Status) {
					out = append(out, st.ID)
				}
			}
			return out
		}
		q := fmt.Sprintf("/api/v1/stations?bbox=%v,%v,%v,%v", box.Min[0], box.Min[1], box.Max[0], box.Max[1])
		for _, tc := range []struct {
			query    string
			statuses []string
		}{
			{"", []string{"CLS-B-TEMP", "CLS-C-OPEN"}},
			{"&status=closed", []string{"CLS-A-CLOSED", "CLS-D-CLOSED"}},
			{"&status=open,temporarily_closed,closed", []string{"CLS-A-CLOSED", "CLS-B-TEMP", "CLS-C-OPEN", "CLS-D-CLOSED"}},
		} {
			fc := get(t, q+tc.query)
			if strings.Join(ids(fc), ",") != strings.Join(tc.statuses, ",") {
				t.Errorf("%s: %v, want %v", tc.query, ids(fc), tc.statuses)
			}
		}
		if want := inBox(riders); strings.Join(want, ",") != "CLS-B-TEMP,CLS-C-OPEN" {
			t.Fatalf("the test box holds %v", want)
		}
		// A limit of one gives one station that is not closed, and says there were more.
		if fc := get(t, q+"&limit=1"); strings.Join(ids(fc), ",") != "CLS-B-TEMP" || fc.Meta["truncated"] != true {
			t.Errorf("limit 1: %v %v", ids(fc), fc.Meta)
		}
		// In GCJ-02 (the index is searched with a wider WGS-84 box, then cut): the default still
		// leaves closed ones out.
		gcj := orb.Bound{Min: spatial.FromWGS84(spatial.GCJ02, box.Min), Max: spatial.FromWGS84(spatial.GCJ02, box.Max)}
		fc := get(t, fmt.Sprintf("/api/v1/stations?bbox=%v,%v,%v,%v&crs=gcj02", gcj.Min[0], gcj.Min[1], gcj.Max[0], gcj.Max[1]))
		if strings.Join(ids(fc), ",") != "CLS-B-TEMP,CLS-C-OPEN" {
			t.Errorf("gcj02: %v", ids(fc))
		}
	})

	t.Run("search", func(t *testing.T) {
		q := "/api/v1/search?q=" + url.QueryEscape("闭站测试")
		for _, tc := range []struct {
			query string
			want  string
		}{
			{"", "CLS-B-TEMP,CLS-C-OPEN"},
			{"&status=closed", "CLS-A-CLOSED,CLS-D-CLOSED"},
			{"&status=open", "CLS-C-OPEN"},
			{"&" + at, "CLS-B-TEMP,CLS-C-OPEN"},
			{"&" + at + "&status=closed,open,temporarily_closed", "CLS-A-CLOSED,CLS-B-TEMP,CLS-C-OPEN,CLS-D-CLOSED"},
			{"&limit=1", "CLS-B-TEMP"},
		} {
			fc := get(t, q+tc.query)
			if got := strings.Join(ids(fc), ","); got != tc.want {
				t.Errorf("%s: %s, want %s", tc.query, got, tc.want)
			}
			if total := int(fc.Meta["total"].(float64)); total != len(strings.Split(tc.want, ",")) && tc.query != "&limit=1" {
				t.Errorf("%s: total %d", tc.query, total)
			}
		}
		if fc := get(t, q+"&limit=1"); fc.Meta["total"] != 2.0 {
			t.Errorf("limit 1: total %v, want 2 (the closed ones not counted)", fc.Meta["total"])
		}
	})

	t.Run("by id", func(t *testing.T) {
		// A link to a closed station still answers: the rider learns it is closed.
		fc := decode[feature](t, func() []byte { _, b := f.ts.get(t, "/api/v1/stations/CLS-A-CLOSED"); return b }())
		if fc.Properties["status"] != "closed" {
			t.Errorf("closed station by id: %v", fc.Properties)
		}
	})
}

// A status parameter that is not a list of known statuses, each once, is refused naming status.
func TestStatusParameterRefused(t *testing.T) {
	ts := sharedServer(t)
	for _, route := range []string{"/api/v1/stations/nearby?lat=41.79&lon=123.40", "/api/v1/stations?bbox=123.3,41.7,123.5,41.9",
		"/api/v1/search?q=" + url.QueryEscape("驿站")} {
		for _, bad := range []string{"status=", "status=closed,", "status=,open", "status=open,,closed", "status=shut",
			"status=Closed", "status=OPEN", "status=+open", "status=open%20", "status=" + url.QueryEscape("已关闭"),
			"status=open,open", "status=closed,open,closed", "status=temporarily-closed", "status=all", "status=*",
			"status=open%00", "status=" + strings.Repeat("closed", 100)} {
			res, body := ts.get(t, route+"&"+bad)
			checkProblem(t, res, body, 400, "invalid_parameter", "status")
		}
		res, body := ts.get(t, route+"&status=open&status=closed")
		checkProblem(t, res, body, 400, "duplicate_parameter", "status")
	}
}
