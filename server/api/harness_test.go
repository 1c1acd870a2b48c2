package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

// harness is the HTTP API over real parts: an SQLite file of its own holding the first stations of
// the seed, the catalog built from it, the write path, on a loopback port. Scenario tests of the API
// use it; the tests of the binary itself (signals, crashes, the command line) stay in cmd/yizhan.
type harness struct {
	t        *testing.T
	db       *sqlite.DB
	cat      *catalog.Catalog
	base     string
	stations []station.Station // as stored, by id
}

// harnessSeed is how many of the seed's stations a harness starts with.
const harnessSeed = 60

func newHarness(t *testing.T) *harness {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "data", "stations.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seed, err := codec.ReadCSV(f, spatial.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(seed, func(a, b station.Station) int { return strings.Compare(a.ID, b.ID) })
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := context.Background()
	if _, err := db.Upsert(ctx, seed[:harnessSeed], time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, db: db, cat: &catalog.Catalog{}}
	reload := func(ctx context.Context) error {
		version, sts, err := db.LoadAll(ctx)
		if err == nil {
			h.cat.SwapIfNewer(catalog.Build(version, sts, nil))
		}
		return err
	}
	if err := reload(ctx); err != nil {
		t.Fatal(err)
	}
	_, h.stations, _ = db.LoadAll(ctx)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e := api.New(api.Deps{Catalog: h.cat, DB: db, Log: log, Users: db, History: db, ReportDesk: db, Reports: db,
		Writer:   &write.Writer{Store: db, Catalog: h.cat, Reload: reload, Log: log},
		APILimit: api.RateLimit{Unlimited: true}, ReportLimit: api.RateLimit{Unlimited: true}})
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	h.base = srv.URL
	return h
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
	ctx := context.Background()
	u, err := h.db.CreateUser(ctx, auth.User{Username: name, Role: role}, auth.HashPassword(password))
	if err != nil {
		h.t.Fatal(err)
	}
	if len(stations) > 0 {
		if _, err := h.db.SetUserStations(ctx, u.ID, stations); err != nil {
			h.t.Fatal(err)
		}
	}
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
func (h *harness) count(query string, args ...any) int {
	h.t.Helper()
	db, err := sql.Open("sqlite", "file:"+h.db.Path()+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}
