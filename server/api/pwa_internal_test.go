package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
)

// The app's files go out as brotli once their brotli forms are made (in the background), as gzip to
// clients without brotli and before then, and as they are to clients that accept neither; every form
// decodes to the same bytes. Files too small to gain are sent as they are.
func TestStaticFilesEncodings(t *testing.T) {
	big := bytes.Repeat([]byte("export const answer = 42; // the same line, many times\n"), 400)
	s := &server{Deps: Deps{PWA: fstest.MapFS{
		"app/big.js": {Data: big},
		"tiny.css":   {Data: []byte("a{}")},
	}}}
	get := func(path, accept string) (string, []byte) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", accept)
		rec := httptest.NewRecorder()
		if err := s.pwa(echo.New().NewContext(req, rec)); err != nil {
			t.Fatal(err)
		}
		return rec.Header().Get("Content-Encoding"), rec.Body.Bytes()
	}
	decode := func(enc string, body []byte) []byte {
		t.Helper()
		var r io.Reader = bytes.NewReader(body)
		switch enc {
		case "br":
			r = brotli.NewReader(r)
		case "gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		out, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if enc, _ := get("/app/big.js", "gzip"); enc != "gzip" {
		t.Fatalf("gzip client got %q", enc)
	}
	<-s.static.brotliDone
	for _, c := range []struct{ accept, want string }{
		{"gzip, deflate, br, zstd", "br"}, {"gzip", "gzip"}, {"br;q=0, gzip", "gzip"}, {"", ""}, {"br", "br"},
	} {
		enc, body := get("/app/big.js", c.accept)
		if enc != c.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", c.accept, enc, c.want)
		}
		if !bytes.Equal(decode(enc, body), big) {
			t.Errorf("Accept-Encoding %q: the body does not decode to the file", c.accept)
		}
	}
	if enc, body := get("/tiny.css", "br, gzip"); enc != "" || string(body) != "a{}" {
		t.Errorf("a tiny file: Content-Encoding %q, body %q", enc, body)
	}
}
