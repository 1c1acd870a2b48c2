package api_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
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

// reportRow is a row of the report table.
type reportRow struct {
	ID                                         int64
	StationID, Reason, Note, CreatedAt, Client string
	Status, ResolvedAt, ResolvedBy             string
}

// reports reads the report table straight from the server's database file, through a connection of
// its own that cannot write.
func (ts *harness) reports(t *testing.T) []reportRow {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+ts.dbPath+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, station_id, reason, note, created_at, client, status, resolved_at, resolved_by
		FROM report ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []reportRow
	for rows.Next() {
		var r reportRow
		if err := rows.Scan(&r.ID, &r.StationID, &r.Reason, &r.Note, &r.CreatedAt, &r.Client, &r.Status,
			&r.ResolvedAt, &r.ResolvedBy); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func reportsPath(id string) string { return "/api/v1/stations/" + id + "/reports" }

// A report is stored and answered with 201, its URL and what was stored; it leaves the station data
// (and so the offline dataset's ETag) alone.
func TestReportCreated(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	st := ts.stations[7]
	res, _ := ts.get(t, "/api/v1/stations.geojson")
	etag := res.Header.Get("ETag")

	for _, tc := range []struct {
		contentType, body string
		reason, note      string
	}{
		{"application/json", `{"reason":"locked","note":"  门锁着，电话无人接 "}`, "locked", "门锁着，电话无人接"},
		{"application/json; charset=UTF-8", `{"note":"` + strings.Repeat("驿", 500) + `","reason":"other"}`, "other", strings.Repeat("驿", 500)},
		{"application/json", `{"reason":"wrong_hours"}`, "wrong_hours", ""},
		{"Application/JSON", ` {"reason": "amenity_missing", "note": null} `, "amenity_missing", ""},
	} {
		before := time.Now().Add(-time.Second)
		res, body := ts.post(t, reportsPath(st.ID), tc.contentType, tc.body)
		if res.StatusCode != 201 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("%s: %d %q %s", tc.body, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		got := decode[struct {
			ID        int64  `json:"id"`
			StationID string `json:"station_id"`
			Reason    string `json:"reason"`
			Note      string `json:"note"`
			Status    string `json:"status"`
			CreatedAt string `json:"created_at"`
		}](t, body)
		created, err := time.Parse(time.RFC3339, got.CreatedAt)
		if err != nil || got.ID <= 0 || got.StationID != st.ID || got.Reason != tc.reason || got.Note != tc.note ||
			got.Status != "open" || created.Before(before) || created.After(time.Now()) {
			t.Fatalf("answer %s (created_at: %v)", body, err)
		}
		if loc := res.Header.Get("Location"); loc != "/api/v1/reports/"+strconv.FormatInt(got.ID, 10) {
			t.Fatalf("Location %q for report %d", loc, got.ID)
		}

		rows := ts.reports(t)
		row := rows[len(rows)-1]
		stored, err := time.Parse(time.RFC3339, row.CreatedAt)
		if err != nil || !strings.HasSuffix(row.CreatedAt, "Z") || !stored.Truncate(time.Second).Equal(created) {
			t.Fatalf("stored created_at %q, answered %q (%v)", row.CreatedAt, got.CreatedAt, err)
		}
		want := reportRow{ID: got.ID, StationID: st.ID, Reason: tc.reason, Note: tc.note, CreatedAt: row.CreatedAt,
			Client: "127.0.0.0/24", Status: "open"}
		if row != want {
			t.Fatalf("stored %+v\nwant   %+v", row, want)
		}
	}
	if n := len(ts.reports(t)); n != 4 {
		t.Fatalf("%d rows, want 4", n)
	}
	res, _ = ts.get(t, "/api/v1/stations.geojson")
	if res.Header.Get("ETag") != etag {
		t.Fatalf("the dataset ETag changed from %s to %s after reports", etag, res.Header.Get("ETag"))
	}
}

// Every bad request is a problem naming its field, and writes nothing.
func TestReportRejected(t *testing.T) {
	ts := sharedServer(t)
	id := ts.stations[0].ID
	valid := `{"reason":"closed"}`
	before := ts.reports(t)
	for _, tc := range []struct {
		name, id, contentType, body string
		status                      int
		code, field                 string
	}{
		{"unknown station", "LN-000000-0000", "application/json", valid, 404, "not_found", "id"},
		{"no content type", id, "", valid, 415, "unsupported_media_type", ""},
		{"text/plain", id, "text/plain", valid, 415, "unsupported_media_type", ""},
		{"form", id, "application/x-www-form-urlencoded", "reason=closed", 415, "unsupported_media_type", ""},
		{"json in GBK", id, "application/json; charset=gbk", valid, 415, "unsupported_media_type", ""},
		{"bad media type", id, "application/json; charset", valid, 415, "unsupported_media_type", ""},
		{"over 4 KB", id, "application/json", `{"reason":"closed","note":"` + strings.Repeat("a", 4100) + `"}`, 413, "payload_too_large", ""},
		{"unknown member", id, "application/json", `{"reason":"closed","station":"x"}`, 400, "invalid_parameter", "station"},
		{"member in other case", id, "application/json", `{"Reason":"closed"}`, 400, "invalid_parameter", "Reason"},
		{"no reason", id, "application/json", `{"note":"锁了"}`, 400, "missing_parameter", "reason"},
		{"empty object", id, "application/json", `{}`, 400, "missing_parameter", "reason"},
		{"empty reason", id, "application/json", `{"reason":""}`, 400, "missing_parameter", "reason"},
		{"null reason", id, "application/json", `{"reason":null}`, 400, "missing_parameter", "reason"},
		{"unknown reason", id, "application/json", `{"reason":"on_fire"}`, 400, "invalid_parameter", "reason"},
		{"reason in capitals", id, "application/json", `{"reason":"CLOSED"}`, 400, "invalid_parameter", "reason"},
		{"number reason", id, "application/json", `{"reason":1}`, 400, "invalid_parameter", "reason"},
		{"list reason", id, "application/json", `{"reason":["closed"]}`, 400, "invalid_parameter", "reason"},
		{"repeated reason", id, "application/json", `{"reason":"closed","reason":"other"}`, 400, "duplicate_parameter", "reason"},
		{"number note", id, "application/json", `{"reason":"closed","note":5}`, 400, "invalid_parameter", "note"},
		{"note of 501", id, "application/json", `{"reason":"closed","note":"` + strings.Repeat("锁", 501) + `"}`, 400, "out_of_range", "note"},
		{"invalid UTF-8", id, "application/json", "{\"reason\":\"closed\",\"note\":\"\xff\xfe\"}", 400, "invalid_parameter", ""},
		{"raw control character", id, "application/json", "{\"reason\":\"closed\",\"note\":\"a\tb\"}", 400, "invalid_parameter", ""},
		{"empty body", id, "application/json", "", 400, "invalid_parameter", ""},
		{"not JSON", id, "application/json", "reason: closed", 400, "invalid_parameter", ""},
		{"array", id, "application/json", `[{"reason":"closed"}]`, 400, "invalid_parameter", ""},
		{"string", id, "application/json", `"closed"`, 400, "invalid_parameter", ""},
		{"truncated", id, "application/json", `{"reason":"closed"`, 400, "invalid_parameter", ""},
		{"two objects", id, "application/json", valid + valid, 400, "invalid_parameter", ""},
		{"trailing text", id, "application/json", valid + " ok", 400, "invalid_parameter", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := ts.post(t, reportsPath(tc.id), tc.contentType, tc.body)
			checkProblem(t, res, body, tc.status, tc.code, tc.field)
			if after := ts.reports(t); len(after) != len(before) {
				t.Fatalf("%d reports before, %d after", len(before), len(after))
			}
		})
	}
	req, _ := http.NewRequest(http.MethodDelete, ts.base+reportsPath(id), nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	checkProblem(t, res, body, 405, "method_not_allowed", "")
}

// One client gets DefaultReportLimit.Burst reports, then 429 with Retry-After. Refused requests
// spend nothing, and bad input is still told apart while the client is limited.
func TestReportRateLimited(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	id := ts.stations[3].ID
	for i := 0; i < 10; i++ {
		res, body := ts.post(t, reportsPath(id), "application/json", `{"reason":"gone"}`)
		checkProblem(t, res, body, 400, "invalid_parameter", "reason")
	}
	burst := api.DefaultReportLimit.Burst
	for i := 0; i < burst; i++ {
		if res, body := ts.post(t, reportsPath(id), "application/json", `{"reason":"closed"}`); res.StatusCode != 201 {
			t.Fatalf("report %d of %d: %d %s", i+1, burst, res.StatusCode, body)
		}
	}
	res, body := ts.post(t, reportsPath(id), "application/json", `{"reason":"closed"}`, "Accept-Language", "en")
	checkProblem(t, res, body, 429, "rate_limited", "")
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > int(api.DefaultReportLimit.Every/time.Second) {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	if p := decode[map[string]any](t, body); p["title"] != "Too many requests" {
		t.Fatalf("title %v", p["title"])
	}
	res, body = ts.post(t, reportsPath(id), "application/json", `{"reason":"closed","x":1}`)
	checkProblem(t, res, body, 400, "invalid_parameter", "x")
	if n := len(ts.reports(t)); n != burst {
		t.Fatalf("%d reports stored, want %d", n, burst)
	}
}

// A report sent again with the same Idempotency-Key (the app retrying after a lost answer) is stored
// once and answered with the report stored the first time; the same key with another reason is
// refused and changes nothing; reports without a key are each stored (reliability.md §4 D29).
func TestReportIdempotencyKey(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	first, other := ts.stations[0].ID, ts.stations[1].ID
	const key = "8e03978e-40d5-43e8-bc93-6894a57f9324"
	body := `{"reason":"locked","note":"门锁着"}`
	res, a := ts.post(t, reportsPath(first), "application/json", body, "Idempotency-Key", key)
	if res.StatusCode != 201 {
		t.Fatalf("first send: %d %s", res.StatusCode, a)
	}
	res, b := ts.post(t, reportsPath(first), "application/json", body, "Idempotency-Key", `"`+key+`"`) // quoted, as the draft writes it
	if res.StatusCode != 201 || string(b) != string(a) {
		t.Fatalf("second send: %d %s, want 201 and the first answer %s", res.StatusCode, b, a)
	}
	res, c := ts.post(t, reportsPath(first), "application/json", `{"reason":"closed"}`, "Idempotency-Key", key)
	checkProblem(t, res, c, 400, "invalid_parameter", "Idempotency-Key")
	if res, d := ts.post(t, reportsPath(other), "application/json", body, "Idempotency-Key", key); res.StatusCode != 201 { // another station: another report
		t.Fatalf("same key, other station: %d %s", res.StatusCode, d)
	}
	for _, bad := range []string{"", `""`, "with space", "中文", strings.Repeat("k", 101)} {
		res, e := ts.post(t, reportsPath(first), "application/json", body, "Idempotency-Key", bad)
		checkProblem(t, res, e, 400, "invalid_parameter", "Idempotency-Key")
	}
	if res, e := ts.post(t, reportsPath(first), "application/json", `{"reason":"other"}`); res.StatusCode != 201 {
		t.Fatalf("without a key: %d %s", res.StatusCode, e)
	}
	rows := ts.reports(t)
	var got []string
	for _, r := range rows {
		got = append(got, r.StationID+" "+r.Reason)
	}
	if want := []string{first + " locked", other + " locked", first + " other"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("stored reports %v, want %v", got, want)
	}
}
