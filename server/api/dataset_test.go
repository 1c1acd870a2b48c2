package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/yizhan/yizhan/server/codec"
)

// compactDataset is the compact offline dataset as the test decodes it (README, "The offline
// dataset's format"), independently of pwa/app/dataset.js.
type compactDataset struct {
	Format      string                     `json:"format"`
	V           int                        `json:"v"`
	DataVersion int64                      `json:"data_version"`
	CRS         string                     `json:"crs"`
	Count       int                        `json:"count"`
	Coords      string                     `json:"coords"`
	TimeBase    int64                      `json:"time_base"`
	Dict        map[string]json.RawMessage `json:"dict"`
	Columns     map[string]json.RawMessage `json:"columns"`
	Extra       []string                   `json:"extra"`
}

// decodeCompact turns the compact dataset into features as the GeoJSON dataset has them (without
// open_now), with numbers as float64 the way encoding/json reads the GeoJSON.
func decodeCompact(t *testing.T, body []byte) (compactDataset, []feature) {
	t.Helper()
	var ds compactDataset
	if err := json.Unmarshal(body, &ds); err != nil {
		t.Fatal(err)
	}
	get := func(m map[string]json.RawMessage, name string, v any) {
		if err := json.Unmarshal(m[name], v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var kinds, statuses, audiences, amenities, hours, operators, cities, phonePrefix []string
	var districts [][3]any
	var prefix string
	get(ds.Dict, "kind", &kinds)
	get(ds.Dict, "status", &statuses)
	get(ds.Dict, "audience", &audiences)
	get(ds.Dict, "amenities", &amenities)
	get(ds.Dict, "hours", &hours)
	get(ds.Dict, "operator", &operators)
	get(ds.Dict, "city", &cities)
	get(ds.Dict, "phone_prefix", &phonePrefix)
	get(ds.Dict, "district", &districts)
	get(ds.Dict, "address_prefix", &prefix)
	var idShared, kind, status, audience, amen, hoursIdx, operator, district, version []int64
	var idSuffix, names, address []string
	var phone []*string
	var updated, verified []*int64
	var lon, lat []json.Number
	get(ds.Columns, "id_shared", &idShared)
	get(ds.Columns, "id_suffix", &idSuffix)
	get(ds.Columns, "name", &names)
	get(ds.Columns, "kind", &kind)
	get(ds.Columns, "status", &status)
	get(ds.Columns, "audience", &audience)
	get(ds.Columns, "amenities", &amen)
	get(ds.Columns, "hours", &hoursIdx)
	get(ds.Columns, "operator", &operator)
	get(ds.Columns, "district", &district)
	get(ds.Columns, "address", &address)
	get(ds.Columns, "lon", &lon)
	get(ds.Columns, "lat", &lat)
	get(ds.Columns, "version", &version)
	get(ds.Columns, "updated_at", &updated)
	get(ds.Columns, "verified_at", &verified)
	get(ds.Columns, "phone", &phone)
	sparse := func(name string) map[int]json.RawMessage {
		var s struct {
			I []int
			V []json.RawMessage
		}
		get(ds.Columns, name, &s)
		m := map[int]json.RawMessage{}
		at := -1
		for k, gap := range s.I {
			at += gap
			m[at] = s.V[k]
		}
		return m
	}
	addressFull, phoneFull, notes := sparse("address_full"), sparse("phone_full"), sparse("status_note")
	extras := map[string]map[int]json.RawMessage{}
	for _, name := range ds.Extra {
		extras[name] = sparse(name)
	}
	exact := map[int]json.RawMessage{}
	if ds.Coords == "e6" {
		exact = sparse("coords_exact")
	}
	str := func(raw json.RawMessage) any {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	rfc := func(s int64) any { return time.Unix(s, 0).In(codec.Shanghai).Format(time.RFC3339) }
	out := make([]feature, ds.Count)
	id := ""
	var x, y, seen int64
	last := ds.TimeBase
	for i := range out {
		id = string([]rune(id)[:idShared[i]]) + idSuffix[i] // the seed's ids are ASCII: runes are UTF-16 units
		f := &out[i]
		f.ID = id
		if ds.Coords == "e6" {
			dx, _ := strconv.ParseInt(string(lon[i]), 10, 64)
			dy, _ := strconv.ParseInt(string(lat[i]), 10, 64)
			x, y = x+dx, y+dy
			f.Geometry.Coordinates = [2]float64{float64(x) / 1e6, float64(y) / 1e6}
			if raw, ok := exact[i]; ok {
				json.Unmarshal(raw, &f.Geometry.Coordinates)
			}
		} else {
			a, _ := lon[i].Float64()
			b, _ := lat[i].Float64()
			f.Geometry.Coordinates = [2]float64{a, b}
		}
		d := districts[district[i]]
		city := cities[int(d[1].(float64))]
		p := map[string]any{"id": id, "name": names[i], "kind": kinds[kind[i]], "status": statuses[status[i]],
			"audience": audiences[audience[i]], "version": float64(version[i]), "city": city, "district": d[0], "adcode": d[2],
			"address": prefix + city + d[0].(string) + address[i], "opening_hours": nil, "operator": nil, "phone": nil,
			"status_note": nil, "updated_at": nil, "verified_at": nil}
		list := []any{}
		for a := range amenities {
			if amen[i]&(1<<a) != 0 {
				list = append(list, amenities[a])
			}
		}
		p["amenities"] = list
		if h := hoursIdx[i]; h > 0 {
			p["opening_hours"] = hours[h-1]
		}
		switch o := operator[i]; {
		case o == 1:
			p["operator"] = operators[seen]
			seen++
		case o > 1:
			p["operator"] = operators[o-2]
		}
		if raw, ok := addressFull[i]; ok {
			p["address"] = str(raw)
		}
		if phone[i] != nil {
			p["phone"] = phonePrefix[int(d[1].(float64))] + *phone[i]
			if raw, ok := phoneFull[i]; ok {
				p["phone"] = str(raw)
			}
		}
		if raw, ok := notes[i]; ok {
			p["status_note"] = str(raw)
		}
		for _, name := range ds.Extra {
			p[name] = nil
			if raw, ok := extras[name][i]; ok {
				p[name] = str(raw)
			}
		}
		if updated[i] != nil {
			last += *updated[i]
			p["updated_at"] = rfc(last)
		}
		if verified[i] != nil {
			p["verified_at"] = rfc(ds.TimeBase + *verified[i])
		}
		f.Properties = p
	}
	return ds, out
}

// geojsonFeatures reads the GeoJSON dataset's features without open_now.
func geojsonFeatures(t *testing.T, body []byte) []feature {
	t.Helper()
	var fc struct{ Features []feature }
	if err := json.Unmarshal(body, &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		delete(f.Properties, "open_now")
	}
	return fc.Features
}

// The compact dataset decodes to exactly the GeoJSON dataset: every station, coordinate and property.
func TestCompactDatasetEqualsGeoJSON(t *testing.T) {
	ts := sharedServer(t)
	for _, crs := range []string{"wgs84", "gcj02"} {
		res, body := ts.get(t, "/api/v1/dataset?crs="+crs)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %s", crs, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if n, _ := strconv.Atoi(res.Header.Get("X-Dataset-Length")); n != len(body) {
			t.Errorf("X-Dataset-Length %s, body %d bytes", res.Header.Get("X-Dataset-Length"), len(body))
		}
		ds, got := decodeCompact(t, body)
		if want := map[string]string{"wgs84": "e6", "gcj02": "float"}[crs]; ds.Coords != want {
			t.Errorf("%s: coords %q, want %q", crs, ds.Coords, want)
		}
		if crs != "wgs84" {
			// Converted coordinates are not whole micro-degrees; scripts/e2e/unit/dataset.test.mjs
			// compares GCJ-02 station by station too (reading 12 MB of GeoJSON is slow under -race).
			continue
		}
		_, gj := ts.get(t, "/api/v1/stations.geojson?crs="+crs)
		want := geojsonFeatures(t, gj)
		if ds.Format != "yizhan-dataset" || ds.V != 1 || ds.CRS != crs || ds.Count != len(want) || len(want) < 16000 {
			t.Fatalf("%s: header %+v, %d GeoJSON features", crs, ds, len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("%s: station %d decodes to\n%+v\nwant\n%+v", crs, i, got[i], want[i])
			}
		}
	}
}

// Identity and gzip are the same bytes; 304; HEAD; the headers a cache needs.
func TestCompactDatasetEncodingsAndRevalidation(t *testing.T) {
	ts := sharedServer(t)
	res, plain := ts.get(t, "/api/v1/dataset")
	tag := res.Header.Get("ETag")
	if !strings.HasPrefix(tag, `"`) || res.Header.Get("Cache-Control") != "no-cache" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("headers %v", res.Header)
	}
	res, gz := ts.get(t, "/api/v1/dataset", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") != tag {
		t.Fatalf("gzip: %v", res.Header)
	}
	if !bytes.Equal(gunzip(t, gz), plain) {
		t.Fatal("gzip body differs from identity")
	}
	if res.Header.Get("X-Dataset-Length") != strconv.Itoa(len(plain)) {
		t.Fatalf("X-Dataset-Length %s with gzip, identity is %d bytes", res.Header.Get("X-Dataset-Length"), len(plain))
	}
	res, body := ts.get(t, "/api/v1/dataset", "If-None-Match", tag, "Accept-Encoding", "br, gzip")
	if res.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("If-None-Match: %d, %d bytes", res.StatusCode, len(body))
	}
	if res, _ := ts.get(t, "/api/v1/dataset?crs=gcj02", "If-None-Match", tag); res.StatusCode != 200 {
		t.Fatalf("another CRS matched the tag: %d", res.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodHead, ts.base+"/api/v1/dataset", nil)
	res, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.ContentLength != int64(len(plain)) || res.Header.Get("ETag") != tag {
		t.Fatalf("HEAD: %d, length %d, tag %s", res.StatusCode, res.ContentLength, res.Header.Get("ETag"))
	}
}

// Brotli arrives in the background (gzip until then) and is the same bytes; an import changes the ETag.
// A small seed keeps brotli fast under the race detector.
func TestCompactDatasetBrotliAndImport(t *testing.T) {
	seed, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(seed), "\n")
	small := filepath.Join(t.TempDir(), "small.csv")
	os.WriteFile(small, []byte(strings.Join(lines[:301], "")), 0o644)
	ts := startServer(t, small)
	res, plain := ts.get(t, "/api/v1/dataset")
	tag := res.Header.Get("ETag")
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, body := ts.get(t, "/api/v1/dataset", "Accept-Encoding", "gzip, br")
		if enc := res.Header.Get("Content-Encoding"); enc == "br" {
			out, err := io.ReadAll(brotli.NewReader(bytes.NewReader(body)))
			if err != nil || !bytes.Equal(out, plain) || res.Header.Get("ETag") != tag {
				t.Fatalf("br body differs from identity (%v), tag %s", err, res.Header.Get("ETag"))
			}
			break
		} else if enc != "gzip" || !bytes.Equal(gunzip(t, body), plain) {
			t.Fatalf("before brotli is ready: %q", enc)
		}
		if time.Now().After(deadline) {
			t.Fatal("no brotli form within 60 s")
		}
		time.Sleep(20 * time.Millisecond) // polling an observable condition, with a deadline
	}

	changed := []byte(strings.Join(lines[:2], ""))
	changedFile := bytes.Replace(changed, []byte("沈水湾街道爱心驿站"), []byte("沈水湾街道爱心驿站（新）"), 1)
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.2")
	admin.login(t, "boss", adminPassword)
	if res, out := admin.do(t, http.MethodPost, "/api/v1/admin/imports", string(changedFile), "Content-Type", "text/csv"); res.StatusCode != 200 {
		t.Fatalf("import: %d %s", res.StatusCode, out)
	}
	for {
		res, body := ts.get(t, "/api/v1/dataset", "If-None-Match", tag)
		if res.StatusCode == 200 {
			if res.Header.Get("ETag") == tag || !bytes.Contains(body, []byte("沈水湾街道爱心驿站（新）")) {
				t.Fatalf("after import: tag %s (before %s)", res.Header.Get("ETag"), tag)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not pick up the import")
		}
		time.Sleep(20 * time.Millisecond) // polling an observable condition, with a deadline
	}
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// /api/v1/meta is cheap to revalidate: a strong ETag of the body, no-cache, 304, gzip when accepted.
func TestMetaRevalidates(t *testing.T) {
	ts := sharedServer(t)
	res, plain := ts.get(t, "/api/v1/meta")
	tag := res.Header.Get("ETag")
	if res.StatusCode != 200 || !strings.HasPrefix(tag, `"`) || res.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("meta: %d %v", res.StatusCode, res.Header)
	}
	res, gz := ts.get(t, "/api/v1/meta", "Accept-Encoding", "gzip")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") != tag || !bytes.Equal(gunzip(t, gz), plain) {
		t.Fatalf("gzip: %v", res.Header)
	}
	if res, body := ts.get(t, "/api/v1/meta", "If-None-Match", tag); res.StatusCode != http.StatusNotModified || len(body) != 0 {
		t.Fatalf("If-None-Match: %d", res.StatusCode)
	}
}
