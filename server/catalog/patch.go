package catalog

import (
	"maps"
	"sort"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/textsearch"
)

// patched is a station changed since its snapshot's stations were built, with what readers need of
// it rendered alone: an edit costs one station's rendering, not the set's.
type patched struct {
	st                  station.Station
	sched               uint32 // index into the snapshot's sched, or notInService
	vector              spatial.Vector
	doc                 string // what text search looks in, normalised: name NUL address
	id, coords, summary []byte // as the built arenas hold them (codec.Append*)
}

func newPatched(st station.Station, sched uint32) *patched {
	p := &patched{st: st, sched: sched}
	p.vector = spatial.VectorOf(orb.Point{st.Lon, st.Lat})
	p.doc = textsearch.Normalize(st.Name) + "\x00" + textsearch.Normalize(st.Address)
	p.id = codec.AppendID(nil, &p.st)
	p.coords = codec.AppendCoords(nil, st.Lon, st.Lat)
	p.summary = codec.AppendSummary(nil, &p.st)
	return p
}

func (p *patched) appendFeature(b []byte, crs spatial.CRS, d codec.Dynamic, full bool) []byte {
	coords := p.coords
	if crs != spatial.WGS84 {
		q := spatial.FromWGS84(crs, orb.Point{p.st.Lon, p.st.Lat})
		coords = codec.AppendCoords(nil, q[0], q[1])
	}
	if full {
		return codec.AppendFullFeature(b, p.id, coords, d, p.summary, &p.st)
	}
	return codec.AppendFeature(b, p.id, coords, d, p.summary, nil)
}

// RenderStation renders one station as a Feature with every property, open_now from d, without a
// snapshot (the answer to an edit, a conflict's current station).
func RenderStation(st *station.Station, crs spatial.CRS, d codec.Dynamic) []byte {
	return newPatched(*st, notInService).appendFeature(nil, crs, d, true)
}

// MaxPatched is how many changed stations a snapshot keeps beside its built ones. Queries test each
// of them one by one, so beyond this the catalog rebuilds in the background (Catalog.Apply).
const MaxPatched = 4096

// Apply returns the snapshot at version that is s with changed in place of the stations of the same
// ids, in time proportional to len(changed) and to the stations already changed since s's stations
// were built. It reports false, and does nothing, when a station of changed is not in s: a new
// station needs Build.
func (s *Snapshot) Apply(version int64, changed []station.Station) (*Snapshot, bool) {
	positions := make([]int, len(changed))
	ptrs := make([]*station.Station, len(changed))
	for i := range changed {
		pos, ok := s.Lookup(changed[i].ID)
		if !ok {
			return nil, false
		}
		positions[i], ptrs[i] = pos, &changed[i]
	}
	sched, ks := s.sched.with(ptrs)
	n := &Snapshot{Version: version, built: s.built, sched: sched, patch: make(map[int32]*patched, len(s.patch)+len(changed))}
	maps.Copy(n.patch, s.patch)
	cities := make(map[string]int, len(s.Cities)+1)
	for _, c := range s.Cities {
		cities[c.Name] = c.Count
	}
	items := make(map[int]spatial.Item, len(changed))
	for i, pos := range positions {
		cities[n.Station(pos).City]--
		p := newPatched(changed[i], ks[i])
		n.patch[int32(pos)] = p
		cities[p.st.City]++
		items[pos] = n.item(&p.st, ks[i])
	}
	for name, count := range cities {
		if count > 0 {
			n.Cities = append(n.Cities, CityCount{name, count})
		}
	}
	sort.Slice(n.Cities, func(i, j int) bool { return n.Cities[i].Name < n.Cities[j].Name })
	n.spatial = s.spatial.With(items)
	return n, true
}

// Patched is how many stations s keeps changed beside its built ones.
func (s *Snapshot) Patched() int { return len(s.patch) }

// Apply puts the changes of the write that made data version version into the current snapshot,
// when that snapshot is the state just before it (version-1) and holds every station of changed. It
// reports false otherwise (another process wrote meanwhile, or a station is new): the caller reloads
// everything then. Once enough stations are changed, it starts a rebuild in the background
// (compact), which keeps every change made meanwhile.
func (c *Catalog) Apply(version int64, changed []station.Station) bool {
	for {
		cur := c.Current()
		if cur == nil || cur.Version != version-1 {
			return false
		}
		next, ok := cur.Apply(version, changed)
		if !ok {
			return false
		}
		if c.cur.CompareAndSwap(cur, next) {
			if done := make(chan struct{}); next.Patched() >= MaxPatched && c.compacting.CompareAndSwap(nil, &done) {
				go c.compact(next, done)
			}
			return true
		}
	}
}

// Compacted returns a channel that is closed once no rebuild of a much-changed snapshot runs.
func (c *Catalog) Compacted() <-chan struct{} {
	if done := c.compacting.Load(); done != nil {
		return *done
	}
	closed := make(chan struct{})
	close(closed)
	return closed
}

// compact builds s's stations afresh and swaps the result in, with the changes that were applied
// after s put on top of it. It gives up when the catalog was rebuilt meanwhile by other means.
func (c *Catalog) compact(s *Snapshot, done chan struct{}) {
	defer func() {
		c.compacting.Store(nil)
		close(done)
	}()
	stations := make([]station.Station, s.Len())
	for i := range stations {
		stations[i] = *s.Station(i)
	}
	fresh := Build(s.Version, stations, s.cal)
	for {
		cur := c.Current()
		if cur.built != s.built {
			return
		}
		next := fresh
		var later []station.Station
		for pos, p := range cur.patch {
			if p.st.Version != stations[pos].Version || p.st.UpdatedAt != stations[pos].UpdatedAt {
				later = append(later, p.st)
			}
		}
		if len(later) > 0 || cur.Version != fresh.Version {
			next, _ = fresh.Apply(cur.Version, later) // every station of later is in fresh: same ids
		}
		if c.cur.CompareAndSwap(cur, next) {
			return
		}
	}
}

// SetCalendar makes the snapshot of data version version, which a write of the holiday calendar made:
// the current stations, rebuilt with cal (every open state and next change depends on it; a rare
// write, 0.2 s at the seed's 16,500 stations). Like Apply, it reports false when the current snapshot
// is not the state just before (version-1): the caller reloads everything then.
func (c *Catalog) SetCalendar(version int64, cal *hours.Calendar) bool {
	cur := c.Current()
	if cur == nil || cur.Version != version-1 {
		return false
	}
	stations := make([]station.Station, cur.Len())
	for i := range stations {
		stations[i] = *cur.Station(i)
	}
	return c.cur.CompareAndSwap(cur, Build(version, stations, cal))
}
