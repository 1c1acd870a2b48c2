// Package stats is the office's numbers: per city or district, the stations by status and kind, how
// many were confirmed lately, visits and problem reports over a period, and coverage (the share of the
// land within 3 km of a station that is not closed, on a 1 km grid). It is pure: stations, areas and
// per-station counts in, a table out; the caller reads the counts from the database and the stations
// and nearest-station search from the catalog.
package stats

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/station"
)

// VerifiedWithin is how recent a confirmation must be to count in verified_180d.
const VerifiedWithin = 180 * 24 * time.Hour

// Groupings of a Table.
const (
	ByCity     = "city"
	ByDistrict = "district"
)

// LevelNone is the level of the row for stations in no area (no known adcode and a point outside
// every district): they still count in the totals, which must equal the sums of the rows.
const LevelNone = "none"

// Input is what a table is made from.
type Input struct {
	Stations station.List
	Counts   map[string]station.Counts // by station id; a station not in it has none
	Coverage *Coverage                 // of the same geography; nil leaves the coverage columns empty
	Now      time.Time                 // for VerifiedWithin
}

// Row is one area's numbers, or the totals.
type Row struct {
	Adcode, Name, Level string
	CityAdcode          string // a district's city
	Stations            int
	ByStatus            [3]int // by station.Status
	ByKind              [5]int // by station.Kind
	// Verified of Active (the stations not closed) were confirmed within VerifiedWithin.
	Verified, Active             int
	Visits                       int64
	ReportsOpen, ReportsResolved int
	// Covered of Cells are within RadiusM of a station that is not closed.
	Cells, Covered int
}

// VerifiedShare is Verified/Active rounded to 4 places; ok is false when no station is active.
func (r *Row) VerifiedShare() (float64, bool) { return share(r.Verified, r.Active) }

// Coverage is Covered/Cells rounded to 4 places; ok is false without cells (no coverage given, or
// the row of stations in no area).
func (r *Row) Coverage() (float64, bool) { return share(r.Covered, r.Cells) }

func share(n, of int) (float64, bool) {
	if of == 0 {
		return 0, false
	}
	return math.Round(float64(n)/float64(of)*1e4) / 1e4, true
}

// add adds o's numbers to r.
func (r *Row) add(o *Row) {
	r.Stations += o.Stations
	for i := range r.ByStatus {
		r.ByStatus[i] += o.ByStatus[i]
	}
	for i := range r.ByKind {
		r.ByKind[i] += o.ByKind[i]
	}
	r.Verified += o.Verified
	r.Active += o.Active
	r.Visits += o.Visits
	r.ReportsOpen += o.ReportsOpen
	r.ReportsResolved += o.ReportsResolved
	r.Cells += o.Cells
	r.Covered += o.Covered
}

// Table is the rows of one grouping and their totals.
type Table struct {
	Group  string
	Rows   []Row // by adcode; the row of stations in no area (if any) last
	Totals Row
}

// Table counts in's stations by district and sums the districts into cities when group is ByCity.
// Totals are the sums of the rows, shares included (weighted by stations and cells).
func (g *Geography) Table(group string, in Input) Table {
	districts := make([]Row, len(g.Districts))
	for i, d := range g.Districts {
		districts[i] = Row{Adcode: d.Adcode, Name: d.Name, Level: areas.LevelDistrict, CityAdcode: d.CityAdcode}
		if in.Coverage != nil {
			districts[i].Cells, districts[i].Covered = len(g.grids[i].cells), in.Coverage.count[i]
		}
	}
	none := Row{Name: "辖区以外", Level: LevelNone}
	cutoff := in.Now.Add(-VerifiedWithin)
	for i := range in.Stations.Len() {
		st := in.Stations.Station(i)
		r := &none
		if d := g.locate(st.Adcode, orb.Point{st.Lon, st.Lat}); d >= 0 {
			r = &districts[d]
		}
		r.Stations++
		r.ByStatus[st.Status]++
		r.ByKind[st.Kind]++
		if st.Status != station.Closed {
			r.Active++
			if !st.VerifiedAt.IsZero() && !st.VerifiedAt.Before(cutoff) {
				r.Verified++
			}
		}
		if len(in.Counts) > 0 {
			if c, ok := in.Counts[st.ID]; ok {
				r.Visits += c.Visits
				r.ReportsOpen += c.ReportsOpen
				r.ReportsResolved += c.ReportsResolved
			}
		}
	}
	t := Table{Group: group}
	if group == ByCity {
		for c, city := range g.Cities {
			row := Row{Adcode: city.Adcode, Name: city.Name, Level: areas.LevelCity, CityAdcode: city.Adcode}
			for _, d := range g.ofCity[c] {
				row.add(&districts[d])
			}
			t.Rows = append(t.Rows, row)
		}
		for d := range districts {
			if g.cityOf[d] < 0 { // a district of no city: its numbers still count
				none.add(&districts[d])
			}
		}
	} else {
		t.Rows = districts
	}
	slices.SortStableFunc(t.Rows, func(a, b Row) int { return strings.Compare(a.Adcode, b.Adcode) })
	if none.Stations > 0 || none.Cells > 0 {
		t.Rows = append(t.Rows, none)
	}
	t.Totals = Row{Name: "合计", Level: "total"}
	for i := range t.Rows {
		t.Totals.add(&t.Rows[i])
	}
	return t
}

// Unconfirmed returns the positions in list of the stations that are not closed and were not
// confirmed within VerifiedWithin of now, in area adcode (a city or district; "" for all), oldest
// confirmation first (never confirmed before all), ties by position; at most limit of them, and how
// many there are in all. ok is false for an adcode that is no area.
func (g *Geography) Unconfirmed(list station.List, adcode string, now time.Time, limit int) (positions []int, total int, ok bool) {
	var want map[int]bool
	if adcode != "" {
		ds, ok := g.districtsOf(adcode)
		if !ok {
			return nil, 0, false
		}
		want = map[int]bool{}
		for _, d := range ds {
			want[d] = true
		}
	}
	cutoff := now.Add(-VerifiedWithin)
	for i := range list.Len() {
		st := list.Station(i)
		if st.Status == station.Closed || !st.VerifiedAt.IsZero() && !st.VerifiedAt.Before(cutoff) {
			continue
		}
		if want != nil && !want[g.locate(st.Adcode, orb.Point{st.Lon, st.Lat})] {
			continue
		}
		positions = append(positions, i)
	}
	slices.SortStableFunc(positions, func(a, b int) int {
		return list.Station(a).VerifiedAt.Compare(list.Station(b).VerifiedAt)
	})
	total = len(positions)
	return positions[:min(limit, total)], total, true
}

// In returns the positions in list of the stations counted in area adcode (a city or district), as
// Table places them; ok is false for an adcode that is no area.
func (g *Geography) In(list station.List, adcode string) (positions []int, ok bool) {
	ds, ok := g.districtsOf(adcode)
	if !ok {
		return nil, false
	}
	for i := range list.Len() {
		st := list.Station(i)
		if slices.Contains(ds, g.locate(st.Adcode, orb.Point{st.Lon, st.Lat})) {
			positions = append(positions, i)
		}
	}
	return positions, true
}
