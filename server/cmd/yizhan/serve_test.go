package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/config"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
	"github.com/yizhan/yizhan/server/write"
)

// seedPath is the real seed file that `yizhan serve` loads on first start.
var seedPath = filepath.Join("..", "..", "..", "data", "stations.csv")

// testServer is a running `yizhan serve` on a loopback port with its own database file, seeded from
// the real seed file.
type testServer struct {
	dir      string
	done     chan error
	base     string
	cfg      config.Config
	stations []station.Station // what the seed file holds, sorted by id
}

// startServer starts a server of the test's own on a copy of seed; options change its configuration.
func startServer(t *testing.T, seed string, options ...func(*config.Config)) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ts := launch(t, ctx, cancel, seed, options...)
	t.Cleanup(func() {
		cancel()
		if err := <-ts.done; err != nil {
			t.Errorf("serve: %v", err)
		}
		os.RemoveAll(ts.dir)
	})
	return ts
}

func launch(t *testing.T, ctx context.Context, cancel func(), seed string, options ...func(*config.Config)) *testServer {
	t.Helper()
	var ts testServer
	ts.dir, _ = os.MkdirTemp("", "yizhan-test-")
	ts.done = make(chan error, 1)
	cfg := config.Defaults()
	cfg.DB = filepath.Join(ts.dir, "yizhan.db")
	cfg.Listen = "127.0.0.1:0"
	cfg.Seed = seed
	cfg.PollInterval = 20 * time.Millisecond
	cfg.APIRate = 0 // every test client is on loopback; TestAPIRateLimitPerAddress checks the default
	for _, o := range options {
		o(&cfg)
	}
	addr := make(chan string, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { ts.done <- serve(ctx, cfg, log, func(a string) { addr <- a }) }()
	select {
	case a := <-addr:
		ts.base = "http://" + a
	case err := <-ts.done:
		cancel()
		t.Fatalf("serve ended before listening: %v", err)
	}
	ts.cfg = cfg
	f, err := os.Open(seed)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ts.stations, err = codec.ReadCSV(f, spatial.WGS84); err != nil {
		t.Fatal(err)
	}
	sort.Slice(ts.stations, func(i, j int) bool { return ts.stations[i].ID < ts.stations[j].ID })
	return &ts
}

var (
	sharedOnce sync.Once
	shared     *testServer
	sharedStop func()
)

// sharedServer is one seeded server for the tests that only read; startServer gives a test its own.
func sharedServer(t *testing.T) *testServer {
	sharedOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		shared = launch(t, ctx, cancel, seedPath)
		sharedStop = cancel
	})
	if shared == nil {
		t.Fatal("the shared server did not start")
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedStop != nil {
		sharedStop()
		<-shared.done
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

// byID returns the seed station with id.
func (ts *testServer) byID(t *testing.T, id string) *station.Station {
	t.Helper()
	i := sort.Search(len(ts.stations), func(i int) bool { return ts.stations[i].ID >= id })
	if i == len(ts.stations) || ts.stations[i].ID != id {
		t.Fatalf("no seed station %q", id)
	}
	return &ts.stations[i]
}

func (ts *testServer) get(t *testing.T, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	res, err := (&http.Client{Transport: tr}).Do(req)
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

type feature struct {
	ID       string `json:"id"`
	Geometry struct {
		Coordinates [2]float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type collection struct {
	Type     string         `json:"type"`
	Meta     map[string]any `json:"meta"`
	Features []feature      `json:"features"`
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decoding %.200s: %v", body, err)
	}
	return v
}

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

// runCLI runs a yizhan command in-process and returns its standard output.
func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out strings.Builder
	cmd.SetOut(&out)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// An import by another process while serve runs: serve picks up the new data version, and every answer
// comes wholly from the old state or wholly from the new one.
func TestImportWhileServingIsAtomic(t *testing.T) {
	ts := startServer(t, seedOf(t, 3000)) // every station changes in one import: a torn read shows at any size
	res, _ := ts.get(t, "/api/v1/stations.geojson")
	oldTag := res.Header.Get("ETag")
	changed := make([]station.Station, len(ts.stations))
	copy(changed, ts.stations)
	for i := range changed {
		changed[i].Name += "（新）"
	}
	path := filepath.Join(t.TempDir(), "changed.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := codec.WriteCSV(f, station.Slice(changed), true); err != nil {
		t.Fatal(err)
	}
	f.Close()

	stop := make(chan struct{})
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			client := &http.Client{}
			for {
				select {
				case <-stop:
					errs <- nil
					return
				default:
				}
				res, err := client.Get(ts.base + "/api/v1/stations/nearby?lat=41.8&lon=123.4&limit=100&radius=300000")
				if err != nil {
					errs <- err
					return
				}
				var fc collection
				err = json.NewDecoder(res.Body).Decode(&fc)
				res.Body.Close()
				if err != nil {
					errs <- err
					return
				}
				v := fc.Meta["data_version"].(float64)
				for _, f := range fc.Features {
					isNew := strings.HasSuffix(f.Properties["name"].(string), "（新）")
					if isNew != (v == 2) || f.Properties["version"].(float64) != v {
						errs <- fmt.Errorf("torn read: data_version %v but %s has name %q version %v", v, f.ID, f.Properties["name"], f.Properties["version"])
						return
					}
				}
			}
		}()
	}
	out, err := runCLI(t, "import", path, "--db", ts.cfg.DB)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	rep := decode[write.Report](t, []byte(out))
	if rep.Updated != len(ts.stations) || rep.Created != 0 || rep.Rows != len(ts.stations) {
		t.Fatalf("report %+v", rep)
	}
	// A poll interval and a reload of the seed; a minute leaves room for -race on a loaded machine.
	deadline := time.Now().Add(time.Minute)
	for {
		_, body := ts.get(t, "/readyz")
		if decode[map[string]any](t, body)["data_version"].(float64) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not pick up the import within a minute")
		}
		time.Sleep(10 * time.Millisecond) // polling an observable condition, with a deadline
	}
	close(stop)
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	_, body := ts.get(t, "/api/v1/stations/"+ts.stations[0].ID)
	if f := decode[feature](t, body); f.Properties["name"] != changed[0].Name || f.Properties["version"].(float64) != 2 {
		t.Fatalf("after import: %s", body)
	}
	// The offline dataset changed with it: the old tag no longer matches, and the new one names it.
	res, body = ts.get(t, "/api/v1/stations.geojson", "If-None-Match", oldTag)
	if res.StatusCode != 200 || res.Header.Get("ETag") == oldTag || !strings.Contains(string(body), changed[0].Name) {
		t.Fatalf("dataset after import: status %d, tag %s (before %s)", res.StatusCode, res.Header.Get("ETag"), oldTag)
	}
}

// export → import changes nothing, and a dry run writes nothing.
func TestExportImportRoundTrip(t *testing.T) {
	db := filepath.Join(t.TempDir(), "y.db")
	out, err := runCLI(t, "import", seedOf(t, 3000), "--db", db)
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if rep := decode[write.Report](t, []byte(out)); rep.Created != 3000 || rep.Updated != 0 {
		t.Fatalf("first import %+v", rep)
	}
	for _, format := range []string{"csv", "geojson"} {
		path := filepath.Join(t.TempDir(), "export."+format)
		if out, err := runCLI(t, "export", "--db", db, "--format", format, "-o", path); err != nil {
			t.Fatalf("export %s: %v %s", format, err, out)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if format == "geojson" {
			fc := decode[collection](t, data)
			if len(fc.Features) != 3000 {
				t.Fatalf("geojson export has %d features", len(fc.Features))
			}
			continue
		}
		if !strings.HasPrefix(string(data), "\uFEFFid,name,kind,lon,lat,") {
			t.Fatalf("csv export starts %q", data[:40])
		}
		out, err := runCLI(t, "import", path, "--db", db)
		if err != nil {
			t.Fatalf("%v %s", err, out)
		}
		if rep := decode[write.Report](t, []byte(out)); rep.Unchanged != rep.Rows || rep.Created+rep.Updated != 0 {
			t.Fatalf("re-import of the export changed something: %+v", rep)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("id,name,kind,lon,lat\nX-1,好站,caring_station,41.8,123.4\nX-2,,driver_home,123.4,41.8\nX-3,站,spaceship,123.4,41.8\n"), 0o644)
	out, err = runCLI(t, "import", bad, "--db", db)
	rep := decode[write.Report](t, []byte(out))
	if err == nil || len(rep.Errors) != 3 || rep.Errors[0].Row != 1 || rep.Errors[0].Field != "lon" ||
		rep.Errors[1].Field != "name" || rep.Errors[2].Field != "kind" {
		t.Fatalf("bad file: err %v report %s", err, out)
	}
}
