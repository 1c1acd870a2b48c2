package codec

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// CodeOutsideDistrict: the point lies in Liaoning but outside the district (or, when only the city is
// given, the city) that the row declares; the detail says where it is and the likely cause.
const CodeOutsideDistrict = "outside_district"

// placeToleranceM is how far outside its declared area a point may lie. The areas are about 1 km
// accurate and simplified at 750 m; the seed's 16,500 stations lie at most 0.68 km outside their
// district (458 of them outside at all), so 2.5 km refuses none of them while a slip of a digit,
// degrees-minutes read as decimals (≥ 10 km off) or a point in the next district is still found.
const placeToleranceM = 2500

// checkPlace holds a row's converted WGS-84 point against the place it declares: the adcode, else the
// district (within the city, when given) or city name. A row naming no place it can find is not
// checked. crs is the declared CRS, which says what the row held as typed.
func checkPlace(st *station.Station, crs spatial.CRS, lonName string) *station.Error {
	declared := declaredAreas(st)
	if len(declared) == 0 {
		return nil
	}
	p := orb.Point{st.Lon, st.Lat}
	if nearAny(declared, p) {
		return nil
	}
	dist := distanceToAny(declared, p)
	where := station.Msg("it is in no district of Liaoning (outside the province or at sea)")
	if d, c, ok := areas.Locate(p); ok {
		where = station.Msg("it lies in %s%s", c.Name, d.Name)
	}
	typed := spatial.FromWGS84(crs, p)
	return station.Errorf(CodeOutsideDistrict, lonName, "the point (%s, %s) is outside %s, the place given, by %.1f km: %s. %s",
		fmtDeg(typed[0]), fmtDeg(typed[1]), placeName(declared[0]), dist/1000, where, likelyCause(declared, typed, crs))
}

// CheckPlace holds an edited station's WGS-84 point against the place it declares (its adcode, district
// or city), within the same tolerance as an import: an outside_district *station.Error about "lon"
// when it lies too far outside.
func CheckPlace(st *station.Station) *station.Error {
	if e := station.CheckLiaoning(st.Lon, st.Lat); e != nil {
		return e // outside the province: said as for any edit
	}
	declared := declaredAreas(st)
	p := orb.Point{st.Lon, st.Lat}
	if len(declared) == 0 || nearAny(declared, p) {
		return nil
	}
	// A pin moved on a map: where it landed is the whole story (no columns to have swapped).
	where := station.Msg("it is in no district of Liaoning (outside the province or at sea)")
	if d, c, ok := areas.Locate(p); ok {
		where = station.Msg("it lies in %s%s", c.Name, d.Name)
	}
	return station.Errorf(CodeOutsideDistrict, "lon", "the new position is outside %s, the station's district, by %.1f km: %s; move it back inside or change the district first",
		placeName(declared[0]), distanceToAny(declared, p)/1000, where)
}

// likelyCause explains a point that misses its area by the first mistake whose undoing makes it fit:
// degrees-minutes typed as decimals, swapped columns, a CRS other than the declared one. typed is the
// point as the row held it, in crs.
func likelyCause(declared []areas.Area, typed orb.Point, crs spatial.CRS) station.Message {
	p := spatial.ToWGS84(crs, typed)
	fits := func(q orb.Point) bool { return nearAny(declared, spatial.ToWGS84(crs, q)) }
	for _, asDM := range []struct {
		read func(float64) (float64, bool)
		form func(float64) string
	}{{dmsAsDecimal, fmtDMS}, {dmAsDecimal, fmtDM}} {
		lon, lonOK := asDM.read(typed[0])
		lat, latOK := asDM.read(typed[1])
		for _, q := range []struct {
			p        orb.Point
			lon, lat bool
		}{{orb.Point{lon, lat}, true, true}, {orb.Point{lon, typed[1]}, true, false}, {orb.Point{typed[0], lat}, false, true}} {
			if (q.lon && !lonOK) || (q.lat && !latOK) || !fits(q.p) {
				continue
			}
			var meant station.Items
			if q.lon {
				meant = append(meant, station.Msg("%s should be %s (%s)", fmtDeg(typed[0]), asDM.form(typed[0]), fmtDeg(lon)))
			}
			if q.lat {
				meant = append(meant, station.Msg("%s should be %s (%s)", fmtDeg(typed[1]), asDM.form(typed[1]), fmtDeg(lat)))
			}
			return station.Msg("Degrees, minutes and seconds may have been typed as decimals: %s, which falls inside the place given; write decimal degrees, or degrees and minutes with their marks (such as 123°25′30″).", meant)
		}
	}
	if fits(orb.Point{typed[1], typed[0]}) {
		return station.Msg("Longitude and latitude may be in each other's columns: swapped, the point falls inside the place given.")
	}
	// GCJ-02's shift is part of BD-09's, so near a border both may make a point fit: then both are named
	var fitting, params station.Either
	for _, other := range []spatial.CRS{spatial.WGS84, spatial.GCJ02, spatial.BD09} {
		if other != crs && nearAny(declared, spatial.ToWGS84(other, typed)) {
			fitting = append(fitting, station.Msg("%s (%s)", crsName(other), crsSource(other)))
			params = append(params, station.Msg("crs=%s", other.String()))
		}
	}
	if len(fitting) > 0 {
		return station.Msg("The coordinate system may be wrong: converted as %s the point falls inside the place given, while the import converted it as %s; check where the coordinates came from and import again with %s.",
			fitting, crsName(crs), params)
	}
	for _, other := range []spatial.CRS{spatial.GCJ02, spatial.BD09} {
		if nearAny(declared, spatial.FromWGS84(other, p)) {
			return station.Msg("The coordinates may have been converted the wrong way: only converted from WGS-84 to %s does the point fall inside the place given; check where they came from.", crsName(other))
		}
	}
	return station.Msg("Check the longitude and latitude against the district and administrative code given.")
}

