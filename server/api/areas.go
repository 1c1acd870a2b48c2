package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/areas"
)

// areasBody is the base layer ready to send: its bytes, gzip -9 and brotli 11 forms and a strong
// ETag, made once on first use.
var areasBody = sync.OnceValue(func() *precompressed { return newPrecompressed(areas.JSON()) })

// precompressed is a fixed body with its compressed forms.
type precompressed struct {
	identity, gzip, br []byte
	etag               string
}

func newPrecompressed(body []byte) *precompressed {
	sum := sha256.Sum256(body)
	p := &precompressed{identity: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	p.gzip = gz.Bytes()
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(body)
	bw.Close()
	p.br = br.Bytes()
	return p
}

// GET /api/v1/areas: the 14 cities and 100 districts as simplified polygons (server/areas), the
// PWA's offline base layer. The service worker keeps it and revalidates it with If-None-Match.
func (s *server) areas(c echo.Context) error {
	p := areasBody()
	return sendReady(c, geoJSONType, p.etag, p.identity, p.gzip, p.br)
}
