package api

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

// POST /api/v1/admin/imports?dry_run=&crs=&format=&sheet=: load a station list (the body is the file).
// Every row is checked first; any row error answers 422 with every error and writes nothing. Otherwise
// the stations are upserted by id in one transaction (a dry run rolls back) and audited. One import
// runs at a time: another answers 409 import_running.
func (s *server) importStations(c echo.Context) error {
	if s.Writer == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server cannot import")
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	opt := codec.ImportOptions{CRS: spatial.WGS84}
	if v, ok, err := p.get("crs"); err != nil {
		return err
	} else if ok {
		if opt.CRS, ok = spatial.ParseCRS(v); !ok {
			return station.Errorf(station.CodeInvalidParameter, "crs", "crs %q is not wgs84, gcj02 or bd09", v)
		}
	}
	if v, ok, err := p.get("format"); err != nil {
		return err
	} else if ok && v != "" {
		if v != "csv" && v != "xlsx" && v != "geojson" {
			return station.Errorf(station.CodeInvalidParameter, "format", "format %q is not csv, xlsx or geojson (or leave it out to recognise the file)", v)
		}
		opt.Format = v
	}
	if opt.Sheet, _, err = p.get("sheet"); err != nil {
		return err
	}
	if v, ok, err := p.get("swap_coordinates"); err != nil {
		return err
	} else if ok {
		if opt.SwapCoordinates, err = strconv.ParseBool(v); err != nil {
			return station.Errorf(station.CodeInvalidParameter, "swap_coordinates", "swap_coordinates %q is not true or false", v)
		}
	}
	dry := false
	if v, ok, err := p.get("dry_run"); err != nil {
		return err
	} else if ok {
		if dry, err = strconv.ParseBool(v); err != nil {
			return station.Errorf(station.CodeInvalidParameter, "dry_run", "dry_run %q is not true or false", v)
		}
	}
	if !s.importing.TryLock() {
		return station.Errorf(codeImportRunning, "", "another import is running; try again when it has finished")
	}
	defer s.importing.Unlock()
	start, result := time.Now(), "rejected"
	defer func() {
		s.metrics.imports.WithLabelValues(result).Inc()
		s.metrics.importDur.Observe(time.Since(start).Seconds())
	}()

	// 50 MB over a slow mobile link takes longer than the server's read timeout (30 s, which protects
	// every other route); an import may read and answer for as long as its request deadline, as long
	// as the upload keeps the minimum rate (a stalled one must not hold the import lock that long).
	rc := http.NewResponseController(c.Response())
	rc.SetWriteDeadline(time.Now().Add(s.requestDeadline + time.Minute))
	upload := newUploadReader(c.Request().Body, rc, s.UploadMinRate, s.UploadRateWindow, time.Now().Add(s.requestDeadline))
	body := http.MaxBytesReader(c.Response(), upload, codec.DefaultMaxBytes+1)
	u, _ := signedInUser(c)
	rep, err := s.Writer.Import(c.Request().Context(), bufio.NewReaderSize(body, 1<<16),
		write.ImportOptions{ImportOptions: opt, DryRun: dry, Actor: station.Actor{UserID: u.ID, Name: u.Username}})
	if bad := upload.failed(s.UploadMinRate); bad != nil {
		return bad
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return station.Errorf(codePayloadTooLarge, "", "an import may have at most %d MB", codec.DefaultMaxBytes>>20)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if len(rep.Errors) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, rep.In(lang(c)))
	}
	result = "applied"
	if dry {
		result = "dry_run"
	}
	return c.JSON(http.StatusOK, rep.In(lang(c)))
}

// GET /api/v1/admin/export?format=csv|geojson|xlsx: every station (closed ones too), in the import's
// own format so that exporting and importing changes nothing. CSV carries a UTF-8 BOM so Excel reads
// it; cells that Excel would take for formulas are neutralised.
func (s *server) exportStations(c echo.Context) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	format, ok, err := p.get("format")
	if err != nil {
		return err
	}
	if !ok {
		format = "csv"
	}
	var typ string
	var write func() error
	w := c.Response()
	switch format {
	case "csv":
		typ, write = "text/csv; charset=utf-8", func() error { return codec.WriteCSV(w, snap, true) }
	case "geojson":
		typ, write = "application/geo+json", func() error { return codec.WriteGeoJSON(w, snap) }
	case "xlsx":
		typ, write = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func() error { return codec.WriteXLSX(w, snap) }
	default:
		return station.Errorf(station.CodeInvalidParameter, "format", "format %q is not csv, geojson or xlsx", format)
	}
	h := w.Header()
	h.Set(echo.HeaderContentType, typ)
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="yizhan-stations-v%d.%s"`, snap.Version, format))
	h.Set(echo.HeaderCacheControl, "no-store")
	w.WriteHeader(http.StatusOK)
	return write()
}
