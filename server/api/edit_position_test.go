package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/auth"
)

// An admin moves a station's pin: a new point within its district is stored as sent (WGS-84); one
// 16 km away in another district is refused at "lon" with where it landed, and nothing changes.
func TestEditPositionHeldToDistrict(t *testing.T) {
	h := newHarness(t)
	st := h.stations[0]
	admin := h.signedIn("mover", auth.RoleAdmin)
	path := "/api/v1/stations/" + st.ID
	_, header, _ := admin.do(http.MethodGet, path, "")
	etag := header.Get("ETag")

	lon, lat := st.Lon+0.0008, st.Lat+0.0005 // about 80 m north-east
	status, header, body := admin.do(http.MethodPatch, path, fmt.Sprintf(`{"lon":%v,"lat":%v}`, lon, lat), "If-Match", etag)
	if status != http.StatusOK {
		t.Fatalf("a short move: %d %s", status, body)
	}
	moved := decode[struct {
		Geometry struct{ Coordinates [2]float64 }
	}](t, body)
	if moved.Geometry.Coordinates != [2]float64{lon, lat} {
		t.Fatalf("stored at %v, sent %v,%v", moved.Geometry.Coordinates, lon, lat)
	}
	etag = header.Get("ETag")

	status, _, body = admin.do(http.MethodPatch, path, fmt.Sprintf(`{"lon":%v,"lat":%v}`, st.Lon-0.16, st.Lat-0.08), "If-Match", etag,
		"Accept-Language", "zh-CN")
	if status != http.StatusBadRequest {
		t.Fatalf("a move out of the district: %d %s", status, body)
	}
	p := decode[struct{ Code, Field, Detail string }](t, body)
	if p.Code != "outside_district" || p.Field != "lon" || !strings.Contains(p.Detail, "公里") {
		t.Fatalf("refusal %+v", p)
	}
	_, header, body = admin.do(http.MethodGet, path, "")
	if header.Get("ETag") != etag || !strings.Contains(string(body), fmt.Sprint(lon)) {
		t.Fatalf("the refused move changed the station: %s %s", header.Get("ETag"), body)
	}
}
