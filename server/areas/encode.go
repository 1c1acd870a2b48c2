package areas

import (
	"bytes"
	"math"
	"sort"
	"strconv"
)

// polygon is an exterior ring (counter-clockwise) and its holes (clockwise), all closed.
type polygon [][]pt

// polygons groups the simplified rings of area k into polygons, the largest first: each hole goes to
// the smallest exterior that contains it.
func (b *builder) polygons(k int) []polygon {
	var exts, holes [][]pt
	for _, r := range b.rings[k] {
		for _, p := range splitRing(b.ringPts(r, true)) {
			if a := ringArea2(p); a > 0 {
				exts = append(exts, p)
			} else if a < 0 {
				holes = append(holes, p)
			}
		}
	}
	sort.SliceStable(exts, func(i, j int) bool { return ringArea2(exts[i]) > ringArea2(exts[j]) })
	polys := make([]polygon, len(exts))
	for i, e := range exts {
		polys[i] = polygon{e}
	}
	for _, h := range holes {
		best := -1
		for i, e := range exts {
			if ringArea2(e) <= -ringArea2(h) {
				continue
			}
			if ringContains(e, h) && (best < 0 || ringArea2(e) < ringArea2(exts[best])) {
				best = i
			}
		}
		if best < 0 { // cannot happen with valid input: a hole outside every exterior
			panic("areas: a hole outside every exterior")
		}
		polys[best] = append(polys[best], h)
	}
	return polys
}

// splitRing splits a closed ring that passes through a vertex more than once (where an exterior
// touches its own hole, or two parts touch) into simple closed rings, which then touch only at that
// vertex, as RFC 7946 and OGC want. Loops without area (there are none after the checks) are left out.
func splitRing(r []pt) [][]pt {
	var out [][]pt
	var path []pt
	at := map[pt]int{}
	for _, p := range r[:len(r)-1] {
		if j, ok := at[p]; ok {
			loop := append(append([]pt(nil), path[j:]...), p)
			out = append(out, loop)
			for _, q := range path[j+1:] {
				delete(at, q)
			}
			path = path[:j+1]
			continue
		}
		at[p] = len(path)
		path = append(path, p)
	}
	out = append(out, append(path, path[0]))
	return out
}

// ringContains reports whether ring h lies inside ring e, given that they do not cross: the first
// vertex of h that is not a vertex of e decides.
func ringContains(e, h []pt) bool {
	verts := map[pt]bool{}
	for _, p := range e {
		verts[p] = true
	}
	for _, p := range h {
		if !verts[p] {
			return insideEvenOdd(e[:len(e)-1], p)
		}
	}
	return false
}

// strictlyInside reports whether q is inside the polygon and on none of its rings.
func strictlyInside(poly polygon, q pt) bool {
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			if onSegment(r[i], r[i+1], q) {
				return false
			}
		}
	}
	if !insideEvenOdd(poly[0][:len(poly[0])-1], q) {
		return false
	}
	for _, h := range poly[1:] {
		if insideEvenOdd(h[:len(h)-1], q) {
			return false
		}
	}
	return true
}

// label finds a point well inside the polygon: among the area centroid (when inside) and the middles
// of the interior intervals along 32 horizontal lines, the one farthest from every ring.
func label(poly polygon) pt {
	ext := poly[0]
	minY, maxY := ext[0].y, ext[0].y
	var cx, cy, a float64
	for i := 0; i+1 < len(ext); i++ {
		p, q := ext[i], ext[i+1]
		minY, maxY = min(minY, p.y), max(maxY, p.y)
		c := float64(p.x*q.y - q.x*p.y)
		a += c
		cx += float64(p.x+q.x) * c
		cy += float64(p.y+q.y) * c
	}
	var cands []pt
	if a != 0 {
		cands = append(cands, pt{int64(math.Round(cx / (3 * a))), int64(math.Round(cy / (3 * a)))})
	}
	const lines = 32
	for k := 0; k < lines; k++ {
		y := float64(minY) + (float64(k)+0.5)*float64(maxY-minY)/lines
		y = math.Floor(y) + 0.5 // never through a vertex
		var xs []float64
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				p, q := r[i], r[i+1]
				if (float64(p.y) > y) != (float64(q.y) > y) {
					xs = append(xs, float64(p.x)+(y-float64(p.y))*float64(q.x-p.x)/float64(q.y-p.y))
				}
			}
		}
		sort.Float64s(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			cands = append(cands, pt{int64(math.Round((xs[i] + xs[i+1]) / 2)), int64(math.Round(y))})
		}
	}
	best, bestD := ext[0], -1.0
	for _, c := range cands {
		if !strictlyInside(poly, c) {
			continue
		}
		if d := distToRings(poly, c); d > bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 { // no candidate inside: cannot happen for the reference (the tests check every label)
		return ext[0]
	}
	return best
}

