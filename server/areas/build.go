package areas

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
)

// ToleranceM is the Douglas–Peucker tolerance of Build, in metres (longitudes are scaled by
// cos 41.3°, Liaoning's middle latitude), chosen by measurement: 300 m gives 416 KB raw (102 KB
// gzip -9), 500 m 294 KB (71 KB), 750 m 231 KB (55 KB), 1000 m 192 KB (45 KB). At 750 m the file is
// within the 100–250 KB aimed at, and the shapes stay within 750 m of the reference, which is itself
// only good to about 1 km. Arcs that would break the topology at this tolerance get a smaller one.
const ToleranceM = 750

// scale is the coordinate grid of the output: 1e-4° (≈ 11 m N–S, ≈ 8 m E–W). The reference's grid of
// 1/1024° is ten times coarser, so rounding to it keeps every vertex distinct and every shared vertex
// shared; all topology below is computed exactly on these integers.
const scale = 1e4

// Metres per unit of the grid (an equirectangular projection at Liaoning's middle latitude): only the
// simplification tolerance is measured with them.
var (
	unitY = 111_132.0 / scale
	unitX = 111_320.0 * math.Cos(41.3*math.Pi/180) / scale
)

// pt is a vertex in grid units (lon, lat × 1e4).
type pt struct{ x, y int64 }

func (a pt) less(b pt) bool { return a.x < b.x || a.x == b.x && a.y < b.y }

// edge is a directed edge; the feature owning a directed edge has its interior on the left.
type edge struct{ a, b pt }

// arc is a chain of edges between two junctions with the same feature on each side all along: left
// is the feature on the left of pts in order, right the one on the right (-1: none, outside).
type arc struct {
	pts         []pt
	left, right int
	level       int  // tolerance = ToleranceM / 2^level; maxLevel means unsimplified
	out         []pt // the simplified chain
	keep        []int
}

const maxLevel = 10

// half is an arc used in one direction by a ring.
type half struct {
	arc int
	rev bool
}

// feature is one input district.
type feature struct {
	adcode, name, city, cityAdcode string
}

