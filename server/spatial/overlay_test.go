package spatial_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/spatial"
)

// An overlay answers exactly as the brute-force reference over the items with the replacements in
// place: after one replacement, after many, after replacing a replacement, with every filter.
func TestOverlayMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	item := func() spatial.Item {
		return spatial.Item{
			Point:     orb.Point{lnMinLon + rng.Float64()*(lnMaxLon-lnMinLon), lnMinLat + rng.Float64()*(lnMaxLat-lnMinLat)},
			Kind:      uint8(rng.IntN(5)),
			Amenities: rng.Uint32() & 0xff,
			Group:     uint8(rng.IntN(32)),
		}
	}
	items := make([]spatial.Item, 3000)
	for i := range items {
		items[i] = item()
	}
	// Duplicates of existing points make ties by position matter.
	for i := 0; i < 50; i++ {
		items[rng.IntN(len(items))].Point = items[rng.IntN(len(items))].Point
	}
	ov := spatial.NewOverlay(spatial.NewIndex(items))
	current := slices.Clone(items)
	for round, changes := range []int{1, 1, 5, 40, 200, 3} {
		batch := map[int]spatial.Item{}
		for range changes {
			pos := rng.IntN(len(current))
			it := item()
			switch rng.IntN(4) {
			case 0:
				it.Point = current[pos].Point // same place, other attributes (a status change)
			case 1:
				it.Point = current[rng.IntN(len(current))].Point // onto another station: a tie
			}
			batch[pos] = it
		}
		for pos, it := range batch {
			current[pos] = it
		}
		ov = ov.With(batch)
		for q := 0; q < 300; q++ {
			c := item().Point
			if q%3 == 0 {
				c = current[rng.IntN(len(current))].Point
			}
			f := spatial.Filter{}
			switch q % 5 {
			case 1:
				f.Amenities = 1 << rng.IntN(8)
			case 2:
				f.Kinds = 1<<rng.IntN(5) | 1<<rng.IntN(5)
			case 3:
				f.ExcludeGroups = rng.Uint32()
			case 4:
				f.Accept = func(i int) bool { return i%3 != 0 }
			}
			k, r := 1+rng.IntN(30), []float64{500, 5000, 50000, 1e7}[rng.IntN(4)]
			got := ov.Nearest(c, k, r, f, nil)
			want := bruteNearest(current, c, k, r, f)
			if !slices.Equal(got, want) {
				t.Fatalf("round %d, nearest %d within %v of %v (filter %+v): %s", round, k, r, c, f, firstDiff(got, want))
			}
			b := orb.Bound{Min: orb.Point{c[0] - 0.3, c[1] - 0.2}, Max: orb.Point{c[0] + 0.3, c[1] + 0.2}}
			limit := rng.IntN(40)
			gotW, gotT := ov.Within(b, f, limit, nil)
			wantW, wantT := bruteWithin(current, b, f, limit)
			if !slices.Equal(gotW, wantW) || gotT != wantT {
				t.Fatalf("round %d, within %v limit %d: %v %v, want %v %v", round, b, limit, gotW, gotT, wantW, wantT)
			}
		}
	}
	if ov.Replaced() == 0 || ov.Len() != len(items) {
		t.Fatalf("replaced %d, len %d", ov.Replaced(), ov.Len())
	}
}
