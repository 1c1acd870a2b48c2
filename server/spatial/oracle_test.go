package spatial_test

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/spatial"
)

// Liaoning's bounding box.
const (
	lnMinLon, lnMaxLon = 118.8, 125.8
	lnMinLat, lnMaxLat = 38.7, 43.5
)

// bruteNearest is the reference: DistanceM for every item, filter, radius, sort
// by (distance, position), take k.
func bruteNearest(items []spatial.Item, c orb.Point, k int, r float64, f spatial.Filter) []spatial.Hit {
	var hits []spatial.Hit
	for i, it := range items {
		if !passes(it, i, f) {
			continue
		}
		if d := spatial.DistanceM(c, it.Point); d <= r {
			hits = append(hits, spatial.Hit{Index: i, DistanceM: d})
		}
	}
	slices.SortFunc(hits, func(a, b spatial.Hit) int {
		return cmp.Or(cmp.Compare(a.DistanceM, b.DistanceM), cmp.Compare(a.Index, b.Index))
	})
	return hits[:min(max(k, 0), len(hits))]
}

func bruteWithin(items []spatial.Item, b orb.Bound, f spatial.Filter, limit int) ([]int, bool) {
	var hits []int
	for i, it := range items {
		p := it.Point
		if p[0] >= b.Min[0] && p[0] <= b.Max[0] && p[1] >= b.Min[1] && p[1] <= b.Max[1] && passes(it, i, f) {
			hits = append(hits, i)
		}
	}
	limit = max(limit, 0)
	if len(hits) > limit {
		return hits[:limit], true
	}
	return hits, false
}

// firstDiff describes where two hit lists first differ.
func firstDiff(got, want []spatial.Hit) string {
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			return fmt.Sprintf("at %d: got %+v, want %+v (lengths %d, %d)", i, got[i], want[i], len(got), len(want))
		}
	}
	return fmt.Sprintf("lengths differ: got %d, want %d", len(got), len(want))
}

func passes(it spatial.Item, i int, f spatial.Filter) bool {
	return it.Amenities&f.Amenities == f.Amenities &&
		(f.Kinds == 0 || f.Kinds&(1<<it.Kind) != 0) &&
		f.ExcludeGroups&(1<<it.Group) == 0 &&
		(f.Accept == nil || f.Accept(i))
}

// dataset describes one way of generating random items.
type dataset struct {
	name string
	gen  func(r *rand.Rand, n int) []orb.Point
}

func uniformBox(r *rand.Rand, minLon, maxLon, minLat, maxLat float64) orb.Point {
	return orb.Point{minLon + r.Float64()*(maxLon-minLon), minLat + r.Float64()*(maxLat-minLat)}
}

// worldPoint is uniform on the sphere, with some exact poles and antimeridian points.
func worldPoint(r *rand.Rand) orb.Point {
	switch r.IntN(10) {
	case 0:
		return orb.Point{r.Float64()*360 - 180, []float64{90, -90}[r.IntN(2)]}
	case 1:
		return orb.Point{[]float64{180, -180, 179.9999, -179.9999}[r.IntN(4)], r.Float64()*180 - 90}
	}
	return orb.Point{r.Float64()*360 - 180, math.Asin(2*r.Float64()-1) / math.Pi * 180}
}

