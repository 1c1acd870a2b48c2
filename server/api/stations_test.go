package api_test

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

type feature struct {
	ID       string `json:"id"`
	Geometry struct {
		Coordinates [2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type collection struct {
	Type     string         `json:"type"`
	Meta     map[string]any `json:"meta"`
	Features []feature      `json:"features"`
}

// bruteNearest is the reference answer: every station's distance, filtered, sorted by (distance, id).
// With openAt set, only stations open then count.
func bruteNearest(sts []station.Station, p orb.Point, k int, radius float64, am station.AmenitySet, kinds []station.Kind, openAt ...time.Time) []string {
	type cand struct {
		id string
		d  float64
	}
	var cs []cand
	for _, st := range sts {
		if st.Amenities&am != am || st.Status == station.Closed { // riders never get closed ones
			continue
		}
		if len(kinds) > 0 && !containsKind(kinds, st.Kind) {
			continue
		}
		if len(openAt) > 0 && openNow(&st, openAt[0]) != true {
			continue
		}
		if d := spatial.DistanceM(p, orb.Point{st.Lon, st.Lat}); d <= radius {
			cs = append(cs, cand{st.ID, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].id < cs[j].id
	})
	var ids []string
	for i := 0; i < len(cs) && i < k; i++ {
		ids = append(ids, cs[i].id)
	}
	return ids
}

// openNow is what open_now must say for st at t: false when the station is not in service, else what
// its hours say, nil (unknown) when they did not parse.
func openNow(st *station.Station, t time.Time) any {
	if st.Status != station.Open {
		return false
	}
	sc := hours.Normalize(st.OpeningHours).Schedule
	if sc == nil {
		return nil
	}
	switch state, _ := sc.StateAt(hours.DefaultCalendar.Moment(t)); state {
	case hours.Open:
		return true
	case hours.Closed:
		return false
	}
	return nil
}

func containsKind(ks []station.Kind, k station.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func ids(fc collection) []string {
	var out []string
	for _, f := range fc.Features {
		out = append(out, f.ID)
	}
	return out
}

func TestNearbyMatchesBruteForce(t *testing.T) {
	ts := sharedServer(t)
	cases := []struct {
		lat, lon float64
		query    string
		k        int
		radius   float64
		am       station.AmenitySet
		kinds    []station.Kind
		open     string // RFC 3339: only stations open then
	}{
		{41.796767, 123.429096, "", 20, 50000, 0, nil, ""},                     // Shenyang centre
		{38.914, 121.614, "&limit=100&radius=300000", 100, 300000, 0, nil, ""}, // Dalian, the widest query
		{41.1, 122.99, "&amenities=hot_water,heating", 20, 50000, 1<<station.HotWater | 1<<station.Heating, nil, ""},
		{40.7, 120.84, "&kinds=driver_home&limit=7", 7, 50000, 0, []station.Kind{station.DriverHome}, ""},
		{42.0, 121.67, "&kinds=union_station,other&amenities=wifi&radius=20000", 20, 20000, 1 << station.Wifi, []station.Kind{station.UnionStation, station.OtherKind}, ""},
		{39.2, 122.7, "&limit=5&radius=1", 5, 1, 0, nil, ""}, // sea, tiny radius: nothing
		{41.8, 123.4, "&amenities=truck_parking,lodging,battery_swap,laundry", 20, 50000, 1<<station.TruckParking | 1<<station.Lodging | 1<<station.BatterySwap | 1<<station.Laundry, nil, ""},
		// A rider at 23:40 on a January night, on the first day of the National Day holiday at 03:00,
		// and on a Saturday afternoon: only stations open then, nearest first.
		{41.796767, 123.429096, "&open=now&at=2026-01-15T23:40:00%2B08:00", 20, 50000, 0, nil, "2026-01-15T23:40:00+08:00"},
		{38.914, 121.614, "&open=2026-10-01T03:00:00%2B08:00&limit=50&radius=300000", 50, 300000, 0, nil, "2026-10-01T03:00:00+08:00"},
		{41.1, 122.99, "&open=2026-06-20T14:05:00Z&amenities=hot_water&kinds=caring_station", 20, 50000, 1 << station.HotWater, []station.Kind{station.CaringStation}, "2026-06-20T14:05:00Z"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v,%v%s", tc.lat, tc.lon, tc.query), func(t *testing.T) {
			at := time.Date(2026, 11, 27, 21, 30, 0, 0, hours.Zone) // when open_now is asked for
			if !strings.Contains(tc.query, "at=") {
				tc.query += "&at=2026-11-27T21:30:00%2B08:00"
			} else {
				at, _ = time.Parse(time.RFC3339, tc.open)
			}
			res, body := ts.get(t, fmt.Sprintf("/api/v1/stations/nearby?lat=%v&lon=%v%s", tc.lat, tc.lon, tc.query))
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/geo+json" {
				t.Fatalf("status %d, type %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
			}
			fc := decode[collection](t, body)
			var openAt []time.Time
			if tc.open != "" {
				o, err := time.Parse(time.RFC3339, tc.open)
				if err != nil {
					t.Fatal(err)
				}
				openAt = append(openAt, o)
			}
			want := bruteNearest(ts.stations, orb.Point{tc.lon, tc.lat}, tc.k, tc.radius, tc.am, tc.kinds, openAt...)
			if len(openAt) > 0 && len(want) == len(bruteNearest(ts.stations, orb.Point{tc.lon, tc.lat}, tc.k, tc.radius, tc.am, tc.kinds)) &&
				strings.Join(want, ",") == strings.Join(bruteNearest(ts.stations, orb.Point{tc.lon, tc.lat}, tc.k, tc.radius, tc.am, tc.kinds), ",") {
				t.Fatalf("test set-up: the open filter removes nothing here, so it tests nothing")
			}
			if got := ids(fc); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("ids\n got %v\nwant %v", got, want)
			}
			if int(fc.Meta["count"].(float64)) != len(want) || int(fc.Meta["limit"].(float64)) != tc.k || fc.Meta["radius_m"].(float64) != tc.radius {
				t.Fatalf("meta %v", fc.Meta)
			}
			prev := -1.0
			for _, f := range fc.Features {
				d := f.Properties["distance_m"].(float64)
				want := spatial.DistanceM(orb.Point{tc.lon, tc.lat}, orb.Point(f.Geometry.Coordinates))
				if d < prev || math.Abs(d-want) > 0.051 {
					t.Fatalf("%s: distance_m %v, want %v (previous %v)", f.ID, d, want, prev)
				}
				prev = d
				wantB := spatial.BearingDeg(orb.Point{tc.lon, tc.lat}, orb.Point(f.Geometry.Coordinates))
				if b := f.Properties["bearing_deg"].(float64); b < 0 || b >= 360 || math.Abs(b-wantB) > 0.051 && math.Abs(b-wantB) < 359.9 {
					t.Fatalf("%s: bearing %v, want %v", f.ID, b, wantB)
				}
				if got, want := f.Properties["open_now"], openNow(ts.byID(t, f.ID), at); got != want {
					t.Fatalf("%s (%q): open_now %v at %s, want %v", f.ID, f.Properties["opening_hours"], got, at, want)
				}
			}
		})
	}
}

func TestNearbyOutsideLiaoning(t *testing.T) {
	ts := sharedServer(t)
	_, body := ts.get(t, "/api/v1/stations/nearby?lat=39.9042&lon=116.4074") // Beijing
	fc := decode[collection](t, body)
	if len(fc.Features) != 0 || fc.Meta["outside_service_area"] != true {
		t.Fatalf("Beijing: %d features, meta %v", len(fc.Features), fc.Meta)
	}
	_, body = ts.get(t, "/api/v1/stations/nearby?lat=39.9042&lon=116.4074&radius=300000&limit=3")
	fc = decode[collection](t, body)
	want := bruteNearest(ts.stations, orb.Point{116.4074, 39.9042}, 3, 300000, 0, nil)
	if strings.Join(ids(fc), ",") != strings.Join(want, ",") {
		t.Fatalf("got %v want %v", ids(fc), want)
	}
}

// Coordinates in and out follow crs: a GCJ-02 query point is the WGS-84 point shifted, and the answer's
// coordinates are the stations' GCJ-02 positions.
func TestNearbyCRS(t *testing.T) {
	ts := sharedServer(t)
	wgs := orb.Point{123.4315, 41.8057}
	_, plain := ts.get(t, fmt.Sprintf("/api/v1/stations/nearby?lat=%v&lon=%v&limit=10", wgs[1], wgs[0]))
	for _, crs := range []spatial.CRS{spatial.GCJ02, spatial.BD09} {
		p := spatial.FromWGS84(crs, wgs)
		_, body := ts.get(t, fmt.Sprintf("/api/v1/stations/nearby?lat=%v&lon=%v&limit=10&crs=%s", p[1], p[0], crs))
		a, b := decode[collection](t, plain), decode[collection](t, body)
		if strings.Join(ids(a), ",") != strings.Join(ids(b), ",") || b.Meta["crs"] != crs.String() {
			t.Fatalf("%s: ids %v vs %v, meta %v", crs, ids(a), ids(b), b.Meta)
		}
		for i, f := range b.Features {
			want := spatial.FromWGS84(crs, orb.Point(a.Features[i].Geometry.Coordinates))
			if f.Geometry.Coordinates != [2]float64(want) {
				t.Fatalf("%s %s: coordinates %v, want %v", crs, f.ID, f.Geometry.Coordinates, want)
			}
			if d := math.Abs(f.Properties["distance_m"].(float64) - a.Features[i].Properties["distance_m"].(float64)); d > 0.11 {
				t.Fatalf("%s %s: distance differs by %v m", crs, f.ID, d)
			}
		}
	}
}

func TestBBox(t *testing.T) {
	ts := sharedServer(t)
	box := orb.Bound{Min: orb.Point{123.2, 41.6}, Max: orb.Point{123.6, 41.9}}
	var want []string
	for _, st := range ts.stations {
		if box.Contains(orb.Point{st.Lon, st.Lat}) && st.Status != station.Closed {
			want = append(want, st.ID)
		}
	}
	if len(want) < 20 {
		t.Fatalf("test box holds only %d stations", len(want))
	}
	_, body := ts.get(t, "/api/v1/stations?bbox=123.2,41.6,123.6,41.9&limit=5000")
	fc := decode[collection](t, body)
	if strings.Join(ids(fc), ",") != strings.Join(want, ",") || fc.Meta["truncated"] != false {
		t.Fatalf("got %d ids (truncated %v), want %d", len(fc.Features), fc.Meta["truncated"], len(want))
	}
	_, body = ts.get(t, "/api/v1/stations?bbox=123.2,41.6,123.6,41.9&limit=10")
	fc = decode[collection](t, body)
	if strings.Join(ids(fc), ",") != strings.Join(want[:10], ",") || fc.Meta["truncated"] != true {
		t.Fatalf("limit 10: got %v truncated %v", ids(fc), fc.Meta["truncated"])
	}
	// The same box given in GCJ-02 holds the stations whose GCJ-02 position is inside it.
	var wantGCJ []string
	for _, st := range ts.stations {
		if box.Contains(spatial.FromWGS84(spatial.GCJ02, orb.Point{st.Lon, st.Lat})) && st.Status != station.Closed {
			wantGCJ = append(wantGCJ, st.ID)
		}
	}
	_, body = ts.get(t, "/api/v1/stations?bbox=123.2,41.6,123.6,41.9&limit=5000&crs=gcj02")
	fc = decode[collection](t, body)
	if strings.Join(ids(fc), ",") != strings.Join(wantGCJ, ",") {
		t.Fatalf("gcj02 box: got %d ids, want %d", len(fc.Features), len(wantGCJ))
	}
}

func TestStationByID(t *testing.T) {
	ts := sharedServer(t)
	st := ts.stations[len(ts.stations)/2]
	res, body := ts.get(t, "/api/v1/stations/"+url.PathEscape(st.ID))
	if res.StatusCode != 200 || res.Header.Get("ETag") != `"1"` {
		t.Fatalf("status %d etag %q", res.StatusCode, res.Header.Get("ETag"))
	}
	f := decode[feature](t, body)
	p := f.Properties
	if f.ID != st.ID || p["name"] != st.Name || p["kind"] != st.Kind.String() || p["address"] != st.Address ||
		f.Geometry.Coordinates != [2]float64{st.Lon, st.Lat} || p["version"].(float64) != 1 {
		t.Fatalf("got %s, want %+v", body, st)
	}
	var am []string
	for _, a := range st.Amenities.List() {
		am = append(am, a.String())
	}
	got, _ := json.Marshal(p["amenities"])
	want, _ := json.Marshal(am)
	if string(got) != string(want) && !(len(am) == 0 && string(got) == "[]") {
		t.Fatalf("amenities %s, want %s", got, want)
	}
	res, _ = ts.get(t, "/api/v1/stations/"+url.PathEscape(st.ID), "If-None-Match", `"1"`)
	if res.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: status %d", res.StatusCode)
	}
	res, body = ts.get(t, "/api/v1/stations/LN-000000-0000")
	checkProblem(t, res, body, 404, "not_found", "id")
}

func TestDataset(t *testing.T) {
	ts := sharedServer(t)
	res, gz := ts.get(t, "/api/v1/stations.geojson", "Accept-Encoding", "gzip")
	etag := res.Header.Get("ETag")
	if res.StatusCode != 200 || res.Header.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, "W/") {
		t.Fatalf("status %d encoding %q etag %q", res.StatusCode, res.Header.Get("Content-Encoding"), etag)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(gz)))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	fc := decode[collection](t, raw)
	open := 0
	for _, st := range ts.stations {
		if st.Status != station.Closed {
			open++
		}
	}
	if len(fc.Features) != open || open == len(ts.stations) {
		t.Fatalf("%d features, want %d of %d stations (every one not closed)", len(fc.Features), open, len(ts.stations))
	}
	res, plain := ts.get(t, "/api/v1/stations.geojson")
	if res.Header.Get("Content-Encoding") != "" || string(plain) != string(raw) || res.Header.Get("ETag") != etag {
		t.Fatalf("identity answer differs from the gzip one")
	}
	for _, inm := range []string{etag, "W/" + etag, `"x", ` + etag, "*"} {
		res, body := ts.get(t, "/api/v1/stations.geojson", "If-None-Match", inm)
		if res.StatusCode != http.StatusNotModified || len(body) != 0 {
			t.Fatalf("If-None-Match %s: status %d", inm, res.StatusCode)
		}
	}
	if res, _ := ts.get(t, "/api/v1/stations.geojson", "If-None-Match", `"0-wgs84-000000000000"`); res.StatusCode != 200 {
		t.Fatalf("stale tag: status %d", res.StatusCode)
	}
}

