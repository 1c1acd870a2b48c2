package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/auth"
)

// An edit: refused whole for every kind of bad request (nothing changes), stored with its audit entry
// and seen by every reader at once; operators change their own stations' operational fields, admins
// any field.
func TestEditStation(t *testing.T) {
	h := newHarness(t)
	id, theirs := h.stations[0].ID, h.stations[2].ID
	admin := h.signedIn("boss", auth.RoleAdmin)
	op := h.signedIn("zhang", auth.RoleOperator, id, h.stations[1].ID)
	other := h.signedIn("li", auth.RoleOperator, theirs)
	anon := h.anonymous()
	path := "/api/v1/stations/" + id
	_, _, before := anon.do(http.MethodGet, path, "")
	v0 := h.stations[0].Version
	etag := fmt.Sprintf(`"%d"`, v0)
	dv0 := h.cat.Current().Version

	refused := func(who *client, station, body, tag string, status int, code, field string) exchange {
		x := exchange{who: who, method: http.MethodPatch, path: "/api/v1/stations/" + station, body: body,
			header: []string{"If-Match", tag}, status: status, contains: []string{`"code":"` + code + `"`}}
		if field != "" {
			x.contains = append(x.contains, `"field":"`+field+`"`)
		}
		if status == 412 {
			x.contains = append(x.contains, `"current":{"type":"Feature"`)
		}
		return x
	}
	run(t, []exchange{
		refused(op, id, `{"phone":"024-11112222"}`, "", 428, "precondition_required", "If-Match"),
		refused(op, id, `{"phone":"024-11112222"}`, `"999"`, 412, "version_conflict", "If-Match"),
		refused(op, id, `{"phone":"024-11112222"}`, `soon`, 400, "invalid_parameter", "If-Match"),
		refused(op, id, `{"name":"新名字","phone":"024-11112222"}`, etag, 403, "forbidden", "name"),
		refused(op, theirs, `{"phone":"024-11112222"}`, etag, 404, "not_found", "id"),
		refused(op, id, `{"opening_hours":"随缘"}`, etag, 400, "invalid_parameter", "opening_hours"),
		refused(op, id, `{"amenities":["hot_water","jacuzzi"]}`, etag, 400, "invalid_parameter", "amenities"),
		refused(op, id, `{"phone":"call me maybe"}`, etag, 400, "invalid_parameter", "phone"),
		refused(op, id, `{"status_note":"`+strings.Repeat("长", 501)+`"}`, etag, 400, "out_of_range", "status_note"),
		refused(admin, id, `{"name":"\u200b\u2060\u202e"}`, etag, 400, "missing_parameter", "name"),
		refused(op, id, `{"status":"gone"}`, etag, 400, "invalid_parameter", "status"),
		refused(op, id, `{"verified":false}`, etag, 400, "invalid_parameter", "verified"),
		refused(op, id, `{"phone":"024-11112222","phone":"024-11112223"}`, etag, 400, "duplicate_parameter", "phone"),
		refused(op, id, `{}`, etag, 400, "missing_parameter", ""),
		refused(admin, id, `{"lon":123.4}`, etag, 400, "missing_parameter", "lat"),
		refused(admin, id, `{"lon":116.4,"lat":39.9}`, etag, 400, "out_of_range", "lon"),
		// Without the CSRF token, a valid edit is refused.
		{who: op, method: http.MethodPatch, path: path, body: `{"phone":"024-11112222"}`, header: []string{"If-Match", etag, "X-CSRF-Token", ""},
			status: 403},
	})
	if _, _, after := anon.do(http.MethodGet, path, ""); string(after) != string(before) {
		t.Fatal("a refused edit changed the station")
	}

	status, header, body := op.do(http.MethodPatch, path, `{"opening_hours":"周一至周五 8:00-18:00，节假日休息","amenities":["hot_water","heating"],"phone":"024-11112222","status":"temporarily_closed","status_note":"锅炉检修"}`, "If-Match", etag)
	var edited struct{ Properties map[string]any }
	if json.Unmarshal(body, &edited); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	if p := edited.Properties; p["opening_hours"] != "Mo-Fr 08:00-18:00; PH off" || p["phone"] != "024-11112222" || p["status"] != "temporarily_closed" ||
		p["version"] != float64(v0+1) || header.Get("ETag") != fmt.Sprintf(`"%d"`, v0+1) || p["open_now"] != false {
		t.Fatalf("edited: %v %s", p, header.Get("ETag"))
	}
	// Every reader sees the edit at once: the station and the data version.
	run(t, []exchange{
		{who: anon, method: http.MethodGet, path: path, status: 200, contains: []string{fmt.Sprintf(`"version":%d`, v0+1), "锅炉检修"}},
		{who: anon, method: http.MethodGet, path: "/api/v1/meta", status: 200, contains: []string{fmt.Sprintf(`"data_version":%d`, dv0+1)}},
		// "Still accurate" stamps verified_at; an admin may change any field.
		{who: op, method: http.MethodPatch, path: path, body: `{"verified":true}`, header: []string{"If-Match", fmt.Sprintf(`"%d"`, v0+1)},
			status: 200, contains: []string{`"verified_at":"`}},
		{who: admin, method: http.MethodPatch, path: path, body: `{"name":"改名驿站","lon":123.41,"lat":41.79}`, header: []string{"If-Match", fmt.Sprintf(`"%d"`, v0+2)},
			status: 200, contains: []string{`"name":"改名驿站"`}},
		// Another operator's history is not theirs to see.
		{who: other, method: http.MethodGet, path: path + "/history", status: 404},
	})

	// The history: newest first, who, before and after.
	status, _, body = op.do(http.MethodGet, path+"/history", "")
	var hist struct {
		Entries []struct {
			Action, Actor string
			Before, After map[string]any
		}
	}
	if json.Unmarshal(body, &hist); status != 200 || len(hist.Entries) != 3 || hist.Entries[0].Actor != "boss" || hist.Entries[1].Action != "verify" ||
		hist.Entries[2].Actor != "zhang" || hist.Entries[2].After["phone"] != "024-11112222" || hist.Entries[2].Before["status"] != "open" {
		t.Fatalf("history: %d %s", status, body)
	}
}
