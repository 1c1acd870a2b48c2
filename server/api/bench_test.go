package api_test

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/station"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures the handler alone.
type discard struct {
	h    http.Header
	n    int
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { d.n += len(b); return len(b), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

func benchStations(n int) []station.Station {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]station.Station, n)
	for i := range out {
		out[i] = station.Station{
			ID: fmt.Sprintf("LN-%06d", i), Name: "和平区南湖街道爱心驿站", Kind: station.Kind(r.IntN(5)),
			Lon: 118.85 + r.Float64()*6.94, Lat: 38.72 + r.Float64()*4.77,
			Address: "辽宁省沈阳市和平区南湖街道北三路18号", City: "沈阳市", District: "和平区", Adcode: "210102",
			Amenities: station.AmenitySet(r.Uint32() & (1<<17 - 1)), OpeningHours: "Mo-Fr 08:30-17:30",
			Phone: "024-01234567", Operator: "和平区总工会", Version: 1, UpdatedAt: time.Unix(1.79e9, 0),
		}
	}
	return out
}

// BenchmarkHandler serves nearest-20 answers in-process (no network), at random points across Liaoning,
// against /healthz as the baseline.
func BenchmarkHandler(b *testing.B) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(16000), nil))
	// One client sends everything: its API limit is set out of reach but stays in the path.
	e := api.New(api.Deps{Catalog: &cat, APILimit: api.RateLimit{Burst: 1 << 30, Every: time.Nanosecond},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	r := rand.New(rand.NewPCG(1, 1))
	reqs := make([]*http.Request, 1024)
	for i := range reqs {
		url := fmt.Sprintf("/api/v1/stations/nearby?lat=%.6f&lon=%.6f&limit=20&radius=300000", 38.72+r.Float64()*4.77, 118.85+r.Float64()*6.94)
		reqs[i], _ = http.NewRequest(http.MethodGet, url, nil)
	}
	health, _ := http.NewRequest(http.MethodGet, "/healthz", nil)
	for _, bc := range []struct {
		name string
		req  func(i int) *http.Request
	}{
		{"healthz", func(int) *http.Request { return health }},
		{"nearby16k", func(i int) *http.Request { return reqs[i%len(reqs)] }},
		{"nearby16k-samepoint", func(i int) *http.Request { return reqs[0] }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w := &discard{h: http.Header{}}
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				clear(w.h)
				w.code = 0
				e.ServeHTTP(w, bc.req(i))
				if w.code != 200 {
					b.Fatalf("status %d", w.code)
				}
			}
			b.ReportMetric(float64(w.n)/float64(b.N), "B/answer")
		})
	}
}
