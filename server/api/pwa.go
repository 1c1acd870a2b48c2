package api

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
)

func init() {
	// Go's MIME table has no entry for web app manifests, and some hosts' tables lack .mjs.
	mime.AddExtensionType(".webmanifest", "application/manifest+json")
	mime.AddExtensionType(".mjs", "text/javascript")
}

// staticFile is one front-end file ready to send: its bytes, gzip form (when it helps), brotli form
// (made in the background once the files are loaded; nil until then) and a strong ETag from its content.
type staticFile struct {
	body, gzip []byte
	br         atomic.Pointer[[]byte]
	etag       string
	typ        []string // Content-Type
}

// staticFiles reads the front end once: every file with its ETag, and the version of the whole set,
// which the service worker carries so that browsers install a new one whenever any file changes.
type staticFiles struct {
	once       sync.Once
	files      map[string]*staticFile
	version    string
	err        error
	brotliDone chan struct{} // closed once every brotli form is made
}

// versionMarker in sw.js is replaced by the version of the file set.
const versionMarker = "__YIZHAN_VERSION__"

func (sf *staticFiles) load(fsys fs.FS) {
	sf.files = map[string]*staticFile{}
	sf.brotliDone = make(chan struct{})
	var names []string
	sf.err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, ".go") {
			return nil
		}
		names = append(names, p)
		return nil
	})
	if sf.err != nil {
		close(sf.brotliDone)
		return
	}
	sort.Strings(names)
	whole := sha256.New()
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			sf.err = err
			close(sf.brotliDone)
			return
		}
		whole.Write([]byte(name))
		whole.Write(body)
		sf.files["/"+name] = &staticFile{body: body}
	}
	sf.version = hex.EncodeToString(whole.Sum(nil))[:12]
	for name, f := range sf.files {
		if name == "/sw.js" {
			f.body = bytes.ReplaceAll(f.body, []byte(versionMarker), []byte(sf.version))
		}
		sum := sha256.Sum256(f.body)
		f.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
		typ := mime.TypeByExtension(path.Ext(name))
		if typ == "" {
			typ = "application/octet-stream"
		}
		f.typ = []string{typ}
		if compressible(typ) && len(f.body) > 1024 {
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			zw.Write(f.body)
			zw.Close()
			f.gzip = b.Bytes()
		}
	}
	go sf.compressBrotli()
}

// compressBrotli makes the brotli form of every file that has a gzip form. Quality 9 takes about
// 0.3 s for the whole app and saves a tenth of MapLibre's bytes over gzip -9; quality 11 would save
// another tenth but cost 6–7 s of CPU at every start, so it is not worth it here.
func (sf *staticFiles) compressBrotli() {
	defer close(sf.brotliDone)
	for _, f := range sf.files {
		if f.gzip == nil {
			continue
		}
		var b bytes.Buffer
		w := brotli.NewWriterLevel(&b, 9)
		w.Write(f.body)
		w.Close()
		if b.Len() < len(f.gzip) {
			br := b.Bytes()
			f.br.Store(&br)
		}
	}
}

func compressible(typ string) bool {
	return strings.HasPrefix(typ, "text/") || strings.Contains(typ, "javascript") || strings.Contains(typ, "json") ||
		strings.HasPrefix(typ, "image/svg")
}

// GET /*: the PWA's static files, with strong ETags (304 on If-None-Match), brotli or gzip. The shell, the
// service worker and the manifest are revalidated on every load; the rest too, cheaply, since the
// service worker serves them from its cache and only asks when it updates.
func (s *server) pwa(c echo.Context) error {
	p := c.Request().URL.Path
	if s.PWA == nil || strings.HasPrefix(p, "/api/") { // unknown API paths never get the PWA
		return echo.ErrNotFound
	}
	if p == "/" {
		p = "/index.html"
	}
	f, err := s.staticFile(p)
	if err != nil {
		return err
	}
	if p == "/sw.js" {
		c.Response().Header().Set("Service-Worker-Allowed", "/")
	}
	var br []byte
	if b := f.br.Load(); b != nil {
		br = *b
	}
	return sendReady(c, f.typ, f.etag, f.body, f.gzip, br)
}

// staticFile is the front end's file at path p ("/index.html"), loaded on first use.
func (s *server) staticFile(p string) (*staticFile, error) {
	if s.PWA == nil {
		return nil, echo.ErrNotFound
	}
	s.static.once.Do(func() { s.static.load(s.PWA) })
	if s.static.err != nil {
		return nil, s.static.err
	}
	f, ok := s.static.files[p]
	if !ok {
		return nil, echo.ErrNotFound
	}
	return f, nil
}

//go:embed openapi.json
var openAPIDoc []byte

// GET /api/openapi.json
func (s *server) openAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/json", openAPIDoc)
}
