package sqlite_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

// reportRow is a report as the table holds it.
type reportRow struct {
	ID                                         int64
	StationID, Reason, Note, CreatedAt, Client string
	Status, ResolvedAt, ResolvedBy             string
}

func reportRows(t *testing.T, path string) []reportRow {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query(`SELECT id, station_id, reason, note, created_at, client, status, resolved_at, resolved_by
		FROM report ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []reportRow
	for rows.Next() {
		var r reportRow
		if err := rows.Scan(&r.ID, &r.StationID, &r.Reason, &r.Note, &r.CreatedAt, &r.Client, &r.Status,
			&r.ResolvedAt, &r.ResolvedBy); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAddReport(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(3)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	got, err := db.AddReport(ctx, station.Report{
		StationID: sts[1].ID, Reason: station.ReasonWrongHours, Note: "周日不开门", Client: "203.0.113.0/24",
		Status: station.ReportResolved, ResolvedBy: "ignored",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID <= 0 || got.StationID != sts[1].ID || got.Reason != station.ReasonWrongHours || got.Note != "周日不开门" ||
		got.Status != station.ReportOpen || got.ResolvedBy != "" || !got.ResolvedAt.IsZero() ||
		got.CreatedAt.Location() != time.UTC || got.CreatedAt.Before(before.Add(-time.Millisecond)) || got.CreatedAt.After(time.Now()) {
		t.Fatalf("stored report %+v", got)
	}
	second, err := db.AddReport(ctx, station.Report{StationID: sts[1].ID, Reason: station.ReasonOther})
	if err != nil || second.ID <= got.ID {
		t.Fatalf("second report %+v %v", second, err)
	}

	rows := reportRows(t, db.Path())
	want := reportRow{
		ID: got.ID, StationID: sts[1].ID, Reason: "wrong_hours", Note: "周日不开门",
		CreatedAt: got.CreatedAt.Format("2006-01-02T15:04:05.000Z"), Client: "203.0.113.0/24", Status: "open",
	}
	if len(rows) != 2 || rows[0] != want {
		t.Fatalf("rows %+v\nwant first %+v", rows, want)
	}
	if rows[1].Note != "" || rows[1].Reason != "other" || rows[1].Client != "" || len(rows[1].CreatedAt) != len(want.CreatedAt) {
		t.Fatalf("second row %+v", rows[1])
	}
	// Reports are not station data: the data version (the offline dataset's ETag) stays put.
	if v, err := db.DataVersion(ctx); err != nil || v != 1 {
		t.Fatalf("data version %d %v after reports", v, err)
	}
}

// A report about a station that does not exist is refused, and nothing is written.
func TestAddReportUnknownStation(t *testing.T) {
	db := MustOpenDB(t)
	if _, err := db.Upsert(ctx, sample(1), time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := db.AddReport(ctx, station.Report{StationID: "LN-nope", Reason: station.ReasonClosed})
	if station.ErrorCode(err) != station.CodeNotFound {
		t.Fatalf("unknown station: %v", err)
	}
	if rows := reportRows(t, db.Path()); len(rows) != 0 {
		t.Fatalf("rows written: %+v", rows)
	}
}
