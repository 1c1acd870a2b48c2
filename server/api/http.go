package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// etagMatches implements If-None-Match: a list of entity tags or "*"; weak tags compare by their
// opaque part (RFC 9110 §13.1.2 uses the weak comparison here).
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding allows gzip (and does not give it q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.TrimSpace(name) != "*" {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}

// preferredEncoding picks the content coding for a precompressed answer from Accept-Encoding: "br"
// when the client accepts brotli, else "gzip" when it accepts gzip, else "" (identity). A coding
// named with q=0 is refused even when "*" would allow it; "*" with q>0 allows both.
func preferredEncoding(acceptEncoding string) string {
	q := map[string]float64{}
	for _, part := range strings.Split(acceptEncoding, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		v := 1.0
		for _, p := range strings.Split(params, ";") {
			if s, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(s, 64); err == nil {
					v = f
				}
			}
		}
		q[name] = v
	}
	allowed := func(coding string) bool {
		if v, ok := q[coding]; ok {
			return v > 0
		}
		v, ok := q["*"]
		return ok && v > 0
	}
	switch {
	case allowed("br"):
		return "br"
	case allowed("gzip"):
		return "gzip"
	}
	return ""
}

var geoJSONType = []string{"application/geo+json"}

// writeGeoJSON sends a GeoJSON body with its Content-Length, so net/http writes it in one piece rather
// than switching to chunked encoding for anything over 2 KB.
var jsonType = []string{echo.MIMEApplicationJSON}

// sendReady answers GET with a body made in advance in up to three encodings (gz and br may be nil:
// not made yet, or not worth it): its strong ETag (304 on If-None-Match), Cache-Control: no-cache
// (caches revalidate on every use), Vary: Accept-Encoding, and the best form the client accepts —
// brotli, then gzip, then the body as it is. One path for the offline datasets, meta, the areas and
// the app's files.
func sendReady(c echo.Context, typ []string, etag string, body, gz, br []byte) error {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set(echo.HeaderCacheControl, "no-cache")
	h.Set(echo.HeaderVary, echo.HeaderAcceptEncoding)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	accept := c.Request().Header.Get(echo.HeaderAcceptEncoding)
	switch {
	case br != nil && preferredEncoding(accept) == "br":
		h.Set(echo.HeaderContentEncoding, "br")
		body = br
	case gz != nil && acceptsGzip(accept):
		h.Set(echo.HeaderContentEncoding, "gzip")
		body = gz
	}
	h["Content-Type"] = typ
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(body)
	return err
}

func writeGeoJSON(c echo.Context, body []byte) error {
	h := c.Response().Header()
	h["Content-Type"] = geoJSONType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(body)
	return err
}
