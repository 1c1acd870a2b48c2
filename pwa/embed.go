// Package pwa holds the front end: static files served by the yizhan binary at /.
package pwa

import (
	"embed"
	"io/fs"
)

//go:embed index.html manage.html app.css manage.css poster.css manifest.webmanifest sw.js app icons vendor
var files embed.FS

// Files returns the front end's files, rooted at the folder.
func Files() fs.FS { return files }
