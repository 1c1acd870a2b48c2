package spatial

// Benchmarks live inside the package so the brute-force baseline can scan the
// same precomputed unit vectors the index uses (the strongest brute force).
//
//	go test -run "^$" -bench "Nearest" -benchtime 30000x ./server/spatial/
//	go test -run "^$" -bench "NewIndex" -benchtime 5x ./server/spatial/

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

const (
	benchK      = 20
	benchRadius = 50e3 // metres
)

// benchItems are n uniform points in Liaoning's box (seed 42). Amenity bits 0-3
// are common (p = 0.5 each), bits 4-11 rare (p = 0.1); kinds 0-7.
func benchItems(n int) []Item {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	items := make([]Item, n)
	for i := range items {
		var amen uint32
		for bit := 0; bit < 12; bit++ {
			p := 0.1
			if bit < 4 {
				p = 0.5
			}
			if r.Float64() < p {
				amen |= 1 << bit
			}
		}
		items[i] = Item{
			Point:     orb.Point{118.8 + r.Float64()*7, 38.7 + r.Float64()*4.8},
			Kind:      uint8(r.IntN(8)),
			Amenities: amen,
		}
	}
	return items
}

// benchQueries are 10,000 uniform query points in the same box (seed 43).
var benchQueries = sync.OnceValue(func() []orb.Point {
	r := rand.New(rand.NewPCG(43, 0))
	qs := make([]orb.Point, 10000)
	for i := range qs {
		qs[i] = orb.Point{118.8 + r.Float64()*7, 38.7 + r.Float64()*4.8}
	}
	return qs
})

var (
	benchMu      sync.Mutex
	benchIndexes = map[int]*Index{}
)

func benchIndex(n int) *Index {
	benchMu.Lock()
	defer benchMu.Unlock()
	if ix, ok := benchIndexes[n]; ok {
		return ix
	}
	ix := NewIndex(benchItems(n))
	benchIndexes[n] = ix
	return ix
}

var benchFilters = []struct {
	name string
	f    Filter
}{
	{"nofilter", Filter{}},
	// Two common amenities: about 25% of the points qualify.
	{"amenities", Filter{Amenities: 1<<0 | 1<<2}},
}

// reportLatency times each of the 10,000 queries once and reports the
// nearest-rank p50 and p99 in microseconds.
func reportLatency(b *testing.B, query func(orb.Point)) {
	qs := benchQueries()
	lat := make([]time.Duration, len(qs))
	for i, q := range qs {
		t0 := time.Now()
		query(q)
		lat[i] = time.Since(t0)
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		i := int(p*float64(len(lat))+0.999999) - 1
		return float64(lat[i].Nanoseconds()) / 1e3
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
}

func BenchmarkNearest(b *testing.B) {
	for _, n := range []int{16000, 1000000} {
		for _, fc := range benchFilters {
			b.Run(fmt.Sprintf("n=%d/%s", n, fc.name), func(b *testing.B) {
				ix, qs := benchIndex(n), benchQueries()
				dst := make([]Hit, 0, benchK)
				query := func(q orb.Point) { dst = ix.Nearest(q, benchK, benchRadius, fc.f, dst[:0]) }
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					query(qs[i%len(qs)])
				}
				b.StopTimer()
				if len(dst) != benchK {
					b.Fatalf("got %d hits", len(dst))
				}
				reportLatency(b, query)
			})
		}
	}
}

// BenchmarkNearestBrute is the baseline: the same exact ranking, but scanning
// every point (no tree).
func BenchmarkNearestBrute(b *testing.B) {
	for _, fc := range benchFilters {
		b.Run("n=16000/"+fc.name, func(b *testing.B) {
			ix, qs := benchIndex(16000), benchQueries()
			dst := make([]Hit, 0, benchK)
			query := func(q orb.Point) { dst = bruteNearest(ix, q, benchK, benchRadius, fc.f, dst[:0]) }
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				query(qs[i%len(qs)])
			}
			b.StopTimer()
			reportLatency(b, query)
		})
	}
}

func bruteNearest(ix *Index, center orb.Point, k int, radiusM float64, f Filter, dst []Hit) []Hit {
	var buf [maxStackK]cand
	s := knn{h: buf[:0:k], r: radiusM, amen: f.Amenities, kind: f.Kinds, accept: f.Accept}
	q := unitVec(center)
	s.qx, s.qy, s.qz = q.x, q.y, q.z
	s.setRadius(radiusM)
	s.bound = s.thrHi
	for j := range ix.pts {
		p := &ix.pts[j]
		if p.amen&s.amen != s.amen || (s.kind != 0 && s.kind&kindBit(ix.kind[j]) == 0) {
			continue
		}
		if c2 := chord2(s.qx, s.qy, s.qz, p.x, p.y, p.z); c2 <= s.bound {
			s.offer(c2, p.pos)
		}
	}
	for len(s.h) > 0 { // unordered is fine for a timing baseline
		dst = append(dst, Hit{Index: int(s.h[0].pos), DistanceM: s.h[0].dist()})
		s.h[0] = s.h[len(s.h)-1]
		s.h = s.h[:len(s.h)-1]
		s.down(0)
	}
	return dst
}

func BenchmarkNewIndex(b *testing.B) {
	for _, n := range []int{16000, 1000000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			items := benchItems(n)
			var ms0, ms1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			ix := NewIndex(items)
			runtime.GC()
			runtime.ReadMemStats(&ms1)
			runtime.KeepAlive(ix)
			heapPerPoint := float64(ms1.HeapAlloc-ms0.HeapAlloc) / float64(n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ix = NewIndex(items)
			}
			b.StopTimer()
			runtime.KeepAlive(ix)
			b.ReportMetric(heapPerPoint, "heap-B/pt")
		})
	}
}
