package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yizhan/yizhan/pwa"
	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

// seedPath is the real seed file, which `yizhan serve` loads on a first start.
var seedPath = filepath.Join("..", "..", "data", "stations.csv")

// harness is the HTTP API over real parts: an SQLite file of its own holding seed stations, the
// catalog built from it, the write path, served by net/http on a loopback port with the listener and
// timeouts of `yizhan serve`. The scenario tests of the API use it; the tests of the binary itself
// (signals, crashes, the command line, the file watcher) stay in cmd/yizhan.
type harness struct {
	t        *testing.T // for the methods without a t parameter; nil on the shared harness
	db       *sqlite.DB
	dbPath   string
	cat      *catalog.Catalog
	base     string
	stations []station.Station // the seed as read, by id (as stored when reopened)
}

// harnessSeed is how many of the seed's stations newHarness starts with.
const harnessSeed = 60

// newHarness is a harness of the test's own with the first stations of the seed and no limit on
// reports.
func newHarness(t *testing.T) *harness {
	t.Helper()
	return start(t, readSeed(t, seedPath)[:harnessSeed], func(d *api.Deps) { d.ReportLimit = api.RateLimit{Unlimited: true} })
}

// startServer is a harness of the test's own holding the stations of the CSV file seed, configured as
// `yizhan serve` is by default except that the API rate limit is off (every test client is on
// loopback; TestAPIRateLimitPerAddress checks the default). options change its dependencies.
func startServer(t *testing.T, seed string, options ...func(*api.Deps)) *harness {
	t.Helper()
	return start(t, readSeed(t, seed), options...)
}

var (
	sharedOnce sync.Once
	shared     *harness
	sharedStop func()
)

