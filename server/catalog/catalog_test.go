package catalog_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

func stations(n int, name string) []station.Station {
	out := make([]station.Station, n)
	for i := range out {
		out[i] = station.Station{ID: fmt.Sprintf("T-%04d", i), Name: fmt.Sprintf("%s%d", name, i), Kind: station.Kind(i % 5),
			Lon: 119 + float64(i%97)*0.06, Lat: 39 + float64(i%89)*0.05, Status: station.Status(i % 3), Version: 1}
	}
	return out
}

// Every station's pre-rendered feature, wherever the Z-order put its bytes (in which of the arenas
// that the cores render), is that station's own JSON: the one codec renders directly.
func TestFeaturesAreTheirStations(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3)) // three arenas, whatever the machine
	sts := stations(500, "驿站")
	snap := catalog.Build(3, sts, nil)
	for i := range sts {
		st := &sts[i]
		if j, ok := snap.Lookup(st.ID); !ok || j != i {
			t.Fatalf("Lookup(%q) = %d, %v; want %d", st.ID, j, ok, i)
		}
		want := codec.AppendFeature(nil, codec.AppendID(nil, st), codec.AppendCoords(nil, st.Lon, st.Lat),
			codec.Dynamic{}, codec.AppendSummary(nil, st), codec.AppendDetails(nil, st))
		if got := snap.AppendFeature(nil, i, spatial.WGS84, codec.Dynamic{}); !bytes.Equal(got, want) {
			t.Fatalf("station %d:\n got %s\nwant %s", i, got, want)
		}
		var f struct {
			ID       string `json:"id"`
			Geometry struct {
				Coordinates [2]float64 `json:"coordinates"`
			} `json:"geometry"`
		}
		if err := json.Unmarshal(snap.AppendSummary(nil, i, spatial.GCJ02, codec.Dynamic{}), &f); err != nil {
			t.Fatal(err)
		}
		if want := spatial.FromWGS84(spatial.GCJ02, orb.Point{st.Lon, st.Lat}); f.ID != st.ID || f.Geometry.Coordinates != [2]float64(want) {
			t.Fatalf("station %d in gcj02: %s %v, want %v", i, f.ID, f.Geometry.Coordinates, want)
		}
	}
}

// Lookup finds no station for an id that is not there, before, between or after the ids there are.
func TestLookupMissing(t *testing.T) {
	snap := catalog.Build(1, stations(50, "驿站"), nil)
	for _, id := range []string{"", "A", "T-", "T-0010a", "T-00105", "T-9999", "U"} {
		if i, ok := snap.Lookup(id); ok {
			t.Errorf("Lookup(%q) = %d, true", id, i)
		}
	}
	if i, ok := catalog.Build(1, nil, nil).Lookup("T-0001"); ok {
		t.Errorf("Lookup in no stations = %d, true", i)
	}
}

// The offline dataset leaves out closed stations, and its ETag names the data version and the CRS.
func TestDataset(t *testing.T) {
	a := catalog.Build(1, stations(300, "驿站"), nil)
	b := catalog.Build(2, stations(300, "驿站新"), nil)
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(a.Dataset(spatial.WGS84).JSON, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 200 { // every third station is closed
		t.Fatalf("%d features, want 200", len(fc.Features))
	}
	tags := map[string]bool{}
	for _, s := range []*catalog.Snapshot{a, b} {
		for _, crs := range []spatial.CRS{spatial.WGS84, spatial.GCJ02, spatial.BD09} {
			tags[s.Dataset(crs).ETag] = true
		}
	}
	if len(tags) != 6 {
		t.Fatalf("ETags are not distinct per version and CRS: %v", tags)
	}
	if a.Dataset(spatial.WGS84) != a.Dataset(spatial.WGS84) {
		t.Fatal("the dataset is rendered again on every call")
	}
}
