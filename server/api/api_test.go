package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// Before the stations are loaded the process is alive but not ready: /healthz answers 200, /readyz and
// station queries answer 503 problems; once a snapshot is swapped in, they answer.
func TestNotReadyUntilLoaded(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cat catalog.Catalog
	srv := httptest.NewServer(api.New(api.Deps{Catalog: &cat, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	get := func(path string) (int, map[string]any) {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body map[string]any
		json.NewDecoder(res.Body).Decode(&body)
		return res.StatusCode, body
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	for _, path := range []string{"/readyz", "/api/v1/stations/nearby?lat=41.8&lon=123.4", "/api/v1/meta", "/api/v1/stations.geojson"} {
		if code, body := get(path); code != 503 || body["code"] != "unavailable" {
			t.Fatalf("%s before loading: %d %v", path, code, body)
		}
	}
	cat.Swap(catalog.Build(7, benchStations(100), nil))
	if code, body := get("/readyz"); code != 200 || body["data_version"] != 7.0 || body["station_count"] != 100.0 {
		t.Fatalf("readyz after loading: %d %v", code, body)
	}
	if code, body := get("/api/v1/stations/nearby?lat=41.8&lon=123.4&radius=300000"); code != 200 || len(body["features"].([]any)) != 20 {
		t.Fatalf("nearby after loading: %d", code)
	}
}

// HEAD answers like GET, without a body.
func TestHead(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cat catalog.Catalog
	cat.Swap(catalog.Build(3, benchStations(50), nil))
	srv := httptest.NewServer(api.New(api.Deps{Catalog: &cat, DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	for path, want := range map[string]int{"/healthz": 200, "/api/v1/stations.geojson": 200, "/api/v1/stations/nope": 404} {
		res, err := http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || len(body) != 0 {
			t.Fatalf("HEAD %s: %d with %d body bytes", path, res.StatusCode, len(body))
		}
		if path == "/api/v1/stations.geojson" && res.Header.Get("ETag") == "" {
			t.Fatalf("HEAD %s: no ETag", path)
		}
	}
}

// The map background reaches the PWA through /api/v1/meta, and the Content-Security-Policy lets the
// page fetch tiles from exactly the configured hosts; without tiles, meta says null and no other
// origin is allowed.
func TestMapConfigAndCSP(t *testing.T) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(10), nil))
	tiles := &api.MapConfig{
		Tiles: []string{"https://t0.example.cn/{z}/{x}/{y}.png", "https://t1.example.cn/{z}/{x}/{y}.png"},
		CRS:   "gcj02", Attribution: "© 测试", MaxZoom: 17,
	}
	for _, tc := range []struct {
		m       *api.MapConfig
		wantMap string
		hosts   []string
	}{
		{nil, "null", nil},
		{tiles, `{"tiles":["https://t0.example.cn/{z}/{x}/{y}.png","https://t1.example.cn/{z}/{x}/{y}.png"],"crs":"gcj02","attribution":"© 测试","max_zoom":17}`,
			[]string{"https://t0.example.cn", "https://t1.example.cn"}},
	} {
		srv := httptest.NewServer(api.New(api.Deps{Catalog: &cat, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Map: tc.m}))
		res, err := http.Get(srv.URL + "/api/v1/meta")
		if err != nil {
			t.Fatal(err)
		}
		var meta map[string]json.RawMessage
		json.NewDecoder(res.Body).Decode(&meta)
		res.Body.Close()
		srv.Close()
		if string(meta["map"]) != tc.wantMap {
			t.Errorf("meta.map = %s, want %s", meta["map"], tc.wantMap)
		}
		csp := res.Header.Get("Content-Security-Policy")
		for _, directive := range strings.Split(csp, ";") {
			fields := strings.Fields(directive)
			if len(fields) == 0 || (fields[0] != "connect-src" && fields[0] != "img-src") {
				continue
			}
			var origins []string
			for _, f := range fields[1:] {
				if strings.Contains(f, "://") {
					origins = append(origins, f)
				}
			}
			if strings.Join(origins, " ") != strings.Join(tc.hosts, " ") {
				t.Errorf("%s allows %v, want exactly %v", fields[0], origins, tc.hosts)
			}
		}
		if !strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe") {
			t.Errorf("CSP %q", csp)
		}
	}
}

type busyReports struct{}

func (busyReports) AddReport(context.Context, station.Report) (station.Report, error) {
	return station.Report{}, errors.New("sqlite: step: database is locked (5) (SQLITE_BUSY)")
}

type fullReports struct{}

func (fullReports) AddReport(context.Context, station.Report) (station.Report, error) {
	return station.Report{}, &station.Error{Code: station.CodeStorageUnavailable, Detail: "nothing was changed",
		Cause: errors.New("insert report: database or disk is full (13)")}
}

// A write refused by a full or failing disk answers 503 storage_unavailable with Retry-After, logs the
// cause and counts it as a database error, and tells the client nothing about the disk.
func TestStorageUnavailableAnswers503(t *testing.T) {
	_, rec, p, logged := reportWith(fullReports{})
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || p["code"] != "storage_unavailable" || strings.Contains(rec.Body.String(), "disk is full") {
		t.Fatalf("full disk: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if !strings.Contains(logged, "disk is full") {
		t.Fatalf("the cause is not in the log: %s", logged)
	}
}

// reportWith posts a report to a server whose report store is store; it returns the server, the
// answer, the answer's problem and what the server logged.
func reportWith(store api.ReportStore) (http.Handler, *httptest.ResponseRecorder, map[string]any, string) {
	var cat catalog.Catalog
	sts := benchStations(3)
	cat.Swap(catalog.Build(1, sts, nil))
	var logged strings.Builder
	h := api.New(api.Deps{Catalog: &cat, Reports: store, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/stations/"+sts[0].ID+"/reports", strings.NewReader(`{"reason":"locked"}`))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	var p map[string]any
	json.Unmarshal(rec.Body.Bytes(), &p)
	return h, rec, p, logged.String()
}

// A write that waited for the database past its busy timeout answers 503 with Retry-After, not 500:
// nothing was written and trying again is right.
func TestBusyDatabaseAnswers503(t *testing.T) {
	_, rec, p, _ := reportWith(busyReports{})
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || p["code"] != "unavailable" {
		t.Fatalf("busy database: %d %q %v", rec.Code, rec.Header().Get("Retry-After"), p)
	}
}

// One client address gets APILimit.Burst requests to /api/v1, then 429 with Retry-After, whatever the
// route; another address is not held back, and /healthz is never limited (the load balancer's probe).
func TestAPIRateLimit(t *testing.T) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(5), nil))
	h := api.New(api.Deps{Catalog: &cat, APILimit: api.RateLimit{Burst: 3, Every: time.Hour},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	get := func(path, addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = addr + ":40000"
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i, path := range []string{"/api/v1/meta", "/api/v1/stations/nearby?lat=41.8&lon=123.4", "/api/v1/search?q=x"} {
		if rec := get(path, "203.0.113.7"); rec.Code != 200 {
			t.Fatalf("request %d within the burst: %d %s", i+1, rec.Code, rec.Body)
		}
	}
	rec := get("/api/v1/stations/nearby?lat=41.8&lon=123.4", "203.0.113.7")
	var p map[string]any
	json.Unmarshal(rec.Body.Bytes(), &p)
	if retry, _ := strconv.Atoi(rec.Header().Get("Retry-After")); rec.Code != 429 || p["code"] != "rate_limited" || retry < 1 || retry > 3600 {
		t.Fatalf("over the burst: %d Retry-After %q %v", rec.Code, rec.Header().Get("Retry-After"), p)
	}
	if rec := get("/api/v1/meta", "198.51.100.9"); rec.Code != 200 {
		t.Errorf("another client: %d", rec.Code)
	}
	if rec := get("/healthz", "203.0.113.7"); rec.Code != 200 {
		t.Errorf("healthz of a limited client: %d", rec.Code)
	}
	// Unlimited: the same client keeps going.
	h = api.New(api.Deps{Catalog: &cat, APILimit: api.RateLimit{Unlimited: true}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for i := 0; i < 2*api.DefaultAPILimit.Burst; i++ {
		if rec := get("/api/v1/meta", "203.0.113.7"); rec.Code != 200 {
			t.Fatalf("unlimited, request %d: %d", i+1, rec.Code)
		}
	}
}

// Behind a configured proxy, X-Forwarded-For is the client (each has its own report limit) and
// X-Forwarded-Proto: https turns on HSTS; without the setting, neither header is believed.
func TestTrustedProxy(t *testing.T) {
	var cat catalog.Catalog
	sts := benchStations(5)
	cat.Swap(catalog.Build(1, sts, nil))
	for _, trusted := range []bool{false, true} {
		d := api.Deps{Catalog: &cat, Reports: acceptReports{}, ReportLimit: api.RateLimit{Burst: 1, Every: time.Hour},
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if trusted {
			d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
		}
		srv := httptest.NewServer(api.New(d))
		report := func(client string) int {
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/stations/"+sts[0].ID+"/reports", strings.NewReader(`{"reason":"locked"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", client)
			req.Header.Set("X-Forwarded-Proto", "https")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if hsts := res.Header.Get("Strict-Transport-Security"); (hsts != "") != trusted {
				t.Errorf("trusted=%v: HSTS %q", trusted, hsts)
			}
			return res.StatusCode
		}
		a, b := report("203.0.113.7"), report("198.51.100.9")
		if trusted && (a != 201 || b != 201) || !trusted && (a != 201 || b != 429) {
			t.Errorf("trusted=%v: two clients behind the proxy got %d and %d", trusted, a, b)
		}
		srv.Close()
	}
}

type acceptReports struct{}

func (acceptReports) AddReport(_ context.Context, r station.Report) (station.Report, error) {
	r.ID = 1
	return r, nil
}

// A latitude out of range next to a longitude that would do as a latitude gets a hint that the two
// look swapped (reliability.md §4 A5); other out-of-range latitudes get none.
func TestSwappedCoordinatesHint(t *testing.T) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(5), nil))
	h := api.New(api.Deps{Catalog: &cat, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, tc := range []struct {
		query string
		hint  bool
	}{
		{"lat=123.43&lon=41.80", true},
		{"lat=-123.43&lon=41.80", true},
		{"lat=91&lon=123.4", false},   // lon is no latitude
		{"lat=200&lon=41.8", false},   // lat is no longitude either
		{"lat=123.43&lon=abc", false}, // nothing to swap with
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/stations/nearby?"+tc.query, nil))
		var p struct{ Code, Field, Detail string }
		json.Unmarshal(rec.Body.Bytes(), &p)
		if rec.Code != 400 || p.Code != "out_of_range" || p.Field != "lat" {
			t.Fatalf("%s: %d %+v", tc.query, rec.Code, p)
		}
		if got := strings.Contains(p.Detail, "填反了"); got != tc.hint { // in Chinese, the default
			t.Errorf("%s: detail %q, hint %v want %v", tc.query, p.Detail, got, tc.hint)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/stations/nearby?lat=123.43&lon=41.8", nil))
	var p struct{ Detail string }
	json.Unmarshal(rec.Body.Bytes(), &p)
	if !strings.Contains(p.Detail, "lat=41.8&lon=123.43") {
		t.Errorf("the hint does not give the swapped query: %q", p.Detail)
	}
}

// A write that cannot get the database within the request's deadline (another process holds the write
// lock) gives up when the deadline passes, well before SQLite's 10 s busy timeout, and answers 503
// with Retry-After; nothing is written (reliability.md §4 F59).
func TestRequestDeadlineCancelsDatabaseWork(t *testing.T) {
	path := filepath.Join(t.TempDir(), "y.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sts := benchStations(3)
	if _, err := db.Upsert(context.Background(), sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, sts, nil))
	h := api.New(api.Deps{Catalog: &cat, DB: db, Reports: db, RequestDeadline: 300 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})

	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil { // the write lock, held
		t.Fatal(err)
	}
	start := time.Now()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/stations/"+sts[0].ID+"/reports", strings.NewReader(`{"reason":"locked"}`))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	took := time.Since(start)
	var p map[string]any
	json.Unmarshal(rec.Body.Bytes(), &p)
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || p["code"] != "unavailable" {
		t.Fatalf("write past its deadline: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if took > 5*time.Second { // the busy timeout is 10 s: the deadline, not SQLite, ended the wait
		t.Fatalf("the request took %v; the deadline did not cancel the wait", took)
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := other.QueryRow(`SELECT count(*) FROM report`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("reports stored: %d %v", n, err)
	}
}

type panickyReports struct{}

func (panickyReports) AddReport(context.Context, station.Report) (station.Report, error) {
	panic("a bug in the store")
}

// A panic in a handler is recovered: the request answers 500 internal as problem+json with its
// request_id and nothing of the panic, and the server goes on answering (reliability.md §4 F60).
func TestPanicAnswers500(t *testing.T) {
	h, rec, p, logged := reportWith(panickyReports{})
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "application/problem+json" || p["code"] != "internal" ||
		p["request_id"] != rec.Header()["X-Request-ID"][0] || p["request_id"] == "" || strings.Contains(rec.Body.String(), "bug") {
		t.Fatalf("panic: %d %s", rec.Code, rec.Body)
	}
	if !strings.Contains(logged, "a bug in the store") || !strings.Contains(logged, p["request_id"].(string)) || strings.Contains(logged, "goroutine") {
		t.Errorf("the log should have the panic and the request id, and no stack trace: %s", logged)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/meta", nil))
	if rec.Code != 200 {
		t.Fatalf("after the panic: %d", rec.Code)
	}
}
