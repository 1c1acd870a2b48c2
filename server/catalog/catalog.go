// Package catalog is the read model every public query answers from: an immutable Snapshot of all
// stations at one data version, with its spatial and text indexes and each station's GeoJSON
// pre-rendered. A write makes a new Snapshot and swaps it in atomically, so a reader sees either the
// old state or the new one, never a mix. Build makes one from all stations (start-up, large imports);
// Apply makes one from the current snapshot and the few stations a write changed, in time
// proportional to those (patch.go).
package catalog

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/textsearch"
)

// Catalog holds the current Snapshot.
type Catalog struct {
	// Writes is held by whoever writes to the database and then brings the catalog up to date, from
	// before the write until the catalog has it: the catalog then follows the writes one by one, in
	// order (Apply needs the state just before), and a reload never runs between a write and its Apply.
	Writes sync.Mutex

	cur        atomic.Pointer[Snapshot]
	compacting atomic.Pointer[chan struct{}] // closed when the running rebuild of a much-changed snapshot is done (patch.go)
}

// Current returns the snapshot to answer from, or nil before the first Swap.
func (c *Catalog) Current() *Snapshot { return c.cur.Load() }

// Swap makes s the current snapshot.
func (c *Catalog) Swap(s *Snapshot) { c.cur.Store(s) }

// SwapIfNewer makes s the current snapshot unless the current one is at the same or a later data
// version (two reloads racing must never put an older state back). It reports whether it swapped.
func (c *Catalog) SwapIfNewer(s *Snapshot) bool {
	for {
		cur := c.cur.Load()
		if cur != nil && cur.Version >= s.Version {
			return false
		}
		if c.cur.CompareAndSwap(cur, s) {
			return true
		}
	}
}

// Snapshot is all stations at one data version. It is never modified once made.
type Snapshot struct {
	Version int64
	Cities  []CityCount

	*built                     // what Build made: shared by the snapshots Apply makes from it
	patch   map[int32]*patched // the stations changed since, by position (patch.go)
	spatial *spatial.Overlay   // the built index with the changed stations' items in place
	sched   schedules          // the built distinct hours, and those the changes brought

	datasets [3]lazyDataset // per spatial.CRS
	compact  [3]lazyCompact // per spatial.CRS (compact.go)
	last     atomic.Pointer[Instant]
}

// built is what Build makes from all stations.
type built struct {
	stations  []station.Station // sorted by id; position = tie-breaker in nearest search
	index     *spatial.Index
	text      *textsearch.Index
	textReady chan struct{} // closed once text is built
	// Per station, id JSON, "lon,lat" and codec.AppendSummary, in runs of the Z-order curve: what list
	// answers send. The details of a full station are rendered when asked for (codec.AppendDetails).
	hot    [][]byte
	render []rendered // per station (by position): where its JSON is
	cal    *hours.Calendar
	of     []uint32 // per station: index into sched, or notInService (open.go)
}

// CityCount is a city and how many stations it has.
type CityCount struct {
	Name  string `json:"name"`
	Count int    `json:"station_count"`
}

// Build makes a snapshot of stations (which must be sorted by id) at version, evaluating opening hours
// with cal (nil: hours.DefaultCalendar).
func Build(version int64, stations []station.Station, cal *hours.Calendar) *Snapshot {
	if cal == nil {
		cal = hours.DefaultCalendar
	}
	b := &built{stations: stations, render: make([]rendered, len(stations)), cal: cal}
	s := &Snapshot{Version: version, built: b}
	s.sched = b.buildHours()
	// What nearest search needs is built first, on all cores. Text search is not needed to start
	// serving: it is built afterwards in the background (so that it does not compete with the rest),
	// and Search waits for it.
	var wg sync.WaitGroup
	wg.Go(func() {
		items := make([]spatial.Item, len(stations))
		for i := range stations {
			items[i] = s.item(&stations[i], b.of[i])
		}
		b.index = spatial.NewIndex(items)
	})
	wg.Go(s.countCities)
	b.renderSummaries()
	wg.Wait()
	s.spatial = spatial.NewOverlay(b.index)
	b.textReady = make(chan struct{})
	go func() {
		b.text = textsearch.NewParts(len(stations), func(i int) (string, string) {
			return stations[i].Name, stations[i].Address
		})
		close(b.textReady)
	}()
	return s
}

// Indexed returns a channel that is closed once the snapshot's text index is built (Build makes it
// in the background).
func (s *Snapshot) Indexed() <-chan struct{} { return s.textReady }

// item is a station as the spatial index takes it, with k its hours' index (or notInService).
func (s *Snapshot) item(st *station.Station, k uint32) spatial.Item {
	return spatial.Item{Point: orb.Point{st.Lon, st.Lat}, Kind: uint8(st.Kind), Amenities: uint32(st.Amenities),
		Group: group(st.Status, k)}
}

// Len is the number of stations.
func (s *Snapshot) Len() int { return len(s.stations) }

