package spatial

import (
	"cmp"
	"maps"
	"slices"

	"github.com/paulmach/orb"
)

// Overlay is an Index with some of its items replaced: what a few edits make of a large index
// without rebuilding it. The base index is shared and never changed; the replaced items are kept
// beside it and searched one by one, so an Overlay should stay small (a few thousand items) and be
// folded into a new Index (NewIndex) when it grows. Like Index, it is immutable and safe for any
// number of concurrent readers; With makes a new one.
type Overlay struct {
	base  *Index
	items map[int32]Item // replaced items, by position
	order []int32        // their positions, ascending
}

// NewOverlay is base with nothing replaced.
func NewOverlay(base *Index) *Overlay { return &Overlay{base: base} }

// With returns an overlay that also replaces the items at the given positions (which must be
// positions of the base). Its cost is proportional to the replaced items, not to the index.
func (o *Overlay) With(changes map[int]Item) *Overlay {
	n := &Overlay{base: o.base, items: make(map[int32]Item, len(o.items)+len(changes))}
	maps.Copy(n.items, o.items)
	for pos, it := range changes {
		n.items[int32(pos)] = it
	}
	n.order = slices.Sorted(maps.Keys(n.items))
	return n
}

// Len is the number of items; Replaced the number replaced.
func (o *Overlay) Len() int      { return o.base.Len() }
func (o *Overlay) Replaced() int { return len(o.items) }

// baseFilter is f for the base index: it also turns away the items the overlay replaces.
func (o *Overlay) baseFilter(f Filter) Filter {
	accept := f.Accept
	f.Accept = func(i int) bool {
		if _, replaced := o.items[int32(i)]; replaced {
			return false
		}
		return accept == nil || accept(i)
	}
	return f
}

// passes applies f's bit tests to a replaced item (Accept is left to the caller).
func passes(it *Item, f *Filter) bool {
	return it.Amenities&f.Amenities == f.Amenities && (f.Kinds == 0 || f.Kinds&kindBit(it.Kind) != 0) &&
		f.ExcludeGroups&kindBit(it.Group) == 0
}

// Nearest is Index.Nearest over the overlay: the same hits, distances and order (by distance, ties
// by position) as an index built from the replaced items would give.
func (o *Overlay) Nearest(center orb.Point, k int, radiusM float64, f Filter, dst []Hit) []Hit {
	if len(o.items) == 0 {
		return o.base.Nearest(center, k, radiusM, f, dst)
	}
	start := len(dst)
	dst = o.base.Nearest(center, k, radiusM, o.baseFilter(f), dst)
	if k <= 0 || !(radiusM >= 0) {
		return dst
	}
	for _, pos := range o.order {
		it := o.items[pos]
		if !passes(&it, &f) {
			continue
		}
		d := DistanceM(center, it.Point)
		if !(d <= radiusM) || f.Accept != nil && !f.Accept(int(pos)) {
			continue
		}
		dst = append(dst, Hit{Index: int(pos), DistanceM: d})
	}
	hits := dst[start:]
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(cmp.Compare(a.DistanceM, b.DistanceM), cmp.Compare(a.Index, b.Index))
	})
	return dst[:start+min(k, len(hits))]
}

// Within is Index.Within over the overlay.
func (o *Overlay) Within(b orb.Bound, f Filter, limit int, dst []int) ([]int, bool) {
	if len(o.items) == 0 {
		return o.base.Within(b, f, limit, dst)
	}
	start := len(dst)
	dst, truncated := o.base.Within(b, o.baseFilter(f), limit, dst)
	for _, pos := range o.order {
		it := o.items[pos]
		ll := it.Point
		if !(ll[0] >= b.Min[0] && ll[0] <= b.Max[0] && ll[1] >= b.Min[1] && ll[1] <= b.Max[1]) || !passes(&it, &f) ||
			f.Accept != nil && !f.Accept(int(pos)) {
			continue
		}
		dst = append(dst, int(pos))
	}
	hits := dst[start:]
	slices.Sort(hits)
	if limit = max(limit, 0); len(hits) > limit {
		return dst[:start+limit], true
	}
	return dst, truncated
}
