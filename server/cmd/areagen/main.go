// Command areagen writes the built-in base layer of /api/v1/areas from the reference districts:
//
//	go run ./server/cmd/areagen -o server/areas/liaoning-areas.geojson
//
// It prints the sizes of the result raw, gzip -9 and brotli 11. A test in server/areas checks that the
// committed file is exactly what this writes.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/andybalholm/brotli"

	"github.com/yizhan/yizhan/server/areas"
)

func main() {
	in := flag.String("ref", "data/reference/liaoning-districts.geojson", "the reference districts")
	out := flag.String("o", "server/areas/liaoning-areas.geojson", "output GeoJSON file")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("areagen: ")

	start := time.Now()
	ref, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	body, err := areas.Build(ref)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, body, 0o644); err != nil {
		log.Fatal(err)
	}
	var gz, br bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(body)
	bw.Close()
	fmt.Fprintf(os.Stderr, "areagen: wrote %s in %.2fs: %d bytes, gzip -9 %d, brotli 11 %d (tolerance %d m)\n",
		*out, time.Since(start).Seconds(), len(body), gz.Len(), br.Len(), areas.ToleranceM)
}
