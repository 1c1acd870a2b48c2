package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// Reads never fail while writes go on: 128 clients, each on its own connection, ask for the nearest
// stations while an admin imports the whole set twice through the API (every station changed), the
// list is written twice more through a database connection of its own, as `yizhan import` writes (a
// second writer that SQLite must serialise with the server's), and an operator edits a station again and again.
// Every read answers 200 and every write succeeds: writes wait for each other with a busy timeout, and
// none sees "database is locked".
func TestReadsDuringWrites(t *testing.T) {
	const readerCount = 128
	f := newEditFixture(t)
	var reads, failedReads atomic.Int64
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < readerCount; r++ {
		readers.Add(1)
		go func(r int) {
			defer readers.Done()
			client := &http.Client{Transport: &http.Transport{}} // a connection of its own, kept alive
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				lat, lon := 38.9+float64((r*31+k)%48)/10, 119.0+float64((r*17+k)%68)/10
				res, err := client.Get(fmt.Sprintf("%s/api/v1/stations/nearby?lat=%.2f&lon=%.2f&radius=300000", f.ts.base, lat, lon))
				if err != nil {
					failedReads.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				reads.Add(1)
				if res.StatusCode != 200 {
					failedReads.Add(1)
				}
			}
		}(r)
	}

	// batch is the small seed with every name changed: an import of it rewrites every station.
	batch := func(label string) []byte {
		sts := append([]station.Station(nil), f.ts.stations...)
		for i := range sts {
			sts[i].Name = fmt.Sprintf("%s（%s）", sts[i].Name, label)
		}
		var b bytes.Buffer
		if err := codec.WriteCSV(&b, station.Slice(sts), true); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var writers sync.WaitGroup
	writers.Add(3)
	go func() { // two imports through the API
		defer writers.Done()
		for round := 1; round <= 2; round++ {
			if res, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", string(batch(fmt.Sprint("接口第", round, "批"))), "Content-Type", "text/csv"); res.StatusCode != 200 {
				t.Errorf("API import %d during reads: %d %s", round, res.StatusCode, body)
			}
		}
	}()
	go func() { // two imports through a database connection of their own
		defer writers.Done()
		other, err := sqlite.Open(f.ts.dbPath)
		if err != nil {
			t.Error(err)
			return
		}
		defer other.Close()
		for round := 1; round <= 2; round++ {
			sts, err := codec.ReadCSV(bytes.NewReader(batch(fmt.Sprint("命令第", round, "批"))), spatial.WGS84)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := other.Upsert(context.Background(), sts, time.Now(), station.UpsertOptions{}); err != nil {
				t.Errorf("second writer's import %d during reads: %v", round, err)
			}
		}
	}()
	go func() { // an operator editing one station over and over
		defer writers.Done()
		path := "/api/v1/stations/" + f.mine[0]
		for k := 0; k < 20; k++ {
			res, body := f.op.do(t, http.MethodGet, path, "")
			etag := res.Header.Get("ETag")
			res, body = f.op.do(t, http.MethodPatch, path, fmt.Sprintf(`{"status_note":"第%d次检修"}`, k), "If-Match", etag)
			if res.StatusCode != 200 && res.StatusCode != 412 { // 412: the import changed it in between
				t.Errorf("edit %d during reads: %d %s", k, res.StatusCode, body)
			}
		}
	}()
	writers.Wait()
	close(stop)
	readers.Wait()
	if failedReads.Load() != 0 || reads.Load() < readerCount {
		t.Fatalf("%d of %d reads failed during writes", failedReads.Load(), reads.Load())
	}
	t.Logf("%d reads by %d clients during 4 imports and 20 edits, none failed", reads.Load(), readerCount)
}