// sharedServer is one harness with the whole seed for the tests that only read; use the methods that
// take a t on it.
func sharedServer(t *testing.T) *harness {
	t.Helper()
	sharedOnce.Do(func() {
		var cleanups []func()
		shared, cleanups = serveStations(t, "", readSeed(t, seedPath))
		shared.t = nil
		sharedStop = func() {
			for i := len(cleanups) - 1; i >= 0; i-- {
				cleanups[i]()
			}
		}
	})
	if shared == nil {
		t.Fatal("the shared harness did not start")
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedStop != nil {
		sharedStop()
	}
	os.Exit(code)
}

// readSeed reads a CSV station list, sorted by id.
func readSeed(t testing.TB, path string) []station.Station {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sts, err := codec.ReadCSV(f, spatial.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(sts, func(a, b station.Station) int { return strings.Compare(a.ID, b.ID) })
	return sts
}

// smallSeed writes the first 40 stations of the seed to a file of their own, for the tests that need
// only a few stations.
func smallSeed(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.csv")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := codec.WriteCSV(out, station.Slice(readSeed(t, seedPath)[:40]), true); err != nil {
		t.Fatal(err)
	}
	return path
}

func start(t *testing.T, seed []station.Station, options ...func(*api.Deps)) *harness {
	t.Helper()
	h, cleanups := serveStations(t, "", seed, options...)
	for _, c := range cleanups {
		t.Cleanup(c)
	}
	return h
}

// reopened is a second harness on h's database file, as a restarted server: its catalog is read from
// the table.
func reopened(t *testing.T, h *harness) *harness {
	t.Helper()
	r, cleanups := serveStations(t, h.dbPath, nil)
	for _, c := range cleanups {
		t.Cleanup(c)
	}
	return r
}

// serveStations stores seed in the database at path (a new one when path is empty), builds the
// catalog and serves the API; cleanups undo it, last first.
func serveStations(t testing.TB, path string, seed []station.Station, options ...func(*api.Deps)) (*harness, []func()) {
	t.Helper()
	var cleanups []func()
	if path == "" {
		dir, err := os.MkdirTemp("", "yizhan-api-")
		if err != nil {
			t.Fatal(err)
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		path = filepath.Join(dir, "yizhan.db")
	}
	var err error
	fail := func(err error) {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
		t.Fatal(err)
	}
	h := &harness{dbPath: path, cat: &catalog.Catalog{}}
	if tt, ok := t.(*testing.T); ok {
		h.t = tt
	}
	if h.db, err = sqlite.Open(h.dbPath); err != nil {
		fail(err)
	}
	cleanups = append(cleanups, func() { h.db.Close() })
	ctx := context.Background()
	if len(seed) > 0 {
		if _, err := h.db.Upsert(ctx, slices.Clone(seed), time.Now(), station.UpsertOptions{}); err != nil { // Upsert stamps what it is given
			fail(err)
		}
	}
	reload := func(ctx context.Context) error {
		version, sts, err := h.db.LoadAll(ctx)
		if err == nil {
			h.cat.SwapIfNewer(catalog.Build(version, sts, nil))
		}
		return err
	}
	if err := reload(ctx); err != nil {
		fail(err)
	}
	if h.stations = seed; seed == nil {
		_, h.stations, _ = h.db.LoadAll(ctx)
		slices.SortFunc(h.stations, func(a, b station.Station) int { return strings.Compare(a.ID, b.ID) })
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	deps := api.Deps{Catalog: h.cat, DB: h.db, Log: log, PWA: pwa.Files(), Users: h.db, History: h.db,
		ReportDesk: h.db, Reports: h.db, Writer: &write.Writer{Store: h.db, Catalog: h.cat, Reload: reload, Log: log, Now: time.Now},
		APILimit: api.RateLimit{Unlimited: true}}
	for _, o := range options {
		o(&deps)
	}
	srv := httptest.NewUnstartedServer(api.New(deps))
	srv.Listener = api.CoalesceWrites(srv.Listener)
	srv.Config.ReadHeaderTimeout, srv.Config.ReadTimeout = 5*time.Second, 30*time.Second
	srv.Config.WriteTimeout, srv.Config.MaxHeaderBytes = 60*time.Second, 64<<10
	srv.Start()
	cleanups = append(cleanups, srv.Close)
	h.base = srv.URL
	return h, cleanups
}

// byID returns the stored station with id.
func (h *harness) byID(t *testing.T, id string) *station.Station {
	t.Helper()
	i, ok := slices.BinarySearchFunc(h.stations, id, func(s station.Station, id string) int { return strings.Compare(s.ID, id) })
	if !ok {
		t.Fatalf("no station %q", id)
	}
	return &h.stations[i]
}

// get sends a GET without compression (header: name, value pairs) and returns the answer and its body.
func (h *harness) get(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return fetchAnswer(t, &http.Client{Transport: &http.Transport{DisableCompression: true}}, req)
}

// post sends body with Content-Type contentType (none when empty).
func (h *harness) post(t *testing.T, path, contentType, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return fetchAnswer(t, http.DefaultClient, req)
}

func fetchAnswer(t *testing.T, c *http.Client, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// decode unmarshals body as a T, failing the test when it is not one.
func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decoding %.200s: %v", body, err)
	}
	return v
}

// checkProblem checks that an answer is an RFC 9457 problem with status, code and (unless empty) field.
func checkProblem(t *testing.T, res *http.Response, body []byte, status int, code, field string) {
	t.Helper()
	if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("status %d type %q, want %d problem+json: %s", res.StatusCode, res.Header.Get("Content-Type"), status, body)
	}
	p := decode[map[string]any](t, body)
	if p["code"] != code || (field != "" && p["field"] != field) || p["status"].(float64) != float64(status) ||
		p["detail"] == "" || p["title"] == "" || !strings.HasSuffix(p["type"].(string), code) {
		t.Fatalf("problem %s, want code %s field %s", body, code, field)
	}
}

// browser is one client of a harness from a source address of its own: its session cookie and CSRF
// token. (client is the same for the harness-style tests, with the harness's t.)
type browser struct {
	h      *harness
	client *http.Client
	cookie string // "yizhan_session=..." once signed in
	csrf   string
}

// newBrowser connects from the loopback address ip (any 127.x.y.z works on Linux), so that tests can
// be many clients.
func newBrowser(h *harness, ip string) *browser {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &browser{h: h, client: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

// do sends a request with the browser's cookie, and its CSRF token on writes; header pairs are set
// last (an empty value removes a header).
func (b *browser) do(t *testing.T, method, path, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.h.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.cookie != "" {
		req.Header.Set("Cookie", b.cookie)
	}
	if b.csrf != "" && method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	return fetchAnswer(t, b.client, req)
}

type sessionAnswer struct {
	User struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
		Role     string `json:"role"`
	} `json:"user"`
	CSRFToken string `json:"csrf_token"`
	ExpiresAt string `json:"expires_at"`
}

// login signs name in from b and keeps the session; it fails the test unless that works.
func (b *browser) login(t *testing.T, name, password string) sessionAnswer {
	t.Helper()
	res, body := b.do(t, http.MethodPost, "/api/v1/session", fmt.Sprintf(`{"username":%q,"password":%q}`, name, password), "Cookie", b.cookie)
	if res.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", name, res.StatusCode, body)
	}
	if len(res.Cookies()) != 1 || res.Cookies()[0].Name != "yizhan_session" {
		t.Fatalf("cookies %v", res.Header.Values("Set-Cookie"))
	}
	c := res.Cookies()[0]
	s := decode[sessionAnswer](t, body)
	b.cookie, b.csrf = c.Name+"="+c.Value, s.CSRFToken
	return s
}

// addUser makes an account as `yizhan user add` does (an operator runs stations).
func (h *harness) addUser(t *testing.T, name, password string, role auth.Role, stations ...string) auth.User {
	t.Helper()
	ctx := context.Background()
	u, err := h.db.CreateUser(ctx, auth.User{Username: name, Role: role}, auth.HashPassword(password))
	if err != nil {
		t.Fatal(err)
	}
	if len(stations) > 0 {
		if _, err := h.db.SetUserStations(ctx, u.ID, stations); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

// client is one browser: its cookies, and the CSRF token of its session.
type client struct {
	h    *harness
	http *http.Client
	csrf string
}

// anonymous is a client that has not signed in.
func (h *harness) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{h: h, http: &http.Client{Jar: jar}}
}

// signedIn makes an account with role (an operator runs stations) and signs a new client in as it.
func (h *harness) signedIn(name string, role auth.Role, stations ...string) *client {
	h.t.Helper()
	const password = "correct horse battery staple"
	h.addUser(h.t, name, password, role, stations...)
	c := h.anonymous()
	status, _, body := c.do(http.MethodPost, "/api/v1/session", `{"username":"`+name+`","password":"`+password+`"}`)
	var s struct {
		CSRF string `json:"csrf_token"`
	}
	if json.Unmarshal(body, &s); status != 200 || s.CSRF == "" {
		h.t.Fatalf("sign in %s: %d %s", name, status, body)
	}
	c.csrf = s.CSRF
	return c
}

// do sends a request (header: name, value pairs) with the client's cookies and, on a write, its CSRF
// token, and returns the status, the headers and the body.
func (c *client) do(method, path, body string, header ...string) (int, http.Header, []byte) {
	c.h.t.Helper()
	req, err := http.NewRequest(method, c.h.base+path, strings.NewReader(body))
	if err != nil {
		c.h.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" && method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i]) // an empty value leaves the header out
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.h.t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		c.h.t.Fatal(err)
	}
	return res.StatusCode, res.Header, out
}

// exchange is one request and what its answer must be: the status, and fragments the body holds.
type exchange struct {
	who                *client
	method, path, body string
	header             []string
	status             int
	contains           []string
}

// run sends each exchange and checks its answer.
func run(t *testing.T, exchanges []exchange) {
	t.Helper()
	for _, x := range exchanges {
		status, _, body := x.who.do(x.method, x.path, x.body, x.header...)
		if status != x.status {
			t.Errorf("%s %s %s: %d, want %d: %.300s", x.method, x.path, x.body, status, x.status, body)
			continue
		}
		for _, frag := range x.contains {
			if !strings.Contains(string(body), frag) {
				t.Errorf("%s %s %s: the answer lacks %q: %.300s", x.method, x.path, x.body, frag, body)
			}
		}
	}
}

// count runs a count(*) query on the harness's database through a read-only connection of its own.
func (h *harness) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.dbPath+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Passwords of the accounts the scenario tests make.
const (
	adminPassword = "沈阳 驿站 管理员 2026"
	opPassword    = "operator password one"
)

// userAdd makes an account as `yizhan user add NAME --role ROLE --stations ...` does.
func userAdd(h *harness, password, name, role string, stations ...string) (auth.User, error) {
	ctx := context.Background()
	u, err := h.db.CreateUser(ctx, auth.User{Username: name, Role: auth.Role(role)}, auth.HashPassword(password))
	if err == nil && len(stations) > 0 {
		_, err = h.db.SetUserStations(ctx, u.ID, stations)
	}
	return u, err
}
