// Package catalog is the read model every public query answers from: an immutable Snapshot of all
// stations at one data version, with its spatial and text indexes and each station's GeoJSON
// pre-rendered. A write builds a new Snapshot and swaps it in atomically, so a reader sees either the
// old state or the new one, never a mix.
package catalog

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/textsearch"
)

// Catalog holds the current Snapshot.
type Catalog struct {
	cur atomic.Pointer[Snapshot]
}

// Current returns the snapshot to answer from, or nil before the first Swap.
func (c *Catalog) Current() *Snapshot { return c.cur.Load() }

// Swap makes s the current snapshot.
func (c *Catalog) Swap(s *Snapshot) { c.cur.Store(s) }

// Snapshot is all stations at one data version. It is never modified after Build.
type Snapshot struct {
	Version  int64
	Stations []station.Station // sorted by id; position = tie-breaker in nearest search
	Cities   []CityCount

	byID    map[string]int
	spatial *spatial.Index
	text    *textsearch.Index
	ids     [][]byte // JSON of each feature id
	props   [][]byte // JSON members of each station's static properties

	datasets [3]lazyDataset // per spatial.CRS
}

// CityCount is a city and how many stations it has.
type CityCount struct {
	Name  string `json:"name"`
	Count int    `json:"station_count"`
}

// Build makes a snapshot of stations (which must be sorted by id) at version.
func Build(version int64, stations []station.Station) *Snapshot {
	s := &Snapshot{
		Version:  version,
		Stations: stations,
		byID:     make(map[string]int, len(stations)),
		ids:      make([][]byte, len(stations)),
		props:    make([][]byte, len(stations)),
	}
	items := make([]spatial.Item, len(stations))
	docs := make([]string, len(stations))
	cities := map[string]int{}
	for i := range stations {
		st := &stations[i]
		s.byID[st.ID] = i
		items[i] = spatial.Item{Point: orb.Point{st.Lon, st.Lat}, Kind: uint8(st.Kind), Amenities: uint32(st.Amenities)}
		docs[i] = st.Name + "\x00" + st.Address
		s.ids[i] = codec.FeatureID(st)
		s.props[i] = codec.Properties(st)
		cities[st.City]++
	}
	s.spatial = spatial.NewIndex(items)
	s.text = textsearch.New(docs)
	for name, n := range cities {
		s.Cities = append(s.Cities, CityCount{name, n})
	}
	sort.Slice(s.Cities, func(i, j int) bool { return s.Cities[i].Name < s.Cities[j].Name })
	return s
}

// Lookup returns the position of the station with id.
func (s *Snapshot) Lookup(id string) (int, bool) {
	i, ok := s.byID[id]
	return i, ok
}

// Query is a filter shared by nearby, bbox and search.
type Query struct {
	Amenities station.AmenitySet
	Kinds     []station.Kind // any of these; empty = all
}

func (q Query) filter() spatial.Filter {
	f := spatial.Filter{Amenities: uint32(q.Amenities)}
	for _, k := range q.Kinds {
		f.Kinds |= 1 << k
	}
	return f
}

// Matches reports whether station i passes q.
func (s *Snapshot) Matches(i int, q Query) bool {
	st := &s.Stations[i]
	if st.Amenities&q.Amenities != q.Amenities {
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
func (s *Snapshot) Search(text string, fn func(i int) bool) { s.text.Search(text, fn) }

// NameContains reports whether station i's name (not only its address) contains text.
func (s *Snapshot) NameContains(i int, text string) bool {
	return bytes.Contains([]byte(textsearch.Normalize(s.Stations[i].Name)), []byte(textsearch.Normalize(text)))
}

// AppendFeature appends station i as a GeoJSON Feature with coordinates in crs.
func (s *Snapshot) AppendFeature(b []byte, i int, crs spatial.CRS, d codec.Dynamic) []byte {
	st := &s.Stations[i]
	p := orb.Point{st.Lon, st.Lat}
	if crs != spatial.WGS84 {
		p = spatial.FromWGS84(crs, p)
	}
	return codec.AppendFeature(b, s.ids[i], p[0], p[1], d, s.props[i])
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
		b := make([]byte, 0, 600*len(s.Stations))
		b = append(b, `{"type":"FeatureCollection","meta":{"data_version":`...)
		b = strconv.AppendInt(b, s.Version, 10)
		b = append(b, `,"crs":"`...)
		b = append(b, crs.String()...)
		b = append(b, `"},"features":[`...)
		first := true
		for i := range s.Stations {
			if s.Stations[i].Status == station.Closed {
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