func TestSearch(t *testing.T) {
	ts := sharedServer(t)
	// Two Chinese characters from the middle of a real name: too short for a trigram index.
	name := []rune(ts.stations[123].Name)
	q := string(name[1:3])
	var want []string
	for _, st := range ts.stations {
		if (strings.Contains(st.Name, q) || strings.Contains(st.Address, q)) && st.Status != station.Closed {
			want = append(want, st.ID)
		}
	}
	_, body := ts.get(t, "/api/v1/search?q="+url.QueryEscape(q)+"&limit=100")
	fc := decode[collection](t, body)
	if int(fc.Meta["total"].(float64)) != len(want) {
		t.Fatalf("q=%s: total %v, want %d", q, fc.Meta["total"], len(want))
	}
	byName := true
	for _, f := range fc.Features {
		n, a := f.Properties["name"].(string), f.Properties["address"].(string)
		if !strings.Contains(n, q) && !strings.Contains(a, q) {
			t.Fatalf("%s matches neither name nor address", f.ID)
		}
		if strings.Contains(n, q) && !byName {
			t.Fatalf("a name match comes after an address-only match")
		}
		byName = strings.Contains(n, q)
	}
	// With a position: nearest matches first, the same set as the brute-force ranking.
	_, body = ts.get(t, "/api/v1/search?q="+url.QueryEscape(q)+"&lat=41.8&lon=123.4&limit=100")
	fc = decode[collection](t, body)
	var prev float64
	for _, f := range fc.Features {
		d := f.Properties["distance_m"].(float64)
		if d < prev {
			t.Fatalf("not sorted by distance")
		}
		prev = d
	}
	// Full-width and spaced forms of the same name are found.
	full := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r - '0' + '０'
		}
		return r
	}, ts.stations[7].Name)
	_, body = ts.get(t, "/api/v1/search?q="+url.QueryEscape(full))
	fc = decode[collection](t, body)
	found := false
	for _, f := range fc.Features {
		found = found || f.ID == ts.stations[7].ID
	}
	if !found {
		t.Fatalf("full-width %q did not find %s", full, ts.stations[7].ID)
	}
}

