package spatial

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// How Nearest stays exact.
//
// The search ranks by squared chord length c2 between unit vectors, which is
// cheap and increases with great-circle distance. The answer, however, is defined
// by DistanceM = distFromChord2(c2) and the item position, and two different c2
// values can round to the same distance (or, by a last-bit wobble of Asin, even to
// the opposite order). So c2 is only trusted when it decides clearly:
//
//   - if c2a < c2b·(1-tieMargin), distance(a) < distance(b) for certain, because
//     a relative gap of 1e-9 in c2 is at least 5e-10 in distance, while the
//     rounding error of distFromChord2 is around 1e-16;
//   - otherwise both distances are computed and compared exactly, then positions.
//
// Pruning uses the same margin, never prunes on equality, and the radius test is
// done the same way: clear cases by c2, the narrow band around the threshold by
// computing DistanceM <= radius.
const tieMargin = 1e-9

// maxStackK is the largest k served from a stack-allocated heap.
const maxStackK = 100

// cand is a heap entry. d is the distance in metres, or -1 until it is needed.
type cand struct {
	c2, d float64
	pos   int32
}

func (c *cand) dist() float64 {
	if c.d < 0 {
		c.d = distFromChord2(c.c2)
	}
	return c.d
}

// before reports whether a ranks strictly before b by (DistanceM, position).
func before(a, b *cand) bool {
	if a.c2 < b.c2*(1-tieMargin) {
		return true
	}
	if b.c2 < a.c2*(1-tieMargin) {
		return false
	}
	da, db := a.dist(), b.dist()
	if da != db {
		return da < db
	}
	return a.pos < b.pos
}

// knn is the state of one Nearest call; it lives on the caller's stack.
type knn struct {
	qx, qy, qz float64
	r          float64 // radius in metres
	thrLo      float64 // c2 <= thrLo is surely within the radius
	thrHi      float64 // c2 > thrHi is surely outside it
	bound      float64 // prune anything whose c2 (lower bound) exceeds this
	amen, kind uint32
	exclude    uint32 // Filter.ExcludeGroups
	accept     func(int) bool
	h          []cand // max-heap by rank, capacity k
}

// Nearest appends to dst the at most k items nearest to center within radiusM
// metres (inclusive: DistanceM(center, item) <= radiusM), that pass f, ordered by
// (DistanceM, position). The result is exactly what a brute-force scan with
// DistanceM would return. It does not allocate when dst has room for k more hits
// and k <= 100. A negative or NaN radius matches nothing; +Inf matches everything.
func (ix *Index) Nearest(center orb.Point, k int, radiusM float64, f Filter, dst []Hit) []Hit {
	if k <= 0 || len(ix.pts) == 0 || !(radiusM >= 0) {
		return dst
	}
	k = min(k, len(ix.pts))
	var buf [maxStackK]cand
	var s knn
	if k <= maxStackK {
		s.h = buf[:0:k]
	} else {
		s.h = make([]cand, 0, k)
	}
	q := unitVec(center)
	if q.x != q.x || q.y != q.y || q.z != q.z {
		return dst // a NaN or infinite centre is at NaN distance from everything
	}
	s.qx, s.qy, s.qz = q.x, q.y, q.z
	s.r = radiusM
	s.amen, s.kind, s.exclude, s.accept = f.Amenities, f.Kinds, f.ExcludeGroups, f.Accept
	s.setRadius(radiusM)
	s.bound = s.thrHi

	ix.search(&s)

	// Pop the heap from worst to best into the tail of dst.
	n := len(s.h)
	base := len(dst)
	dst = slices.Grow(dst, n)[:base+n]
	for i := n - 1; i >= 0; i-- {
		top := &s.h[0]
		dst[base+i] = Hit{Index: int(top.pos), DistanceM: top.dist()}
		last := len(s.h) - 1
		s.h[0] = s.h[last]
		s.h = s.h[:last]
		s.down(0)
	}
	return dst
}

// setRadius derives the c2 band [thrLo, thrHi] around the radius threshold
// 4·sin²(r/2R). Where that formula is badly conditioned (radii beyond a quarter
// of the circumference, or so tiny that c2 underflows) the band is widened to
// "always compute DistanceM", which is exact and only costs a few Asin calls.
func (s *knn) setRadius(r float64) {
	theta := r / EarthRadiusM
	if theta > math.Pi/2 {
		s.thrLo, s.thrHi = -1, math.Inf(1)
		return
	}
	sh := math.Sin(theta / 2)
	thr := 4 * sh * sh
	if thr < 1e-250 {
		// DistanceM <= r implies c2 <= (r/R)²·(1+ε) < 1e-250 here.
		s.thrLo, s.thrHi = -1, 1e-250
		return
	}
	s.thrLo, s.thrHi = thr*(1-tieMargin), thr*(1+tieMargin)
}