// Station is station i (a station.List). The caller must not change it.
func (s *Snapshot) Station(i int) *station.Station {
	if p := s.patch[int32(i)]; p != nil {
		return &p.st
	}
	return &s.stations[i]
}

// countCities counts the stations of each city.
func (s *Snapshot) countCities() {
	cities := map[string]int{}
	for i := range s.stations {
		cities[s.stations[i].City]++
	}
	for name, n := range cities {
		s.Cities = append(s.Cities, CityCount{name, n})
	}
	sort.Slice(s.Cities, func(i, j int) bool { return s.Cities[i].Name < s.Cities[j].Name })
}

// rendered locates one station's pre-rendered JSON; with the coordinates at hand, a list answer
// touches one small record per station plus its bytes in the hot arena.
type rendered struct {
	lon, lat                 float64
	vector                   spatial.Vector // for bearings
	id, coords, summary, end uint32         // offsets into hot[part]
	part                     uint8          // which arena of hot
}

// renderSummaries pre-renders what list answers send (id, coordinates, summary) into arenas laid out
// along a Z-order curve: the stations of one nearest query then sit close together in memory, and
// copying their JSON costs a few cache misses rather than one per line of every feature (measured: with
// a scattered layout the copy was half of a nearby request's time). Each core renders one run of the
// curve into an arena of its own (joining them would cost a copy of all of it, and at a million
// stations fresh memory is most of the time).
func (s *built) renderSummaries() {
	n := len(s.stations)
	type keyed struct {
		z uint64
		i int
	}
	order := make([]keyed, n)
	for i := range order {
		order[i] = keyed{zorder(s.stations[i].Lon, s.stations[i].Lat), i}
	}
	slices.SortFunc(order, func(a, b keyed) int { return cmp.Compare(a.z, b.z) })
	s.hot = make([][]byte, min(runtime.GOMAXPROCS(0), 255))
	per := (n + len(s.hot) - 1) / len(s.hot)
	var wg sync.WaitGroup
	for p := range s.hot {
		wg.Go(func() {
			run := order[min(p*per, n):min((p+1)*per, n)]
			hot := make([]byte, 0, 420*len(run))
			for _, o := range run {
				st := &s.stations[o.i]
				r := &s.render[o.i]
				r.lon, r.lat = st.Lon, st.Lat
				r.vector = spatial.VectorOf(orb.Point{st.Lon, st.Lat})
				r.part = uint8(p)
				r.id = uint32(len(hot))
				hot = codec.AppendID(hot, st)
				r.coords = uint32(len(hot))
				hot = codec.AppendCoords(hot, st.Lon, st.Lat)
				r.summary = uint32(len(hot))
				hot = codec.AppendSummary(hot, st)
				r.end = uint32(len(hot))
			}
			s.hot[p] = hot
		})
	}
	wg.Wait()
}

// zorder interleaves the bits of lon and lat quantised to 2^24 steps: nearby points get nearby keys.
func zorder(lon, lat float64) uint64 {
	x := uint64((lon + 180) / 360 * (1 << 24))
	y := uint64((lat + 90) / 180 * (1 << 24))
	var z uint64
	for b := 0; b < 24; b++ {
		z |= (x>>b&1)<<(2*b) | (y>>b&1)<<(2*b+1)
	}
	return z
}

// Lookup returns the position of the station with id.
func (s *Snapshot) Lookup(id string) (int, bool) {
	i := sort.Search(len(s.stations), func(i int) bool { return s.stations[i].ID >= id })
	return i, i < len(s.stations) && s.stations[i].ID == id
}

// Query is a filter shared by nearby, bbox and search.
type Query struct {
	Amenities station.AmenitySet
	Kinds     []station.Kind   // any of these; empty = all
	Open      *Instant         // only stations open then; nil = any
	Statuses  []station.Status // any of these; empty = all (riders' default is set by the caller)
}

func (q Query) filter() spatial.Filter {
	f := spatial.Filter{Amenities: uint32(q.Amenities), ExcludeGroups: q.statusGroups()}
	for _, k := range q.Kinds {
		f.Kinds |= 1 << k
	}
	if q.Open != nil {
		f.ExcludeGroups |= q.Open.closedGroups
		f.Accept = q.Open.Open
	}
	return f
}

// statusGroups are the index classes of the statuses q does not ask for: filtering there, not after
// the query, keeps a limit of k giving k stations.
func (q Query) statusGroups() uint32 {
	if len(q.Statuses) == 0 {
		return 0
	}
	exclude := ^uint32(0)
	for _, st := range q.Statuses {
		switch st {
		case station.Open:
			exclude &^= openGroups
		case station.TemporarilyClosed:
			exclude &^= 1 << groupTemporarilyClosed
		case station.Closed:
			exclude &^= 1 << groupClosed
		}
	}
	return exclude
}

