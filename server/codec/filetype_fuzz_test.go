package codec_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// Whatever the bytes and the declared format, Import answers a station error or a report, never a
// panic or another error (which the API would answer 500): the sniffer, the text decoders and the
// mojibake check see every input first.
func FuzzImportAnyFile(f *testing.F) {
	for _, c := range notStationFiles(f) {
		f.Add(c.data)
	}
	f.Add([]byte(goodCSV))
	f.Add([]byte("\xFF\xFE\x00\x00i\x00\x00\x00"))
	f.Add([]byte("i\x00d\x00,\x00n\x00a\x00m\x00e\x00"))
	f.Add([]byte("id,名称,kind,经度,纬度\nA-1,鍏ㄥぉ,other,123.4,41.8\nA-2,Ã¦Â²Â³,other,123.4,41.8\n"))
	f.Add([]byte("id,名称,kind,经度,纬度\nA-1,???驿站,other,123.4,41.8\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []string{"", "csv", "xlsx", "geojson"} {
			res, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{Format: format, MaxBytes: 1 << 20, MaxEntries: 16, MaxUncompressed: 4 << 20})
			var se *station.Error
			if err != nil {
				if !errors.As(err, &se) || se.Code == "" || se.Detail == "" {
					t.Fatalf("%s: error %v is not a station error", format, err)
				}
				continue
			}
			for _, e := range res.Errors {
				if e.Code == "" || e.Detail == "" || e.Row < 0 {
					t.Fatalf("%s: error %+v", format, e)
				}
			}
			if len(res.Errors) > 0 && res.Stations != nil {
				t.Fatalf("%s: stations returned with errors", format)
			}
		}
	})
}
