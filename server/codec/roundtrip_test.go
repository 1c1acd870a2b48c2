package codec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// seed reads the real seed dataset through Import.
func seed(tb testing.TB) []station.Station {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "data", "stations.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := codec.Import(f, codec.ImportOptions{})
	if err != nil || len(res.Errors) > 0 {
		tb.Fatalf("seed: %v %v", err, res.Errors)
	}
	if res.Format != "csv" || res.Encoding != "utf-8" || res.Rows != len(res.Stations) || res.Rows < 16000 || res.HeaderRow != 1 {
		tb.Fatalf("seed: %+v", res)
	}
	return res.Stations
}

// writers are the three export formats, as the export command and endpoint use them.
var writers = []struct {
	format string
	write  func(*bytes.Buffer, []station.Station) error
}{
	{"csv", func(b *bytes.Buffer, s []station.Station) error { return codec.WriteCSV(b, station.Slice(s), true) }},
	{"xlsx", func(b *bytes.Buffer, s []station.Station) error { return codec.WriteXLSX(b, station.Slice(s)) }},
	{"geojson", func(b *bytes.Buffer, s []station.Station) error { return codec.WriteGeoJSON(b, station.Slice(s)) }},
}

// sameStations fails unless got and want hold the same stations field by field (times compared as
// instants).
func sameStations(t *testing.T, got, want []station.Station) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d stations, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.VerifiedAt.Equal(w.VerifiedAt) {
			t.Fatalf("station %s: verified_at %v, want %v", w.ID, g.VerifiedAt, w.VerifiedAt)
		}
		g.VerifiedAt, w.VerifiedAt = time.Time{}, time.Time{}
		if g != w {
			t.Fatalf("station %d\n got %+v\nwant %+v", i, g, w)
		}
	}
}

// Export in every format, then import: the same stations, on the whole seed dataset.
func TestRoundTripSeed(t *testing.T) {
	stations := seed(t)
	for _, w := range writers {
		t.Run(w.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, stations); err != nil {
				t.Fatal(err)
			}
			res, err := codec.Import(&buf, codec.ImportOptions{})
			if err != nil || len(res.Errors) > 0 {
				t.Fatalf("%v %v", err, res.Errors)
			}
			if res.Format != w.format || len(res.IgnoredColumns) > 0 {
				t.Fatalf("format %q, ignored %v", res.Format, res.IgnoredColumns)
			}
			sameStations(t, res.Stations, stations)
		})
	}
}

// Text that spreadsheets misread survives every format: formula-like cells, apostrophes, quotes,
// separators, full-width characters, leading zeros, and empty optional fields.
func TestRoundTripAwkwardText(t *testing.T) {
	in := []station.Station{
		{ID: "X-1", Name: `=HYPERLINK("http://x","点我")`, Kind: station.OtherKind, Lon: 122, Lat: 40.5, SourceCRS: "wgs84",
			Address: "+86, \"引号\"；分号", StatusNote: "-暂停", Status: station.TemporarilyClosed, Audience: station.Drivers, Operator: "@单位"},
		{ID: "X-2", Name: "'=已经带撇号", Kind: station.CaringStation, Lon: 123.400001, Lat: 41.799999, SourceCRS: "wgs84",
			Address: "'普通撇号", Phone: "024-01234567", Adcode: "210102", Operator: "''", OpeningHours: "另行通知（见公告）"},
		{ID: "0012", Name: "全角１２３站", Kind: station.DriverHome, Lon: 122.6, Lat: 39.27, SourceCRS: "wgs84", Phone: "13800000000",
			Amenities: 1<<station.HotWater | 1<<station.Lodging, OpeningHours: "24/7", City: "大连市", District: "长海县",
			VerifiedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, codec.Shanghai)},
	}
	for _, w := range writers {
		t.Run(w.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := w.write(&buf, in); err != nil {
				t.Fatal(err)
			}
			res, err := codec.Import(&buf, codec.ImportOptions{CRS: spatial.WGS84})
			if err != nil || len(res.Errors) > 0 {
				t.Fatalf("%v %v", err, res.Errors)
			}
			sameStations(t, res.Stations, in)
		})
	}
}
