// Package seedgen generates the deterministic synthetic station dataset:
// realistic-looking 爱心驿站, 司机之家 and similar stations spread over
// Liaoning's real districts, with real district and street names but
// fictitious roads, house numbers and phone numbers.
//
// The output depends only on the reference data, the seed and the count:
// every random choice comes from a math/rand/v2 PCG stream seeded from the
// seed and the city code, coordinates are integers (micro-degrees) until
// they are printed, and no clock is read.
package seedgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/station"
)

// Defaults used by the seedgen command and scripts/gen-seed.
const (
	DefaultN    = 16500
	DefaultSeed = 2026

	// MinN is the smallest count that still gives every city a few
	// stations.
	MinN = 100
)

// Config says how many stations to make and from which seed.
type Config struct {
	N    int    // total number of stations, at least MinN
	Seed uint64 // same seed and N give byte-identical output
}

// Station is one generated row. Coordinates are kept in integer
// micro-degrees so that printing them with 6 decimals is exact.
type Station struct {
	ID           string
	Name         string
	Kind         station.Kind
	Lon, Lat     int64 // micro-degrees
	Address      string
	District     *District
	Amenities    station.AmenitySet
	OpeningHours string
	Status       station.Status
	StatusNote   string
	Audience     station.Audience
	Phone        string
	Operator     string
	VerifiedAt   string // RFC 3339 with +08:00, or empty

	street *Street // the township-level unit it was named after
}

// microPoint converts micro-degrees to the float64 values a CSV reader
// gets back from the 6-decimal text (both are the correctly rounded
// value), so the generator tests exactly the point that is printed.
func microPoint(lon, lat int64) orb.Point {
	return orb.Point{float64(lon) / 1e6, float64(lat) / 1e6}
}

// Distances are handled on the micro-degree grid. One km is about 9,000
// micro-degrees of latitude; a degree of longitude is shorter by cos(lat),
// about 0.75 across Liaoning, so longitude offsets are scaled by 4/3. This
// is approximate on purpose: it keeps the arithmetic in integers.
const microPerKm = 9000

// Generate makes cfg.N stations, sorted by id. Cities are generated
// concurrently, each from its own random stream, so the result does not
// depend on scheduling.
func Generate(ref *Reference, cfg Config) ([]Station, error) {
	if cfg.N < MinN {
		return nil, fmt.Errorf("seedgen: n = %d, need at least %d to cover all cities", cfg.N, MinN)
	}
	g, err := newGenerator(ref)
	if err != nil {
		return nil, err
	}
	counts := allocate(cfg.N)
	perCity := make([][]Station, len(cities))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range cities {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c := &cityGen{
				g:    g,
				ci:   i,
				info: &cities[i],
				ds:   g.districts[i],
				n:    counts[i],
				rng:  rand.New(rand.NewPCG(cfg.Seed, uint64(i+1)*0x9E3779B97F4A7C15)),
			}
			perCity[i] = c.run()
		}()
	}
	wg.Wait()

	// Ids: LN-{adcode}-{serial}. The serial is as wide as the largest
	// district needs (at least 4 digits), so ids sort like their numbers.
	width := 4
	for _, list := range perCity {
		n := 0
		for i := range list {
			if i > 0 && list[i].District != list[i-1].District {
				n = 0
			}
			n++
			width = max(width, len(strconv.Itoa(n)))
		}
	}
	out := make([]Station, 0, cfg.N)
	for _, list := range perCity {
		serial := 0
		for i := range list {
			if i > 0 && list[i].District != list[i-1].District {
				serial = 0
			}
			serial++
			list[i].ID = fmt.Sprintf("LN-%s-%0*d", list[i].District.Adcode, width, serial)
		}
		out = append(out, list...)
	}
	return out, nil
}

