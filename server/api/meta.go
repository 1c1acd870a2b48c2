package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/cluster"
	"github.com/yizhan/yizhan/server/hours"
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
	Coverage coverageBody      `json:"coverage"` // and whether next year is among them
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

// renderedMeta is the meta answer of one snapshot for one server (its configuration): the JSON,
// its gzip form and a strong ETag of the JSON.
type renderedMeta struct {
	snap       *catalog.Snapshot
	srv        *server
	today      string // the coverage's "next year" and "from October" depend on the date
	body, gzip []byte
	etag       string
}

// lastMeta keeps the latest rendering: meta is rendered once per snapshot, not per request.
var lastMeta atomic.Pointer[renderedMeta]

// GET /api/v1/meta: the vocabularies with their labels, and counts. Revalidated cheaply: strong ETag,
// no-cache, 304 on If-None-Match, gzip when accepted.
func (s *server) meta(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	r := lastMeta.Load()
	if today := s.Now().In(hours.Zone).Format(time.DateOnly); r == nil || r.snap != snap || r.srv != s || r.today != today {
		if r, err = s.renderMeta(snap); err != nil {
			return err
		}
		lastMeta.Store(r)
	}
	return sendReady(c, jsonType, r.etag, r.body, r.gzip, nil)
}

func (s *server) renderMeta(snap *catalog.Snapshot) (*renderedMeta, error) {
	m := metaBody{Cities: snap.Cities, StationCount: snap.Len(), DataVersion: snap.Version}
	m.Holidays.Holidays, m.Holidays.Years = snap.Calendar().Holidays()
	now := s.Now()
	m.Holidays.Coverage = coverage(snap.Calendar(), now)
	if s.Map != nil && len(s.Map.Tiles) > 0 {
		m.Map = s.Map
	}
	for _, a := range station.Amenities() {
		m.Amenities = append(m.Amenities, vocabEntry{a.String(), a.Label()})
	}
	for _, k := range station.Kinds() {
		m.Kinds = append(m.Kinds, vocabEntry{k.String(), k.Label()})
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	body = append(body, '\n') // as c.JSON sends it
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	sum := sha256.Sum256(body)
	return &renderedMeta{snap: snap, srv: s, today: now.In(hours.Zone).Format(time.DateOnly), body: body, gzip: gz.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}, nil
}

// GET /readyz: ready once the database answers and a station index is loaded.
func (s *server) readyz(c echo.Context) error {
	if err := s.DB.Ping(c.Request().Context()); err != nil {
		s.Log.Error("readyz: database unreachable", "err", err)
		return station.Errorf(station.CodeUnavailable, "", "the database cannot be reached")
	}
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	role, lag := s.replication()
	answer := map[string]any{"status": "ready", "data_version": snap.Version, "station_count": snap.Len(), "role": role}
	if role == cluster.Replica {
		answer["lag_ms"] = lag.Milliseconds()
		if lag > orDuration(s.MaxLag, DefaultMaxLag) {
			// Behind its primary: the balancer should send riders elsewhere until it catches up.
			return station.Errorf(station.CodeUnavailable, "", "this replica is %s behind its primary", lag.Round(time.Second))
		}
	}
	return c.JSON(http.StatusOK, answer)
}
