package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// openAPIRouter loads the served OpenAPI document (checking that it is valid) for ts.
func openAPIRouter(t *testing.T, ts *harness) routers.Router {
	t.Helper()
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: ts.base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"application/geo+json", "application/problem+json"} {
		openapi3filter.RegisterBodyDecoder(typ, openapi3filter.JSONBodyDecoder)
	}
	return router
}

// answerError validates one real answer against the document.
func answerError(t *testing.T, router routers.Router, req *http.Request, res *http.Response, body []byte) error {
	t.Helper()
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: no route in the document: %v", req.Method, req.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{ExcludeRequestBody: true, MultiError: true}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true}}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// validAnswer fails the test unless the answer is valid against the document.
func validAnswer(t *testing.T, router routers.Router, req *http.Request, res *http.Response, body []byte) {
	t.Helper()
	if err := answerError(t, router, req, res, body); err != nil {
		msg := err.Error()
		if len(msg) > 1500 {
			msg = msg[:1500]
		}
		t.Errorf("%s %s → %d: %s", req.Method, req.URL.Path, res.StatusCode, strings.ReplaceAll(msg, "\n", " | "))
	}
}

// Real answers of the real server are valid against the OpenAPI document it serves: status, content
// type and body schema, for successes and for problems.
func TestAnswersMatchOpenAPI(t *testing.T) {
	ts := sharedServer(t)
	router := openAPIRouter(t, ts)
	id := ts.stations[0].ID
	for _, path := range []string{
		"/healthz", "/readyz", "/api/v1/meta", "/api/v1/areas", "/api/v1/dataset", "/api/v1/dataset?crs=gcj02",
		"/api/v1/stations/nearby?lat=41.8&lon=123.4", "/api/v1/stations/nearby?lat=41.8&lon=123.4&open=now&crs=gcj02&limit=5",
		"/api/v1/stations?bbox=123.3,41.7,123.5,41.9&limit=50", "/api/v1/stations/" + id, "/api/v1/stations/nope",
		"/api/v1/search?q=" + url.QueryEscape("南湖") + "&lat=41.8&lon=123.4", "/api/v1/search?q=" + url.QueryEscape("南湖"),
		"/api/v1/hours/preview?text=" + url.QueryEscape("Mo-Fr 08:00-18:00; PH off"), "/api/v1/hours/preview?text=" + url.QueryEscape("随缘"),
		"/api/v1/stations/nearby?lat=91&lon=123.4", "/api/v1/stations/nearby?lon=123.4", "/api/v1/stations?bbox=1,2,3",
	} {
		req, err := http.NewRequest(http.MethodGet, ts.base+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		validAnswer(t, router, req, res, body)
		if res.StatusCode == 200 && strings.Contains(path, "nearby") {
			// The check bites: the same answer with its distances turned into text is refused.
			bad := bytes.ReplaceAll(body, []byte(`"distance_m":`), []byte(`"distance_m":"x","was":`))
			if answerError(t, router, req, res, bad) == nil {
				t.Errorf("%s: a body with a text distance_m passed validation", path)
			}
		}
	}
}

// The signed-in answers too: sessions, my stations, an edit and a stale one, history, reports,
// accounts, imports (accepted and refused), and the refusals for the signed-out and the unauthorised.
func TestSignedInAnswersMatchOpenAPI(t *testing.T) {
	f := newEditFixture(t)
	router := openAPIRouter(t, f.ts)
	id := f.mine[0]
	check := func(b *browser, method, path, body string, header ...string) *http.Response {
		t.Helper()
		res, raw := b.do(t, method, path, body, header...)
		req, _ := http.NewRequest(method, f.ts.base+path, nil)
		validAnswer(t, router, req, res, raw)
		return res
	}
	check(f.op, http.MethodGet, "/api/v1/session", "")
	check(f.op, http.MethodGet, "/api/v1/my/stations", "")
	check(f.admin, http.MethodGet, "/api/v1/my/stations?page=2&per_page=10", "")
	res := check(f.op, http.MethodGet, "/api/v1/stations/"+id, "")
	check(f.op, http.MethodPatch, "/api/v1/stations/"+id, `{"phone":"024-22223333","verified":true}`, "If-Match", res.Header.Get("ETag"))
	check(f.op, http.MethodPatch, "/api/v1/stations/"+id, `{"phone":"024-22223334"}`, "If-Match", `"1"`)
	check(f.op, http.MethodPatch, "/api/v1/stations/"+id, `{"phone":"024-22223334"}`)
	check(f.op, http.MethodGet, "/api/v1/stations/"+id+"/history", "")
	check(f.op, http.MethodGet, "/api/v1/my/reports?status=open", "")
	check(f.admin, http.MethodGet, "/api/v1/admin/reports", "")
	check(f.admin, http.MethodGet, "/api/v1/admin/users", "")
	check(f.admin, http.MethodPost, "/api/v1/admin/imports?dry_run=true", "id,name,kind,lon,lat\nOA-1,驿站,caring_station,123.4,41.8\n", "Content-Type", "text/csv")
	check(f.admin, http.MethodPost, "/api/v1/admin/imports?dry_run=true", "id,name,kind,lon,lat\nOA-1,驿站,spaceship,123.4,41.8\n", "Content-Type", "text/csv")
	check(f.op, http.MethodGet, "/api/v1/admin/users", "")
	check(newBrowser(f.ts, "127.0.0.30"), http.MethodGet, "/api/v1/my/stations", "")
}