// allocate splits n across the cities in proportion to population, by the
// largest-remainder method, so every city is within one station of its
// exact share.
func allocate(n int) []int {
	total := 0
	for _, c := range cities {
		total += c.Population
	}
	counts := make([]int, len(cities))
	rem := make([]int, len(cities))
	left := n
	for i, c := range cities {
		counts[i] = n * c.Population / total
		rem[i] = n * c.Population % total
		left -= counts[i]
	}
	order := make([]int, len(cities))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rem[b] - rem[a] })
	for _, i := range order[:left] {
		counts[i]++
	}
	return counts
}

// generator holds what all cities share: districts per city and the
// corridor points that fall in each city.
type generator struct {
	districts [][]*District     // per city, adcode order
	corridors [][]corridorPoint // per city
}

type corridorPoint struct {
	corridor int
	lon, lat int64
}

func newGenerator(ref *Reference) (*generator, error) {
	g := &generator{
		districts: make([][]*District, len(cities)),
		corridors: make([][]corridorPoint, len(cities)),
	}
	cityIndex := map[string]int{}
	for i, c := range cities {
		cityIndex[c.Adcode] = i
	}
	for _, d := range ref.Districts {
		i, ok := cityIndex[d.CityAdcode]
		if !ok {
			return nil, fmt.Errorf("seedgen: district %s in unknown city %s", d.Adcode, d.CityAdcode)
		}
		g.districts[i] = append(g.districts[i], d)
	}
	for i, ds := range g.districts {
		if len(ds) == 0 {
			return nil, fmt.Errorf("seedgen: no districts for %s", cities[i].Name)
		}
	}
	for ci, c := range corridors {
		for _, p := range densify(c.Waypoints) {
			if nearCityCentre(p) {
				continue
			}
			for i := range cities {
				if findDistrict(g.districts[i], p[0], p[1]) != nil {
					g.corridors[i] = append(g.corridors[i], corridorPoint{ci, p[0], p[1]})
					break
				}
			}
		}
	}
	return g, nil
}

// densify returns points about every kilometre along the great-circle
// segments between consecutive waypoints, rounded to 1e-4° (about 10 m) so
// that the last-bit differences of trigonometric functions between
// machines cannot change the result.
func densify(wps [][2]int64) [][2]int64 {
	var out [][2]int64
	for i := 0; i+1 < len(wps); i++ {
		a, b := unitVector(wps[i]), unitVector(wps[i+1])
		dot := a[0]*b[0] + a[1]*b[1] + a[2]*b[2]
		omega := math.Acos(min(1, dot))
		steps := max(1, int(omega*6371))
		for k := 0; k < steps; k++ {
			t := float64(k) / float64(steps)
			sa := math.Sin((1-t)*omega) / math.Sin(omega)
			sb := math.Sin(t*omega) / math.Sin(omega)
			x := sa*a[0] + sb*b[0]
			y := sa*a[1] + sb*b[1]
			z := sa*a[2] + sb*b[2]
			lon := math.Atan2(y, x) * 180 / math.Pi
			lat := math.Atan2(z, math.Hypot(x, y)) * 180 / math.Pi
			out = append(out, [2]int64{int64(math.Round(lon*1e4)) * 100, int64(math.Round(lat*1e4)) * 100})
		}
	}
	return out
}

// nearCityCentre reports whether p is within about 12 km of a city
// centre. Expressways start at the ring road: service areas and their
// 司机之家 are not in the urban core, where the corridor lines begin.
func nearCityCentre(p [2]int64) bool {
	const r = 12 * microPerKm
	for _, c := range cities {
		if abs(p[0]-c.Lon)*3/4 < r && abs(p[1]-c.Lat) < r {
			return true
		}
	}
	return false
}

func unitVector(p [2]int64) [3]float64 {
	lon := float64(p[0]) / 1e6 * math.Pi / 180
	lat := float64(p[1]) / 1e6 * math.Pi / 180
	return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
}

func findDistrict(ds []*District, lon, lat int64) *District {
	pt := microPoint(lon, lat)
	for _, d := range ds {
		if d.Contains(pt) {
			return d
		}
	}
	return nil
}
