package codec_test

import (
	"bytes"
	"testing"

	"github.com/yizhan/yizhan/server/codec"
)

// BenchmarkImport imports the seed dataset (16,500 stations) from each export format and reports the
// time per row.
func BenchmarkImport(b *testing.B) {
	stations := seed(b)
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, stations); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		b.Run(w.format, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				res, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{})
				if err != nil || len(res.Stations) != len(stations) {
					b.Fatalf("%v %v", err, res.Errors)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stations)), "ns/row")
		})
	}
}

// BenchmarkExport writes the seed dataset in each format.
func BenchmarkExport(b *testing.B) {
	stations := seed(b)
	for _, w := range writers {
		b.Run(w.format, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := w.write(&buf, stations); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stations)), "ns/row")
		})
	}
}
