package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/station"
)

type vocabEntry struct {
	Code  string        `json:"code"`
	Label station.Label `json:"label"`
}

// holidaysBody is the holiday calendar for clients that evaluate opening hours offline.
type holidaysBody struct {
	Holidays map[string]string `json:"holidays"` // YYYY-MM-DD → name
	Years    []int             `json:"years"`    // the years the official arrangement covers
}

type metaBody struct {
	Amenities    []vocabEntry        `json:"amenities"`
	Kinds        []vocabEntry        `json:"kinds"`
	Cities       []catalog.CityCount `json:"cities"`
	StationCount int                 `json:"station_count"`
	DataVersion  int64               `json:"data_version"`
	Holidays     holidaysBody        `json:"holidays"`
	Map          *MapConfig          `json:"map"` // null: no tiles, a plain background
}

// GET /api/v1/meta: the vocabularies with their labels, and counts.
func (s *server) meta(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	m := metaBody{Cities: snap.Cities, StationCount: len(snap.Stations), DataVersion: snap.Version}
	m.Holidays.Holidays, m.Holidays.Years = snap.Calendar().Holidays()
	if s.Map != nil && len(s.Map.Tiles) > 0 {
		m.Map = s.Map
	}
	for _, a := range station.Amenities() {
		m.Amenities = append(m.Amenities, vocabEntry{a.String(), a.Label()})
	}
	for _, k := range station.Kinds() {
		m.Kinds = append(m.Kinds, vocabEntry{k.String(), k.Label()})
	}
	return c.JSON(http.StatusOK, m)
}

// GET /readyz: ready once the database answers and a station index is loaded.
func (s *server) readyz(c echo.Context) error {
	if err := s.DB.Ping(c.Request().Context()); err != nil {
		s.Log.Error("readyz: database unreachable", "err", err)
		return &station.Error{Code: station.CodeUnavailable, Detail: "the database cannot be reached"}
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ready", "data_version": snap.Version, "station_count": len(snap.Stations)})
}
