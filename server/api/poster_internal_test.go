package api

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/yizhan/yizhan/server/station"
)

// The poster's amenity icons are the rider's app's (pwa/app/ui.js).
func TestPosterIconsAreTheAppsIcons(t *testing.T) {
	ui, err := os.ReadFile(filepath.Join("..", "..", "pwa", "app", "ui.js"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)const icons = \{(.*?)\};`).FindSubmatch(ui)
	if block == nil {
		t.Fatal("no icons in ui.js")
	}
	app := map[string]string{}
	for _, m := range regexp.MustCompile(`(\w+): '([^']+)'`).FindAllSubmatch(block[1], -1) {
		app[string(m[1])] = string(m[2])
	}
	if len(app) != len(station.Amenities()) {
		t.Fatalf("ui.js has %d icons for %d amenities", len(app), len(station.Amenities()))
	}
	for k, v := range app {
		if amenityIcons[k] != v {
			t.Errorf("%s: the poster has %q, the app %q", k, amenityIcons[k], v)
		}
	}
}
