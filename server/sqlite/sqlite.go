// Package sqlite stores Yizhan's data in one SQLite file (modernc.org/sqlite, pure Go). It holds every SQL
// string of the project. Writes go through a single connection in BEGIN IMMEDIATE transactions; reads use
// a separate pool. Pragmas live in the DSN so that every pooled connection gets them.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/yizhan/yizhan/server/station"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// DB is an open Yizhan database.
type DB struct {
	path string
	// cacheDir holds the station cache file; "" keeps none (KeepCacheIn).
	cacheDir string
	write    *sql.DB // one connection: SQLite allows one writer at a time
	read     *sql.DB
}

// Durability: synchronous=FULL syncs the WAL at every commit, so a commit that returned survives power
// loss, not just a process crash. Edits are few; one fsync each is cheap.
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(ON)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and applies pending migrations.
func Open(path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{path: path, cacheDir: filepath.Dir(path), write: w}
	if err := db.migrate(context.Background()); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	db.read = r
	return db, nil
}

// Close closes both pools; the last close checkpoints the WAL.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Ping checks that the readers can reach the file. The writer is left alone: its one connection is
// busy for as long as an import or the first seeding runs, and readiness must not wait for that.
func (db *DB) Ping(ctx context.Context) error {
	return db.read.PingContext(ctx)
}

// migrate applies the embedded migrations/NNNN_*.sql files in order, each in its own transaction, and
// records them in schema_migrations.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT`); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		num, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, num).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := migrationFS.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", base, err)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, num, base)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE through the DSN) and commits if fn succeeds.
func (db *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return storageError(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return storageError(err)
	}
	return storageError(tx.Commit())
}

// storageError turns the driver's "disk full", "I/O error" and "read-only" into a domain error: the
// transaction rolled back, so nothing was written, and the same write may work once an operator has
// made room. Other errors pass unchanged.
func storageError(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff { // the primary code, without the extended bits
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY:
		e := station.Errorf(station.CodeStorageUnavailable, "", "the server cannot write to its database right now (disk full or failing); nothing was changed")
		e.Cause = err
		return e
	}
	return err
}
