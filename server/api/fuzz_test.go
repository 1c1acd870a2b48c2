package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/catalog"
)

// FuzzQuery sends arbitrary query strings to every public read: whatever arrives, the answer is a
// success or a 4xx problem+json, never a 5xx or a panic. Seeds cover each parameter's edge cases and
// replay on every go test (with what the fuzzer kept in testdata/fuzz/FuzzQuery).
func FuzzQuery(f *testing.F) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(200), nil))
	h := api.New(api.Deps{Catalog: &cat, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, q := range []string{
		"lat=41.8&lon=123.4", "lat=41.8&lon=123.4&limit=100&radius=300000&amenities=hot_water,heating&kinds=driver_home&open=now",
		"lat=NaN&lon=Inf", "lat=41.8&lat=41.9&lon=123.4", "lat=%zz", "lat=41.8;lon=123.4", "bbox=123,41,124,42&limit=5000",
		"bbox=124,42,123,41", "q=%E5%8D%97%E6%B9%96&lat=41.8&lon=123.4", "q=" + strings.Repeat("x", 60), "crs=bd09&lat=41.8&lon=123.4",
		"text=Mo-Fr%2008:00-18:00%3B%20PH%20off&at=2026-01-15T23:40:00%2B08:00", "at=2026-13-40T99:99:99Z", "open=2026-02-30T00:00:00Z",
		"lat=%EF%BC%94%EF%BC%91&lon=123.4", "lat=4.18e1&lon=0x7b", "limit=-1", "radius=1e309", strings.Repeat("a=b&", 900),
	} {
		f.Add(q)
	}
	paths := []string{"/api/v1/stations/nearby", "/api/v1/stations", "/api/v1/search", "/api/v1/hours/preview", "/api/v1/stations/T-0001", "/api/v1/meta"}
	f.Fuzz(func(t *testing.T, q string) {
		for _, p := range paths {
			req, err := http.NewRequest(http.MethodGet, "http://x"+p, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.RawQuery = q
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s?%q: %d %s", p, q, rec.Code, rec.Body.String())
			}
			if rec.Code >= 400 && rec.Header().Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s?%q: %d as %q", p, q, rec.Code, rec.Header().Get("Content-Type"))
			}
		}
	})
}
