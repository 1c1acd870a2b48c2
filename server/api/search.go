package api

import (
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

const maxQueryLen = 50 // characters

// GET /api/v1/search?q=
func (s *server) search(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	text, ok, err := p.get("q")
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	if !ok || text == "" {
		return station.Errorf(station.CodeMissingParameter, "q", "q (the text to look for) is required")
	}
	if e := station.CheckText("q", text, maxQueryLen); e != nil {
		return e
	}
	lp, err := p.common(snap)
	if err != nil {
		return err
	}
	crs, q := lp.crs, lp.q
	hasLat, hasLon := p.has("lat"), p.has("lon")
	var center orb.Point
	if hasLat || hasLon {
		if center, err = p.point(crs); err != nil {
			return err
		}
	}
	ranked := hasLat || hasLon
	limit, err := p.integer("limit", defaultNearbyLimit, 1, maxNearbyLimit)
	if err != nil {
		return err
	}

	// Rank: by distance when a position is given; otherwise stations whose name matches come before
	// those that match only by address. Ties by id (the snapshot's order).
	type match struct {
		i      int
		byName bool
		d      float64
	}
	var matches []match
	snap.Search(text, func(i int) bool {
		if snap.Matches(i, q) {
			m := match{i: i}
			if ranked {
				st := snap.Station(i)
				m.d = spatial.DistanceM(center, orb.Point{st.Lon, st.Lat})
			} else {
				m.byName = snap.NameContains(i, text)
			}
			matches = append(matches, m)
		}
		return true
	})
	sort.SliceStable(matches, func(a, b int) bool {
		if ranked {
			return matches[a].d < matches[b].d
		}
		return matches[a].byName && !matches[b].byName
	})
	total := len(matches)
	if len(matches) > limit {
		matches = matches[:limit]
	}

	sc := getScratch()
	defer putScratch(sc)
	b := appendMeta(sc.body[:0], len(matches), limit, snap.Version, crs)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `},"features":[`...)
	for n, m := range matches {
		if n > 0 {
			b = append(b, ',')
		}
		d := codec.Dynamic{OpenNow: lp.at.OpenNow(m.i)}
		if ranked {
			st := snap.Station(m.i)
			d.HasDistance, d.DistanceM, d.BearingDeg = true, m.d, spatial.BearingDeg(center, orb.Point{st.Lon, st.Lat})
		}
		b = snap.AppendSummary(b, m.i, crs, d)
	}
	b = append(b, "]}"...)
	sc.body = b
	return writeGeoJSON(c, b)
}
