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

type metaBody struct {
	Amenities    []vocabEntry        `json:"amenities"`
	Kinds        []vocabEntry        `json:"kinds"`
	Cities       []catalog.CityCount `json:"cities"`
	StationCount int                 `json:"station_count"`
	DataVersion  int64               `json:"data_version"`
}

// GET /api/v1/meta: the vocabularies with their labels, and counts.
func (s *server) meta(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	m := metaBody{Cities: snap.Cities, StationCount: len(snap.Stations), DataVersion: snap.Version}
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
