package api

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/station"
)

// posterPage is the printable poster: one page per station, laid out by /poster.css (@page A4 or A5),
// the hours put in words by /app/poster.js with the rider's app's own words (app/hours-words.js).
// html/template escapes every value; the page has no inline script or style, as the CSP demands.
//
//go:embed poster.html
var posterHTML string

var posterTemplate = template.Must(template.New("poster").Parse(posterHTML))

// amenityIcons are the rider's app's amenity icons (pwa/app/ui.js; a test keeps the two alike).
var amenityIcons = map[string]string{
	"drinking_water": "💧", "hot_water": "♨️", "phone_charging": "📱", "ebike_charging": "🔌", "battery_swap": "🔋",
	"heating": "🔥", "air_conditioning": "❄️", "seating": "🪑", "toilet": "🚻", "microwave": "🍲", "first_aid": "⛑️",
	"wifi": "📶", "truck_parking": "🚚", "shower": "🚿", "laundry": "🧺", "meals": "🍚", "lodging": "🛏️",
}

type posterAmenity struct {
	Icon  string
	Label station.Label
}

type poster struct {
	Name, Address, Phone, Hours string
	Kind                        station.Label
	Paused                      bool
	PausedUntil                 string
	Link, CodeURL               string
	Amenities                   []posterAmenity
}

type posterDoc struct {
	Title, Paper string
	OtherPaper   string // the same page on the other paper size
	Posters      []poster
}

// GET /poster/:id?paper=a4|a5: the printable poster for a station's door.
func (s *server) stationPoster(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	id := c.Param("id")
	i, ok := snap.Lookup(id)
	if !ok {
		return unknownStation(id)
	}
	p, err := s.posterParams(c)
	if err != nil {
		return err
	}
	st := snap.Station(i)
	p.Title = st.Name + " · 海报"
	p.Posters = []poster{s.poster(c, st)}
	return writePosters(c, p)
}

// GET /poster?district={adcode}&paper=: the posters of every station of a district that is not closed
// for good, one per page, for an office to print a whole district. Public: a poster shows only public
// data.
func (s *server) districtPosters(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	q, err := queryParams(c)
	if err != nil {
		return err
	}
	adcode, given, err := q.get("district")
	if err != nil {
		return err
	}
	if !given || adcode == "" {
		return station.Errorf(station.CodeMissingParameter, "district", "district (the district's 6-digit adcode, such as 210102) is required")
	}
	if !isAdcode(adcode) {
		return station.Errorf(station.CodeInvalidParameter, "district", "district %.20q is not a 6-digit adcode such as 210102", adcode)
	}
	p, err := s.posterParams(c)
	if err != nil {
		return err
	}
	district := ""
	for i := range snap.Len() { // in id order
		st := snap.Station(i)
		if st.Adcode == adcode && st.Status != station.Closed {
			p.Posters = append(p.Posters, s.poster(c, st))
			district = st.District
		}
	}
	if len(p.Posters) == 0 {
		return station.Errorf(station.CodeNotFound, "district", "no station that is not closed has district %s", adcode)
	}
	p.Title = district + " · 驿站海报"
	return writePosters(c, p)
}

// posterParams reads the paper size (a4, the default, or a5).
func (s *server) posterParams(c echo.Context) (posterDoc, error) {
	q, err := queryParams(c)
	if err != nil {
		return posterDoc{}, err
	}
	paper, given, err := q.get("paper")
	if err != nil {
		return posterDoc{}, err
	}
	if !given {
		paper = "a4"
	}
	if paper != "a4" && paper != "a5" {
		return posterDoc{}, station.Errorf(station.CodeInvalidParameter, "paper", "paper %.20q is not a4 or a5", paper)
	}
	other := url.Values{"paper": {"a5"}}
	if paper == "a5" {
		other.Set("paper", "a4")
	}
	if d, ok, _ := q.get("district"); ok {
		other.Set("district", d)
	}
	return posterDoc{Paper: paper, OtherPaper: c.Request().URL.Path + "?" + other.Encode()}, nil
}

func isAdcode(s string) bool {
	if len(s) != 6 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// poster is what a station's poster shows.
func (s *server) poster(c echo.Context, st *station.Station) poster {
	p := poster{Name: st.Name, Address: st.Address, Phone: st.Phone, Hours: st.OpeningHours, Kind: st.Kind.Label(),
		Paused: st.Status == station.TemporarilyClosed, PausedUntil: st.ClosedUntil,
		Link: s.publicLink(c, st.ID), CodeURL: "/api/v1/stations/" + url.PathEscape(st.ID) + "/code.svg"}
	for _, a := range st.Amenities.List() {
		p.Amenities = append(p.Amenities, posterAmenity{Icon: amenityIcons[a.String()], Label: a.Label()})
	}
	return p
}

func writePosters(c echo.Context, p posterDoc) error {
	var b bytes.Buffer
	if err := posterTemplate.Execute(&b, p); err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.HTMLBlob(http.StatusOK, b.Bytes())
}
