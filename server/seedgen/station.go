package seedgen

import (
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/station"
)

// verifiedBase is the fixed "today" that verification dates count back
// from; using the clock would make every run different.
var (
	chinaTime    = time.FixedZone("CST", 8*3600)
	verifiedBase = time.Date(2026, 11, 1, 0, 0, 0, 0, chinaTime).Unix()
)

// add fills in a station's attributes for a placed point and appends it.
func (c *cityGen) add(k station.Kind, p place) {
	if !nearItsDistrict(p) {
		return // the caller places another
	}
	s := Station{Kind: k, Lon: p.lon, Lat: p.lat, District: p.d, street: p.street}
	s.Name, s.Operator = c.name(k, p)
	s.Address = c.address(p)

	urban := 1
	if p.d.Type == UrbanDistrict {
		urban = 0
	}
	for a, odds := range amenityOdds {
		if c.rng.IntN(1000) < odds[urban][k] {
			s.Amenities = s.Amenities.With(station.Amenity(a))
		}
	}
	if s.Amenities == 0 { // a station offers at least water
		s.Amenities = s.Amenities.With(station.DrinkingWater)
	}
	s.OpeningHours = pick(c.rng, openingHours[k])

	s.Status = station.Open
	switch r := c.rng.IntN(1000); {
	case r < tempClosedPermille:
		s.Status = station.TemporarilyClosed
		s.StatusNote = tempClosedNotes[c.rng.IntN(len(tempClosedNotes))]
	case r < tempClosedPermille+closedPermille:
		s.Status = station.Closed
		s.StatusNote = closedNotes[c.rng.IntN(len(closedNotes))]
	}
	s.Audience = pick(c.rng, audiences[k])

	if c.rng.IntN(1000) < phonePermille {
		s.Phone = c.phone()
	}
	if c.rng.IntN(1000) < verifiedPermille {
		// 1–400 days back, during office hours.
		t := verifiedBase - int64(1+c.rng.IntN(400))*86400 + 8*3600 + c.rng.Int64N(11*3600)
		s.VerifiedAt = time.Unix(t, 0).In(chinaTime).Format(time.RFC3339)
	}
	c.out = append(c.out, s)
}

// phone makes a fictitious landline: the city's real area code, then a
// local number starting with 0. No local number in China starts with 0
// (a leading 0 is the trunk prefix), so none of these can be dialled.
// Shenyang and Dalian have 8-digit local numbers, the other cities 7.
func (c *cityGen) phone() string {
	digits := 7
	if c.info.AreaCode == "024" || c.info.AreaCode == "0411" {
		digits = 8
	}
	var b strings.Builder
	b.WriteString(c.info.AreaCode)
	b.WriteString("-0")
	for range digits - 1 {
		b.WriteByte(byte('0' + c.rng.IntN(10)))
	}
	return b.String()
}

// formatMicro prints micro-degrees with exactly 6 decimals.
func formatMicro(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	frac := strconv.FormatInt(v%1e6, 10)
	return sign + strconv.FormatInt(v/1e6, 10) + "." + strings.Repeat("0", 6-len(frac)) + frac
}

// withinDistrictM is how far outside its district, as the importer's areas draw it, a station may be
// placed. The generator samples the reference's detailed outlines, whose smallest islands the areas
// (simplified for the map) leave out; the importer refuses a point more than 2.5 km from its district,
// so a generated list stays well inside that.
const withinDistrictM = 2000

// nearItsDistrict reports whether the importer will take p as lying in its district.
func nearItsDistrict(p place) bool {
	a, ok := areas.ByAdcode(p.d.Adcode)
	return !ok || a.Near(orb.Point{float64(p.lon) / 1e6, float64(p.lat) / 1e6}, withinDistrictM)
}
