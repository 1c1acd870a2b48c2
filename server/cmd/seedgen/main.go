// Command seedgen writes the synthetic station dataset as CSV.
//
//	go run ./server/cmd/seedgen -n 16500 -seed 2026 -o data/stations.csv
//	go run ./server/cmd/seedgen -n 1000000 -o /tmp/stations-1m.csv   # benchmarks
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/yizhan/yizhan/server/seedgen"
)

func main() {
	n := flag.Int("n", seedgen.DefaultN, "number of stations")
	seed := flag.Uint64("seed", seedgen.DefaultSeed, "random seed; the same seed and -n give the same file")
	out := flag.String("o", "data/stations.csv", "output CSV file")
	refDir := flag.String("ref", "data/reference", "directory with the reference polygons and names")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("seedgen: ")

	start := time.Now()
	ref, err := seedgen.LoadReference(*refDir)
	if err != nil {
		log.Fatal(err)
	}
	stations, err := seedgen.Generate(ref, seedgen.Config{N: *n, Seed: *seed})
	if err != nil {
		log.Fatal(err)
	}
	if err := writeFile(*out, stations); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "seedgen: wrote %d stations to %s in %.2fs\n", len(stations), *out, time.Since(start).Seconds())
}

// writeFile writes to a temporary file next to path and renames it, so an
// interrupted run never leaves a half-written seed file behind.
func writeFile(path string, stations []seedgen.Station) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".seedgen-*.csv")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := seedgen.WriteCSV(f, stations); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
