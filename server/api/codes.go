package api

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/code"
	"github.com/yizhan/yizhan/server/station"
)

// Sizes of a code's PNG, in pixels: the default prints sharp at 5 cm on a 300 dpi printer.
const (
	defaultCodeSize      = 600
	minCodeSize, maxCode = 128, 2048
)

// publicLink is station id's public link, which its QR code holds: {public-url}/s/{id}, or the
// request's own scheme and host when no public-url is configured.
func (s *server) publicLink(c echo.Context, id string) string {
	base := strings.TrimRight(s.PublicURL, "/")
	if base == "" {
		scheme := "http"
		if s.secure(c) {
			scheme = "https"
		}
		base = scheme + "://" + c.Request().Host
	}
	return base + "/s/" + url.PathEscape(id)
}

// GET /api/v1/stations/:id/code.png?size=: the station's QR code as a PNG of size pixels.
func (s *server) stationCodePNG(c echo.Context) error {
	p, err := queryParams(c)
	if err != nil {
		return err
	}
	size, err := p.integer("size", defaultCodeSize, minCodeSize, maxCode)
	if err != nil {
		return err
	}
	return s.stationCode(c, "image/png", strconv.Itoa(size), func(m code.Matrix) []byte { return m.PNG(size) })
}

// GET /api/v1/stations/:id/code.svg: the station's QR code as an SVG, which prints sharp at any size.
func (s *server) stationCodeSVG(c echo.Context) error {
	return s.stationCode(c, "image/svg+xml", "svg", code.Matrix.SVG)
}

// stationCode answers the code of the station named in the path, drawn by draw. The link of a station
// never changes, so the answer may be cached for a day and revalidated by its ETag (the link, the
// form and the size) after that.
func (s *server) stationCode(c echo.Context, typ, form string, draw func(code.Matrix) []byte) error {
	snap, err := s.snapshot()
	if err != nil {
		return err
	}
	id := c.Param("id")
	if _, ok := snap.Lookup(id); !ok {
		return unknownStation(id)
	}
	link := s.publicLink(c, id)
	sum := sha256.Sum256([]byte(link + "\x00" + form))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set(echo.HeaderCacheControl, "public, max-age=86400")
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	m, err := code.Encode(link)
	if err != nil {
		return station.Errorf(station.CodeInvalidParameter, "id", "the link of station %.40q is too long for a QR code", id)
	}
	return c.Blob(http.StatusOK, typ, draw(m))
}

// GET /s/:id: the station's public link, which its QR code holds: the rider's app, which opens that
// station's sheet (app/main.js reads the id from the path). An id that names no station gets the app
// too, with status 404: the app says it does not know the station and lists the nearest ones.
func (s *server) stationLink(c echo.Context) error {
	status := http.StatusOK
	if snap, err := s.snapshot(); err == nil {
		if _, ok := snap.Lookup(c.Param("id")); !ok {
			status = http.StatusNotFound
		}
	}
	f, err := s.staticFile("/index.html")
	if err != nil {
		return err
	}
	if status == http.StatusOK {
		var br []byte
		if b := f.br.Load(); b != nil {
			br = *b
		}
		return sendReady(c, f.typ, f.etag, f.body, f.gzip, br)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(status, f.typ[0], f.body)
}
