package seedgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/yizhan/yizhan/server/station"
)

// cityGen makes one city's stations from the city's own random stream.
type cityGen struct {
	g    *generator
	ci   int // index into cities
	info *cityInfo
	ds   []*District
	n    int
	rng  *rand.Rand
	hubs []hub
	out  []Station

	districtWeights [numKinds][]weighted[*District]
}

// hub is a logistics park: 司机之家 gather around it.
type hub struct {
	lon, lat int64
	d        *District
	name     string // place name: 浑河湾
	facility string // 物流园, 公路港 ...
}

// place is where a station ends up, before it gets its attributes.
type place struct {
	lon, lat int64
	d        *District
	street   *Street
	central  bool   // near a district centre: urban street, urban address
	road     string // shared road for clusters; empty means make one up
	number   int    // house number when road is set
	corridor int    // index into corridors, or -1
	hub      *hub
}

// Shares of the special placements, in per mille of a city's stations.
const (
	clusterPermille = 45 // runs of stations along one street
	borderPermille  = 12 // points within a few hundred metres of a district border
	islandPermille  = 60 // of uniform placements in districts with islands
)

func (c *cityGen) run() []Station {
	c.out = make([]Station, 0, c.n)
	for k := range numKinds {
		for _, d := range c.ds {
			c.districtWeights[k] = append(c.districtWeights[k], weighted[*District]{districtWeight(station.Kind(k), d), d})
		}
	}
	c.makeHubs()
	c.makeClusters(c.n * clusterPermille / 1000)
	borders := max(2, c.n*borderPermille/1000)
	for i := 0; len(c.out) < c.n && i < borders; i++ {
		k := c.kind()
		d := c.pickDistrict(k)
		lon, lat := c.nearBorder(d)
		c.add(k, place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, anyStreet), corridor: -1})
	}
	for len(c.out) < c.n {
		k := c.kind()
		if k == station.DriverHome {
			c.add(k, c.placeDriverHome())
		} else {
			c.add(k, c.placeStation(k))
		}
	}
	// Shuffle so that serial numbers do not reveal how a station was placed,
	// then group by district (stable, so the shuffle order is the serial order).
	c.rng.Shuffle(len(c.out), func(i, j int) { c.out[i], c.out[j] = c.out[j], c.out[i] })
	slices.SortStableFunc(c.out, func(a, b Station) int { return strings.Compare(a.District.Adcode, b.District.Adcode) })
	distinguish(c.out)
	return c.out
}

// kindWeights is kindMix in the form pick takes.
var kindWeights = func() []weighted[station.Kind] {
	ws := make([]weighted[station.Kind], numKinds)
	for k, w := range kindMix {
		ws[k] = weighted[station.Kind]{w, station.Kind(k)}
	}
	return ws
}()

func (c *cityGen) kind() station.Kind { return pick(c.rng, kindWeights) }

// districtWeight says how much a district attracts stations of kind k.
// With no population per district, the township-level units stand in for
// it: urban 街道 weigh most for caring and union stations, communities and
// villages for 党群服务中心.
func districtWeight(k station.Kind, d *District) int {
	w := 0
	for _, s := range d.Streets {
		switch k {
		case station.CommunityCenter:
			for _, name := range s.Communities {
				if strings.HasSuffix(name, "社区") {
					w += 4
				} else {
					w++
				}
			}
		case station.UnionStation:
			w += [...]int{Subdistrict: 4, Town: 2, Township: 1, OtherUnit: 1}[s.Type]
		case station.DriverHome:
			w += [...]int{Subdistrict: 1, Town: 2, Township: 1, OtherUnit: 1}[s.Type]
		default:
			w += [...]int{Subdistrict: 6, Town: 2, Township: 1, OtherUnit: 1}[s.Type]
		}
	}
	return max(w, 1)
}

func (c *cityGen) pickDistrict(k station.Kind) *District {
	return pick(c.rng, c.districtWeights[k])
}

// Which township-level units pickStreet prefers.
const (
	anyStreet   = iota
	urbanStreet // a 街道, for points near an urban centre
	ruralStreet // a 镇 or 乡, for points along expressways
)

// pickStreet chooses the township-level unit a station's name and address
// use. There are no street polygons, so it is only matched to the kind of
// place: a 街道 near a centre, a 镇 or 乡 along an expressway, when the
// district has one.
func (c *cityGen) pickStreet(d *District, pref int) *Street {
	if pref != anyStreet {
		var fit []*Street
		for _, s := range d.Streets {
			if (pref == urbanStreet) == (s.Type == Subdistrict) && s.Type != OtherUnit {
				fit = append(fit, s)
			}
		}
		if len(fit) > 0 {
			return fit[c.rng.IntN(len(fit))]
		}
	}
	return d.Streets[c.rng.IntN(len(d.Streets))]
}

