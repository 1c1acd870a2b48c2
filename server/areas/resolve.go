package areas

import (
	"fmt"
	"math"
	"sort"
)

// srcRing is one ring of a reference feature, exterior counter-clockwise.
type srcRing struct {
	f   int
	pts []pt
}

// resolve turns the reference rings into a clean planar partition: owner[e] is the feature on the
// left of the directed edge e, for every edge with different features (or a feature and the outside)
// on its two sides.
//
// The reference is nearly clean, not quite: snapping to its grid left rings that pass through one
// vertex twice with a small lobe turned inside out, vertices lying on a neighbour's edge, spikes and
// seams. So the rings are overlaid: every segment is split at every vertex lying on it, the faces of
// the resulting planar graph are traced, each face gets every feature's winding number (propagated
// across edges from the outside, where all are 0), and belongs to the feature that winds around it
// most (the lowest adcode on a tie; nobody if none winds around it positively). Proper crossings are
// refused.
func resolve(rings []srcRing, nfeat int) (map[edge]int, error) {
	type key struct {
		u, v pt
		f    int
	}
	type uedge struct{ u, v pt }
	var segs []key // directed, by feature (repeated for multiplicity)
	for _, r := range rings {
		for i := 0; i+1 < len(r.pts); i++ {
			if r.pts[i] != r.pts[i+1] {
				segs = append(segs, key{r.pts[i], r.pts[i+1], r.f})
			}
		}
	}
	var counts map[uedge][]fcount
	var adj map[pt][]pt
	for round := 0; ; round++ {
		// split every segment at the vertices lying on it
		var vgrid grid[pt]
		seenV := map[pt]bool{}
		for _, s := range segs {
			for _, p := range []pt{s.u, s.v} {
				if !seenV[p] {
					seenV[p] = true
					vgrid.add(p.x, p.y, p.x, p.y, p)
				}
			}
		}
		// net[u→v with u < v, f] = times f walks u→v minus times it walks v→u
		net := map[key]int{}
		for _, s := range segs {
			a, b := s.u, s.v
			var on []pt
			vgrid.each(min(a.x, b.x), min(a.y, b.y), max(a.x, b.x), max(a.y, b.y), func(v pt) {
				if v != a && v != b && onSegment(a, b, v) {
					on = append(on, v)
				}
			})
			d := sub(b, a)
			sort.Slice(on, func(i, j int) bool { return dot(sub(on[i], a), d) < dot(sub(on[j], a), d) })
			chain := append(append([]pt{a}, on...), b)
			for k := 0; k+1 < len(chain); k++ {
				u, v := chain[k], chain[k+1]
				if v.less(u) {
					net[key{v, u, s.f}]--
				} else {
					net[key{u, v, s.f}]++
				}
			}
		}
		counts = map[uedge][]fcount{}
		for k, n := range net {
			if n != 0 {
				e := uedge{k.u, k.v}
				counts[e] = append(counts[e], fcount{k.f, n})
			}
		}
		// proper crossings (snapping to the grid left a few): split both edges at the crossing point
		// rounded to the grid, and go again
		var egrid grid[uedge]
		for e := range counts {
			egrid.add(min(e.u.x, e.v.x), min(e.u.y, e.v.y), max(e.u.x, e.v.x), max(e.u.y, e.v.y), e)
		}
		cuts := map[uedge][]pt{}
		for _, list := range egrid.cells {
			for i := range list {
				for j := i + 1; j < len(list); j++ {
					p1, p2, q1, q2 := list[i].u, list[i].v, list[j].u, list[j].v
					if !segmentsConflict(p1, p2, q1, q2) {
						continue
					}
					den := float64(cross(sub(p2, p1), sub(q2, q1)))
					if den == 0 {
						return nil, fmt.Errorf("the reference's edges %v and %v overlap", list[i], list[j])
					}
					t := float64(cross(sub(q1, p1), sub(q2, q1))) / den
					x := pt{int64(math.Round(float64(p1.x) + t*float64(p2.x-p1.x))), int64(math.Round(float64(p1.y) + t*float64(p2.y-p1.y)))}
					cuts[list[i]] = append(cuts[list[i]], x)
					cuts[list[j]] = append(cuts[list[j]], x)
				}
			}
		}
		if len(cuts) == 0 {
			break
		}
		if round == 10 {
			return nil, fmt.Errorf("the reference's crossing edges do not resolve (%d left)", len(cuts))
		}
		segs = segs[:0]
		for e, cs := range counts {
			chain := []pt{e.u}
			d := sub(e.v, e.u)
			xs := cuts[e]
			sort.Slice(xs, func(i, j int) bool { return dot(sub(xs[i], e.u), d) < dot(sub(xs[j], e.u), d) })
			chain = append(append(chain, xs...), e.v)
			for _, c := range cs {
				for k := 0; k+1 < len(chain); k++ {
					u, v := chain[k], chain[k+1]
					if u == v {
						continue
					}
					for n := 0; n < c.n; n++ {
						segs = append(segs, key{u, v, c.f})
					}
					for n := 0; n > c.n; n-- {
						segs = append(segs, key{v, u, c.f})
					}
				}
			}
		}
	}
	adj = map[pt][]pt{}
	for e := range counts {
		adj[e.u] = append(adj[e.u], e.v)
		adj[e.v] = append(adj[e.v], e.u)
	}
	verts := make([]pt, 0, len(adj))
	for v := range adj {
		verts = append(verts, v)
	}
	sort.Slice(verts, func(i, j int) bool { return verts[i].less(verts[j]) })
	for _, c := range counts {
		sort.Slice(c, func(i, j int) bool { return c[i].f < c[j].f })
	}
	netOf := func(u, v pt) []fcount { // the net counts of u→v
		if v.less(u) {
			c := counts[uedge{v, u}]
			r := make([]fcount, len(c))
			for i, x := range c {
				r[i] = fcount{x.f, -x.n}
			}
			return r
		}
		return counts[uedge{u, v}]
	}

	// faces: each directed edge belongs to the face on its left
	faceOf := map[edge]int{}
	var faces [][]edge
	for _, v0 := range verts {
		ns := adj[v0]
		sort.Slice(ns, func(i, j int) bool { return ns[i].less(ns[j]) })
		for _, w0 := range ns {
			if _, ok := faceOf[edge{v0, w0}]; ok {
				continue
			}
			id := len(faces)
			var face []edge
			u, v := v0, w0
			for {
				faceOf[edge{u, v}] = id
				face = append(face, edge{u, v})
				back := sub(u, v)
				var next, bestDir pt
				for i, w := range adj[v] {
					d := sub(w, v)
					if i == 0 || cwBefore(back, d, bestDir) {
						next, bestDir = w, d
					}
				}
				u, v = v, next
				if u == v0 && v == w0 {
					break
				}
				if _, ok := faceOf[edge{u, v}]; ok {
					return nil, fmt.Errorf("faces of the reference are not planar at %v", u)
				}
			}
			faces = append(faces, face)
		}
	}

	// winding numbers: the outer face of each connected component from a ray count against all other
	// components, then across the edges
	comp := map[pt]int{}
	var compStart []int // a face (the outer one) of each component
	wind := make([][]fcount, len(faces))
	known := make([]bool, len(faces))
	for _, v0 := range verts {
		if _, ok := comp[v0]; ok {
			continue
		}
		c := len(compStart)
		stack := []pt{v0}
		comp[v0] = c
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range adj[v] {
				if _, ok := comp[w]; !ok {
					comp[w] = c
					stack = append(stack, w)
				}
			}
		}
		// v0 is the smallest vertex of its component: the face left of the edge into it from its
		// clockwise-first neighbour... simpler: the outer face is the one with negative area that
		// contains v0's edges; find it among v0's faces.
		outer := -1
		for _, w := range adj[v0] {
			f := faceOf[edge{v0, w}]
			if faceArea2(faces[f]) < 0 {
				outer = f
				break
			}
		}
		if outer < 0 {
			return nil, fmt.Errorf("no outer face around %v", v0)
		}
		compStart = append(compStart, outer)
	}
	type flat struct {
		u, v pt
		comp int
		cs   []fcount
	}
	var all []flat
	for e, cs := range counts {
		all = append(all, flat{e.u, e.v, comp[e.u], cs})
	}
	for c, outer := range compStart {
		q := faces[outer][0].a
		w := map[int]int{}
		for _, e := range all {
			if (e.u.y > q.y) == (e.v.y > q.y) || e.comp == c {
				continue
			}
			// winding contribution of u→v at q (half-open in y)
			u, v, cs := e.u, e.v, e.cs
			var s int
			if u.y <= q.y && v.y > q.y && orient(u, v, q) > 0 {
				s = 1
			} else if v.y <= q.y && u.y > q.y && orient(u, v, q) < 0 {
				s = -1
			}
			if s != 0 {
				for _, x := range cs {
					w[x.f] += s * x.n
				}
			}
		}
		wind[outer] = sparse(w)
		known[outer] = true
		queue := []int{outer}
		for len(queue) > 0 {
			f := queue[0]
			queue = queue[1:]
			for _, e := range faces[f] {
				g := faceOf[edge{e.b, e.a}]
				if known[g] {
					continue
				}
				// g is on the right of e: its winding is f's minus e's net counts
				m := map[int]int{}
				for _, x := range wind[f] {
					m[x.f] += x.n
				}
				for _, x := range netOf(e.a, e.b) {
					m[x.f] -= x.n
				}
				wind[g] = sparse(m)
				known[g] = true
				queue = append(queue, g)
			}
		}
	}
	ownerOfFace := make([]int, len(faces))
	for f := range faces {
		best, bestN := -1, 0
		for _, x := range wind[f] {
			if x.n > bestN {
				best, bestN = x.f, x.n
			}
		}
		ownerOfFace[f] = best
	}
	mergeSlivers(faces, faceOf, ownerOfFace)
	owner := map[edge]int{}
	for e := range counts {
		l, r := ownerOfFace[faceOf[edge{e.u, e.v}]], ownerOfFace[faceOf[edge{e.v, e.u}]]
		if l == r {
			continue
		}
		if l >= 0 {
			owner[edge{e.u, e.v}] = l
		}
		if r >= 0 {
			owner[edge{e.v, e.u}] = r
		}
	}
	_ = nfeat
	return owner, nil
}