// lowerBound is a lower bound of c2 from the query to any point in the box. It
// rounds monotonically in the same order as chord2, so it never exceeds the
// computed c2 of a point inside the box.
func (s *knn) lowerBound(nd *node) float64 {
	dx := axisGap(s.qx, float64(nd.min[0]), float64(nd.max[0]))
	dy := axisGap(s.qy, float64(nd.min[1]), float64(nd.max[1]))
	dz := axisGap(s.qz, float64(nd.min[2]), float64(nd.max[2]))
	return float64(dx*dx) + float64(dy*dy) + float64(dz*dz)
}

func axisGap(q, lo, hi float64) float64 {
	if q < lo {
		return lo - q
	}
	if q > hi {
		return q - hi
	}
	return 0
}

// search is a depth-first walk that visits the nearer child first and skips
// subtrees that are too far or cannot pass the filter bits.
func (ix *Index) search(s *knn) {
	type entry struct {
		node int32
		lb   float64
	}
	var stack [64]entry // depth is at most 28 for 2^31 points
	nodes := ix.nodes
	root := &nodes[0]
	if !root.filterOK(s.amen, s.kind, s.exclude) {
		return
	}
	stack[0] = entry{0, s.lowerBound(root)}
	sp := 1
	for sp > 0 {
		sp--
		e := stack[sp]
		if e.lb > s.bound {
			continue
		}
		ni := int(e.node)
		for ni < ix.firstLeaf {
			l, r := 2*ni+1, 2*ni+2
			ln, rn := &nodes[l], &nodes[r]
			lb, rb := math.Inf(1), math.Inf(1)
			if ln.filterOK(s.amen, s.kind, s.exclude) {
				lb = s.lowerBound(ln)
			}
			if rn.filterOK(s.amen, s.kind, s.exclude) {
				rb = s.lowerBound(rn)
			}
			if rb < lb {
				l, r, lb, rb = r, l, rb, lb
			}
			// lb <= rb now; +Inf marks a filtered-out child.
			if rb <= s.bound && rb != math.Inf(1) {
				stack[sp] = entry{int32(r), rb}
				sp++
			}
			if lb > s.bound || lb == math.Inf(1) {
				ni = -1
				break
			}
			ni = l
		}
		if ni >= 0 {
			ix.scanLeaf(s, &nodes[ni])
		}
	}
}

func (ix *Index) scanLeaf(s *knn, nd *node) {
	pts := ix.pts[nd.lo:nd.hi]
	kinds := ix.kind[nd.lo:nd.hi]
	groups := ix.group[nd.lo:nd.hi]
	for j := range pts {
		p := &pts[j]
		if p.amen&s.amen != s.amen {
			continue
		}
		if s.kind != 0 && s.kind&kindBit(kinds[j]) == 0 || s.exclude&kindBit(groups[j]) != 0 {
			continue
		}
		c2 := chord2(s.qx, s.qy, s.qz, p.x, p.y, p.z)
		if c2 > s.bound {
			continue
		}
		s.offer(c2, p.pos)
	}
}

// offer considers one item that passed the bit filters and the cheap distance cut.
func (s *knn) offer(c2 float64, pos int32) {
	c := cand{c2: c2, d: -1, pos: pos}
	if !(c2 <= s.thrLo) {
		// Not clearly inside the radius: decide exactly (NaN lands here and fails).
		if !(c2 <= s.thrHi) || !(c.dist() <= s.r) {
			return
		}
	}
	full := len(s.h) == cap(s.h)
	if full && !before(&c, &s.h[0]) {
		return
	}
	if s.accept != nil && !s.accept(int(pos)) {
		return
	}
	if full {
		s.h[0] = c
		s.down(0)
	} else {
		// Reslice rather than append: append would make escape analysis
		// move the stack buffer to the heap.
		n := len(s.h)
		s.h = s.h[:n+1]
		s.h[n] = c
		s.up(n)
		if len(s.h) < cap(s.h) {
			return
		}
	}
	// The heap is full: nothing ranking after its top can enter any more. The
	// doubled margin keeps every c2 that might still tie or win by distance.
	s.bound = min(s.thrHi, s.h[0].c2*(1+2*tieMargin))
}

func (s *knn) up(i int) {
	h := s.h
	for i > 0 {
		p := (i - 1) / 2
		if !before(&h[p], &h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (s *knn) down(i int) {
	h := s.h
	n := len(h)
	for {
		worst := i
		if l := 2*i + 1; l < n && before(&h[worst], &h[l]) {
			worst = l
		}
		if r := 2*i + 2; r < n && before(&h[worst], &h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}
