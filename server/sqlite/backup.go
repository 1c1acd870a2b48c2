package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
)

// Backup writes a consistent copy of the database to dest (which must not exist) while the database
// stays in use: VACUUM INTO reads one snapshot in a read transaction, so writes go on meanwhile and the
// copy holds exactly the state of one moment. The copy is a plain, compacted database file (no WAL).
func (db *DB) Backup(ctx context.Context, dest string) error {
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("backup: %s exists; give a new file name", dest)
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	// A connection of its own: the reader pool is query_only, and the writer must stay free for edits.
	conn, err := sql.Open("sqlite", "file:"+db.path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// Check runs SQLite's integrity check over the whole file and returns the data version and the number
// of stations it holds: what to run after a power cut or a crash, before trusting the file.
func (db *DB) Check(ctx context.Context) (version int64, stations int, err error) {
	var ok string
	if err := db.read.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return 0, 0, err
	}
	if ok != "ok" {
		return 0, 0, fmt.Errorf("the database file is damaged: %s", ok)
	}
	err = db.read.QueryRowContext(ctx, `SELECT version, (SELECT count(*) FROM station) FROM dataset WHERE id = 1`).Scan(&version, &stations)
	return version, stations, err
}
