package pwa_test

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/pwa"
)

// Every file the app needs offline is in the service worker's precache list, and every entry of the
// list exists (or is the base layer's API answer): a file added to the app but not to sw.js would be
// missing when the rider is offline.
func TestServiceWorkerPrecachesTheShell(t *testing.T) {
	files := pwa.Files()
	sw, err := fs.ReadFile(files, "sw.js")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, m := range regexp.MustCompile(`'(/[^'?]*)(\?[^']*)?',`).FindAllStringSubmatch(string(sw), -1) {
		listed[m[1]] = true
	}
	if !listed["/"] {
		t.Error("the shell page / is not precached")
	}
	err = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch {
		case p == "index.html" || p == "sw.js" || strings.HasSuffix(p, "LICENSE.txt"):
			return nil // served as /, the worker itself, a licence
		case !listed["/"+p]:
			t.Errorf("%s is not precached by sw.js", p)
		}
		delete(listed, "/"+p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	delete(listed, "/")
	delete(listed, "/api/v1/areas") // the map's base layer: an API answer, kept for offline use
	for p := range listed {
		t.Errorf("sw.js precaches %s, which does not exist", p)
	}
}

// The service worker precaches MapLibre's worker under the URL MapLibre asks for (?v=<its version>):
// with any other URL the rider's first visit downloads that 150 KB file twice.
func TestServiceWorkerPrecachesMapLibreWorkerAsAsked(t *testing.T) {
	files := pwa.Files()
	lib, err := fs.ReadFile(files, "vendor/maplibre-gl/maplibre-gl.mjs")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`maplibre-gl-js/blob/v([0-9.]+)/`).FindSubmatch(lib)
	if m == nil {
		t.Fatal("no version in maplibre-gl.mjs's header")
	}
	sw, err := fs.ReadFile(files, "sw.js")
	if err != nil {
		t.Fatal(err)
	}
	if want := "'/vendor/maplibre-gl/maplibre-gl-worker.mjs?v=" + string(m[1]) + "'"; !strings.Contains(string(sw), want) {
		t.Errorf("sw.js does not precache %s", want)
	}
}
