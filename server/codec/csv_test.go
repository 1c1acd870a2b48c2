package codec_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

func TestCSVRoundTrip(t *testing.T) {
	in := []station.Station{
		{ID: "LN-210102-0001", Name: "南湖街道爱心驿站", Kind: station.CaringStation, Lon: 123.412345, Lat: 41.771234,
			SourceCRS: "wgs84", Address: "辽宁省沈阳市和平区南湖街道北三路18号", City: "沈阳市", District: "和平区", Adcode: "210102",
			Amenities: 1<<station.HotWater | 1<<station.Heating, OpeningHours: "Mo-Fr 08:30-17:30", Phone: "024-01234567",
			Operator: "和平区总工会", VerifiedAt: time.Date(2026, 9, 14, 10, 20, 0, 0, codec.Shanghai)},
		// Formula-like text, quotes, commas and an empty optional set survive the trip.
		{ID: "X-2", Name: `=HYPERLINK("http://x","点我")`, Kind: station.OtherKind, Lon: 122, Lat: 40.5, SourceCRS: "wgs84",
			Address: "+86, \"引号\"", StatusNote: "-暂停", Status: station.TemporarilyClosed, Audience: station.Drivers, Operator: "@单位"},
	}
	var buf bytes.Buffer
	if err := codec.WriteCSV(&buf, station.Slice(in), true); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\uFEFFid,name,kind,lon,lat,address,city,district,adcode,amenities,opening_hours,status,status_note,audience,phone,operator,verified_at,closed_until,version\n")) {
		t.Fatalf("header: %q", buf.String()[:60])
	}
	for _, cell := range []string{`'=HYPERLINK`, `'+86`, `'-暂停`, `'@单位`} {
		if !strings.Contains(buf.String(), cell) {
			t.Fatalf("cell %s is not neutralised:\n%s", cell, buf.String())
		}
	}
	out, err := codec.ReadCSV(&buf, spatial.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if !out[i].VerifiedAt.Equal(in[i].VerifiedAt) {
			t.Fatalf("verified_at %v != %v", out[i].VerifiedAt, in[i].VerifiedAt)
		}
		out[i].VerifiedAt = in[i].VerifiedAt
		if out[i] != in[i] {
			t.Fatalf("row %d\n got %+v\nwant %+v", i, out[i], in[i])
		}
	}
}

func TestReadCSVConvertsCRS(t *testing.T) {
	wgs := orb.Point{123.4315, 41.8057}
	gcj := spatial.FromWGS84(spatial.GCJ02, wgs)
	src := "id,name,kind,lon,lat\nA-1,站,caring_station," + codec.FormatCoord(gcj[0]) + "," + codec.FormatCoord(gcj[1]) + "\n"
	out, err := codec.ReadCSV(strings.NewReader(src), spatial.GCJ02)
	if err != nil {
		t.Fatal(err)
	}
	if d := spatial.DistanceM(wgs, orb.Point{out[0].Lon, out[0].Lat}); d > 0.001 || out[0].SourceCRS != "gcj02" ||
		out[0].SourceText != codec.FormatCoord(gcj[0])+","+codec.FormatCoord(gcj[1]) {
		t.Fatalf("converted to %v (%.4f m off), source %q %q", out[0], d, out[0].SourceCRS, out[0].SourceText)
	}
}

// Opening hours arrive as people write them and are stored in canonical OSM syntax; text that cannot
// be understood is stored as it came.
func TestReadCSVNormalisesHours(t *testing.T) {
	cases := [][2]string{
		{"Mo-Fr 8:00-18:00;Sa 09:00-12:00", "Mo-Fr 08:00-18:00; Sa 09:00-12:00"},
		{"全天24小时", "24/7"},
		{"周一至周五 9:00-17:00，节假日休息", "Mo-Fr 09:00-17:00; PH off"},
		{"早8点到晚6点", "08:00-18:00"},
		{"另行通知吧", "另行通知吧"},
		{"", ""},
	}
	var src strings.Builder
	src.WriteString("id,name,kind,lon,lat,opening_hours\n")
	for i, c := range cases {
		fmt.Fprintf(&src, "H-%d,站,caring_station,123.4,41.8,%q\n", i, c[0])
	}
	out, err := codec.ReadCSV(strings.NewReader(src.String()), spatial.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		if out[i].OpeningHours != c[1] {
			t.Errorf("%q stored as %q, want %q", c[0], out[i].OpeningHours, c[1])
		}
	}
}

// Every bad row is reported with its row number and column, and no station is returned.
func TestReadCSVErrors(t *testing.T) {
	src := strings.Join([]string{
		"id,name,kind,lon,lat,amenities,status,verified_at",
		"A-1,好,caring_station,123.4,41.8,hot_water,open,",      // fine
		"A-2,好,caring_station,41.8,123.4,,,",                   // swapped
		"A-3,好,caring_station,116.4,39.9,,,",                   // Beijing
		"A-4,好,caring_station,NaN,41.8,,,",                     // NaN
		"A-5,,caring_station,123.4,41.8,,,",                    // no name
		"A-6,好,caring_station,123.4,41.8,sauna,,",              // unknown amenity
		"A-1,好,caring_station,123.4,41.8,,,",                   // repeated id
		"A-8,好,caring_station,123.4,41.8,,maybe,",              // bad status
		"A-9,好,caring_station,123.4,41.8,,,last week",          // bad time
		"A 10,好,caring_station,123.4,41.8,,,",                  // bad id
		"A-11,\u200b\u202e\u2060,caring_station,123.4,41.8,,,", // a name of invisible characters only
		"A-12,好,caring_station,0x1p7,41.8,,,",                  // hex float
		"A-13,好,caring_station,123.4,,,,",                      // missing lat
	}, "\n")
	_, err := codec.ReadCSV(strings.NewReader(src), spatial.WGS84)
	var rows codec.RowErrors
	if !errors.As(err, &rows) {
		t.Fatalf("err %v", err)
	}
	want := []struct {
		row   int
		field string
	}{{2, "lon"}, {3, "lon"}, {4, "lon"}, {5, "name"}, {6, "amenities"}, {7, "id"}, {8, "status"}, {9, "verified_at"}, {10, "id"}, {11, "name"}, {12, "lon"}, {13, "lat"}}
	if len(rows) != len(want) {
		t.Fatalf("%d errors, want %d: %v", len(rows), len(want), rows)
	}
	for i, w := range want {
		if rows[i].Row != w.row || rows[i].Field != w.field || rows[i].Detail == "" || rows[i].Code == "" {
			t.Errorf("error %d = %+v, want row %d field %s", i, rows[i], w.row, w.field)
		}
	}
	for _, src := range []string{"", "name,kind\n好,other\n", "id,name,kind,lon,lat\n\"A-1,好\n"} {
		if _, err := codec.ReadCSV(strings.NewReader(src), spatial.WGS84); !errors.As(err, &rows) {
			t.Errorf("%q: err %v, want row errors", src, err)
		}
	}
}

// appendString must escape exactly like encoding/json (which the rest of the API uses).
func TestJSONStringsMatchEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "南湖街道爱心驿站", `a"b\c`, "<script>&</script>", "tab\tnl\ncr\r\x00\x1f\x7f",
		"\u2028\u2029", "bad\xffutf8\xc3", "emoji 🚚", "'single'"} {
		st := station.Station{Name: s}
		want, _ := json.Marshal(s)
		got := codec.AppendSummary(nil, &st)
		prefix := `"name":` + string(want) + `,`
		if !strings.HasPrefix(string(got), prefix) {
			t.Errorf("%q: got %s, want prefix %s", s, got, prefix)
		}
	}
}
