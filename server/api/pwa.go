package api

import (
	_ "embed"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

func init() {
	// Go's MIME table has no entry for web app manifests.
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
}

// GET /*: the PWA's static files.
func (s *server) pwa(c echo.Context) error {
	if s.PWA == nil || strings.HasPrefix(c.Request().URL.Path, "/api/") { // unknown API paths never get the PWA
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	switch c.Request().URL.Path {
	case "/", "/sw.js", "/manifest.webmanifest":
		h.Set(echo.HeaderCacheControl, "no-cache") // the shell and its updater must never be stale
	}
	http.FileServerFS(s.PWA).ServeHTTP(c.Response(), c.Request())
	return nil
}

//go:embed openapi.json
var openAPIDoc []byte

// GET /api/openapi.json
func (s *server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}