// Matches reports whether station i passes q.
func (s *Snapshot) Matches(i int, q Query) bool {
	st := s.Station(i)
	if st.Amenities&q.Amenities != q.Amenities {
		return false
	}
	if q.Open != nil && !q.Open.Open(i) {
		return false
	}
	if len(q.Statuses) > 0 && !slices.Contains(q.Statuses, st.Status) {
		return false
	}
	if len(q.Kinds) == 0 {
		return true
	}
	for _, k := range q.Kinds {
		if st.Kind == k {
			return true
		}
	}
	return false
}

// Nearest appends to dst the k stations nearest to p (WGS-84) within radiusM that pass q.
func (s *Snapshot) Nearest(p orb.Point, k int, radiusM float64, q Query, dst []spatial.Hit) []spatial.Hit {
	return s.spatial.Nearest(p, k, radiusM, q.filter(), dst)
}

// Within appends to dst the stations inside b (WGS-84) that pass q, in id order, at most limit.
func (s *Snapshot) Within(b orb.Bound, q Query, limit int, dst []int) ([]int, bool) {
	return s.spatial.Within(b, q.filter(), limit, dst)
}

// Search calls fn for each station whose name or address contains text, in id order, until fn
// returns false.
func (s *Snapshot) Search(text string, fn func(i int) bool) {
	<-s.textReady
	if len(s.patch) == 0 {
		s.text.Search(text, fn)
		return
	}
	docs := make(map[int32]string, len(s.patch))
	for pos, p := range s.patch {
		docs[pos] = p.doc
	}
	s.text.SearchReplacing(docs, text, fn)
}

// NameContains reports whether station i's name (not only its address) contains text.
func (s *Snapshot) NameContains(i int, text string) bool {
	return bytes.Contains([]byte(textsearch.Normalize(s.Station(i).Name)), []byte(textsearch.Normalize(text)))
}

// Position returns the WGS-84 position of station i (cheaper than reaching into At).
func (s *Snapshot) Position(i int) orb.Point {
	if p := s.patch[int32(i)]; p != nil {
		return orb.Point{p.st.Lon, p.st.Lat}
	}
	return orb.Point{s.render[i].lon, s.render[i].lat}
}

// Vector returns station i's position as a unit vector, for spatial.Compass.
func (s *Snapshot) Vector(i int) spatial.Vector {
	if p := s.patch[int32(i)]; p != nil {
		return p.vector
	}
	return s.render[i].vector
}

// AppendSummary appends station i as a GeoJSON Feature with the summary properties of list answers,
// coordinates in crs.
func (s *Snapshot) AppendSummary(b []byte, i int, crs spatial.CRS, d codec.Dynamic) []byte {
	return s.appendFeature(b, i, crs, d, false)
}

// AppendFeature appends station i as a GeoJSON Feature with every property, coordinates in crs.
func (s *Snapshot) AppendFeature(b []byte, i int, crs spatial.CRS, d codec.Dynamic) []byte {
	return s.appendFeature(b, i, crs, d, true)
}

func (s *Snapshot) appendFeature(b []byte, i int, crs spatial.CRS, d codec.Dynamic, full bool) []byte {
	if p := s.patch[int32(i)]; p != nil {
		return p.appendFeature(b, crs, d, full)
	}
	r := &s.render[i]
	hot := s.hot[r.part]
	coords := hot[r.coords:r.summary]
	if crs != spatial.WGS84 {
		p := spatial.FromWGS84(crs, orb.Point{r.lon, r.lat})
		var buf [64]byte
		coords = codec.AppendCoords(buf[:0], p[0], p[1])
	}
	if full {
		return codec.AppendFullFeature(b, hot[r.id:r.coords], coords, d, hot[r.summary:r.end], &s.stations[i])
	}
	return codec.AppendFeature(b, hot[r.id:r.coords], coords, d, hot[r.summary:r.end], nil)
}

// Dataset is the whole offline dataset in one CRS: every station that is not closed, as a
// FeatureCollection, with its gzip form and a strong ETag.
type Dataset struct {
	JSON, Gzip []byte
	ETag       string
}

type lazyDataset struct {
	once sync.Once
	d    *Dataset
}

// Dataset renders the offline dataset on first use and keeps it for the snapshot's life.
func (s *Snapshot) Dataset(crs spatial.CRS) *Dataset {
	l := &s.datasets[crs]
	l.once.Do(func() {
		b := make([]byte, 0, 600*s.Len())
		b = append(b, `{"type":"FeatureCollection","meta":{"data_version":`...)
		b = strconv.AppendInt(b, s.Version, 10)
		b = append(b, `,"crs":"`...)
		b = append(b, crs.String()...)
		b = append(b, `"},"features":[`...)
		first := true
		for i := range s.Len() {
			if s.Station(i).Status == station.Closed {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = s.AppendFeature(b, i, crs, codec.Dynamic{})
		}
		b = append(b, "]}"...)
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
		zw.Write(b)
		zw.Close()
		sum := sha256.Sum256(b)
		l.d = &Dataset{JSON: b, Gzip: gz.Bytes(), ETag: `"` + strconv.FormatInt(s.Version, 10) + "-" + crs.String() + "-" + hex.EncodeToString(sum[:6]) + `"`}
	})
	return l.d
}