// declaredAreas are the areas a row says it is in: the adcode's; else the districts of that name (in
// the named city, when there is one; several when the name is in several cities); else the city.
func declaredAreas(st *station.Station) []areas.Area {
	if st.Adcode != "" {
		if a, ok := areas.ByAdcode(st.Adcode); ok {
			return []areas.Area{a}
		}
		return nil
	}
	idx := nameIndex()
	cities := idx.find(idx.cities, st.City)
	if st.District != "" {
		var out []areas.Area
		for _, d := range idx.find(idx.districts, st.District) {
			if len(cities) == 0 || containsAdcode(cities, d.CityAdcode) {
				out = append(out, d)
			}
		}
		if len(out) > 0 || st.City == "" {
			return out
		}
	}
	return cities
}

func containsAdcode(list []areas.Area, adcode string) bool {
	for _, a := range list {
		if a.Adcode == adcode {
			return true
		}
	}
	return false
}

// names lists the cities and districts for finding them by name.
type names struct{ cities, districts []areas.Area }

var nameIndex = sync.OnceValue(func() names {
	all, _ := areas.Load()
	var n names
	for _, a := range all {
		if a.Level == areas.LevelCity {
			n.cities = append(n.cities, a)
		} else {
			n.districts = append(n.districts, a)
		}
	}
	return n
})

// find returns the areas named s (several for a district name used in several cities): by full name
// (沈阳市, 岫岩满族自治县), else by a name the full name starts with, of two characters or more (沈阳,
// 岫岩).
func (names) find(list []areas.Area, s string) []areas.Area {
	s = strings.TrimPrefix(strings.TrimSpace(s), "辽宁省")
	if s == "" {
		return nil
	}
	var exact, prefixed []areas.Area
	for _, a := range list {
		if a.Name == s {
			exact = append(exact, a)
		} else if len([]rune(s)) >= 2 && strings.HasPrefix(a.Name, s) {
			prefixed = append(prefixed, a)
		}
	}
	if len(exact) > 0 {
		return exact
	}
	return prefixed
}

func distanceToAny(list []areas.Area, p orb.Point) float64 {
	d := math.Inf(1)
	for i := range list {
		d = math.Min(d, list[i].Distance(p))
	}
	return d
}

func nearAny(list []areas.Area, p orb.Point) bool {
	for i := range list {
		if list[i].Near(p, placeToleranceM) {
			return true
		}
	}
	return false
}

// placeName is a declared area as a clerk writes it: 沈阳市和平区, or 沈阳市.
func placeName(a areas.Area) string {
	if a.Level == areas.LevelCity {
		return a.Name
	}
	return a.City + a.Name
}

// dmsAsDecimal reads 123.2530 as 123°25′30″, the way a clerk types degrees, minutes and seconds
// into a number cell.
func dmsAsDecimal(v float64) (float64, bool) {
	deg, rest := math.Modf(math.Abs(v))
	m := math.Floor(rest*100 + 1e-7)
	s := (rest*100 - m) * 100
	if m >= 60 || s >= 60-1e-5 {
		return 0, false
	}
	return math.Copysign(deg+m/60+s/3600, v), true
}

// dmAsDecimal reads 123.2550 as 123°25.50′.
func dmAsDecimal(v float64) (float64, bool) {
	deg, rest := math.Modf(math.Abs(v))
	m := rest * 100
	if m >= 60 {
		return 0, false
	}
	return math.Copysign(deg+m/60, v), true
}

func fmtDMS(v float64) string {
	deg, rest := math.Modf(math.Abs(v))
	m := math.Floor(rest*100 + 1e-7)
	s := (rest*100 - m) * 100
	return fmt.Sprintf("%d°%02d′%s″", int(deg), int(m), strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%05.2f", s), "0"), "."))
}

func fmtDM(v float64) string {
	deg, rest := math.Modf(math.Abs(v))
	return fmt.Sprintf("%d°%s′", int(deg), strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", rest*100), "0"), "."))
}

// fmtDeg writes degrees as typed in a sheet: at most 6 decimals, no trailing zeros.
func fmtDeg(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", v), "0"), ".")
}

func crsName(c spatial.CRS) string {
	switch c {
	case spatial.GCJ02:
		return "GCJ-02"
	case spatial.BD09:
		return "BD-09"
	}
	return "WGS-84"
}

func crsSource(c spatial.CRS) station.Message {
	switch c {
	case spatial.GCJ02:
		return station.Msg("coordinates from Amap or Tencent Maps")
	case spatial.BD09:
		return station.Msg("coordinates from Baidu Maps")
	}
	return station.Msg("coordinates from GPS or Tianditu")
}
