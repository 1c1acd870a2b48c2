package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/station"
)

// memReports is a ReportStore in memory.
type memReports struct {
	mu   sync.Mutex
	list []station.Report
}

func (m *memReports) AddReport(ctx context.Context, r station.Report) (station.Report, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.ID, r.CreatedAt, r.Status = int64(len(m.list)+1), time.Now().UTC(), station.ReportOpen
	m.list = append(m.list, r)
	return r, nil
}

// The rate limit is per client address, taken from the connection: X-Forwarded-For changes nothing,
// and the addresses of one IPv6 /64 share a limit.
func TestReportLimitPerClient(t *testing.T) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(10), nil))
	store := &memReports{}
	e := api.New(api.Deps{
		Catalog: &cat, Reports: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		ReportLimit: api.RateLimit{Burst: 2, Every: time.Hour, MaxClients: 100},
	})
	post := func(remote string, header ...string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/stations/LN-000003/reports", strings.NewReader(`{"reason":"locked"}`))
		req.RemoteAddr = remote
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec
	}
	for _, tc := range []struct {
		remote string
		header []string
		status int
	}{
		{"198.51.100.7:40000", nil, 201},
		{"198.51.100.7:40001", nil, 201},
		{"198.51.100.7:40002", nil, 429},
		{"198.51.100.7:40003", []string{"X-Forwarded-For", "192.0.2.1", "X-Real-IP", "192.0.2.2"}, 429},
		{"198.51.100.8:40000", nil, 201}, // the next address has its own limit
		{"[2001:db8:1:2::1]:40000", nil, 201},
		{"[2001:db8:1:2::2]:40000", nil, 201},
		{"[2001:db8:1:2:ffff::3]:40000", nil, 429}, // same /64
		{"[2001:db8:1:3::1]:40000", nil, 201},
	} {
		rec := post(tc.remote, tc.header...)
		if rec.Code != tc.status {
			t.Fatalf("%s: %d %s, want %d", tc.remote, rec.Code, rec.Body, tc.status)
		}
		if tc.status == 429 && (rec.Header().Get("Retry-After") != "3600" || !strings.Contains(rec.Body.String(), `"code":"rate_limited"`)) {
			t.Fatalf("%s: 429 with Retry-After %q: %s", tc.remote, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	var clients []string
	for _, r := range store.list {
		clients = append(clients, r.Client)
	}
	want := "198.51.100.0/24 198.51.100.0/24 198.51.100.0/24 2001:db8:1::/48 2001:db8:1::/48 2001:db8:1::/48"
	if got := strings.Join(clients, " "); got != want {
		t.Fatalf("stored clients %q, want %q", got, want)
	}
}

// Without a report store the route answers 503 rather than failing.
func TestReportWithoutStore(t *testing.T) {
	var cat catalog.Catalog
	cat.Swap(catalog.Build(1, benchStations(10), nil))
	e := api.New(api.Deps{Catalog: &cat, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	req := httptest.NewRequest(http.MethodPost, "/api/v1/stations/LN-000003/reports", strings.NewReader(`{"reason":"locked"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), `"code":"unavailable"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}
