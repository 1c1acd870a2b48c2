// Package write carries out the product's writes below HTTP: editing a station, importing a list and
// counting visits.
// Each is checked, stored with its audit entries in one transaction, and then put into the catalog
// before it returns, so that the next reader sees it. The HTTP handlers and the command line are thin
// callers; neither knows the database.
package write

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// Store is the database as the writes need it. *sqlite.DB is one.
type Store interface {
	// EditStation applies apply to station id if it is still at ifVersion, with an audit entry, and
	// returns the station and the data version after it (0 when nothing changed). Errors: not_found;
	// version_conflict (with the current station); apply's and validation's.
	EditStation(ctx context.Context, id string, ifVersion int64, actor station.Actor, now time.Time, verify bool,
		apply func(*station.Station) *station.Error) (station.Station, int64, error)
	// Upsert writes stations by id in one transaction, all or nothing (DryRun: computes and rolls back).
	Upsert(ctx context.Context, stations []station.Station, now time.Time, opt station.UpsertOptions) (station.UpsertResult, error)
}

// Writer does the writes. Catalog may be nil (the command line has none); Reload then is too.
type Writer struct {
	Store   Store
	Catalog *catalog.Catalog
	// Reload reads every station into a new snapshot: after a write the catalog cannot take in place
	// (another process wrote meanwhile; a new station).
	Reload func(context.Context) error
	Now    func() time.Time
	Log    *slog.Logger
	// Visits keeps the visits (nil: Store, when it keeps them too; otherwise RecordVisit and
	// SetServed answer unavailable).
	Visits VisitStore
}

// Edit applies p, checked for an admin or not, to station id, which the editor saw at ifVersion.
// verified in p stamps VerifiedAt with the writer's clock. The result is what every reader sees next.
func (w *Writer) Edit(ctx context.Context, actor station.Actor, admin bool, id string, ifVersion int64, p *station.Patch) (station.Station, error) {
	if e := p.Check(admin); e != nil {
		return station.Station{}, e
	}
	now := w.Now()
	var edited station.Station
	err := w.locked(func() error {
		var version int64
		var err error
		edited, version, err = w.Store.EditStation(ctx, id, ifVersion, actor, now, p.Given["verified"],
			func(st *station.Station) *station.Error {
				if e := p.Apply(st, now); e != nil {
					return e
				}
				// A moved point is held against its district as an import's is: a pin dropped in
				// the next district or a slip of a digit is refused with where it is.
				if p.Given["lon"] {
					return codec.CheckPlace(st)
				}
				return nil
			})
		if err == nil && version > 0 {
			w.caughtUp(ctx, version, []station.Station{edited})
		}
		return err
	})
	return edited, err
}

// ImportOptions are how to read a list and whether to write it.
type ImportOptions struct {
	codec.ImportOptions
	DryRun bool
	Actor  station.Actor
}

// Import reads a list, checks every row and, when nothing is wrong, upserts its stations by id in one
// transaction with their audit entries (unless DryRun). What the file holds wrong is in the report's
// Errors (nothing written); a file that cannot be taken at all (over a limit, not a station list) is
// the error, as is any failure of reading or storing.
func (w *Writer) Import(ctx context.Context, r io.Reader, opt ImportOptions) (Report, error) {
	res, err := codec.Import(r, opt.ImportOptions)
	var fileErr *station.Error
	switch {
	case errors.As(err, &fileErr) && (fileErr.Code == codec.CodePayloadTooLarge || fileErr.Code == codec.CodeUnsupportedFileType):
		return Report{}, fileErr
	case fileErr != nil:
		res.Errors = []*station.Error{fileErr}
	case err != nil:
		return Report{}, err
	}
	rep := newReport(res, opt.DryRun)
	if len(rep.Errors) > 0 {
		return rep, nil
	}
	if len(res.Stations) == 0 {
		rep.Errors = []*station.Error{station.Errorf(station.CodeInvalidImport, "", "the file has no station rows")}
		return rep, nil
	}
	var up station.UpsertResult
	write := func() error {
		up, err = w.Store.Upsert(ctx, res.Stations, w.Now(), station.UpsertOptions{DryRun: opt.DryRun, Actor: opt.Actor})
		if err == nil && !opt.DryRun && len(up.Conflicts) == 0 && len(up.Written) > 0 {
			written := make([]station.Station, len(up.Written))
			for i, k := range up.Written {
				written[i] = res.Stations[k]
			}
			if up.Created > 0 || len(written) > catalog.MaxPatched/4 {
				written = nil // a new station, or many: rebuilt
			}
			w.caughtUp(ctx, up.DataVersion, written)
		}
		return err
	}
	if opt.DryRun {
		err = write() // writes nothing: the catalog need not wait
	} else {
		err = w.locked(write)
	}
	if err != nil {
		return Report{}, err
	}
	if len(up.Conflicts) > 0 {
		rep.Errors = conflictErrors(up.Conflicts, res.StationRows)
		return rep, nil
	}
	rep.Created, rep.Updated, rep.Unchanged, rep.DataVersion = up.Created, up.Updated, up.Unchanged, up.DataVersion
	return rep, nil
}

// locked runs a write while holding the catalog's Writes, so that the catalog follows the writes in
// order and a reload never runs between a write and its Apply.
func (w *Writer) locked(write func() error) error {
	if w.Catalog == nil {
		return write()
	}
	w.Catalog.Writes.Lock()
	defer w.Catalog.Writes.Unlock()
	return write()
}

// caughtUp brings the catalog to data version version, which a write of the changed stations made:
// in place when the catalog holds the state just before it and changed is not nil, by reloading
// everything otherwise.
func (w *Writer) caughtUp(ctx context.Context, version int64, changed []station.Station) {
	if w.Catalog == nil || changed != nil && w.Catalog.Apply(version, changed) || w.Reload == nil {
		return
	}
	if err := w.Reload(ctx); err != nil {
		w.Log.Error("reloading stations after a write", "err", err)
	}
}

// conflictErrors turns an import's version conflicts into row errors: the row was exported at one
// version of its station and the station has been changed since (by an operator, say), so importing
// the row would undo that change unseen.
func conflictErrors(cs []station.Conflict, rows []int) []*station.Error {
	out := make([]*station.Error, len(cs))
	for i, c := range cs {
		out[i] = station.RowErrorf(station.CodeVersionConflict, rows[c.Index], "version",
			"station %s has changed since this file was exported (the file has version %d, the station is at %d): export again and redo the change, or empty the version cell to overwrite", c.ID, c.Based, c.Current)
	}
	return out
}