var datasets = []dataset{
	{"liaoning", func(r *rand.Rand, n int) []orb.Point {
		ps := make([]orb.Point, n)
		for i := range ps {
			ps[i] = uniformBox(r, lnMinLon, lnMaxLon, lnMinLat, lnMaxLat)
		}
		return ps
	}},
	{"clustered+duplicates", func(r *rand.Rand, n int) []orb.Point {
		centres := make([]orb.Point, 1+r.IntN(6))
		for i := range centres {
			centres[i] = uniformBox(r, lnMinLon, lnMaxLon, lnMinLat, lnMaxLat)
		}
		ps := make([]orb.Point, n)
		for i := range ps {
			if i > 0 && r.IntN(4) == 0 { // exact duplicate of an earlier point
				ps[i] = ps[r.IntN(i)]
				continue
			}
			c := centres[r.IntN(len(centres))]
			sigma := []float64{1e-6, 1e-4, 0.01, 0.1}[r.IntN(4)]
			ps[i] = orb.Point{c[0] + r.NormFloat64()*sigma, c[1] + r.NormFloat64()*sigma}
		}
		return ps
	}},
	{"grid", func(r *rand.Rand, n int) []orb.Point {
		// A regular grid gives many exact and last-bit distance ties.
		w := 1 + r.IntN(40)
		step := []float64{0.001, 0.01, 0.1}[r.IntN(3)]
		lon0, lat0 := 120+r.Float64()*4, 39+r.Float64()*3
		ps := make([]orb.Point, n)
		for i := range ps {
			ps[i] = orb.Point{lon0 + float64(i%w)*step, lat0 + float64(i/w)*step}
		}
		r.Shuffle(n, func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
		return ps
	}},
	{"world", func(r *rand.Rand, n int) []orb.Point {
		ps := make([]orb.Point, n)
		for i := range ps {
			ps[i] = worldPoint(r)
		}
		return ps
	}},
	{"mixed", func(r *rand.Rand, n int) []orb.Point {
		ps := make([]orb.Point, n)
		for i := range ps {
			if r.IntN(5) == 0 {
				ps[i] = worldPoint(r)
			} else {
				ps[i] = uniformBox(r, lnMinLon, lnMaxLon, lnMinLat, lnMaxLat)
			}
		}
		return ps
	}},
}

func randomItems(r *rand.Rand, ds dataset, n int) []spatial.Item {
	pts := ds.gen(r, n)
	items := make([]spatial.Item, n)
	nKinds := 1 + r.IntN(32)
	for i, p := range pts {
		var amen uint32
		for b := 0; b < 8; b++ { // bits 0..7 common to rare; bit 31 never set
			if r.Float64() < 0.6/float64(b+1) {
				amen |= 1 << b
			}
		}
		items[i] = spatial.Item{Point: p, Kind: uint8(r.IntN(nKinds)), Amenities: amen, Group: uint8(r.IntN(32))}
	}
	return items
}

func randomFilter(r *rand.Rand) spatial.Filter {
	var f spatial.Filter
	switch r.IntN(5) {
	case 1:
		f.Amenities = 1 << r.IntN(8)
	case 2:
		f.Amenities = 1<<r.IntN(8) | 1<<r.IntN(8)
	case 3:
		f.Amenities = 1 << 31 // matches nothing
	}
	switch r.IntN(4) {
	case 1:
		f.Kinds = r.Uint32()
	case 2:
		f.Kinds = 1 << r.IntN(32)
	}
	switch r.IntN(4) {
	case 1:
		f.ExcludeGroups = r.Uint32()
	case 2:
		f.ExcludeGroups = ^uint32(1 << r.IntN(32)) // one group left
	}
	switch r.IntN(4) {
	case 1:
		salt := r.Uint64()
		f.Accept = func(i int) bool { return (uint64(i)*0x9E3779B97F4A7C15+salt)>>61 != 0 }
	case 2:
		f.Accept = func(int) bool { return false }
	}
	return f
}

func randomCentre(r *rand.Rand, items []spatial.Item) orb.Point {
	switch r.IntN(8) {
	case 0, 1:
		if len(items) > 0 { // exactly on an item
			return items[r.IntN(len(items))].Point
		}
	case 2:
		if len(items) > 0 { // very close to an item
			p := items[r.IntN(len(items))].Point
			return orb.Point{p[0] + r.NormFloat64()*1e-5, p[1] + r.NormFloat64()*1e-5}
		}
	case 3:
		return worldPoint(r)
	case 4:
		return []orb.Point{{0, 90}, {123, -90}, {180, 41}, {-180, -41}, {-70, -33}, {0, 0}, {-56.6, -41.2}}[r.IntN(7)]
	}
	return uniformBox(r, lnMinLon-1, lnMaxLon+1, lnMinLat-1, lnMaxLat+1)
}

func randomRadius(r *rand.Rand, items []spatial.Item, c orb.Point) float64 {
	halfCirc := math.Pi * spatial.EarthRadiusM
	switch r.IntN(10) {
	case 0:
		if len(items) > 0 { // exactly on the boundary of an item
			return spatial.DistanceM(c, items[r.IntN(len(items))].Point)
		}
	case 1:
		return []float64{0, 1, math.Inf(1), halfCirc, math.Nextafter(halfCirc, 0), 2e7, 1.5e7, 1e-3}[r.IntN(8)]
	case 2:
		return math.Pow(10, 3+r.Float64()*4.5) // 1 km .. 30,000 km
	}
	return math.Pow(10, r.Float64()*5.5) // 1 m .. 300 km
}

func randomK(r *rand.Rand, n int) int {
	switch r.IntN(8) {
	case 0:
		return 1
	case 1:
		return 150 // larger than the stack heap
	case 2:
		return n + 1 + r.IntN(3)
	}
	return 1 + r.IntN(100)
}

func TestNearestMatchesBruteForce(t *testing.T) {
	for di, ds := range datasets {
		t.Run(ds.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(di)))
			queries := 0
			for round := 0; round < 61; round++ {
				n := []int{0, 1, 2, 5, 17}[round%5]
				switch {
				case round == 60: // one deep tree
					n = 50000
				case round >= 5:
					n = r.IntN(3000)
				}
				items := randomItems(r, ds, n)
				ix := spatial.NewIndex(items)
				if ix.Len() != n {
					t.Fatalf("Len = %d, want %d", ix.Len(), n)
				}
				for q := 0; q < 30; q++ {
					c := randomCentre(r, items)
					k := randomK(r, n)
					rad := randomRadius(r, items, c)
					f := randomFilter(r)
					want := bruteNearest(items, c, k, rad, f)
					prefix := []spatial.Hit{{Index: -7, DistanceM: -7}}
					got := ix.Nearest(c, k, rad, f, prefix)
					queries++
					if got[0] != prefix[0] || !slices.Equal(got[1:], want) {
						t.Fatalf("n=%d centre=%v k=%d radius=%v filter=%+v: %s",
							n, c, k, rad, f, firstDiff(got[1:], want))
					}
				}
			}
			t.Logf("%d queries", queries)
		})
	}
}