type fcount struct{ f, n int }

// sparse lists the non-zero windings by feature.
func sparse(m map[int]int) []fcount {
	var r []fcount
	for f, n := range m {
		if n != 0 {
			r = append(r, fcount{f, n})
		}
	}
	sort.Slice(r, func(i, j int) bool { return r[i].f < r[j].f })
	return r
}

func faceArea2(face []edge) int64 {
	var s int64
	for _, e := range face {
		s += e.a.x*e.b.y - e.b.x*e.a.y
	}
	return s
}

// minRegionKm2 is the area under which a piece of a district, a gap between districts or an island is
// an artefact of the reference's grid (its cells are about 0.009 km²): it goes to the neighbour it
// shares the longest border with (the outside, for an island: it is dropped).
const minRegionKm2 = 0.05

// mergeSlivers reassigns the regions (bounded faces joined across edges with the same owner on both
// sides) smaller than minRegionKm2.
func mergeSlivers(faces [][]edge, faceOf map[edge]int, ownerOfFace []int) {
	parent := make([]int, len(faces))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	areas2 := make([]int64, len(faces))
	for f := range faces {
		areas2[f] = faceArea2(faces[f])
	}
	bounded := func(f int) bool { return areas2[f] > 0 }
	for f, face := range faces {
		if !bounded(f) {
			continue
		}
		for _, e := range face {
			g := faceOf[edge{e.b, e.a}]
			if bounded(g) && ownerOfFace[g] == ownerOfFace[f] {
				if a, b := find(f), find(g); a != b {
					parent[max(a, b)] = min(a, b)
				}
			}
		}
	}
	area := map[int]float64{}
	for f := range faces {
		if bounded(f) {
			area[find(f)] += float64(areas2[f]) / 2 * unitX * unitY / 1e6
		}
	}
	members := map[int][]int{}
	for f := range faces {
		if bounded(f) {
			members[find(f)] = append(members[find(f)], f)
		}
	}
	newOwner := append([]int(nil), ownerOfFace...)
	for f := range faces {
		r := find(f)
		if !bounded(f) || r != f || area[r] >= minRegionKm2 {
			continue
		}
		border := map[int]float64{}
		for _, g := range members[r] {
			for _, e := range faces[g] {
				h := faceOf[edge{e.b, e.a}]
				if bounded(h) && find(h) == r {
					continue
				}
				d := sub(e.b, e.a)
				border[ownerOfFace[h]] += math.Hypot(float64(d.x)*unitX, float64(d.y)*unitY)
			}
		}
		best, bestL := ownerOfFace[f], -1.0
		for o, l := range border {
			if l > bestL || l == bestL && o < best {
				best, bestL = o, l
			}
		}
		for _, g := range members[r] {
			newOwner[g] = best
		}
	}
	copy(ownerOfFace, newOwner)
}
