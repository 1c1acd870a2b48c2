package main

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// Kill -9 at random moments while the whole seed is being written (first start) and while imports
// rewrite every station: afterwards SQLite's integrity check passes and each transaction is there
// entirely or not at all. (The kill moments are random on purpose: this is fault injection, not
// waiting for something.)
func TestKilledWritesAreAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "yizhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	f, err := os.Open(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := codec.ReadCSV(f, spatial.WGS84)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	killAt := func(cmd *exec.Cmd, max time.Duration) {
		t.Helper()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		timer := time.AfterFunc(time.Duration(rng.Int64N(int64(max))), func() { cmd.Process.Kill() })
		cmd.Wait()
		timer.Stop()
	}
	// The checks run in the built binary, not here: this test process runs under the race detector,
	// which makes SQLite's own code (integrity check, reading every row) many times slower.
	check := func(db string) (version int64, names map[string]string) {
		t.Helper()
		out, err := exec.Command(bin, "check", "--db", db).Output()
		var c struct {
			Integrity   string
			DataVersion int64 `json:"data_version"`
			Stations    int
		}
		if err != nil || json.Unmarshal(out, &c) != nil || c.Integrity != "ok" {
			t.Fatalf("check after a kill: %v %s", err, out)
		}
		csvOut, err := exec.Command(bin, "export", "--db", db, "--format", "csv").Output()
		if err != nil {
			t.Fatalf("export after a kill: %v", err)
		}
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvOut, []byte("\uFEFF")))).ReadAll()
		if err != nil || len(rows) == 0 || rows[0][0] != "id" || rows[0][1] != "name" {
			t.Fatalf("export after a kill: %v %.200s", err, csvOut)
		}
		names = map[string]string{}
		for _, r := range rows[1:] {
			names[r[0]] = r[1]
		}
		if len(names) != c.Stations {
			t.Fatalf("check counts %d stations, the export has %d", c.Stations, len(names))
		}
		return c.DataVersion, names
	}

	// First start: serve seeds the empty database in one transaction.
	for round := 0; round < 4; round++ {
		db := filepath.Join(dir, fmt.Sprintf("seed-%d.db", round))
		killAt(exec.Command(bin, "serve", "--db", db, "--seed", seedPath, "--listen", "127.0.0.1:0", "--log-level", "error"), 1500*time.Millisecond)
		if _, err := os.Stat(db); err != nil {
			continue // killed before the file existed
		}
		v, names := check(db)
		if !(v == 0 && len(names) == 0 || v == 1 && len(names) == len(seed)) {
			t.Fatalf("seed round %d: data version %d with %d of %d stations", round, v, len(names), len(seed))
		}
	}

	// Imports that rename every station: each one is wholly there or wholly absent.
	db := filepath.Join(dir, "import.db")
	if out, err := exec.Command(bin, "import", seedPath, "--db", db).CombinedOutput(); err != nil {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	applied := 0
	for round := 1; round <= 8; round++ {
		v0, before := check(db)
		renamed := make([]string, 0, len(seed)+1)
		for i := range seed {
			renamed = append(renamed, seed[i].ID)
		}
		file := filepath.Join(dir, fmt.Sprintf("round-%d.csv", round))
		sts := append(seed[:0:0], seed...)
		for i := range sts {
			sts[i].Name = fmt.Sprintf("%s 第%d轮", seed[i].Name, round)
		}
		out, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		if err := codec.WriteCSV(out, station.Slice(sts), true); err != nil {
			t.Fatal(err)
		}
		out.Close()
		killAt(exec.Command(bin, "import", file, "--db", db), 3*time.Second)
		v1, after := check(db)
		suffix := fmt.Sprintf(" 第%d轮", round)
		changed := 0
		for _, id := range renamed {
			if strings.HasSuffix(after[id], suffix) {
				changed++
			} else if after[id] != before[id] {
				t.Fatalf("round %d: %s is neither before (%q) nor after (%q)", round, id, before[id], after[id])
			}
		}
		switch {
		case changed == 0 && v1 == v0:
		case changed == len(seed) && v1 == v0+1:
			applied++
		default:
			t.Fatalf("round %d: %d of %d stations renamed, data version %d → %d", round, changed, len(seed), v0, v1)
		}
	}
	t.Logf("%d of 8 killed imports had committed, the rest left no trace", applied)
}