// distToRings is the distance in metres from q to the nearest ring of the polygon.
func distToRings(poly polygon, q pt) float64 {
	best := math.Inf(1)
	qx, qy := float64(q.x)*unitX, float64(q.y)*unitY
	for _, r := range poly {
		for i := 0; i+1 < len(r); i++ {
			ax, ay := float64(r[i].x)*unitX-qx, float64(r[i].y)*unitY-qy
			bx, by := float64(r[i+1].x)*unitX-qx, float64(r[i+1].y)*unitY-qy
			dx, dy := bx-ax, by-ay
			t := 0.0
			if l2 := dx*dx + dy*dy; l2 > 0 {
				t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l2))
			}
			ex, ey := ax+t*dx, ay+t*dy
			best = min(best, ex*ex+ey*ey)
		}
	}
	return math.Sqrt(best)
}

// encode writes the FeatureCollection: cities by adcode, then districts by adcode, one feature a line.
func (b *builder) encode() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	first := true
	write := func(k int, f feature, level string) {
		if !first {
			buf.WriteByte(',')
		}
		first = false
		buf.WriteString("\n{\"type\":\"Feature\",\"id\":")
		buf.WriteString(strconv.Quote(f.adcode))
		buf.WriteString(`,"properties":{"name":`)
		buf.WriteString(strconv.Quote(f.name))
		buf.WriteString(`,"adcode":`)
		buf.WriteString(strconv.Quote(f.adcode))
		buf.WriteString(`,"level":"` + level + `"`)
		if level == "district" {
			buf.WriteString(`,"city":`)
			buf.WriteString(strconv.Quote(f.city))
			buf.WriteString(`,"city_adcode":`)
			buf.WriteString(strconv.Quote(f.cityAdcode))
		}
		polys := b.polygons(k)
		l := label(polys[0])
		buf.WriteString(`,"label":`)
		writePt(&buf, l)
		buf.WriteString(`},"geometry":{"type":`)
		if len(polys) == 1 {
			buf.WriteString(`"Polygon","coordinates":`)
			writePolygon(&buf, polys[0])
		} else {
			buf.WriteString(`"MultiPolygon","coordinates":[`)
			for i, p := range polys {
				if i > 0 {
					buf.WriteByte(',')
				}
				writePolygon(&buf, p)
			}
			buf.WriteByte(']')
		}
		buf.WriteString("}}")
	}
	for ci, c := range b.cities {
		write(len(b.feats)+ci, c, "city")
	}
	for fi, f := range b.feats {
		write(fi, f, "district")
	}
	buf.WriteString("\n]}\n")
	return buf.Bytes(), nil
}

func writePolygon(buf *bytes.Buffer, p polygon) {
	buf.WriteByte('[')
	for i, r := range p {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteByte('[')
		for j, q := range r {
			if j > 0 {
				buf.WriteByte(',')
			}
			writePt(buf, q)
		}
		buf.WriteByte(']')
	}
	buf.WriteByte(']')
}

// writePt writes [lon,lat] in degrees with at most 4 decimals, exactly.
func writePt(buf *bytes.Buffer, p pt) {
	buf.WriteByte('[')
	writeCoord(buf, p.x)
	buf.WriteByte(',')
	writeCoord(buf, p.y)
	buf.WriteByte(']')
}

func writeCoord(buf *bytes.Buffer, v int64) {
	if v < 0 {
		buf.WriteByte('-')
		v = -v
	}
	buf.WriteString(strconv.FormatInt(v/scale, 10))
	if frac := v % scale; frac != 0 {
		s := strconv.FormatInt(frac+scale, 10)[1:] // 4 digits with leading zeros
		for s[len(s)-1] == '0' {
			s = s[:len(s)-1]
		}
		buf.WriteByte('.')
		buf.WriteString(s)
	}
}
