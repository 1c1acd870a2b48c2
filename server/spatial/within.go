package spatial

import (
	"slices"

	"github.com/paulmach/orb"
)

// Within appends to dst the positions of items inside b (inclusive edges:
// b.Min[0] <= lon <= b.Max[0] and b.Min[1] <= lat <= b.Max[1], on the original
// coordinates) that pass f, in ascending position order, at most limit of them;
// these are the limit smallest matching positions. truncated reports that more
// matched. A box with Min > Max on an axis matches nothing (there is no
// antimeridian wrap). It does not allocate when dst has room for limit more.
func (ix *Index) Within(b orb.Bound, f Filter, limit int, dst []int) (hits []int, truncated bool) {
	if len(ix.pts) == 0 {
		return dst, false
	}
	limit = max(limit, 0)
	base := len(dst)
	count := 0 // == len(dst) - base
	// Once count reaches limit, dst[base:] is a max-heap of the smallest
	// positions seen; a smaller match replaces its top.
	add := func(pos int) {
		if count < limit {
			dst = append(dst, pos)
			count++
			if count == limit {
				seg := dst[base:]
				for i := limit/2 - 1; i >= 0; i-- {
					siftDownInt(seg, i)
				}
			}
			return
		}
		truncated = true
		if seg := dst[base:]; limit > 0 && pos < seg[0] {
			seg[0] = pos
			siftDownInt(seg, 0)
		}
	}

	minLon, minLat, maxLon, maxLat := b.Min[0], b.Min[1], b.Max[0], b.Max[1]
	var stack [64]int32
	stack[0] = 0
	sp := 1
	for sp > 0 {
		sp--
		nd := &ix.nodes[stack[sp]]
		if float64(nd.llMax[0]) < minLon || float64(nd.llMin[0]) > maxLon ||
			float64(nd.llMax[1]) < minLat || float64(nd.llMin[1]) > maxLat ||
			!nd.filterOK(f.Amenities, f.Kinds, f.ExcludeGroups) {
			continue
		}
		// When the result is already known to be truncated, a subtree whose
		// positions are all larger than the current worst cannot change it.
		if truncated && (limit == 0 || int(nd.minPos) > dst[base]) {
			continue
		}
		ni := int(stack[sp])
		if ni < ix.firstLeaf {
			stack[sp], stack[sp+1] = int32(2*ni+2), int32(2*ni+1)
			sp += 2
			continue
		}
		for j := nd.lo; j < nd.hi; j++ {
			ll := ix.lonlat[j]
			if !(ll[0] >= minLon && ll[0] <= maxLon && ll[1] >= minLat && ll[1] <= maxLat) {
				continue
			}
			p := &ix.pts[j]
			if p.amen&f.Amenities != f.Amenities ||
				(f.Kinds != 0 && f.Kinds&kindBit(ix.kind[j]) == 0) || f.ExcludeGroups&kindBit(ix.group[j]) != 0 {
				continue
			}
			pos := int(p.pos)
			if truncated && (limit == 0 || pos > dst[base]) {
				continue
			}
			if f.Accept != nil && !f.Accept(pos) {
				continue
			}
			add(pos)
		}
	}
	slices.Sort(dst[base:])
	return dst, truncated
}

// siftDownInt restores the max-heap property of h below i.
func siftDownInt(h []int, i int) {
	n := len(h)
	for {
		big := i
		if l := 2*i + 1; l < n && h[l] > h[big] {
			big = l
		}
		if r := 2*i + 2; r < n && h[r] > h[big] {
			big = r
		}
		if big == i {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}