// Nothing acknowledged is lost: an operator's edits stream in while the server is killed with SIGKILL
// at a random moment; after restarting, every edit that was answered 200 is in the database (its
// station at that version or later, its audit entry present), and the database is intact.
func TestAcknowledgedEditsSurviveKill(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "yizhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "y.db")
	seed := smallSeed(t)
	if out, err := exec.Command(bin, "import", seed, "--db", db).CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	add := exec.Command(bin, "user", "add", "boss", "--role", "admin", "--db", db)
	add.Stdin = strings.NewReader(adminPassword + "\n")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	for round := 0; round < 3; round++ {
		cmd := exec.Command(bin, "serve", "--db", db, "--seed", "", "--listen", "127.0.0.1:0", "--log-level", "info")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := ""
		lines := bufio.NewScanner(stderr)
		for lines.Scan() {
			line := lines.Text()
			if i := strings.Index(line, `"addr":"http://`); i >= 0 {
				base = strings.SplitN(line[i+len(`"addr":"`):], `"`, 2)[0]
			}
			if strings.Contains(line, `"msg":"index ready"`) {
				break
			}
		}
		go io.Copy(io.Discard, stderr)
		b := &browser{ts: &testServer{base: base}, client: &http.Client{}}
		b.login(t, "boss", adminPassword)
		ids := []string{}
		{
			_, body := b.do(t, http.MethodGet, "/api/v1/my/stations?per_page=5", "")
			for _, f := range decode[collection](t, body).Features {
				ids = append(ids, f.ID)
			}
		}
		type ack struct {
			id      string
			version float64
			note    string
		}
		acks := make(chan ack, 1000)
		editing := make(chan struct{})
		go func() { // edits until the server dies
			defer close(editing)
			for k := 0; ; k++ {
				id := ids[k%len(ids)]
				res, err := b.client.Get(base + "/api/v1/stations/" + id)
				if err != nil {
					return
				}
				etag := res.Header.Get("ETag")
				res.Body.Close()
				note := fmt.Sprintf("第%d轮第%d次", round, k)
				req, _ := http.NewRequest(http.MethodPatch, base+"/api/v1/stations/"+id, strings.NewReader(`{"status_note":"`+note+`"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Cookie", b.cookie)
				req.Header.Set("X-CSRF-Token", b.csrf)
				req.Header.Set("If-Match", etag)
				res, err = b.client.Do(req)
				if err != nil {
					return
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				if err != nil {
					return // the answer was cut: not acknowledged
				}
				if res.StatusCode == 200 {
					var f feature
					if json.Unmarshal(body, &f) == nil {
						acks <- ack{id, f.Properties["version"].(float64), note}
					}
				}
			}
		}()
		// Kill after a random number of acknowledged edits, while the next one is on its way.
		var got []ack
	wait:
		for k := 5 + rng.IntN(50); k > 0; k-- {
			select {
			case a := <-acks:
				got = append(got, a)
			case <-editing:
				break wait // the editor stopped by itself: a failure the checks below will show
			}
		}
		cmd.Process.Kill()
		cmd.Wait()
		<-editing
		close(acks)
		for a := range acks {
			got = append(got, a)
		}

		raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		var ok string
		if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("integrity_check: %q %v", ok, err)
		}
		n := 0
		for _, a := range got {
			n++
			var version int64
			if err := raw.QueryRow(`SELECT version FROM station WHERE id = ?`, a.id).Scan(&version); err != nil || float64(version) < a.version {
				t.Fatalf("round %d: %s acknowledged at version %v, stored %d (%v)", round, a.id, a.version, version, err)
			}
			var audited int
			raw.QueryRow(`SELECT count(*) FROM station_audit WHERE station_id = ? AND version = ? AND after LIKE ?`, a.id, int64(a.version), "%"+a.note+"%").Scan(&audited)
			if audited != 1 {
				t.Fatalf("round %d: the acknowledged edit %q of %s has %d audit entries", round, a.note, a.id, audited)
			}
		}
		raw.Close()
		if n == 0 {
			t.Fatalf("round %d: no edit was acknowledged before the kill", round)
		}
		t.Logf("round %d: %d acknowledged edits, all kept", round, n)
	}
}
