package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
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
	check := func(db string) (version int64, names map[string]string) {
		t.Helper()
		raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		var ok string
		if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("integrity_check after a kill: %q %v", ok, err)
		}
		raw.Close()
		d, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		v, sts, err := d.LoadAll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		names = map[string]string{}
		for _, st := range sts {
			names[st.ID] = st.Name
		}
		return v, names
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
		if err := codec.WriteCSV(out, sts, true); err != nil {
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
