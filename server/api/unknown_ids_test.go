package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/auth"
)

// Every route that takes an id answers an id that names nothing with 404 not_found, whoever asks and
// whatever the id looks like, and changes nothing.
func TestUnknownIDsAre404(t *testing.T) {
	h := newHarness(t)
	real := h.stations[0].ID
	admin, op := h.signedIn("boss", auth.RoleAdmin), h.signedIn("zhang", auth.RoleOperator, real)
	stationIDs := []string{
		"NO-SUCH-STATION",
		strings.ToLower(real),     // ids are matched exactly
		real + "%20",              // a trailing space
		real + "%2Fhistory",       // a percent-encoded slash
		"a%2Fb", "..%2F..%2Fmeta", // more of them
		"%00", real + "%00", // NUL
		strings.Repeat("X", 4000),      // very long
		url.PathEscape("驿站"), "%E9%A9", // Chinese, and bytes that are not UTF-8
		"%25", "%2520", "%3F", "%23", "%2E", // a literal %, an encoded escape, ?, #, .
	}
	userIDs := []string{"999999", "0", "-1", "01", "+1", "1e3", "1.0", "abc", "99999999999999999999", "1%2F2", "1%00", strings.Repeat("9", 4000)}
	reportIDs := userIDs
	edit := `{"phone":"024-12345678"}`
	type call struct {
		who          *client
		method, path string
		body         string
		header       []string
	}
	var calls []call
	anon := h.anonymous()
	for _, id := range stationIDs {
		calls = append(calls,
			call{anon, http.MethodGet, "/api/v1/stations/" + id, "", nil},
			call{anon, http.MethodHead, "/api/v1/stations/" + id, "", nil},
			call{anon, http.MethodPost, "/api/v1/stations/" + id + "/reports", `{"reason":"closed"}`, nil},
			call{anon, http.MethodPost, "/api/v1/stations/" + id + "/visits", `{"device":"dev-AAAAAAAAAAAAAAAA"}`, nil},
			call{admin, http.MethodPut, "/api/v1/stations/" + id + "/visits/2026-01-01", `{"count":1}`, nil},
			call{op, http.MethodPut, "/api/v1/stations/" + id + "/visits/2026-01-01", `{"count":1}`, nil},
			call{admin, http.MethodGet, "/api/v1/stations/" + id, "", nil},
			call{admin, http.MethodPatch, "/api/v1/stations/" + id, edit, []string{"If-Match", `"1"`}},
			call{admin, http.MethodPatch, "/api/v1/stations/" + id, edit, nil}, // no If-Match: the id comes first
			call{admin, http.MethodGet, "/api/v1/stations/" + id + "/history", "", nil},
			call{admin, http.MethodHead, "/api/v1/stations/" + id + "/history", "", nil},
			call{op, http.MethodPatch, "/api/v1/stations/" + id, edit, []string{"If-Match", `"1"`}},
			call{op, http.MethodGet, "/api/v1/stations/" + id + "/history", "", nil},
		)
	}
	for _, id := range userIDs {
		calls = append(calls,
			call{admin, http.MethodPatch, "/api/v1/admin/users/" + id, `{"disabled":true}`, nil},
			call{admin, http.MethodPut, "/api/v1/admin/users/" + id + "/stations", `{"station_ids":[]}`, nil},
		)
	}
	for _, id := range reportIDs {
		calls = append(calls,
			call{admin, http.MethodPatch, "/api/v1/reports/" + id, `{"status":"resolved"}`, nil},
			call{op, http.MethodPatch, "/api/v1/reports/" + id, `{"status":"resolved"}`, nil},
		)
	}
	audit0, reports0 := h.count(t, `SELECT count(*) FROM station_audit`), h.count(t, `SELECT count(*) FROM report`)
	defer func() {
		if n := h.count(t, `SELECT count(*) FROM visit`); n != 0 {
			t.Errorf("unknown ids stored %d visit rows", n)
		}
	}()
	for _, c := range calls {
		name := fmt.Sprintf("%s %.80s", c.method, c.path)
		status, header, body := c.who.do(c.method, c.path, c.body, c.header...)
		if c.method == http.MethodHead {
			if status != 404 {
				t.Errorf("%s: %d", name, status)
			}
			continue
		}
		if status != 404 || header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %d %.200s", name, status, body)
			continue
		}
		var p map[string]any
		if json.Unmarshal(body, &p); p["code"] != "not_found" || p["field"] != "id" {
			t.Errorf("%s: %.300s", name, body)
		}
		if len(body) > 1000 {
			t.Errorf("%s: a %d-byte answer (the id is echoed whole)", name, len(body))
		}
	}
	if a, r := h.count(t, `SELECT count(*) FROM station_audit`), h.count(t, `SELECT count(*) FROM report`); a != audit0 || r != reports0 {
		t.Errorf("unknown ids changed something: %d audit entries, %d reports", a-audit0, r-reports0)
	}
	// The same routes with a known id still answer (the 404s are not a route mistake).
	for _, c := range []call{
		{anon, http.MethodGet, "/api/v1/stations/" + real, "", nil},
		{admin, http.MethodGet, "/api/v1/stations/" + real + "/history", "", nil},
		{op, http.MethodGet, "/api/v1/stations/" + real + "/history", "", nil},
	} {
		if status, _, body := c.who.do(c.method, c.path, c.body, c.header...); status != 200 {
			t.Errorf("%s %s: %d %.200s", c.method, c.path, status, body)
		}
	}
}

// pathParam is a parameter in an Echo route (:id), which OpenAPI writes {id}.
var pathParam = regexp.MustCompile(`:(\w+)`)

// Every served route that takes an id says in OpenAPI that an unknown id answers 404, and says so in
// its id parameter.
func TestOpenAPIDocuments404ForIDs(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In, Description string
				Ref                   string `json:"$ref"`
			}
			Responses map[string]any
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, route := range apiRoutes() {
		method, path, _ := strings.Cut(route, " ")
		if !strings.Contains(path, ":id") {
			continue
		}
		n++
		op, ok := doc.Paths[pathParam.ReplaceAllString(path, "{$1}")][strings.ToLower(method)]
		if !ok {
			t.Errorf("%s is not documented", route)
			continue
		}
		if _, ok := op.Responses["404"]; !ok {
			t.Errorf("%s: no 404 documented", route)
		}
		described := false
		for _, p := range op.Parameters {
			described = described || p.Name == "id" && p.In == "path" && strings.Contains(p.Description, "404") ||
				p.Ref == "#/components/parameters/UserID"
		}
		if !described {
			t.Errorf("%s: its id parameter does not say that an unknown id answers 404", route)
		}
	}
	if n < 7 {
		t.Errorf("only %d routes take an id", n)
	}
}
