package codec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/yizhan/yizhan/server/codec"
)

// Every file in testdata imports without a row error.
func TestImportTestdata(t *testing.T) {
	for _, name := range []string{"gov.csv", "stations.geojson"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if res := importOK(t, data, codec.ImportOptions{}); res.Rows == 0 || len(res.Stations) != res.Rows {
			t.Fatalf("%s: %+v", name, res)
		}
	}
}

// Import never panics on CSV or GeoJSON input, and whatever it accepts is valid. Seeds: the files in
// testdata and testdata/fuzz/FuzzImport.
func FuzzImport(f *testing.F) {
	for _, name := range []string{"gov.csv", "stations.geojson"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id,name,kind,lon,lat\nA-1,站,other,123.4,41.8\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"csv", "geojson"} {
			res, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{Format: format, MaxBytes: 1 << 20})
			if err != nil {
				continue
			}
			for _, e := range res.Errors {
				if e.Code == "" || e.Detail == "" || e.Row < 0 {
					t.Fatalf("%s: error %+v", format, e)
				}
			}
			if len(res.Errors) > 0 {
				if res.Stations != nil {
					t.Fatalf("%s: stations returned with errors", format)
				}
				continue
			}
			if len(res.Stations) != res.Rows {
				t.Fatalf("%s: %d stations from %d rows", format, len(res.Stations), res.Rows)
			}
			for i := range res.Stations {
				if e := res.Stations[i].Validate(); e != nil {
					t.Fatalf("%s: accepted an invalid station %+v: %v", format, res.Stations[i], e)
				}
			}
		}
	})
}
