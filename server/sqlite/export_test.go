package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// LimitPages caps the database file at its current size plus extra pages, on the writer connection
// (the only one that writes), as a full disk would.
func (db *DB) LimitPages(ctx context.Context, extra int) error {
	var n int
	if err := db.write.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&n); err != nil {
		return err
	}
	_, err := db.write.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, n+extra))
	return err
}

// Pragma reads a pragma on the writer connection and on a reader connection.
func (db *DB) Pragma(ctx context.Context, name string) (writer, reader string, err error) {
	if err = db.write.QueryRowContext(ctx, `PRAGMA `+name).Scan(&writer); err == nil {
		err = db.read.QueryRowContext(ctx, `PRAGMA `+name).Scan(&reader)
	}
	return writer, reader, err
}

// HoldWriter holds the writer connection in a write transaction while hold runs, as a long
// import does.
func (db *DB) HoldWriter(ctx context.Context, hold func()) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE dataset SET version = version WHERE id = 1`); err != nil {
			return err
		}
		hold()
		return nil
	})
}