// sigma is the spread of stations around a district's centre, in
// micro-degrees of latitude: compact for small urban districts, a county
// town's size for counties.
func sigma(d *District) int64 {
	if d.Type != UrbanDistrict {
		return 3 * microPerKm
	}
	km := math.Sqrt(d.AreaKm2()) / 4
	return int64(min(max(km, 1.2), 6) * microPerKm)
}

// placeStation places a caring, union, community or other station: a mix of
// a Gaussian around the district centre (denser in urban districts) and
// uniform sampling over the whole district, islands included.
func (c *cityGen) placeStation(k station.Kind) place {
	d := c.pickDistrict(k)
	central := 450
	if d.Type == UrbanDistrict {
		central = 650
	}
	if c.rng.IntN(1000) < central {
		if lon, lat, ok := c.gaussIn(d, d.Centre[0], d.Centre[1], sigma(d)); ok {
			return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, urbanStreet), central: true, corridor: -1}
		}
	}
	lon, lat := c.uniformIn(d)
	return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, anyStreet), corridor: -1}
}

// placeDriverHome puts a 司机之家 along an expressway corridor, near a county
// seat, around a logistics park or anywhere in the city.
func (c *cityGen) placeDriverHome() place {
	corr := 40
	if len(c.g.corridors[c.ci]) == 0 {
		corr = 0
	}
	switch pick(c.rng, []weighted[int]{{corr, 0}, {30, 1}, {20, 2}, {10, 3}}) {
	case 0:
		pts := c.g.corridors[c.ci]
		for range 50 {
			p := pts[c.rng.IntN(len(pts))]
			lon, lat := c.jitter(p.lon, p.lat, 3*microPerKm/2)
			if d := findDistrict(c.ds, lon, lat); d != nil {
				return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, ruralStreet), corridor: p.corridor}
			}
		}
	case 2:
		h := &c.hubs[c.rng.IntN(len(c.hubs))]
		for range 50 {
			lon, lat := c.jitter(h.lon, h.lat, 12*microPerKm/10)
			if d := findDistrict(c.ds, lon, lat); d != nil {
				return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, anyStreet), corridor: -1, hub: h}
			}
		}
	case 3:
		d := c.pickDistrict(station.DriverHome)
		lon, lat := c.uniformIn(d)
		return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, anyStreet), corridor: -1}
	}
	// County seats: the centres of 县 and 县级市 (any district in the few
	// cities that have none).
	var seats []*District
	for _, d := range c.ds {
		if d.Type != UrbanDistrict {
			seats = append(seats, d)
		}
	}
	if len(seats) == 0 {
		seats = c.ds
	}
	d := seats[c.rng.IntN(len(seats))]
	if lon, lat, ok := c.gaussIn(d, d.Centre[0], d.Centre[1], 5*microPerKm/2); ok {
		return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, urbanStreet), central: true, corridor: -1}
	}
	lon, lat := c.uniformIn(d)
	return place{lon: lon, lat: lat, d: d, street: c.pickStreet(d, anyStreet), corridor: -1}
}

// makeHubs places the city's logistics parks 5–15 km from its centre.
func (c *cityGen) makeHubs() {
	n := min(3+c.n/600, 12)
	for len(c.hubs) < n {
		var d *District
		var lon, lat int64
		for range 200 {
			dx := int64(c.rng.IntN(20*microPerKm+1)) - 10*microPerKm
			dy := int64(c.rng.IntN(20*microPerKm+1)) - 10*microPerKm
			if max(abs(dx), abs(dy)) < 4*microPerKm {
				continue
			}
			lon, lat = c.info.Lon+dx*4/3, c.info.Lat+dy
			if d = findDistrict(c.ds, lon, lat); d != nil {
				break
			}
		}
		if d == nil { // a city whose centre is hemmed in by the sea: fall back
			d = c.ds[0]
			lon, lat = c.uniformIn(d)
		}
		s := c.pickStreet(d, ruralStreet)
		c.hubs = append(c.hubs, hub{lon: lon, lat: lat, d: d, name: s.Short, facility: pick(c.rng, hubFacilities)})
	}
}

