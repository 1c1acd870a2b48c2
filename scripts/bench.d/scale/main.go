// Command scale measures the scale figures of `scripts/bench scale` against the real server binary:
// one edit's latency at the seed's size and at 1,000,000 stations, memory at 1M (VmRSS at ready, after
// 10 edits, VmHWM at the end), the time a first start at 1M takes until /readyz answers 200, and 50
// operators editing different stations at once. Every set runs on a fresh database directory; the
// server it starts is always stopped (and killed when it does not stop), and a memory guard kills it
// before it can exhaust the machine. Standard library only.
//
//	go run ./scripts/bench.d/scale -bin /tmp/yizhan-bench/yizhan -seed-1m /tmp/yizhan-bench/stations-1m.csv
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var (
	bin         = flag.String("bin", "/tmp/yizhan-bench/yizhan", "the yizhan binary")
	seedSmall   = flag.String("seed-small", "data/stations.csv", "the seed's CSV (16,500 stations)")
	seedLarge   = flag.String("seed-1m", "/tmp/yizhan-bench/stations-1m.csv", "the 1,000,000-station CSV")
	dir         = flag.String("dir", "/tmp/yizhan-bench", "scratch directory; each set gets a fresh scale-<set> folder in it")
	port        = flag.Int("port", 18081, "port the server listens on (127.0.0.1)")
	sets        = flag.String("sets", "16k,1m", "which sets to run: 16k, 1m or both")
	edits       = flag.Int("edits", 20, "sequential edits per set")
	seqBudget   = flag.Duration("seq-budget", 3*time.Minute, "stop the sequential edits of a set after this long (at least one edit is made)")
	ops         = flag.Int("ops", 50, "operators editing at once at 1M (0 = skip)")
	perOp       = flag.Int("per-op", 4, "edits per operator, each on a station of its own")
	concTimeout = flag.Duration("conc-timeout", 3*time.Minute, "cap on the concurrent operators' part")
	readyLimit  = flag.Duration("ready-timeout", 5*time.Minute, "give up when /readyz has not answered 200 after this long")
	reqTimeout  = flag.Duration("request-timeout", 3*time.Minute, "client timeout of one request")
	memLimitMB  = flag.Int64("mem-limit-mb", 10240, "the memory guard kills the server when its VmRSS exceeds this")
	minAvailMB  = flag.Int64("min-avail-mb", 2048, "the memory guard kills the server when the machine's MemAvailable falls below this")
)

// ---------------------------------------------------------------- the server under test

type server struct {
	cmd     *exec.Cmd
	pid     int
	addr    string
	logPath string
	exited  chan struct{}
	guardMu sync.Mutex
	killed  string // why the memory guard killed it; empty when it did not
	peakRSS atomic.Int64
	lastHWM atomic.Int64 // KB, as last sampled while it ran
}

var (
	liveMu sync.Mutex
	live   *server // the server running now, stopped on a signal
)

func startServer(db, seed, logPath string) (*server, time.Duration, error) {
	addr := fmt.Sprintf("127.0.0.1:%d", *port)
	if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
		c.Close()
		return nil, 0, fmt.Errorf("something already listens on %s; pick another -port", addr)
	}
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, 0, err
	}
	defer logf.Close()
	// The per-address API limit is raised out of the way (every client here is 127.0.0.1) but stays in
	// the path, as in the other modes of scripts/bench.
	cmd := exec.Command(*bin, "serve", "--db", db, "--seed", seed, "--listen", addr, "--log-level", "info",
		"--api-rate", "1000000", "--api-burst", "1000000")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlives this program
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	s := &server{cmd: cmd, pid: cmd.Process.Pid, addr: addr, logPath: logPath, exited: make(chan struct{})}
	liveMu.Lock()
	live = s
	liveMu.Unlock()
	go func() { cmd.Wait(); close(s.exited) }()
	go s.guard()
	// /readyz over a bare connection every 10 ms: cheap enough not to take the CPU it measures.
	for {
		if readyNow(addr) {
			return s, time.Since(t0), nil
		}
		select {
		case <-s.exited:
			return s, 0, fmt.Errorf("the server exited before it was ready (%s); see %s", s.cmd.ProcessState, logPath)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Since(t0) > *readyLimit {
			return s, 0, fmt.Errorf("/readyz did not answer 200 within %s", *readyLimit)
		}
	}
}

func readyNow(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, "GET /readyz HTTP/1.0\r\nHost: "+addr+"\r\n\r\n"); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "HTTP/1.") && strings.Contains(line, " 200 ")
}

