package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// Reads never fail while writes go on: 64 clients ask for the nearest stations while an admin imports
// the whole set twice (every station changed) and an operator edits a station again and again. Every
// read answers 200, every write succeeds (writes wait for each other; none sees "database is locked").
func TestReadsDuringWrites(t *testing.T) {
	f := newEditFixture(t)
	var reads, failedReads atomic.Int64
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < 64; r++ {
		readers.Add(1)
		go func(r int) {
			defer readers.Done()
			client := &http.Client{}
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

	var writers sync.WaitGroup
	writers.Add(2)
	go func() { // two imports that change every station of the small seed this server has
		defer writers.Done()
		for round := 1; round <= 2; round++ {
			sts := append([]station.Station(nil), f.ts.stations...)
			for i := range sts {
				sts[i].Name = fmt.Sprintf("%s（第%d批）", sts[i].Name, round)
			}
			var b bytes.Buffer
			if err := codec.WriteCSV(&b, sts, true); err != nil {
				t.Error(err)
				return
			}
			if res, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", b.String(), "Content-Type", "text/csv"); res.StatusCode != 200 {
				t.Errorf("import %d during reads: %d %s", round, res.StatusCode, body)
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
	if failedReads.Load() != 0 || reads.Load() < 64 {
		t.Fatalf("%d of %d reads failed during writes", failedReads.Load(), reads.Load())
	}
	t.Logf("%d reads during 2 imports and 20 edits, none failed", reads.Load())
}
