package codec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// A FeatureCollection from another system: Chinese property names, numeric ids, amenities as a list,
// foreign members, an altitude.
func TestImportGeoJSON(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "stations.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	res := importOK(t, data, codec.ImportOptions{})
	if res.Format != "geojson" || res.Rows != 3 || len(res.Stations) != 3 || strings.Join(res.IgnoredColumns, ",") != "marker-color" {
		t.Fatalf("%+v", res)
	}
	a, b, c := res.Stations[0], res.Stations[1], res.Stations[2]
	if a.ID != "LN-1" || a.Name != "南湖街道爱心驿站" || a.Kind != station.CaringStation || a.Lon != 123.412345 || a.Lat != 41.771234 ||
		a.Amenities != station.AmenitySet(0).With(station.HotWater).With(station.Heating) || a.Phone != "024-01234567" {
		t.Fatalf("first %+v", a)
	}
	if b.ID != "1002" || b.Kind != station.DriverHome || b.Phone != "13800000000" || b.OpeningHours != "24/7" {
		t.Fatalf("second %+v", b)
	}
	if c.ID != "LN-3" || c.Lon != 121.6 || c.Lat != 38.9 {
		t.Fatalf("third %+v", c)
	}
}

// Every feature's problem is reported with its position in "features"; broken JSON is not a file.
func TestImportGeoJSONErrors(t *testing.T) {
	feature := func(geometry, props string) string {
		return `{"type":"Feature","geometry":` + geometry + `,"properties":{"id":"A","name":"站","kind":"other"` + props + `}}`
	}
	point := `{"type":"Point","coordinates":[123.4,41.8]}`
	rows := []struct {
		feature string
		code    string
		field   string
		detail  string
	}{
		{feature(`{"type":"Polygon","coordinates":[[[123,41],[124,41],[124,42],[123,41]]]}`, ""), station.CodeInvalidParameter, "geometry", "Polygon"},
		{feature(`null`, ""), codec.CodeMissingCoordinate, "geometry", "no geometry"},
		{feature(`{"type":"Point","coordinates":[41.8,123.4]}`, ""), codec.CodeSwappedCoordinates, "geometry", "swapped"},
		{feature(`{"type":"Point","coordinates":["123.4","41.8"]}`, ""), station.CodeInvalidParameter, "geometry", "not a number"},
		{feature(`{"type":"Point","coordinates":[123.4]}`, ""), station.CodeInvalidParameter, "geometry", "[longitude, latitude]"},
		{feature(`{"type":"Point","coordinates":[0,0]}`, ""), codec.CodeMissingCoordinate, "geometry", "placeholder"},
		{feature(`{"type":"Point","coordinates":[13740000,5130000]}`, ""), codec.CodeProjectedCoordinate, "geometry", "projected"},
		{feature(point, `,"名称":"另一个"`), station.CodeInvalidParameter, "名称", "both mean name"},
		{feature(point, `,"address":{"a":1}`), station.CodeInvalidParameter, "address", "object"},
		{feature(point, `,"类型":"spaceship"`), station.CodeInvalidParameter, "类型", "both mean kind"},
		{feature(point, `,"name":"另一个"`), station.CodeInvalidParameter, "name", "given twice"},
		{`{"type":"Feature","id":"B","geometry":` + point + `,"properties":{"id":"C","name":"站","kind":"other"}}`, station.CodeInvalidParameter, "id", "differs"},
		{`{"type":"Point","coordinates":[123.4,41.8]}`, station.CodeInvalidParameter, "type", "not \"Feature\""},
	}
	var features []string
	for _, r := range rows {
		features = append(features, r.feature)
	}
	src := `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	errs := importErrs(t, []byte(src), codec.ImportOptions{})
	for i, r := range rows {
		found := false
		for _, e := range errs {
			found = found || e.Row == i+1 && e.Code == r.code && e.Field == r.field && strings.Contains(e.Detail, r.detail)
		}
		if !found {
			t.Errorf("feature %d: no error %s %s %q in %v", i+1, r.code, r.field, r.detail, errs)
		}
	}

	for _, src := range []string{
		`{"type":"FeatureCollection","features":[`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":NaN}]}`,
		`{"type":"Feature","geometry":null,"properties":{}}`,
		`{"features":[]}`,
		`{"type":"FeatureCollection"}`,
		`{"type":"FeatureCollection","features":{}}`,
		`{"type":"FeatureCollection","features":[]} {}`,
		`[]`,
		strings.Repeat(`{"a":`, 20000),
	} {
		_, err := codec.Import(strings.NewReader(src), codec.ImportOptions{Format: "geojson"})
		if station.ErrorCode(err) != station.CodeInvalidImport {
			t.Errorf("%.60s: err %v, want invalid_import", src, err)
		}
	}
	// A legacy "crs" member naming anything but WGS-84 is refused.
	errs = importErrs(t, []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`), codec.ImportOptions{})
	if errs[0].Field != "crs" {
		t.Fatalf("errors %v", errs)
	}
	importOK(t, []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}`), codec.ImportOptions{})
}
