package api

import (
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Limits of the public queries (api.md).
const (
	defaultNearbyLimit, maxNearbyLimit = 20, 100
	defaultRadiusM, maxRadiusM         = 50000, 300000
	defaultBBoxLimit, maxBBoxLimit     = 1000, 5000
)

// scratch is per-request working memory, pooled so that a nearby query allocates nothing for its
// results or its body.
type scratch struct {
	body []byte
	hits []spatial.Hit
	idx  []int
}

var scratchPool = sync.Pool{New: func() any {
	return &scratch{body: make([]byte, 0, 16<<10), hits: make([]spatial.Hit, 0, maxNearbyLimit)}
}}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.body) <= 1<<20 { // don't keep a huge bbox answer alive
		s.body, s.hits, s.idx = s.body[:0], s.hits[:0], s.idx[:0]
		scratchPool.Put(s)
	}
}

// snapshot returns the current snapshot, or a 503 problem before the first one is loaded.
func (s *server) snapshot() (*catalog.Snapshot, error) {
	snap := s.Catalog.Current()
	if snap == nil {
		return nil, station.Errorf(station.CodeUnavailable, "", "the station index is still loading; retry shortly")
	}
	return snap, nil
}

// GET /api/v1/stations/nearby
func (s *server) nearby(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	lp, err := p.common(snap)
	if err != nil {
		return err
	}
	crs := lp.crs
	center, err := p.point(crs)
	if err != nil {
		return err
	}
	limit, err := p.integer("limit", defaultNearbyLimit, 1, maxNearbyLimit)
	if err != nil {
		return err
	}
	radius, err := p.integer("radius", defaultRadiusM, 1, maxRadiusM)
	if err != nil {
		return err
	}

	sc := getScratch()
	defer putScratch(sc)
	sc.hits = snap.Nearest(center, limit, float64(radius), lp.q, sc.hits[:0])
	b := appendMeta(sc.body[:0], len(sc.hits), limit, snap.Version, crs)
	b = append(b, `,"radius_m":`...)
	b = strconv.AppendInt(b, int64(radius), 10)
	if station.CheckLiaoning(center[0], center[1]) != nil {
		b = append(b, `,"outside_service_area":true`...)
	}
	b = append(b, `},"features":[`...)
	compass := spatial.NewCompass(center)
	for i, h := range sc.hits {
		if i > 0 {
			b = append(b, ',')
		}
		b = snap.AppendSummary(b, h.Index, crs, codec.Dynamic{
			HasDistance: true,
			DistanceM:   h.DistanceM,
			BearingDeg:  compass.To(snap.Vector(h.Index)),
			OpenNow:     lp.at.OpenNow(h.Index),
		})
	}
	b = append(b, "]}"...)
	sc.body = b
	return writeGeoJSON(c, b)
}

// GET /api/v1/stations?bbox=minLon,minLat,maxLon,maxLat
func (s *server) stationsInBBox(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	lp, err := p.common(snap)
	if err != nil {
		return err
	}
	crs, q := lp.crs, lp.q
	box, err := p.bbox()
	if err != nil {
		return err
	}
	limit, err := p.integer("limit", defaultBBoxLimit, 1, maxBBoxLimit)
	if err != nil {
		return err
	}

	sc := getScratch()
	defer putScratch(sc)
	var truncated bool
	if crs == spatial.WGS84 {
		sc.idx, truncated = snap.Within(box, q, limit, sc.idx[:0])
	} else {
		// The box is axis-aligned in the request's CRS, not in WGS-84: search a WGS-84 box that covers
		// it, then keep the stations whose converted position lies inside the original box.
		all, _ := snap.Within(wgsCover(crs, box), q, snap.Len(), sc.idx[:0])
		kept := all[:0]
		for _, i := range all {
			st := snap.Station(i)
			if box.Contains(spatial.FromWGS84(crs, orb.Point{st.Lon, st.Lat})) {
				if len(kept) == limit {
					truncated = true
					break
				}
				kept = append(kept, i)
			}
		}
		sc.idx = kept
	}
	b := appendMeta(sc.body[:0], len(sc.idx), limit, snap.Version, crs)
	b = append(b, `,"truncated":`...)
	b = strconv.AppendBool(b, truncated)
	b = append(b, `},"features":[`...)
	for n, i := range sc.idx {
		if n > 0 {
			b = append(b, ',')
		}
		b = snap.AppendSummary(b, i, crs, codec.Dynamic{OpenNow: lp.at.OpenNow(i)})
	}
	b = append(b, "]}"...)
	sc.body = b
	return writeGeoJSON(c, b)
}

