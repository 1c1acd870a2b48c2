package sqlite_test

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// A backup taken while edits keep coming is one consistent state: exactly the edits up to its data
// version, and it passes SQLite's integrity check.
func TestBackupDuringWrites(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(20)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	type edit struct {
		id, phone string
	}
	edits := map[int64]edit{} // data version → the edit that produced it
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan error, 1)
	twenty := make(chan struct{}) // closed after the 20th edit, so that the backup lands among them
	versions := map[string]int64{}
	for _, st := range sts {
		versions[st.ID] = 1
	}
	go func() {
		for k := 0; ; k++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			id := sts[k%len(sts)].ID
			phone := fmt.Sprintf("024-%08d", k)
			st, _, err := db.EditStation(ctx, id, versions[id], station.Actor{Name: "t"}, time.Now(), false, func(s *station.Station) *station.Error {
				s.Phone = phone
				return nil
			})
			if err != nil {
				done <- err
				return
			}
			versions[id] = st.Version
			v, err := db.DataVersion(ctx) // this goroutine is the only writer
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			edits[v] = edit{id, phone}
			mu.Unlock()
			if k == 19 {
				close(twenty)
			}
		}
	}()
	dest := filepath.Join(t.TempDir(), "backup.db")
	select {
	case <-twenty:
	case err := <-done:
		t.Fatalf("the writer stopped early: %v", err)
	}
	if err := db.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, dest); err == nil {
		t.Fatal("a backup overwrote an existing file")
	}

	raw, err := sql.Open("sqlite", "file:"+dest+"?_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check: %q %v", check, err)
	}
	raw.Close()
	restored, err := sqlite.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	v, got, err := restored.LoadAll(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if int(v) >= 1+len(edits) {
		t.Fatalf("test set-up: the backup (version %d) came after all %d edits", v, len(edits))
	}
	want := map[string]string{}
	for _, st := range sts {
		want[st.ID] = st.Phone
	}
	for ver := int64(2); ver <= v; ver++ { // version 1 is the seed
		e, ok := edits[ver]
		if !ok {
			t.Fatalf("no edit recorded for data version %d", ver)
		}
		want[e.id] = e.phone
	}
	for _, st := range got {
		if st.Phone != want[st.ID] {
			t.Fatalf("backup at version %d: %s has phone %s, want %s", v, st.ID, st.Phone, want[st.ID])
		}
	}
}