func TestMetaHealthReady(t *testing.T) {
	ts := sharedServer(t)
	res, body := ts.get(t, "/healthz")
	if res.StatusCode != 200 || string(body) != "ok" {
		t.Fatalf("healthz %d %s", res.StatusCode, body)
	}
	_, body = ts.get(t, "/readyz")
	r := decode[map[string]any](t, body)
	if r["status"] != "ready" || int(r["station_count"].(float64)) != len(ts.stations) {
		t.Fatalf("readyz %s", body)
	}
	_, body = ts.get(t, "/api/v1/meta")
	var m struct {
		Amenities []struct {
			Code  string            `json:"code"`
			Label map[string]string `json:"label"`
		} `json:"amenities"`
		Kinds  []any `json:"kinds"`
		Cities []struct {
			Name         string
			StationCount int `json:"station_count"`
		} `json:"cities"`
		StationCount int `json:"station_count"`
		DataVersion  int `json:"data_version"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, c := range m.Cities {
		sum += c.StationCount
	}
	if len(m.Amenities) < 14 || len(m.Kinds) != 5 || len(m.Cities) != 14 || sum != len(ts.stations) ||
		m.StationCount != len(ts.stations) || m.DataVersion != 1 || m.Amenities[0].Label["zh-CN"] == "" {
		t.Fatalf("meta %s", body)
	}
}

// Every malformed, missing, repeated or out-of-range parameter is a 4xx problem naming the field.
func TestBadParameters(t *testing.T) {
	ts := sharedServer(t)
	near := "/api/v1/stations/nearby?"
	for _, tc := range []struct {
		path        string
		status      int
		code, field string
	}{
		{near + "lon=123.4", 400, "missing_parameter", "lat"},
		{near + "lat=41.8", 400, "missing_parameter", "lon"},
		{near + "lat=&lon=123.4", 400, "missing_parameter", "lat"},
		{near + "lat=abc&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=NaN&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=Inf&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=-Inf&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=0x1p-2&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=4.18e1&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=41,8&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=４１．８&lon=123.4", 400, "invalid_parameter", "lat"},
		{near + "lat=41.8&lon=1_23.4", 400, "invalid_parameter", "lon"},
		{near + "lat=91&lon=123.4", 400, "out_of_range", "lat"},
		{near + "lat=123.4&lon=41.8&limit=3", 400, "out_of_range", "lat"},
		{near + "lat=41.8&lon=-181", 400, "out_of_range", "lon"},
		{near + "lat=41.8&lat=41.9&lon=123.4", 400, "duplicate_parameter", "lat"},
		{near + "lat=41.8&lon=123.4&limit=0", 400, "out_of_range", "limit"},
		{near + "lat=41.8&lon=123.4&limit=101", 400, "out_of_range", "limit"},
		{near + "lat=41.8&lon=123.4&limit=-3", 400, "out_of_range", "limit"},
		{near + "lat=41.8&lon=123.4&limit=abc", 400, "invalid_parameter", "limit"},
		{near + "lat=41.8&lon=123.4&limit=2.5", 400, "invalid_parameter", "limit"},
		{near + "lat=41.8&lon=123.4&limit=99999999999999999999", 400, "out_of_range", "limit"},
		{near + "lat=41.8&lon=123.4&limit=1&limit=2", 400, "duplicate_parameter", "limit"},
		{near + "lat=41.8&lon=123.4&radius=0", 400, "out_of_range", "radius"},
		{near + "lat=41.8&lon=123.4&radius=300001", 400, "out_of_range", "radius"},
		{near + "lat=41.8&lon=123.4&radius=1e12", 400, "invalid_parameter", "radius"},
		{near + "lat=41.8&lon=123.4&amenities=hot_water,sauna", 400, "invalid_parameter", "amenities"},
		{near + "lat=41.8&lon=123.4&amenities=hot_water,,heating", 400, "invalid_parameter", "amenities"},
		{near + "lat=41.8&lon=123.4&amenities=", 400, "invalid_parameter", "amenities"},
		{near + "lat=41.8&lon=123.4&kinds=driver_home'%20OR%201=1--", 400, "invalid_parameter", "kinds"},
		{near + "lat=41.8&lon=123.4&crs=utm", 400, "invalid_parameter", "crs"},
		{near + "lat=41.8&lon=123.4&crs=wgs84&crs=gcj02", 400, "duplicate_parameter", "crs"},
		{near + "lat=41.8&lon=123.4&at=yesterday", 400, "invalid_parameter", "at"},
		{near + "lat=41.8&lon=123.4&open=soon", 400, "invalid_parameter", "open"},
		{near + "lat=41.8&lon=123.4&open=2026-13-01T00:00:00Z", 400, "invalid_parameter", "open"},
		{near + "lat=41.8&lon=123.4&at=2026-01-15T23:40:00", 400, "invalid_parameter", "at"},
		{near + "lat=41.8&lon=123.4&open=now&open=now", 400, "duplicate_parameter", "open"},
		{near + "lat=41.8&lon=123.4&name=a;b", 400, "invalid_parameter", "name"},
		{near + "lat=41.8&lon=123.4%zz", 400, "invalid_parameter", "lon"},
		{"/api/v1/hours/preview", 400, "missing_parameter", "text"},
		{"/api/v1/hours/preview?text=", 400, "missing_parameter", "text"},
		{"/api/v1/hours/preview?text=24/7&text=24/7", 400, "duplicate_parameter", "text"},
		{"/api/v1/hours/preview?text=24/7&at=now", 400, "invalid_parameter", "at"},
		{"/api/v1/hours/preview?text=" + strings.Repeat("8", 501), 400, "out_of_range", "text"},
		{"/api/v1/stations", 400, "missing_parameter", "bbox"},
		{"/api/v1/stations?bbox=123,41,124", 400, "invalid_parameter", "bbox"},
		{"/api/v1/stations?bbox=124,41,123,42", 400, "invalid_parameter", "bbox"},
		{"/api/v1/stations?bbox=123,41,124,NaN", 400, "invalid_parameter", "bbox"},
		{"/api/v1/stations?bbox=-190,41,124,42", 400, "out_of_range", "bbox"},
		{"/api/v1/stations?bbox=123,41,124,42&limit=5001", 400, "out_of_range", "limit"},
		{"/api/v1/search", 400, "missing_parameter", "q"},
		{"/api/v1/search?q=%20%20", 400, "missing_parameter", "q"},
		{"/api/v1/search?q=" + strings.Repeat("驿", 51), 400, "out_of_range", "q"},
		{"/api/v1/search?q=a%00b", 400, "invalid_parameter", "q"},
		{"/api/v1/search?q=驿站&lat=41.8", 400, "missing_parameter", "lon"},
		{"/api/v1/search?q=驿站&q=司机", 400, "duplicate_parameter", "q"},
		{"/api/v1/stations.geojson?crs=mars", 400, "invalid_parameter", "crs"},
		{"/api/v1/stations/LN-210102-0001?crs=x", 400, "invalid_parameter", "crs"},
		{"/api/v1/nothing", 404, "not_found", ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, body := ts.get(t, tc.path)
			checkProblem(t, res, body, tc.status, tc.code, tc.field)
		})
	}
	req, _ := http.NewRequest(http.MethodPost, ts.base+"/api/v1/meta", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	checkProblem(t, res, body, 405, "method_not_allowed", "")
}

// The OpenAPI document describes exactly the routes the server has.
func TestOpenAPIDescribesRoutes(t *testing.T) {
	ts := sharedServer(t)
	_, body := ts.get(t, "/api/openapi.json")
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatal(err)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+strings.ReplaceAll(strings.ReplaceAll(p, "{", ":"), "}", ""))
		}
	}
	sort.Strings(documented)
	var served []string
	for _, r := range apiRoutes() {
		served = append(served, r)
	}
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("documented:\n%s\nserved:\n%s", strings.Join(documented, "\n"), strings.Join(served, "\n"))
	}
}

func apiRoutes() []string {
	var out []string
	for _, r := range api.New(api.Deps{}).Routes() {
		if !strings.HasSuffix(r.Path, "*") && r.Method != http.MethodHead {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

type hoursPreview struct {
	Normalized string  `json:"normalized"`
	Status     string  `json:"status"`
	Open       *bool   `json:"open"`
	Comment    *string `json:"comment"`
	NextChange *string `json:"next_change"`
	Week       []struct {
		Date      string  `json:"date"`
		Weekday   string  `json:"weekday"`
		Holiday   *string `json:"holiday"`
		Workday   *string `json:"adjusted_workday"`
		Intervals []struct {
			From, To string
			Unknown  bool
		} `json:"intervals"`
	} `json:"week"`
}

// The operator editor's preview: what a text means at an instant and over the next 7 days, with the
// real holiday calendar (National Day 2026, and the Saturday worked for it).
func TestHoursPreview(t *testing.T) {
	ts := sharedServer(t)
	preview := func(text, at string) hoursPreview {
		t.Helper()
		res, body := ts.get(t, "/api/v1/hours/preview?text="+url.QueryEscape(text)+"&at="+url.QueryEscape(at))
		if res.StatusCode != 200 {
			t.Fatalf("%s: status %d: %s", text, res.StatusCode, body)
		}
		return decode[hoursPreview](t, body)
	}
	p := preview("Mo-Fr 8:00-18:00;PH off", "2026-09-30T17:00:00+08:00")
	if p.Normalized != "Mo-Fr 08:00-18:00; PH off" || p.Status != "parsed" || p.Open == nil || !*p.Open ||
		p.NextChange == nil || *p.NextChange != "2026-09-30T18:00:00+08:00" || len(p.Week) != 7 {
		t.Fatalf("preview: %+v", p)
	}
	if w := p.Week[0]; w.Date != "2026-09-30" || w.Weekday != "We" || len(w.Intervals) != 1 ||
		w.Intervals[0].From != "2026-09-30T08:00:00+08:00" || w.Intervals[0].To != "2026-09-30T18:00:00+08:00" {
		t.Fatalf("Wednesday: %+v", w)
	}
	if w := p.Week[1]; w.Holiday == nil || *w.Holiday != "国庆节" || len(w.Intervals) != 0 {
		t.Fatalf("National Day must be closed by PH off: %+v", w)
	}
	after := preview("Mo-Fr 08:00-18:00; PH off", "2026-10-05T09:00:00+08:00")
	if after.Open == nil || *after.Open || *after.NextChange != "2026-10-08T08:00:00+08:00" {
		t.Fatalf("during the holiday: %+v", after)
	}
	if w := after.Week[5]; w.Date != "2026-10-10" || w.Workday == nil || *w.Workday != "国庆节调休上班" || w.Holiday != nil {
		t.Fatalf("the adjusted working Saturday: %+v", w)
	}
	// Overnight, and text that is not understood: unknown, never closed.
	night := preview("Mo-Su 22:00-06:00", "2026-01-15T23:40:00+08:00")
	if night.Open == nil || !*night.Open || *night.NextChange != "2026-01-16T06:00:00+08:00" {
		t.Fatalf("overnight: %+v", night)
	}
	vague := preview("随缘开放", "2026-01-15T23:40:00+08:00")
	if vague.Status != "unparsed" || vague.Normalized != "随缘开放" || vague.Open != nil || vague.NextChange != nil {
		t.Fatalf("unparsed: %+v", vague)
	}
	for _, d := range vague.Week {
		if len(d.Intervals) != 1 || !d.Intervals[0].Unknown {
			t.Fatalf("an unparsed text must be unknown all day: %+v", d)
		}
	}
}

// open_now and the open filter reach every kind of answer: a single station, a box and a search.
func TestOpenNowEverywhere(t *testing.T) {
	ts := sharedServer(t)
	at := time.Date(2026, 1, 15, 23, 40, 0, 0, hours.Zone)
	q := "&at=" + url.QueryEscape(at.Format(time.RFC3339))
	for _, st := range ts.stations[:200] {
		_, body := ts.get(t, "/api/v1/stations/"+url.PathEscape(st.ID)+"?"+q[1:])
		f := decode[feature](t, body)
		if got, want := f.Properties["open_now"], openNow(&st, at); got != want {
			t.Fatalf("%s (%q, %s): open_now %v, want %v", st.ID, st.OpeningHours, st.Status, got, want)
		}
	}
	for _, path := range []string{"/api/v1/stations?bbox=123.2,41.6,123.6,41.9&limit=5000", "/api/v1/search?q=" + url.QueryEscape("驿站") + "&limit=100"} {
		_, all := ts.get(t, path+q)
		_, open := ts.get(t, path+q+"&open=now")
		var wantIDs []string
		for _, f := range decode[collection](t, all).Features {
			if f.Properties["open_now"] != openNow(ts.byID(t, f.ID), at) {
				t.Fatalf("%s: %s open_now %v", path, f.ID, f.Properties["open_now"])
			}
			if f.Properties["open_now"] == true {
				wantIDs = append(wantIDs, f.ID)
			}
		}
		got := ids(decode[collection](t, open))
		if len(wantIDs) == 0 || len(wantIDs) == len(decode[collection](t, all).Features) {
			t.Fatalf("%s: test set-up: want some but not all stations open at %s", path, at)
		}
		if !strings.HasPrefix(strings.Join(got, ","), strings.Join(wantIDs, ",")) {
			t.Fatalf("%s&open=now: got %v, want the open ones %v first", path, got, wantIDs)
		}
	}
}

// Every answer carries a request id, which problem+json repeats; /metrics counts requests per route
// and shows the stations being served.
func TestRequestIDsAndMetrics(t *testing.T) {
	ts := sharedServer(t)
	res, _ := ts.get(t, "/api/v1/stations/nearby?lat=41.8&lon=123.4")
	id1 := res.Header.Get("X-Request-ID")
	res, body := ts.get(t, "/api/v1/stations/nearby?lat=91&lon=123.4")
	id2 := res.Header.Get("X-Request-ID")
	if id1 == "" || id2 == "" || id1 == id2 {
		t.Fatalf("request ids %q %q", id1, id2)
	}
	if p := decode[map[string]any](t, body); p["request_id"] != id2 {
		t.Fatalf("problem request_id %v, header %q", p["request_id"], id2)
	}
	res, body = ts.get(t, "/metrics")
	text := string(body)
	if res.StatusCode != 200 {
		t.Fatalf("metrics: %d", res.StatusCode)
	}
	for _, want := range []string{
		`yizhan_http_requests_total{code="200",method="GET",route="/api/v1/stations/nearby"}`,
		`yizhan_http_requests_total{code="400",method="GET",route="/api/v1/stations/nearby"}`,
		`yizhan_http_request_duration_seconds_bucket{method="GET",route="/api/v1/stations/nearby",le="+Inf"}`,
		fmt.Sprintf("yizhan_stations %d", len(ts.stations)),
		"yizhan_data_version 1",
		"go_goroutines",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// A query string over 4 KB is refused with 414 uri_too_long before any parsing, and a request whose
// headers pass 64 KB is refused by the HTTP server itself with 431; neither is a 500, and the server
// goes on answering (reliability.md §4 A10).
func TestOversizedRequests(t *testing.T) {
	ts := sharedServer(t)
	res, body := ts.get(t, "/api/v1/stations/nearby?lat=41.8&lon=123.4&pad="+strings.Repeat("x", 5000))
	checkProblem(t, res, body, 414, "uri_too_long", "")
	req, _ := http.NewRequest(http.MethodGet, ts.base+"/api/v1/meta", nil)
	req.Header.Set("X-Padding", strings.Repeat("x", 100<<10))
	big, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	big.Body.Close()
	if big.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("100 KB of headers: %d, want 431", big.StatusCode)
	}
	if res, body := ts.get(t, "/api/v1/meta"); res.StatusCode != 200 {
		t.Fatalf("after the oversized requests: %d %s", res.StatusCode, body)
	}
}