// appendMeta starts a list answer: the FeatureCollection and the members of meta that every list
// answer has, leaving meta open for the caller's own members.
func appendMeta(b []byte, count, limit int, version int64, crs spatial.CRS) []byte {
	b = append(b, `{"type":"FeatureCollection","meta":{"count":`...)
	b = strconv.AppendInt(b, int64(count), 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(limit), 10)
	b = append(b, `,"data_version":`...)
	b = strconv.AppendInt(b, version, 10)
	b = append(b, `,"crs":"`...)
	b = append(b, crs.String()...)
	return append(b, '"')
}

// bbox reads bbox=minLon,minLat,maxLon,maxLat (in the request CRS).
func (p params) bbox() (orb.Bound, error) {
	parts, err := p.list("bbox")
	if err != nil {
		return orb.Bound{}, err
	}
	if parts == nil {
		return orb.Bound{}, station.Errorf(station.CodeMissingParameter, "bbox", "bbox=minLon,minLat,maxLon,maxLat is required")
	}
	if len(parts) != 4 {
		return orb.Bound{}, station.Errorf(station.CodeInvalidParameter, "bbox", "bbox needs 4 numbers minLon,minLat,maxLon,maxLat; got %d", len(parts))
	}
	var v [4]float64
	for i, s := range parts {
		f, e := codec.ParseDecimal("bbox", s)
		if e != nil {
			return orb.Bound{}, e
		}
		v[i] = f
	}
	switch {
	case v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90:
		return orb.Bound{}, station.Errorf(station.CodeOutOfRange, "bbox", "bbox must lie within lon -180..180 and lat -90..90")
	case v[0] > v[2] || v[1] > v[3]:
		return orb.Bound{}, station.Errorf(station.CodeInvalidParameter, "bbox", "bbox minimum exceeds maximum: give minLon,minLat,maxLon,maxLat")
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// wgsCover returns a WGS-84 box that contains every point of box (given in crs). The conversions
// shift points by under 2 km in China, so padding the converted corners by 0.05° is ample.
func wgsCover(crs spatial.CRS, box orb.Bound) orb.Bound {
	out := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
	for _, p := range []orb.Point{box.Min, box.Max, {box.Min[0], box.Max[1]}, {box.Max[0], box.Min[1]}} {
		out = out.Extend(spatial.ToWGS84(crs, p))
	}
	return out.Pad(0.05)
}

// GET /api/v1/stations/:id
func (s *server) stationByID(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	crs, err := p.crs()
	if err != nil {
		return err
	}
	at, _, err := p.times()
	if err != nil {
		return err
	}
	id := c.Param("id")
	i, ok := snap.Lookup(id)
	if !ok {
		return unknownStation(id)
	}
	etag := `"` + strconv.FormatInt(snap.Station(i).Version, 10) + `"`
	h := c.Response().Header()
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	sc := getScratch()
	defer putScratch(sc)
	sc.body = snap.AppendFeature(sc.body[:0], i, crs, codec.Dynamic{OpenNow: snap.At(at).OpenNow(i)})
	return writeGeoJSON(c, sc.body)
}

// unknownStation is the answer to an id that names no station, on every route that takes one: the id
// is echoed cut short, so that a 4 KB id does not come back whole.
func unknownStation(id string) error {
	return station.Errorf(station.CodeNotFound, "id", "no station has id %.40q", id)
}

// GET /api/v1/stations.geojson: the whole dataset for offline use.
func (s *server) dataset(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	crs, err := p.crs()
	if err != nil {
		return err
	}
	d := snap.Dataset(crs)
	return sendReady(c, geoJSONType, d.ETag, d.JSON, d.Gzip, nil)
}

// GET /api/v1/dataset: the offline dataset in its compact form (README, "The offline dataset's
// format"). X-Dataset-Length is the uncompressed length, for a download percentage of the decoded
// stream. Brotli is sent once it is made; until then gzip.
func (s *server) compactDataset(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	crs, err := p.crs()
	if err != nil {
		return err
	}
	d := s.Catalog.CompactDataset(snap, crs)
	c.Response().Header().Set("X-Dataset-Length", strconv.Itoa(len(d.JSON)))
	// Brotli is made (in the background) only once a client that takes it asks for the data.
	var br []byte
	req := c.Request().Header
	if preferredEncoding(req.Get(echo.HeaderAcceptEncoding)) == "br" && !etagMatches(req.Get("If-None-Match"), d.ETag) {
		br = d.Brotli()
	}
	return sendReady(c, jsonType, d.ETag, d.JSON, d.Gzip, br)
}