// procKB reads fields (kB) of /proc/<pid>/status, such as VmRSS and VmHWM.
func procKB(pid int) (map[string]int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || !strings.HasPrefix(k, "Vm") {
			continue
		}
		f := strings.Fields(v)
		if len(f) >= 1 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			out[k] = n
		}
	}
	return out, nil
}

func memAvailableKB() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return math.MaxInt64
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemAvailable:") {
			f := strings.Fields(line)
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return math.MaxInt64
}

// guard samples the server's memory every 50 ms, keeps its peak, and kills it when it grows past
// -mem-limit-mb or the machine runs short: the baseline may take gigabytes per concurrent edit, and
// the machine is shared.
func (s *server) guard() {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.exited:
			return
		case <-t.C:
		}
		m, err := procKB(s.pid)
		if err != nil {
			continue
		}
		if m["VmRSS"] > s.peakRSS.Load() {
			s.peakRSS.Store(m["VmRSS"])
		}
		s.lastHWM.Store(m["VmHWM"])
		avail := memAvailableKB()
		var why string
		switch {
		case m["VmRSS"] > *memLimitMB<<10:
			why = fmt.Sprintf("VmRSS %s passed the guard's limit of %d MB", mb(m["VmRSS"]), *memLimitMB)
		case avail < *minAvailMB<<10:
			why = fmt.Sprintf("the machine's MemAvailable fell to %s (VmRSS %s)", mb(avail), mb(m["VmRSS"]))
		}
		if why != "" {
			s.guardMu.Lock()
			s.killed = why
			s.guardMu.Unlock()
			s.cmd.Process.Signal(syscall.SIGKILL)
			fmt.Printf("  !! memory guard killed the server: %s\n", why)
			return
		}
	}
}

func (s *server) killedWhy() string {
	s.guardMu.Lock()
	defer s.guardMu.Unlock()
	return s.killed
}

func (s *server) alive() bool {
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// stop asks the server to stop (SIGTERM) and kills it when it has not within 20 s.
func (s *server) stop() {
	if s == nil {
		return
	}
	if s.alive() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(20 * time.Second):
			s.cmd.Process.Signal(syscall.SIGKILL)
			<-s.exited
		}
	}
	liveMu.Lock()
	if live == s {
		live = nil
	}
	liveMu.Unlock()
}