// makeClusters lines up runs of 4–10 stations along one street in urban
// districts, as on a shopping street where every bank branch and phone shop
// hangs out the same sign.
func (c *cityGen) makeClusters(budget int) {
	var urban []weighted[*District]
	for _, d := range c.ds {
		if d.Type == UrbanDistrict {
			urban = append(urban, weighted[*District]{districtWeight(station.CaringStation, d), d})
		}
	}
	if len(urban) == 0 {
		return
	}
	dirs := [][2]int64{{1, 0}, {0, 1}, {1, 1}, {1, -1}, {2, 1}, {1, 2}, {2, -1}, {1, -2}}
	for made, tries := 0, 0; made < budget && tries < 10*budget; tries++ {
		d := pick(c.rng, urban)
		lon0, lat0, ok := c.gaussIn(d, d.Centre[0], d.Centre[1], sigma(d))
		if !ok {
			continue
		}
		dir := dirs[c.rng.IntN(len(dirs))]
		step := int64(60 + c.rng.IntN(80)) // metres between stations
		street := c.pickStreet(d, urbanStreet)
		road := c.road(street)
		number := 1 + c.rng.IntN(200)
		size := min(4+c.rng.IntN(7), budget-made)
		for j := range size {
			dx := dir[0] * int64(j) * step * microPerKm / 1000
			dy := dir[1] * int64(j) * step * microPerKm / 1000
			lon, lat := c.jitter(lon0+dx*4/3, lat0+dy, 15*microPerKm/1000)
			if !d.Contains(microPoint(lon, lat)) {
				continue
			}
			k := pick(c.rng, []weighted[station.Kind]{{70, station.CaringStation}, {15, station.UnionStation}, {10, station.OtherKind}, {5, station.CommunityCenter}})
			c.add(k, place{lon: lon, lat: lat, d: d, street: street, central: true, road: road, number: number, corridor: -1})
			number += 2 + 2*c.rng.IntN(5)
			made++
		}
	}
}

// jitter moves a point by a bell-shaped random offset with standard
// deviation s (micro-degrees of latitude). The sum of three uniform draws
// approximates a Gaussian in integers, identical on every platform, and
// never strays beyond 3 s.
func (c *cityGen) jitter(lon, lat, s int64) (int64, int64) {
	if s <= 0 {
		return lon, lat
	}
	var dx, dy int64
	for range 3 {
		dx += c.rng.Int64N(2*s+1) - s
		dy += c.rng.Int64N(2*s+1) - s
	}
	return lon + dx*4/3, lat + dy
}

// gaussIn samples around (lon, lat) until the point lies in d.
func (c *cityGen) gaussIn(d *District, lon, lat, s int64) (int64, int64, bool) {
	for range 60 {
		x, y := c.jitter(lon, lat, s)
		if d.Contains(microPoint(x, y)) {
			return x, y, true
		}
	}
	return 0, 0, false
}

// uniformIn samples a point uniformly over d: a polygon chosen by area,
// then rejection sampling in its bounding box. In districts with islands a
// share of points go to a smaller polygon chosen regardless of its size,
// so that islands get stations even though their area is tiny.
func (c *cityGen) uniformIn(d *District) (int64, int64) {
	if len(d.parts) > 1 && c.rng.IntN(1000) < islandPermille {
		var islands []int
		for i := 1; i < len(d.parts); i++ {
			if d.parts[i].areaUnits >= 8 { // at least four grid cells
				islands = append(islands, i)
			}
		}
		if len(islands) > 0 {
			if lon, lat, ok := c.sampleIn(d, islands[c.rng.IntN(len(islands))]); ok {
				return lon, lat
			}
		}
	}
	for {
		r := c.rng.Int64N(d.areaUnits)
		i := 0
		for ; i < len(d.parts)-1 && r >= d.parts[i].areaUnits; i++ {
			r -= d.parts[i].areaUnits
		}
		if lon, lat, ok := c.sampleIn(d, i); ok {
			return lon, lat
		}
	}
}

// sampleIn draws points in part i's bounding box until one is inside it.
func (c *cityGen) sampleIn(d *District, i int) (int64, int64, bool) {
	p := &d.parts[i]
	if p.maxX < p.minX || p.maxY < p.minY {
		return 0, 0, false
	}
	for range 500 {
		lon := p.minX + c.rng.Int64N(p.maxX-p.minX+1)
		lat := p.minY + c.rng.Int64N(p.maxY-p.minY+1)
		if p.contains(microPoint(lon, lat)) {
			return lon, lat, true
		}
	}
	return 0, 0, false
}

// nearBorder returns a point inside d within a few hundred metres of its
// boundary: a boundary vertex moved by a small random offset.
func (c *cityGen) nearBorder(d *District) (int64, int64) {
	for range 100 {
		ring := d.parts[0].poly[0]
		v := ring[c.rng.IntN(len(ring))]
		lon, lat := int64(math.Round(v[0]*1e6)), int64(math.Round(v[1]*1e6))
		for range 20 {
			x, y := c.jitter(lon, lat, 150*microPerKm/1000)
			if d.Contains(microPoint(x, y)) {
				return x, y
			}
		}
	}
	return c.uniformIn(d)
}

func pick[T any](rng *rand.Rand, ws []weighted[T]) T {
	total := 0
	for _, w := range ws {
		total += w.W
	}
	r := rng.IntN(total)
	for _, w := range ws {
		if r < w.W {
			return w.V
		}
		r -= w.W
	}
	panic("unreachable")
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