type refFeature struct {
	Properties struct {
		Adcode     string `json:"adcode"`
		Name       string `json:"name"`
		City       string `json:"city"`
		CityAdcode string `json:"city_adcode"`
	} `json:"properties"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
}

// Build makes the base layer from the reference districts (data/reference/liaoning-districts.geojson):
// a FeatureCollection of the 14 cities (sorted by adcode) followed by the 100 districts (sorted by
// adcode), simplified so that shared borders stay shared. The output depends only on the input.
func Build(reference []byte) ([]byte, error) {
	var fc struct {
		Type     string       `json:"type"`
		Features []refFeature `json:"features"`
	}
	if err := json.Unmarshal(reference, &fc); err != nil {
		return nil, fmt.Errorf("reading the reference: %w", err)
	}
	if len(fc.Features) == 0 {
		return nil, errors.New("the reference has no features")
	}
	sort.SliceStable(fc.Features, func(i, j int) bool {
		return fc.Features[i].Properties.Adcode < fc.Features[j].Properties.Adcode
	})
	feats := make([]feature, len(fc.Features))
	var rings []srcRing
	for fi, f := range fc.Features {
		p := f.Properties
		feats[fi] = feature{p.Adcode, p.Name, p.City, p.CityAdcode}
		if fi > 0 && p.Adcode == feats[fi-1].adcode {
			return nil, fmt.Errorf("adcode %s appears twice", p.Adcode)
		}
		var polys [][][][2]float64
		switch f.Geometry.Type {
		case "Polygon":
			var poly [][][2]float64
			if err := json.Unmarshal(f.Geometry.Coordinates, &poly); err != nil {
				return nil, fmt.Errorf("%s: %w", p.Adcode, err)
			}
			polys = [][][][2]float64{poly}
		case "MultiPolygon":
			if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
				return nil, fmt.Errorf("%s: %w", p.Adcode, err)
			}
		default:
			return nil, fmt.Errorf("%s: geometry %q is not a polygon", p.Adcode, f.Geometry.Type)
		}
		for _, poly := range polys {
			for ri, ring := range poly {
				r := make([]pt, len(ring))
				for i, c := range ring {
					r[i] = pt{int64(math.Round(c[0] * scale)), int64(math.Round(c[1] * scale))}
				}
				// exteriors counter-clockwise, holes clockwise (the reference has clockwise exteriors)
				if (ringArea2(r) < 0) == (ri == 0) {
					for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
						r[i], r[j] = r[j], r[i]
					}
				}
				rings = append(rings, srcRing{fi, r})
			}
		}
	}
	owner, err := resolve(rings, len(feats))
	if err != nil {
		return nil, err
	}

	arcs := buildArcs(owner)
	b := &builder{feats: feats, arcs: arcs}
	if err := b.simplify(); err != nil {
		return nil, err
	}
	return b.encode()
}

func ownerOf(owner map[edge]int, a, b pt) int {
	if f, ok := owner[edge{a, b}]; ok {
		return f
	}
	return -1
}

// buildArcs splits the boundaries into arcs at junctions: vertices where the pair of features on the
// two sides changes, or where other than two edges meet. Rings without a junction become closed arcs
// starting at their smallest vertex. The result is in a canonical order and direction.
func buildArcs(owner map[edge]int) []*arc {
	adj := map[pt][]pt{}
	seen := map[edge]bool{}
	for e := range owner {
		for _, d := range []edge{e, {e.b, e.a}} {
			if !seen[d] {
				seen[d] = true
				adj[d.a] = append(adj[d.a], d.b)
			}
		}
	}
	verts := make([]pt, 0, len(adj))
	for v, ns := range adj {
		sort.Slice(ns, func(i, j int) bool { return ns[i].less(ns[j]) })
		verts = append(verts, v)
	}
	sort.Slice(verts, func(i, j int) bool { return verts[i].less(verts[j]) })
	junction := map[pt]bool{}
	for _, v := range verts {
		ns := adj[v]
		if len(ns) != 2 {
			junction[v] = true
			continue
		}
		// through u → v → w: the sides must stay the same
		u, w := ns[0], ns[1]
		if ownerOf(owner, u, v) != ownerOf(owner, v, w) || ownerOf(owner, v, u) != ownerOf(owner, w, v) {
			junction[v] = true
		}
	}
	used := map[edge]bool{}
	var arcs []*arc
	walk := func(start, next pt) {
		a := &arc{pts: []pt{start}, left: ownerOf(owner, start, next), right: ownerOf(owner, next, start)}
		prev, cur := start, next
		used[edge{prev, cur}], used[edge{cur, prev}] = true, true
		for {
			a.pts = append(a.pts, cur)
			if junction[cur] || cur == start {
				break
			}
			ns := adj[cur]
			nxt := ns[0]
			if nxt == prev {
				nxt = ns[1]
			}
			prev, cur = cur, nxt
			used[edge{prev, cur}], used[edge{cur, prev}] = true, true
		}
		arcs = append(arcs, a)
	}
	for _, v := range verts {
		if !junction[v] {
			continue
		}
		for _, n := range adj[v] {
			if !used[edge{v, n}] {
				walk(v, n)
			}
		}
	}
	for _, v := range verts { // closed rings without a junction: start at their smallest vertex
		for _, n := range adj[v] {
			if !used[edge{v, n}] {
				junction[v] = true
				walk(v, n)
			}
		}
	}
	return arcs
}

func sign(v int64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// ringArea2 is twice the signed area of a closed ring (positive: counter-clockwise).
func ringArea2(r []pt) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += r[i].x*r[i+1].y - r[i+1].x*r[i].y
	}
	return s
}

// douglasPeucker returns the indexes of pts kept at tolerance tol (metres), always the first and last.
func douglasPeucker(pts []pt, tol float64) []int {
	keep := []int{0}
	var rec func(i, j int)
	rec = func(i, j int) {
		if j <= i+1 {
			return
		}
		ax, ay := float64(pts[i].x)*unitX, float64(pts[i].y)*unitY
		bx, by := float64(pts[j].x)*unitX, float64(pts[j].y)*unitY
		dx, dy := bx-ax, by-ay
		l2 := dx*dx + dy*dy
		best, bi := -1.0, -1
		for k := i + 1; k < j; k++ {
			px, py := float64(pts[k].x)*unitX-ax, float64(pts[k].y)*unitY-ay
			var d float64
			if l2 == 0 {
				d = px*px + py*py
			} else {
				t := (px*dx + py*dy) / l2
				t = math.Max(0, math.Min(1, t))
				ex, ey := px-t*dx, py-t*dy
				d = ex*ex + ey*ey
			}
			if d > best {
				best, bi = d, k
			}
		}
		if best > tol*tol {
			rec(i, bi)
			keep = append(keep, bi)
			rec(bi, j)
		}
	}
	rec(0, len(pts)-1)
	return append(keep, len(pts)-1)
}

// builder holds the arcs of the districts and the rings of every output area as arcs.
type builder struct {
	feats []feature
	arcs  []*arc
	// rings[k] are the rings of area k: the districts in input order, then the cities in cities order.
	rings  [][][]half
	cities []feature // name, adcode of each city
	ends   map[pt][]end
}

type end struct {
	arc  int
	last bool // the arc ends here (else it starts here)
}

type vref struct {
	arc, i   int
	junction pt // when arc is -1
}

func (b *builder) halfPts(h half, simplified bool) []pt {
	a := b.arcs[h.arc]
	p := a.pts
	if simplified {
		p = a.out
	}
	if !h.rev {
		return p
	}
	r := make([]pt, len(p))
	for i := range p {
		r[i] = p[len(p)-1-i]
	}
	return r
}

// ringPts concatenates the arcs of a ring into a closed ring.
func (b *builder) ringPts(ring []half, simplified bool) []pt {
	var r []pt
	for _, h := range ring {
		p := b.halfPts(h, simplified)
		if len(r) > 0 {
			p = p[1:]
		}
		r = append(r, p...)
	}
	return r
}

// trace assembles the arcs with exactly one side in the set into rings with the set on their left.
// Where several rings meet at one junction, each turn takes the first arc clockwise from the way it
// came in, so that rings touching at a point are kept apart as separate simple rings.
func (b *builder) trace(in func(f int) bool) [][]half {
	out := map[pt][]half{}
	var halves []half
	for i, a := range b.arcs {
		l, r := a.left >= 0 && in(a.left), a.right >= 0 && in(a.right)
		if l == r {
			continue
		}
		h := half{i, !l}
		halves = append(halves, h)
		p := b.halfPts(h, false)
		out[p[0]] = append(out[p[0]], h)
	}
	done := map[half]bool{}
	var rings [][]half
	for _, h0 := range halves {
		if done[h0] {
			continue
		}
		ring := []half{h0}
		done[h0] = true
		cur := h0
		for {
			p := b.halfPts(cur, false)
			n := p[len(p)-1]
			back := sub(p[len(p)-2], n)
			var best half
			var bestDir pt
			found := false
			for _, c := range out[n] {
				cp := b.halfPts(c, false)
				d := sub(cp[1], n)
				if !found || cwBefore(back, d, bestDir) {
					best, bestDir, found = c, d, true
				}
			}
			if !found {
				panic("areas: an open ring") // cannot happen: every vertex has as many edges in as out
			}
			if best == h0 {
				break
			}
			if done[best] {
				var ds []string
				for _, c := range out[n] {
					cp := b.halfPts(c, false)
					ds = append(ds, fmt.Sprint(c, sub(cp[1], n), b.arcs[c.arc].left, b.arcs[c.arc].right))
				}
				panic(fmt.Sprint("areas: rings cross at ", n, " back ", back, ds, len(ring)))
			}
			done[best] = true
			ring = append(ring, best)
			cur = best
		}
		rings = append(rings, ring)
	}
	return rings
}

func sub(a, b pt) pt             { return pt{a.x - b.x, a.y - b.y} }
func cross(a, b pt) int64        { return a.x*b.y - a.y*b.x }
func dot(a, b pt) int64          { return a.x*b.x + a.y*b.y }
func orient(a, b, c pt) int64    { return cross(sub(b, a), sub(c, a)) }
func between(a, b, c int64) bool { return min(a, b) <= c && c <= max(a, b) }

// cwGroup orders directions by their clockwise angle from back: 0 for (0, π), 1 for π, 2 for (π, 2π),
// 3 for back itself (2π).
func cwGroup(back, d pt) int {
	c := cross(back, d)
	switch {
	case c < 0:
		return 0
	case c == 0 && dot(back, d) < 0:
		return 1
	case c > 0:
		return 2
	}
	return 3
}

// cwBefore reports whether d1 comes before d2 turning clockwise from back.
func cwBefore(back, d1, d2 pt) bool {
	g1, g2 := cwGroup(back, d1), cwGroup(back, d2)
	if g1 != g2 {
		return g1 < g2
	}
	return cross(d1, d2) < 0
}

// ccwLess orders directions by their angle counter-clockwise from +x, in [0, 2π).
func ccwLess(d1, d2 pt) bool {
	h1, h2 := upper(d1), upper(d2)
	if h1 != h2 {
		return h1
	}
	return cross(d1, d2) > 0
}

func upper(d pt) bool { return d.y > 0 || d.y == 0 && d.x > 0 }

// grid is a uniform bucket index over the coordinate plane.
type grid[T any] struct {
	cells map[[2]int64][]T
}

const cell = 500 // grid units: 0.05°

func (g *grid[T]) add(minX, minY, maxX, maxY int64, v T) {
	if g.cells == nil {
		g.cells = map[[2]int64][]T{}
	}
	for cx := floorDiv(minX); cx <= floorDiv(maxX); cx++ {
		for cy := floorDiv(minY); cy <= floorDiv(maxY); cy++ {
			k := [2]int64{cx, cy}
			g.cells[k] = append(g.cells[k], v)
		}
	}
}

func floorDiv(v int64) int64 {
	if v < 0 {
		return -((-v + cell - 1) / cell)
	}
	return v / cell
}

func (g *grid[T]) each(minX, minY, maxX, maxY int64, f func(T)) {
	for cx := floorDiv(minX); cx <= floorDiv(maxX); cx++ {
		for cy := floorDiv(minY); cy <= floorDiv(maxY); cy++ {
			for _, v := range g.cells[[2]int64{cx, cy}] {
				f(v)
			}
		}
	}
}

// simplify simplifies every arc once, then checks the result and, for every arc that takes part in a
// problem, halves its tolerance and tries again, until nothing is wrong. The checks: closed arcs and
// all rings keep at least 3 distinct points and their orientation; no two segments anywhere cross,
// touch or overlap other than at a shared vertex; arcs leave every junction in their original order;
// no vertex of the reference lies between an arc's simplified segment and the chain it replaces (so
// no island or neighbour is swept to the other side of a border).
func (b *builder) simplify() error {
	b.ends = map[pt][]end{}
	for i, a := range b.arcs {
		b.ends[a.pts[0]] = append(b.ends[a.pts[0]], end{i, false})
		b.ends[a.pts[len(a.pts)-1]] = append(b.ends[a.pts[len(a.pts)-1]], end{i, true})
	}
	// rings of the districts, then of the cities
	for fi := range b.feats {
		b.rings = append(b.rings, b.trace(func(f int) bool { return f == fi }))
	}
	for _, f := range b.feats {
		if n := len(b.cities); n == 0 || b.cities[n-1].adcode != f.cityAdcode {
			b.cities = append(b.cities, feature{adcode: f.cityAdcode, name: f.city})
		}
	}
	sort.SliceStable(b.cities, func(i, j int) bool { return b.cities[i].adcode < b.cities[j].adcode })
	for k := 1; k < len(b.cities); k++ {
		if b.cities[k].adcode == b.cities[k-1].adcode {
			return fmt.Errorf("the districts of city %s are not consecutive by adcode", b.cities[k].adcode)
		}
	}
	for _, c := range b.cities {
		b.rings = append(b.rings, b.trace(func(f int) bool { return b.feats[f].cityAdcode == c.adcode }))
	}
	origArea := make([][]int64, len(b.rings))
	for k, rings := range b.rings {
		for _, r := range rings {
			origArea[k] = append(origArea[k], ringArea2(b.ringPts(r, false)))
		}
	}

	dirty := make([]bool, len(b.arcs))
	for i := range dirty {
		dirty[i] = true
	}
	for round := 0; ; round++ {
		for i, a := range b.arcs {
			if !dirty[i] {
				continue
			}
			if a.level >= maxLevel {
				a.keep = make([]int, len(a.pts))
				for j := range a.keep {
					a.keep[j] = j
				}
			} else {
				a.keep = douglasPeucker(a.pts, ToleranceM/math.Pow(2, float64(a.level)))
			}
			a.out = a.out[:0]
			for _, j := range a.keep {
				a.out = append(a.out, a.pts[j])
			}
		}
		bad := b.check(origArea)
		if len(bad) == 0 {
			return nil
		}
		clear(dirty)
		for i := range bad {
			if b.arcs[i].level >= maxLevel {
				return fmt.Errorf("arc %d (%v…) is invalid even unsimplified", i, b.arcs[i].pts[0])
			}
			b.arcs[i].level++
			dirty[i] = true
		}
		if round > 4*maxLevel {
			return errors.New("simplification does not converge")
		}
	}
}

func (b *builder) check(origArea [][]int64) map[int]bool {
	bad := map[int]bool{}
	for i, a := range b.arcs {
		if a.pts[0] == a.pts[len(a.pts)-1] && len(a.out) < 4 {
			bad[i] = true
		}
	}
	for k, rings := range b.rings {
		for ri, r := range rings {
			p := b.ringPts(r, true)
			if ar := ringArea2(p); len(p) < 4 || ar == 0 || sign(ar) != sign(origArea[k][ri]) {
				for _, h := range r {
					bad[h.arc] = true
				}
			}
		}
	}
	// segments
	type seg struct{ arc, i int }
	var segs grid[seg]
	for i, a := range b.arcs {
		for j := 0; j+1 < len(a.out); j++ {
			p, q := a.out[j], a.out[j+1]
			segs.add(min(p.x, q.x), min(p.y, q.y), max(p.x, q.x), max(p.y, q.y), seg{i, j})
		}
	}
	for _, list := range segs.cells {
		for x := 0; x < len(list); x++ {
			s := list[x]
			p1, p2 := b.arcs[s.arc].out[s.i], b.arcs[s.arc].out[s.i+1]
			for y := x + 1; y < len(list); y++ {
				t := list[y]
				if bad[s.arc] && bad[t.arc] {
					continue
				}
				q1, q2 := b.arcs[t.arc].out[t.i], b.arcs[t.arc].out[t.i+1]
				if segmentsConflict(p1, p2, q1, q2) {
					bad[s.arc], bad[t.arc] = true, true
				}
			}
		}
	}
	// order of the arcs at each junction
	for n, es := range b.ends {
		if len(es) < 3 {
			continue
		}
		dir := func(e end, simplified bool) pt {
			p := b.arcs[e.arc].pts
			if simplified {
				p = b.arcs[e.arc].out
			}
			if e.last {
				return sub(p[len(p)-2], n)
			}
			return sub(p[1], n)
		}
		sorted := append([]end(nil), es...)
		sort.Slice(sorted, func(i, j int) bool { return ccwLess(dir(sorted[i], false), dir(sorted[j], false)) })
		descents := 0
		for i := range sorted {
			d1, d2 := dir(sorted[i], true), dir(sorted[(i+1)%len(sorted)], true)
			if !ccwLess(d1, d2) {
				descents++
			}
		}
		if descents != 1 {
			for _, e := range es {
				bad[e.arc] = true
			}
		}
	}
	// nothing swept across: no kept vertex of any arc between a simplified segment and its chain
	var kept grid[vref]
	for i, a := range b.arcs {
		for k, j := range a.keep {
			if k > 0 && k < len(a.keep)-1 {
				kept.add(a.pts[j].x, a.pts[j].y, a.pts[j].x, a.pts[j].y, vref{i, j, pt{}})
			}
		}
	}
	for n := range b.ends {
		kept.add(n.x, n.y, n.x, n.y, vref{-1, 0, n})
	}
	for i, a := range b.arcs {
		if bad[i] {
			continue
		}
	spans:
		for k := 0; k+1 < len(a.keep); k++ {
			lo, hi := a.keep[k], a.keep[k+1]
			if hi == lo+1 {
				continue
			}
			chain := a.pts[lo : hi+1]
			minX, minY, maxX, maxY := chain[0].x, chain[0].y, chain[0].x, chain[0].y
			for _, p := range chain {
				minX, minY, maxX, maxY = min(minX, p.x), min(minY, p.y), max(maxX, p.x), max(maxY, p.y)
			}
			swept := false
			kept.each(minX, minY, maxX, maxY, func(v vref) {
				if swept || v.arc == i && v.i >= lo && v.i <= hi {
					return
				}
				q := v.junction
				if v.arc >= 0 {
					q = b.arcs[v.arc].pts[v.i]
				}
				if q == chain[0] || q == chain[len(chain)-1] || q.x < minX || q.x > maxX || q.y < minY || q.y > maxY {
					return
				}
				if onSegment(chain[len(chain)-1], chain[0], q) || insideEvenOdd(chain, q) {
					swept = true
				}
			})
			if swept {
				bad[i] = true
				break spans
			}
		}
	}
	return bad
}

func onSegment(a, b, q pt) bool {
	return orient(a, b, q) == 0 && between(a.x, b.x, q.x) && between(a.y, b.y, q.y)
}

// insideEvenOdd tests q against the closed polygon ring (the last point joined to the first).
func insideEvenOdd(ring []pt, q pt) bool {
	in := false
	n := len(ring)
	for i := 0; i < n; i++ {
		a, c := ring[i], ring[(i+1)%n]
		if (a.y > q.y) != (c.y > q.y) {
			// q.x < a.x + (q.y-a.y)*(c.x-a.x)/(c.y-a.y)
			lhs := (q.x - a.x) * (c.y - a.y)
			rhs := (q.y - a.y) * (c.x - a.x)
			if c.y > a.y {
				if lhs < rhs {
					in = !in
				}
			} else if lhs > rhs {
				in = !in
			}
		}
	}
	return in
}

// segmentsConflict reports whether two segments meet anywhere other than at one shared end, where
// they must not overlap.
func segmentsConflict(p1, p2, q1, q2 pt) bool {
	shared := 0
	var s, a, c pt
	switch {
	case p1 == q1:
		shared, s, a, c = shared+1, p1, p2, q2
	case p1 == q2:
		shared, s, a, c = shared+1, p1, p2, q1
	}
	switch {
	case p2 == q1:
		shared, s, a, c = shared+1, p2, p1, q2
	case p2 == q2:
		shared, s, a, c = shared+1, p2, p1, q1
	}
	if shared == 2 {
		return true
	}
	if shared == 1 {
		return orient(s, a, c) == 0 && dot(sub(a, s), sub(c, s)) > 0
	}
	o1, o2 := orient(p1, p2, q1), orient(p1, p2, q2)
	o3, o4 := orient(q1, q2, p1), orient(q1, q2, p2)
	if sign(o1)*sign(o2) < 0 && sign(o3)*sign(o4) < 0 {
		return true
	}
	return onSegment(p1, p2, q1) || onSegment(p1, p2, q2) || onSegment(q1, q2, p1) || onSegment(q1, q2, p2)
}
