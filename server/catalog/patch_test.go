package catalog_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// varied are stations with a bit of everything that an edit can change: cities, hours, statuses.
func varied(n int, rng *rand.Rand) []station.Station {
	out := make([]station.Station, n)
	hoursTexts := []string{"24/7", "Mo-Fr 08:30-17:30", "Mo-Su 07:00-21:00", "", "随缘", "Mo-Fr 09:00-12:00,13:00-17:00; PH off"}
	cities := []string{"沈阳市", "大连市", "鞍山市", "锦州市"}
	for i := range out {
		out[i] = station.Station{
			ID: fmt.Sprintf("P-%05d", i), Name: fmt.Sprintf("南湖%d号爱心驿站", i), Kind: station.Kind(rng.IntN(5)),
			Lon: 121 + rng.Float64()*2, Lat: 39 + rng.Float64()*2, Address: fmt.Sprintf("文胜路%d号", i),
			City: cities[rng.IntN(len(cities))], Amenities: station.AmenitySet(rng.Uint32() & 0xffff),
			OpeningHours: hoursTexts[rng.IntN(len(hoursTexts))], Status: station.Status(rng.IntN(3)), Version: 1,
			UpdatedAt: time.Unix(1.79e9, 0).UTC(),
		}
	}
	return out
}

// edit changes one station the ways an edit or an import does.
func edit(st station.Station, rng *rand.Rand, round int) station.Station {
	switch rng.IntN(7) {
	case 0:
		st.Lon, st.Lat = st.Lon+rng.Float64()*0.3-0.15, st.Lat+rng.Float64()*0.3-0.15
	case 1:
		st.Status = station.Status(rng.IntN(3))
	case 2:
		st.OpeningHours = []string{"24/7", "Mo-Sa 10:00-16:00", fmt.Sprintf("Mo-Fr 08:%02d-17:00", round%60), ""}[rng.IntN(4)]
	case 3:
		st.Name = fmt.Sprintf("浑河%d号司机之家", round)
	case 4:
		st.City = []string{"沈阳市", "营口市"}[rng.IntN(2)]
	case 5:
		st.Amenities = station.AmenitySet(rng.Uint32() & 0xffff)
		st.Kind = station.Kind(rng.IntN(5))
	case 6:
		st.StatusNote = fmt.Sprintf("第%d次修改", round)
	}
	st.Version++
	st.UpdatedAt = st.UpdatedAt.Add(time.Minute)
	return st
}

