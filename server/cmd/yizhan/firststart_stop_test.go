package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/seedgen"
	"github.com/yizhan/yizhan/server/sqlite"
)

// stopSeedN is the size of the seed the stop tests write: large enough that the write is still
// running when /readyz first answers (the tests check that it was), small enough to stay quick.
const stopSeedN = 15000

// serveProcess is a `yizhan serve` child with its log lines.
type serveProcess struct {
	cmd   *exec.Cmd
	base  string
	lines chan string // every line of its log, closed at EOF
	mu    sync.Mutex
	log   []string
}

// startServe starts the binary on db with seed and returns once it listens.
func startServe(t *testing.T, bin, db, seed string) *serveProcess {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", db, "--seed", seed, "--listen", "127.0.0.1:0", "--log-level", "info")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	p := &serveProcess{cmd: cmd, lines: make(chan string, 1000)}
	go func() {
		defer close(p.lines)
		for sc := bufio.NewScanner(stderr); sc.Scan(); {
			p.mu.Lock()
			p.log = append(p.log, sc.Text())
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default: // nobody is waiting for lines this late; the log keeps them
			}
		}
	}()
	line := p.waitFor(t, `"msg":"listening"`)
	i := strings.Index(line, `"addr":"`)
	p.base = strings.SplitN(line[i+len(`"addr":"`):], `"`, 2)[0]
	return p
}

// waitFor returns the first log line from now on that contains s.
func (p *serveProcess) waitFor(t *testing.T, s string) string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("the log ended before %s:\n%s", s, p.text())
			}
			if strings.Contains(line, s) {
				return line
			}
		case <-deadline:
			t.Fatalf("no %s in a minute:\n%s", s, p.text())
		}
	}
}

// text is the whole log so far.
func (p *serveProcess) text() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.log, "\n")
}

// waitReady polls /readyz until it answers 200.
func (p *serveProcess) waitReady(t *testing.T) {
	t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(60 * time.Second)
	for {
		if res, err := http.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("/readyz never answered 200:\n%s", p.text())
		}
	}
}

// signal sends sig to the process.
func (p *serveProcess) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
}

// exit waits for the process and returns its exit code.
func (p *serveProcess) exit(t *testing.T) int {
	t.Helper()
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// stored checks the database's integrity and returns its data version and station ids.
func stored(t *testing.T, db string) (int64, map[string]bool) {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	var ok string
	if err := raw.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check: %q %v", ok, err)
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
	ids := map[string]bool{}
	for _, st := range sts {
		ids[st.ID] = true
	}
	return v, ids
}

// Issue 13, class 12: a stop during the first start keeps what riders were served. The seed is
// served while it is written; SIGTERM or SIGINT then lets the write finish within the shutdown grace
// and exits 0 with every seed station stored; a second signal aborts it, leaving the database empty
// (never partial) for the next start to seed; a stop before anything was served exits 0 at once.
func TestStopDuringFirstStart(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "yizhan")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ref, err := seedgen.LoadReference(filepath.Join("..", "..", "..", "data", "reference"))
	if err != nil {
		t.Fatal(err)
	}
	generated, err := seedgen.Generate(ref, seedgen.Config{N: stopSeedN, Seed: 13})
	if err != nil {
		t.Fatal(err)
	}
	seed := filepath.Join(dir, "seed.csv")
	f, err := os.Create(seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := seedgen.WriteCSV(f, generated); err != nil {
		t.Fatal(err)
	}
	f.Close()
	complete := func(t *testing.T, db string) {
		t.Helper()
		v, ids := stored(t, db)
		if v != 1 || len(ids) != len(generated) {
			t.Fatalf("data version %d with %d of %d seed stations", v, len(ids), len(generated))
		}
		for _, st := range generated {
			if !ids[st.ID] {
				t.Fatalf("seed station %s is missing", st.ID)
			}
		}
	}
	// seedsAgain starts on db, which must be empty or complete: an empty one is seeded again.
	seedsAgain := func(t *testing.T, db string) {
		t.Helper()
		v, ids := stored(t, db)
		if !(v == 0 && len(ids) == 0) {
			complete(t, db)
			return
		}
		p := startServe(t, bin, db, seed)
		p.waitFor(t, `"msg":"index ready"`)
		if !strings.Contains(p.text(), `"msg":"seeded"`) {
			t.Fatalf("the next start did not seed:\n%s", p.text())
		}
		p.signal(t, syscall.SIGTERM)
		if code := p.exit(t); code != 0 {
			t.Fatalf("the next start exited %d", code)
		}
		complete(t, db)
	}

	for name, sig := range map[string]os.Signal{"SIGTERM": syscall.SIGTERM} {
		t.Run(name+" as soon as ready", func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "y.db")
			p := startServe(t, bin, db, seed)
			p.waitReady(t) // riders are being served the seed
			p.signal(t, sig)
			p.waitFor(t, "finishing the seed write first") // the stop came while the seed was written
			if code := p.exit(t); code != 0 {
				t.Fatalf("exit %d:\n%s", code, p.text())
			}
			if !strings.Contains(p.text(), `"msg":"seeded"`) {
				t.Fatalf("no seeded in the log:\n%s", p.text())
			}
			complete(t, db)

			// A restart then holds the same; a Ctrl-C while it loads exits 0 and changes nothing.
			p = startServe(t, bin, db, seed)
			p.signal(t, syscall.SIGINT)
			if code := p.exit(t); code != 0 {
				t.Fatalf("stopped while restarting: exit %d:\n%s", code, p.text())
			}
			complete(t, db)
		})
	}
	for name, sigs := range map[string][2]os.Signal{"SIGINT then SIGTERM": {syscall.SIGINT, syscall.SIGTERM}} {
		t.Run(name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "y.db")
			p := startServe(t, bin, db, seed)
			p.waitReady(t)
			p.signal(t, sigs[0])
			p.waitFor(t, "finishing the seed write first")
			p.signal(t, sigs[1])
			code := p.exit(t)
			v, ids := stored(t, db)
			switch {
			case code != 0 && v == 0 && len(ids) == 0 && strings.Contains(p.text(), "stopped twice"):
				t.Logf("aborted: exit %d, the database is empty", code)
			case code == 0 && v == 1:
				t.Logf("the write ended before the second signal")
				complete(t, db)
			default:
				t.Fatalf("exit %d with data version %d and %d of %d stations:\n%s", code, v, len(ids), len(generated), p.text())
			}
			seedsAgain(t, db)
		})
	}
	t.Run("SIGTERM before ready, while the seed is read and indexed", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "y.db")
		p := startServe(t, bin, db, seed)
		p.signal(t, syscall.SIGTERM)
		if code := p.exit(t); code != 0 {
			t.Fatalf("exit %d:\n%s", code, p.text())
		}
		if v, _ := stored(t, db); v == 0 && !strings.Contains(p.text(), "stopped while starting") {
			t.Fatalf("an empty database without saying why:\n%s", p.text())
		}
		seedsAgain(t, db)
	})
}
