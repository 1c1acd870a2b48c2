// Package code draws a station's QR code: its modules from github.com/skip2/go-qrcode, drawn as a PNG
// of whole pixels per module or as an SVG path, both with the standard quiet zone of 4 modules.
package code

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strconv"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is the error correction used: Q (about 25% of the code may be lost), because the code hangs on
// a door outdoors, where it gets scratched, wet and dirty; a station link still fits in a small code.
const Level = qrcode.High

// Quiet is the width of the light margin around the code, in modules (ISO/IEC 18004 asks for 4).
const Quiet = 4

// Matrix is a QR code's modules, true = dark, with the quiet zone around them: row by row, square.
type Matrix [][]bool

// Encode makes the QR code of text.
func Encode(text string) (Matrix, error) {
	q, err := qrcode.New(text, Level)
	if err != nil {
		return nil, err
	}
	q.DisableBorder = true // the library's border is 4 modules too; drawn here so that it is sure
	m := q.Bitmap()
	n := len(m) + 2*Quiet
	out := make(Matrix, n)
	for y := range out {
		out[y] = make([]bool, n)
		if y >= Quiet && y < n-Quiet {
			copy(out[y][Quiet:], m[y-Quiet])
		}
	}
	return out, nil
}

// Size is the number of modules across, quiet zone included.
func (m Matrix) Size() int { return len(m) }

// PNG draws m in a square of size pixels: every module the same whole number of pixels (sharp edges
// scan best), centred, the rest of the square light. A size below the module count is raised to it.
func (m Matrix) PNG(size int) []byte {
	n := len(m)
	size = max(size, n)
	px := size / n
	off := (size - px*n) / 2
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for y := range n {
		for x := range n {
			if !m[y][x] {
				continue
			}
			for dy := range px {
				row := img.Pix[(off+y*px+dy)*img.Stride:]
				for dx := range px {
					row[off+x*px+dx] = 1
				}
			}
		}
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, img); err != nil {
		panic(fmt.Sprintf("png of a paletted image in memory: %v", err)) // cannot happen
	}
	return b.Bytes()
}

// SVG draws m as one path of the dark modules on a light square, one unit per module: it scales to any
// print size. Runs of dark modules in a row are one rectangle each.
func (m Matrix) SVG() []byte {
	n := strconv.Itoa(len(m))
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n + `" width="` + strconv.Itoa(8*len(m)) +
		`" height="` + strconv.Itoa(8*len(m)) + `" shape-rendering="crispEdges">`)
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	for y, row := range m {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			run := 1
			for x+run < len(row) && row[x+run] {
				run++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", x, y, run, run)
			x += run
		}
	}
	b.WriteString(`"/></svg>` + "\n")
	return b.Bytes()
}