// waitLog waits until the server's log has a line with msg, e.g. "seeded": a first start serves the
// seed while it writes it, and writers (the accounts, the edits) wait for that write.
func (s *server) waitLog(msg string, limit time.Duration) error {
	want := []byte(`"msg":"` + msg + `"`)
	t0 := time.Now()
	for {
		b, _ := os.ReadFile(s.logPath)
		if bytes.Contains(b, want) {
			return nil
		}
		if !s.alive() {
			return fmt.Errorf("the server exited before it logged %q", msg)
		}
		if time.Since(t0) > limit {
			return fmt.Errorf("no %q in the log after %s", msg, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// ---------------------------------------------------------------- HTTP client

var transport = &http.Transport{MaxIdleConns: 500, MaxIdleConnsPerHost: 500, DisableCompression: true,
	DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}

type session struct {
	base string
	c    *http.Client
	csrf string
}

type answer struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration // from sending the request to having read the whole answer
}

func (s *session) do(ctx context.Context, method, path string, body any, hdr map[string]string) (answer, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return answer{}, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, rd)
	if err != nil {
		return answer{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if s.csrf != "" && method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", s.csrf)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	t0 := time.Now()
	resp, err := s.c.Do(req)
	if err != nil {
		return answer{took: time.Since(t0)}, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header, body: b, took: time.Since(t0)}
	return a, err
}

func newSession(base string) *session {
	jar, _ := cookiejar.New(nil)
	return &session{base: base, c: &http.Client{Transport: transport, Jar: jar, Timeout: *reqTimeout}}
}

func login(base, name, password string) (*session, error) {
	s := newSession(base)
	a, err := s.do(context.Background(), http.MethodPost, "/api/v1/session", map[string]string{"username": name, "password": password}, nil)
	if err != nil {
		return nil, fmt.Errorf("login %s: %w", name, err)
	}
	if a.status != http.StatusOK && a.status != http.StatusCreated {
		return nil, fmt.Errorf("login %s: %d %s", name, a.status, short(a.body))
	}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil || out.CSRF == "" {
		return nil, fmt.Errorf("login %s: no csrf_token in %s", name, short(a.body))
	}
	s.csrf = out.CSRF
	return s, nil
}

func etag(s *session, id string) (string, error) {
	a, err := s.do(context.Background(), http.MethodGet, "/api/v1/stations/"+id, nil, nil)
	if err != nil {
		return "", err
	}
	if a.status != http.StatusOK || a.header.Get("ETag") == "" {
		return "", fmt.Errorf("GET station %s: %d %s", id, a.status, short(a.body))
	}
	return a.header.Get("ETag"), nil
}

var noteSeq atomic.Int64

// edit changes station id's status_note at version tag; it returns the answer (its took is the
// latency) and a short name for a failure ("" when 200).
func edit(ctx context.Context, s *session, id, tag string) (answer, string) {
	note := fmt.Sprintf("bench scale %d", noteSeq.Add(1))
	a, err := s.do(ctx, http.MethodPatch, "/api/v1/stations/"+id, map[string]string{"status_note": note}, map[string]string{"If-Match": tag})
	switch {
	case err != nil && ctx.Err() != nil:
		return a, "cut off by the timeout"
	case err != nil:
		return a, "no answer: " + errShort(err)
	case a.status != http.StatusOK:
		return a, fmt.Sprintf("HTTP %d %s", a.status, short(a.body))
	}
	return a, ""
}

func short(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func errShort(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the method and URL would make every failure a group of its own
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s) > 80 {
		s = s[i+2:]
	}
	return s
}

func password() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ---------------------------------------------------------------- the sets

type result struct {
	name     string
	stations int
	err      string // why the set ended early

	ready, seeded time.Duration
	rssReady      int64 // KB
	rssAfter      int64 // KB, after afterN sequential edits
	afterN        int
	hwmAfterSeq   int64
	hwmEnd        int64
	peakRSS       int64

	seq     []time.Duration
	seqFail map[string]int
	seqWant int

	concRan     bool
	conc        []time.Duration // answered (200) edits
	concFail    map[string]int
	concTotal   int
	concTimeout bool
	concWall    time.Duration
	killed      string
}

// stationIDs reads the first column of a station CSV.
func stationIDs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ids []string
	for first := true; sc.Scan(); first = false {
		if first {
			continue
		}
		id, _, _ := strings.Cut(sc.Text(), ",")
		if id = strings.Trim(id, `"`); id != "" {
			ids = append(ids, id)
		}
	}
	return ids, sc.Err()
}

// spread picks n ids spread evenly over ids, starting at phase (0..1) of a step, skipping taken ones.
func spread(ids []string, n int, phase float64, taken map[string]bool) []string {
	var out []string
	step := float64(len(ids)) / float64(n)
	for i := 0; i < n && len(out) < n; i++ {
		j := int(float64(i)*step + phase*step)
		for j < len(ids) && taken[ids[j]] {
			j++
		}
		if j >= len(ids) {
			break
		}
		taken[ids[j]] = true
		out = append(out, ids[j])
	}
	return out
}

func runSet(name, seed string, withOps bool) (r *result) {
	r = &result{name: name, seqFail: map[string]int{}, concFail: map[string]int{}}
	fmt.Printf("== scale %s: %s\n", name, seed)
	ids, err := stationIDs(seed)
	if err != nil {
		r.err = err.Error()
		return r
	}
	r.stations = len(ids)
	setDir := filepath.Join(*dir, "scale-"+name)
	os.RemoveAll(setDir)
	if err := os.MkdirAll(setDir, 0o755); err != nil {
		r.err = err.Error()
		return r
	}
	db := filepath.Join(setDir, "yizhan.db")
	srv, ready, err := startServer(db, seed, filepath.Join(setDir, "serve.log"))
	defer func() {
		if srv == nil {
			return
		}
		if m, err := procKB(srv.pid); err == nil && srv.alive() {
			r.hwmEnd = m["VmHWM"]
		} else {
			r.hwmEnd = srv.lastHWM.Load()
		}
		r.peakRSS = srv.peakRSS.Load()
		r.killed = srv.killedWhy()
		srv.stop()
		fmt.Printf("  server stopped; VmHWM %s (peak VmRSS sampled %s); log %s\n", mb(r.hwmEnd), mb(r.peakRSS), srv.logPath)
	}()
	if err != nil {
		r.err = err.Error()
		return r
	}
	r.ready = ready
	if m, err := procKB(srv.pid); err == nil {
		r.rssReady = m["VmRSS"]
	}
	fmt.Printf("  %d stations; first start: /readyz 200 after %s; VmRSS at ready %s\n", r.stations, ms(ready), mb(r.rssReady))
	t0 := time.Now()
	// "index ready" follows the seed write and the return of its garbage to the system: the start is over.
	if err := srv.waitLog("index ready", 10*time.Minute); err != nil {
		r.err = err.Error()
		return r
	}
	r.seeded = ready + time.Since(t0)
	m, _ := procKB(srv.pid)
	fmt.Printf("  seed written to the database after about %s; VmRSS then %s\n", ms(r.seeded), mb(m["VmRSS"]))

	// The first admin comes from the command line, as on a real install.
	adminPass := password()
	cmd := exec.Command(*bin, "user", "add", "bench-admin", "--role", "admin", "--db", db)
	cmd.Stdin = strings.NewReader(adminPass + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		r.err = fmt.Sprintf("yizhan user add: %v: %s", err, short(out))
		return r
	}
	base := "http://" + srv.addr
	admin, err := login(base, "bench-admin", adminPass)
	if err != nil {
		r.err = err.Error()
		return r
	}

	// Sequential edits, one station each, by the admin; the version is read before the clock starts.
	taken := map[string]bool{}
	r.seqWant = *edits
	seqIDs := spread(ids, *edits, 0.37, taken)
	start := time.Now()
	for i, id := range seqIDs {
		if i > 0 && time.Since(start) > *seqBudget {
			fmt.Printf("  sequential edits stopped after %d: the budget of %s is spent\n", i, *seqBudget)
			break
		}
		tag, err := etag(admin, id)
		if err != nil {
			r.err = err.Error()
			return r
		}
		a, fail := edit(context.Background(), admin, id, tag)
		if fail != "" {
			r.seqFail[fail]++
			fmt.Printf("  edit %d (%s): %s after %s\n", i+1, id, fail, ms(a.took))
			if !srv.alive() {
				r.err = "the server died during the sequential edits"
				return r
			}
		} else {
			r.seq = append(r.seq, a.took)
		}
		if i+1 == 10 {
			if m, err := procKB(srv.pid); err == nil {
				r.rssAfter, r.afterN = m["VmRSS"], 10
			}
		}
	}
	if r.afterN == 0 { // fewer than 10 edits within the budget: memory after those made
		if m, err := procKB(srv.pid); err == nil {
			r.rssAfter, r.afterN = m["VmRSS"], len(r.seq)+sum(r.seqFail)
		}
	}
	if m, err := procKB(srv.pid); err == nil {
		r.hwmAfterSeq = m["VmHWM"]
	}
	fmt.Printf("  %d sequential edits answered: %s; VmRSS after %d edits %s; VmHWM %s\n",
		len(r.seq), stats(r.seq, 0), r.afterN, mb(r.rssAfter), mb(r.hwmAfterSeq))
	if len(r.seqFail) > 0 {
		fmt.Printf("  sequential edits not answered 200: %v\n", r.seqFail)
	}
	if !withOps || *ops <= 0 {
		return r
	}

	// Operators: each gets its own stations and its own session, made before the clock starts.
	r.concRan = true
	r.concTotal = *ops * *perOp
	opIDs := spread(ids, r.concTotal, 0.71, taken)
	if len(opIDs) < r.concTotal {
		r.err = "not enough stations for the operators"
		return r
	}
	type operator struct {
		s    *session
		ids  []string
		tags []string
	}
	operators := make([]*operator, *ops)
	t1 := time.Now()
	for i := range operators {
		name, pass := fmt.Sprintf("bench-op-%02d", i+1), password()
		a, err := admin.do(context.Background(), http.MethodPost, "/api/v1/admin/users", map[string]string{"username": name, "password": pass, "role": "operator"}, nil)
		if err != nil || a.status != http.StatusCreated {
			r.err = fmt.Sprintf("creating %s: %v %d %s", name, err, a.status, short(a.body))
			return r
		}
		var u struct {
			ID int64 `json:"id"`
		}
		json.Unmarshal(a.body, &u)
		mine := opIDs[i**perOp : (i+1)**perOp]
		a, err = admin.do(context.Background(), http.MethodPut, fmt.Sprintf("/api/v1/admin/users/%d/stations", u.ID), map[string][]string{"station_ids": mine}, nil)
		if err != nil || a.status != http.StatusOK {
			r.err = fmt.Sprintf("assigning stations to %s: %v %d %s", name, err, a.status, short(a.body))
			return r
		}
		s, err := login(base, name, pass)
		if err != nil {
			r.err = err.Error()
			return r
		}
		op := &operator{s: s, ids: mine}
		for _, id := range mine {
			tag, err := etag(s, id)
			if err != nil {
				r.err = err.Error()
				return r
			}
			op.tags = append(op.tags, tag)
		}
		operators[i] = op
	}
	fmt.Printf("  %d operators made, given %d stations each and signed in (%s)\n", *ops, *perOp, ms(time.Since(t1)))

	ctx, cancel := context.WithTimeout(context.Background(), *concTimeout)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	startGun := make(chan struct{})
	for _, op := range operators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startGun
			for k, id := range op.ids {
				if ctx.Err() != nil || !srv.alive() {
					return
				}
				a, fail := edit(ctx, op.s, id, op.tags[k])
				mu.Lock()
				if fail == "" {
					r.conc = append(r.conc, a.took)
				} else {
					r.concFail[fail]++
				}
				mu.Unlock()
			}
		}()
	}
	t2 := time.Now()
	close(startGun)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	progress := time.NewTicker(30 * time.Second)
	defer progress.Stop()
wait:
	for {
		select {
		case <-done:
			break wait
		case <-progress.C:
			mu.Lock()
			n := len(r.conc)
			mu.Unlock()
			m, _ := procKB(srv.pid)
			fmt.Printf("  … %s: %d of %d edits answered; VmRSS %s\n", ms(time.Since(t2)), n, r.concTotal, mb(m["VmRSS"]))
		}
	}
	r.concWall = time.Since(t2)
	r.concTimeout = ctx.Err() != nil && len(r.conc) < r.concTotal
	fmt.Printf("  %d operators × %d edits at once: %d of %d answered in %s%s\n", *ops, *perOp, len(r.conc), r.concTotal, ms(r.concWall),
		map[bool]string{true: fmt.Sprintf(" (timed out after %s)", *concTimeout), false: ""}[r.concTimeout])
	fmt.Printf("  answered edits: %s\n", stats(r.conc, 0))
	if len(r.concFail) > 0 {
		fmt.Printf("  not answered 200: %v\n", r.concFail)
	}
	return r
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// ---------------------------------------------------------------- figures

// pct is the nearest-rank percentile of d plus missing values that count as longer than any.
func pct(d []time.Duration, missing int, q float64) (time.Duration, bool) {
	n := len(d) + missing
	if n == 0 {
		return 0, false
	}
	s := slices.Clone(d)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(math.Ceil(q*float64(n))) - 1
	if k < 0 {
		k = 0
	}
	if k >= len(s) {
		return 0, false // falls on an edit that was never answered
	}
	return s[k], true
}

func pctText(d []time.Duration, missing int, q float64, beyond string) string {
	v, ok := pct(d, missing, q)
	if !ok {
		if len(d)+missing == 0 {
			return "—"
		}
		return beyond
	}
	return ms(v)
}

func stats(d []time.Duration, missing int) string {
	if len(d) == 0 {
		return "none"
	}
	return fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s (n=%d)", pctText(d, missing, .5, "—"), pctText(d, missing, .9, "—"),
		pctText(d, missing, .99, "—"), ms(slices.Max(d)), len(d))
}

func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v >= 10000:
		return fmt.Sprintf("%.1f s", v/1000)
	case v >= 100:
		return fmt.Sprintf("%.0f ms", v)
	default:
		return fmt.Sprintf("%.1f ms", v)
	}
}