// sameAnswers checks that two snapshots answer every kind of question alike.
func sameAnswers(t *testing.T, got, want *catalog.Snapshot, rng *rand.Rand, at time.Time) {
	t.Helper()
	if got.Version != want.Version || got.Len() != want.Len() || !slices.Equal(got.Cities, want.Cities) {
		t.Fatalf("version %d/%d, len %d/%d, cities %v / %v", got.Version, want.Version, got.Len(), want.Len(), got.Cities, want.Cities)
	}
	gi, wi := got.At(at), want.At(at)
	for i := range want.Len() {
		if *got.Station(i) != *want.Station(i) || got.Position(i) != want.Position(i) || got.Vector(i) != want.Vector(i) ||
			gi.State(i) != wi.State(i) || got.Hours(i).Normalized != want.Hours(i).Normalized {
			t.Fatalf("station %d differs: %+v / %+v", i, *got.Station(i), *want.Station(i))
		}
		for _, crs := range []spatial.CRS{spatial.WGS84, spatial.GCJ02} {
			d := codec.Dynamic{OpenNow: gi.OpenNow(i)}
			if g, w := got.AppendFeature(nil, i, crs, d), want.AppendFeature(nil, i, crs, d); !bytes.Equal(g, w) {
				t.Fatalf("feature %d:\n%s\n%s", i, g, w)
			}
			if g, w := got.AppendSummary(nil, i, crs, d), want.AppendSummary(nil, i, crs, d); !bytes.Equal(g, w) {
				t.Fatalf("summary %d:\n%s\n%s", i, g, w)
			}
		}
	}
	for q := 0; q < 200; q++ {
		p := orb.Point{121 + rng.Float64()*2, 39 + rng.Float64()*2}
		query := catalog.Query{}
		switch q % 4 {
		case 1:
			query.Open = gi
		case 2:
			query.Kinds = []station.Kind{station.Kind(rng.IntN(5))}
			query.Statuses = []station.Status{station.Open, station.TemporarilyClosed}
		case 3:
			query.Amenities = station.AmenitySet(1 << rng.IntN(16))
		}
		wq := query
		if query.Open != nil {
			wq.Open = wi
		}
		k, r := 1+rng.IntN(25), []float64{2000, 20000, 300000}[rng.IntN(3)]
		if g, w := got.Nearest(p, k, r, query, nil), want.Nearest(p, k, r, wq, nil); !slices.Equal(g, w) {
			t.Fatalf("nearest %d within %v of %v (%+v): %v, want %v", k, r, p, query, g, w)
		}
		b := orb.Bound{Min: p, Max: orb.Point{p[0] + 0.4, p[1] + 0.3}}
		limit := rng.IntN(60)
		g, gt := got.Within(b, query, limit, nil)
		w, wt := want.Within(b, wq, limit, nil)
		if !slices.Equal(g, w) || gt != wt {
			t.Fatalf("within %v limit %d: %v %v, want %v %v", b, limit, g, gt, w, wt)
		}
	}
	for _, text := range []string{"南湖", "浑河", "司机之家", "1号", "文胜路", "驿"} {
		var g, w []int
		got.Search(text, func(i int) bool { g = append(g, i); return true })
		want.Search(text, func(i int) bool { w = append(w, i); return true })
		if !slices.Equal(g, w) {
			t.Fatalf("search %q: %v, want %v", text, g, w)
		}
	}
	if g, w := got.Dataset(spatial.WGS84), want.Dataset(spatial.WGS84); !bytes.Equal(g.JSON, w.JSON) || g.ETag != w.ETag {
		t.Fatal("datasets differ")
	}
	var c catalog.Catalog
	if g, w := c.CompactDataset(got, spatial.BD09), c.CompactDataset(want, spatial.BD09); !bytes.Equal(g.JSON, w.JSON) || g.ETag != w.ETag {
		t.Fatal("compact datasets differ")
	}
}

// A snapshot that edits were applied to answers every question exactly as one built from the edited
// stations: nearest (with every filter, open now among them), boxes, text search, features, hours,
// cities and the offline datasets.
func TestApplyAnswersAsRebuild(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	sts := varied(1500, rng)
	at := time.Date(2026, 12, 8, 10, 30, 0, 0, codec.Shanghai)
	var c catalog.Catalog
	c.Swap(catalog.Build(10, slices.Clone(sts), nil))
	version := int64(10)
	for round, n := range []int{1, 1, 3, 20, 1, 150, 2} {
		var changed []station.Station
		for range n {
			i := rng.IntN(len(sts))
			sts[i] = edit(sts[i], rng, round)
			changed = append(changed, sts[i])
		}
		version++
		if !c.Apply(version, changed) {
			t.Fatalf("round %d: not applied", round)
		}
		sameAnswers(t, c.Current(), catalog.Build(version, slices.Clone(sts), nil), rng, at)
	}
	// Out of order, or with a station that is not there: refused, and nothing changes.
	cur := c.Current()
	if c.Apply(version+2, sts[:1]) || c.Apply(version, sts[:1]) {
		t.Fatal("applied a change that does not follow the current version")
	}
	if c.Apply(version+1, []station.Station{{ID: "P-NEW", Name: "新站"}}) || c.Current() != cur {
		t.Fatal("applied a new station")
	}
}

// Past MaxPatched changed stations, the catalog rebuilds in the background and swaps the result in
// with every change made meanwhile; the answers stay those of a rebuild throughout.
func TestApplyCompacts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	sts := varied(catalog.MaxPatched+500, rng)
	var c catalog.Catalog
	c.Swap(catalog.Build(1, slices.Clone(sts), nil))
	version := int64(1)
	for i := 0; i <= catalog.MaxPatched+40; i++ {
		k := i % len(sts)
		sts[k] = edit(sts[k], rng, i)
		version++
		if !c.Apply(version, []station.Station{sts[k]}) {
			t.Fatalf("edit %d not applied", i)
		}
	}
	<-c.Compacted()
	if p := c.Current().Patched(); p >= catalog.MaxPatched {
		t.Fatalf("%d stations still patched after the rebuild", p)
	}
	sameAnswers(t, c.Current(), catalog.Build(version, slices.Clone(sts), nil), rng, time.Date(2026, 12, 8, 20, 0, 0, 0, codec.Shanghai))
}
