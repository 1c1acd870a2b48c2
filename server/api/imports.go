package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Importer writes imported stations. *sqlite.DB satisfies it.
type Importer interface {
	// Upsert writes stations by id in one transaction, all or nothing (DryRun: computes and rolls back).
	Upsert(ctx context.Context, stations []station.Station, now time.Time, opt station.UpsertOptions) (station.UpsertResult, error)
}

// ImportReport is what an import answers, dry run or not: the same as `yizhan import` prints.
type ImportReport struct {
	DryRun         bool             `json:"dry_run"`
	Format         string           `json:"format"`
	Encoding       string           `json:"encoding"`
	CRS            string           `json:"crs"`
	Rows           int              `json:"rows"`
	HeaderRow      int              `json:"header_row"`
	IgnoredColumns []string         `json:"ignored_columns"`
	Created        int              `json:"created"`
	Updated        int              `json:"updated"`
	Unchanged      int              `json:"unchanged"`
	DataVersion    int64            `json:"data_version"`
	Errors         []*station.Error `json:"errors"`
	ErrorsOmitted  int              `json:"errors_omitted,omitempty"`
	// Converted counts the cells converted from another notation; SwappedRows goes with a
	// columns_swapped finding (codec/swap.go).
	Converted   codec.Converted `json:"converted"`
	SwappedRows int             `json:"swapped_rows,omitempty"`
}

// NewImportReport is the report of what Import read: the writes' counts are filled in once they are
// done. Lists are empty rather than null.
func NewImportReport(res codec.ImportResult, dry bool) ImportReport {
	rep := ImportReport{DryRun: dry, Format: res.Format, Encoding: res.Encoding, CRS: res.CRS, Rows: res.Rows,
		HeaderRow: res.HeaderRow, IgnoredColumns: res.IgnoredColumns, Errors: res.Errors, ErrorsOmitted: res.ErrorsOmitted,
		Converted: res.Converted, SwappedRows: res.SwappedRows}
	if rep.IgnoredColumns == nil {
		rep.IgnoredColumns = []string{}
	}
	if rep.Errors == nil {
		rep.Errors = []*station.Error{}
	}
	return rep
}

// In is the report with its errors in lang.
func (r ImportReport) In(lang station.Lang) ImportReport {
	errs := make([]*station.Error, len(r.Errors))
	for i, e := range r.Errors {
		errs[i] = e.In(lang)
	}
	r.Errors = errs
	return r
}

// POST /api/v1/admin/imports?dry_run=&crs=&format=&sheet=: load a station list (the body is the file).
// Every row is checked first; any row error answers 422 with every error and writes nothing. Otherwise
// the stations are upserted by id in one transaction (a dry run rolls back) and audited. One import
// runs at a time: another answers 409 import_running.
func (s *server) importStations(c echo.Context) error {
	if s.Importer == nil {
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
	res, err := codec.Import(bufio.NewReaderSize(body, 1<<16), opt)
	if bad := upload.failed(s.UploadMinRate); bad != nil {
		return bad
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return station.Errorf(codePayloadTooLarge, "", "an import may have at most %d MB", codec.DefaultMaxBytes>>20)
	}
	var fileErr *station.Error
	if errors.As(err, &fileErr) {
		if fileErr.Code == codePayloadTooLarge || fileErr.Code == codec.CodeUnsupportedFileType {
			return fileErr
		}
		res.Errors = []*station.Error{fileErr}
	} else if err != nil {
		return err
	}
	rep := NewImportReport(res, dry)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	if len(res.Errors) > 0 {
		return c.JSON(http.StatusUnprocessableEntity, rep.In(lang(c)))
	}
	if len(res.Stations) == 0 {
		rep.Errors = []*station.Error{station.Errorf(station.CodeInvalidImport, "", "the file has no station rows")}
		return c.JSON(http.StatusUnprocessableEntity, rep.In(lang(c)))
	}
	u, _ := signedInUser(c)
	ctx := c.Request().Context()
	up, err := func() (station.UpsertResult, error) {
		if !dry {
			s.Catalog.Writes.Lock()
			defer s.Catalog.Writes.Unlock()
		}
		up, err := s.Importer.Upsert(ctx, res.Stations, s.Now(), station.UpsertOptions{
			DryRun: dry, Actor: station.Actor{UserID: u.ID, Name: u.Username},
		})
		if err == nil && !dry && len(up.Conflicts) == 0 && len(up.Written) > 0 {
			// Committed: readers see it before this answer goes out; a new station needs a rebuild.
			written := make([]station.Station, len(up.Written))
			for i, k := range up.Written {
				written[i] = res.Stations[k]
			}
			if up.Created > 0 || len(written) > catalog.MaxPatched/4 {
				written = nil
			}
			s.caughtUp(ctx, up.DataVersion, written)
		}
		return up, err
	}()
	if err != nil {
		return err
	}
	if len(up.Conflicts) > 0 {
		rep.Errors = ConflictErrors(up.Conflicts, res.StationRows)
		return c.JSON(http.StatusUnprocessableEntity, rep.In(lang(c)))
	}
	rep.Created, rep.Updated, rep.Unchanged, rep.DataVersion = up.Created, up.Updated, up.Unchanged, up.DataVersion
	result = "applied"
	if dry {
		result = "dry_run"
	}
	return c.JSON(http.StatusOK, rep.In(lang(c)))
}

// ConflictErrors turns an import's version conflicts into row errors: the row was exported at one
// version of its station and the station has been changed since (by an operator, say), so importing
// the row would undo that change unseen.
func ConflictErrors(cs []station.Conflict, rows []int) []*station.Error {
	out := make([]*station.Error, len(cs))
	for i, c := range cs {
		out[i] = station.RowErrorf(station.CodeVersionConflict, rows[c.Index], "version", "station %s has changed since this file was exported (the file has version %d, the station is at %d): export again and redo the change, or empty the version cell to overwrite", c.ID, c.Based, c.Current)
	}
	return out
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