func TestConcurrentReaders(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	items := randomItems(r, datasets[4], 5000)
	ix := spatial.NewIndex(items)
	type query struct {
		c    orb.Point
		want []spatial.Hit
	}
	qs := make([]query, 200)
	for i := range qs {
		c := randomCentre(r, items)
		qs[i] = query{c, bruteNearest(items, c, 20, 300e3, spatial.Filter{})}
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var dst []spatial.Hit
			for _, q := range qs {
				dst = ix.Nearest(q.c, 20, 300e3, spatial.Filter{}, dst[:0])
				if !slices.Equal(dst, q.want) {
					done <- fmt.Errorf("centre %v: %s", q.c, firstDiff(dst, q.want))
					return
				}
			}
			done <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestNearestEdgeCases(t *testing.T) {
	items := []spatial.Item{
		{Point: orb.Point{123, 41}}, {Point: orb.Point{123, 41}}, {Point: orb.Point{123.001, 41}},
		{Point: orb.Point{math.NaN(), 41}}, {Point: orb.Point{math.Inf(1), 0}},
	}
	ix := spatial.NewIndex(items)
	tests := []struct {
		name   string
		centre orb.Point
		k      int
		radius float64
		want   []int
	}{
		{"ties by position", orb.Point{123, 41}, 2, 1e5, []int{0, 1}},
		{"zero radius keeps exact hits", orb.Point{123, 41}, 5, 0, []int{0, 1}},
		{"NaN/Inf items never match", orb.Point{123, 41}, 10, math.Inf(1), []int{0, 1, 2}},
		{"k=0", orb.Point{123, 41}, 0, 1e5, nil},
		{"negative radius", orb.Point{123, 41}, 5, -1, nil},
		{"NaN radius", orb.Point{123, 41}, 5, math.NaN(), nil},
		{"NaN centre", orb.Point{math.NaN(), 41}, 5, math.Inf(1), nil},
		{"far side of the globe", orb.Point{-57, -41}, 1, math.Inf(1), []int{2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ix.Nearest(tc.centre, tc.k, tc.radius, spatial.Filter{}, nil)
			var idx []int
			for _, h := range got {
				idx = append(idx, h.Index)
			}
			if !slices.Equal(idx, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
	if got := spatial.NewIndex(nil).Nearest(orb.Point{123, 41}, 5, 1e9, spatial.Filter{}, nil); len(got) != 0 {
		t.Fatalf("empty index returned %v", got)
	}
}

func TestWithinMatchesBruteForce(t *testing.T) {
	for di, ds := range datasets {
		t.Run(ds.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(2, uint64(di)))
			for round := 0; round < 30; round++ {
				n := []int{0, 1, 3}[round%3]
				if round >= 3 {
					n = r.IntN(3000)
				}
				items := randomItems(r, ds, n)
				ix := spatial.NewIndex(items)
				for q := 0; q < 30; q++ {
					var b orb.Bound
					switch r.IntN(6) {
					case 0: // the whole world
						b = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
					case 1: // degenerate box on an item: inclusive edges
						if n > 0 {
							p := items[r.IntN(n)].Point
							b = orb.Bound{Min: p, Max: p}
							break
						}
						fallthrough
					case 2: // inverted box matches nothing
						b = orb.Bound{Min: orb.Point{124, 42}, Max: orb.Point{122, 40}}
					default:
						p1 := randomCentre(r, items)
						p2 := orb.Point{p1[0] + r.Float64()*r.Float64()*4, p1[1] + r.Float64()*r.Float64()*3}
						b = orb.Bound{Min: p1, Max: p2}
					}
					limit := []int{0, 1, 10, r.IntN(200), 1 << 30}[r.IntN(5)]
					f := randomFilter(r)
					wantHits, wantTrunc := bruteWithin(items, b, f, limit)
					got, trunc := ix.Within(b, f, limit, []int{-5})
					if got[0] != -5 || !slices.Equal(got[1:], wantHits) || trunc != wantTrunc {
						t.Fatalf("n=%d box=%v limit=%d filter=%+v:\n got %v %v\nwant %v %v",
							n, b, limit, f, got[1:], trunc, wantHits, wantTrunc)
					}
				}
			}
		})
	}
}

func TestNoAllocations(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	items := randomItems(r, datasets[0], 16000)
	ix := spatial.NewIndex(items)
	open := func(i int) bool { return i%7 != 0 }
	tests := []struct {
		name string
		f    spatial.Filter
	}{
		{"no filter", spatial.Filter{}},
		{"amenities+kinds+accept", spatial.Filter{Amenities: 1, Kinds: 0xff, Accept: open}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits := make([]spatial.Hit, 0, 100)
			ids := make([]int, 0, 100)
			c := orb.Point{123.4, 41.8}
			b := orb.Bound{Min: orb.Point{122, 41}, Max: orb.Point{125, 43}}
			if a := testing.AllocsPerRun(200, func() {
				hits = ix.Nearest(c, 100, 300e3, tc.f, hits[:0])
			}); a != 0 {
				t.Errorf("Nearest: %v allocs/op", a)
			}
			if a := testing.AllocsPerRun(200, func() {
				ids, _ = ix.Within(b, tc.f, 100, ids[:0])
			}); a != 0 {
				t.Errorf("Within: %v allocs/op", a)
			}
			if len(hits) != 100 || len(ids) != 100 {
				t.Fatalf("expected full results, got %d hits and %d ids", len(hits), len(ids))
			}
		})
	}
}

func ExampleIndex_Nearest() {
	ix := spatial.NewIndex([]spatial.Item{
		{Point: orb.Point{123.4315, 41.8057}, Amenities: 1}, // Shenyang
		{Point: orb.Point{121.6147, 38.9140}, Amenities: 3}, // Dalian
	})
	for _, h := range ix.Nearest(orb.Point{122, 40}, 5, 500e3, spatial.Filter{Amenities: 2}, nil) {
		fmt.Printf("%d %.0f m\n", h.Index, h.DistanceM)
	}
	// Output: 1 125206 m
}
