package api_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestAreasEndpoint: GET /api/v1/areas sends the base layer as GeoJSON, the same bytes in every
// encoding, revalidates with its ETag and answers HEAD.
func TestAreasEndpoint(t *testing.T) {
	ts := sharedServer(t)
	res, identity := ts.get(t, "/api/v1/areas")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/geo+json" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("status %d, type %q, encoding %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Encoding"))
	}
	etag := res.Header.Get("ETag")
	if len(etag) < 3 || etag[0] != '"' || res.Header.Get("Cache-Control") != "no-cache" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("ETag %q, Cache-Control %q, Vary %q", etag, res.Header.Get("Cache-Control"), res.Header.Get("Vary"))
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID         string `json:"id"`
			Properties struct {
				Level string     `json:"level"`
				Label [2]float64 `json:"label"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(identity, &fc); err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for _, f := range fc.Features {
		levels[f.Properties.Level]++
	}
	if fc.Type != "FeatureCollection" || levels["city"] != 14 || levels["district"] != 100 || len(fc.Features) != 114 {
		t.Errorf("type %q, levels %v", fc.Type, levels)
	}

	decoders := map[string]func(io.Reader) (io.Reader, error){
		"gzip": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		"br":   func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
	}
	for _, c := range []struct{ accept, want string }{
		{"gzip", "gzip"}, {"gzip, deflate, br", "br"}, {"br", "br"}, {"br;q=0, gzip", "gzip"}, {"gzip;q=0", ""},
	} {
		res, body := ts.get(t, "/api/v1/areas", "Accept-Encoding", c.accept)
		if got := res.Header.Get("Content-Encoding"); res.StatusCode != 200 || got != c.want || res.Header.Get("ETag") != etag {
			t.Errorf("Accept-Encoding %q: status %d, encoding %q (want %q), ETag %q", c.accept, res.StatusCode, got, c.want, res.Header.Get("ETag"))
			continue
		}
		if res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("Accept-Encoding %q: Content-Length %q for %d bytes", c.accept, res.Header.Get("Content-Length"), len(body))
		}
		if c.want != "" {
			r, err := decoders[c.want](bytes.NewReader(body))
			if err == nil {
				body, err = io.ReadAll(r)
			}
			if err != nil {
				t.Fatalf("%s: %v", c.want, err)
			}
		}
		if !bytes.Equal(body, identity) {
			t.Errorf("Accept-Encoding %q: the body differs from the identity one", c.accept)
		}
	}

	res, body := ts.get(t, "/api/v1/areas", "If-None-Match", etag, "Accept-Encoding", "br")
	if res.StatusCode != http.StatusNotModified || len(body) != 0 || res.Header.Get("ETag") != etag {
		t.Errorf("If-None-Match: status %d, %d bytes", res.StatusCode, len(body))
	}
	if res, _ := ts.get(t, "/api/v1/areas", "If-None-Match", `"other"`); res.StatusCode != 200 {
		t.Errorf("another ETag: status %d", res.StatusCode)
	}

	req, err := http.NewRequest(http.MethodHead, ts.base+"/api/v1/areas", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	res, err = (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || len(head) != 0 || res.Header.Get("ETag") != etag || res.Header.Get("Content-Encoding") != "gzip" ||
		res.Header.Get("Content-Type") != "application/geo+json" {
		t.Errorf("HEAD: status %d, %d bytes, headers %v", res.StatusCode, len(head), res.Header)
	}
}
