package sqlite_test

import (
	"errors"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/station"
)

func TestReportsListAndResolve(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(3)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i, st := range []string{sts[0].ID, sts[1].ID, sts[0].ID} {
		r, err := db.AddReport(ctx, station.Report{StationID: st, Reason: station.Reason(i % 2), Note: "第" + string(rune('一'+i)) + "个"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	all, _, err := db.Reports(ctx, station.ReportFilter{})
	if err != nil || len(all) != 3 || all[0].ID != ids[2] {
		t.Fatalf("all reports, newest first: %+v %v", all, err)
	}
	mine, _, _ := db.Reports(ctx, station.ReportFilter{StationIDs: []string{sts[0].ID}})
	if len(mine) != 2 || mine[0].StationID != sts[0].ID || mine[1].StationID != sts[0].ID {
		t.Fatalf("one station's reports: %+v", mine)
	}
	if none, _, _ := db.Reports(ctx, station.ReportFilter{StationIDs: []string{}}); len(none) != 0 {
		t.Fatalf("no stations, no reports: %+v", none)
	}
	allowed := func(id string) bool { return id == sts[0].ID }
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	r, err := db.ResolveReport(ctx, ids[0], "张站长", now, allowed)
	if err != nil || r.Status != station.ReportResolved || r.ResolvedBy != "张站长" || !r.ResolvedAt.Equal(now) {
		t.Fatalf("resolve: %+v %v", r, err)
	}
	again, err := db.ResolveReport(ctx, ids[0], "别人", now.Add(time.Hour), allowed)
	if err != nil || again.ResolvedBy != "张站长" || !again.ResolvedAt.Equal(now) {
		t.Fatalf("resolving twice keeps the first resolution: %+v %v", again, err)
	}
	var se *station.Error
	if _, err := db.ResolveReport(ctx, ids[1], "张站长", now, allowed); !errors.As(err, &se) || se.Code != station.CodeNotFound {
		t.Fatalf("another station's report: %v", err)
	}
	open, _, _ := db.Reports(ctx, station.ReportFilter{OpenOnly: true})
	if len(open) != 2 {
		t.Fatalf("open reports: %+v", open)
	}
}