func mb(kb int64) string {
	if kb <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f MB", float64(kb)/1024)
}

func gb(kb int64) string {
	if kb <= 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f GB", float64(kb)/(1<<20))
}

// size names a station count: 1M for 1,000,000, else the number.
func size(n int) string {
	if n%1000000 == 0 && n > 0 {
		return fmt.Sprintf("%dM", n/1000000)
	}
	return strconv.Itoa(n)
}

func verdict(ok, known bool) string {
	switch {
	case !known:
		return "—"
	case ok:
		return "ok"
	}
	return "MISS"
}

func table(small, large *result) {
	type row struct{ what, got, target, v string }
	var rows []row
	if large != nil {
		p50, ok := pct(large.seq, 0, .5)
		got := "—"
		if len(large.seq) > 0 {
			got = fmt.Sprintf("p50 %s (p90 %s, max %s; %d of %d edits)", ms(p50), pctText(large.seq, 0, .9, "—"), ms(slices.Max(large.seq)), len(large.seq), large.seqWant)
		}
		rows = append(rows, row{"one edit at " + size(large.stations) + ", answered", got, "p50 ≤ 50 ms", verdict(p50 <= 50*time.Millisecond, ok)})
		after := "after 10 edits"
		if large.afterN != 10 {
			after = fmt.Sprintf("after %d edits (!)", large.afterN)
		}
		memOK := large.rssReady > 0 && large.rssAfter > 0 && large.hwmEnd > 0
		rows = append(rows, row{"memory at " + size(large.stations) + ": VmRSS at ready / " + after + " / VmHWM at the end",
			fmt.Sprintf("%s / %s / %s", gb(large.rssReady), gb(large.rssAfter), gb(large.hwmEnd)), "≤ 1.5 / 2 / 2.5 GB",
			verdict(large.rssReady <= 3<<19 && large.rssAfter <= 2<<20 && large.hwmEnd <= 5<<19 && large.afterN == 10, memOK)})
	}
	if small != nil {
		p50, ok := pct(small.seq, 0, .5)
		got := "—"
		if ok {
			got = fmt.Sprintf("p50 %s (p90 %s, max %s; %d edits)", ms(p50), pctText(small.seq, 0, .9, "—"), ms(slices.Max(small.seq)), len(small.seq))
		}
		rows = append(rows, row{fmt.Sprintf("one edit at the seed's %d", small.stations), got, "p50 ≤ 25 ms", verdict(p50 <= 25*time.Millisecond, ok)})
	}
	if large != nil {
		rows = append(rows, row{"first start at " + size(large.stations) + ", until /readyz 200", ms(large.ready), "≤ 10 s", verdict(large.ready <= 10*time.Second, large.ready > 0)})
		if large.concRan {
			missing := large.concTotal - len(large.conc)
			got := fmt.Sprintf("p50 %s / p99 %s / max %s", pctText(large.conc, missing, .5, "unanswered"),
				pctText(large.conc, missing, .99, "unanswered"), pctText(large.conc, missing, 1, "unanswered"))
			switch {
			case large.killed != "":
				got += fmt.Sprintf(" — the server was killed by the memory guard after %s, %d of %d edits done", ms(large.concWall), len(large.conc), large.concTotal)
			case large.concTimeout:
				got += fmt.Sprintf(" — timed out after %s, %d of %d edits done", *concTimeout, len(large.conc), large.concTotal)
			case missing > 0:
				got += fmt.Sprintf(" — %d of %d edits done", len(large.conc), large.concTotal)
			}
			p99, ok := pct(large.conc, missing, .99)
			rows = append(rows, row{fmt.Sprintf("%d operators × %d edits at once, %s: every edit's latency", *ops, *perOp, size(large.stations)), got, "p99 ≤ 500 ms",
				verdict(ok && p99 <= 500*time.Millisecond, len(large.conc)+missing > 0)})
		}
	}
	fmt.Println("== scale: figures and targets (GB = 1024 MB; latency measured by the client from sending the PATCH to reading the whole answer)")
	fmt.Println("| | measured | target | |")
	fmt.Println("|---|---|---|---|")
	for _, r := range rows {
		fmt.Printf("| %s | %s | %s | %s |\n", r.what, r.got, r.target, r.v)
	}
	for _, r := range []*result{small, large} {
		if r == nil {
			continue
		}
		if r.err != "" {
			fmt.Printf("note: set %s ended early: %s\n", r.name, r.err)
		}
		if r.killed != "" {
			fmt.Printf("note: set %s: the memory guard killed the server (%s); VmHWM is the last sampled value\n", r.name, r.killed)
		}
	}
}

func main() {
	flag.Parse()
	// Ctrl-C or a kill: stop the server first.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-sig
		liveMu.Lock()
		srv := live
		liveMu.Unlock()
		if srv != nil {
			srv.cmd.Process.Signal(syscall.SIGKILL)
			<-srv.exited
		}
		fmt.Fprintf(os.Stderr, "scale: %s; server stopped\n", s)
		os.Exit(130)
	}()
	if _, err := os.Stat(*bin); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(2)
	}
	var small, large *result
	for _, set := range strings.Split(*sets, ",") {
		switch strings.TrimSpace(set) {
		case "16k":
			small = runSet("16k", *seedSmall, false)
		case "1m":
			large = runSet("1m", *seedLarge, true)
		default:
			fmt.Fprintf(os.Stderr, "scale: unknown set %q (16k, 1m)\n", set)
			os.Exit(2)
		}
	}
	table(small, large)
	if (small != nil && small.err != "") || (large != nil && large.err != "") {
		os.Exit(1)
	}
}
