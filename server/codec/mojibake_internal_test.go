package codec

import (
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/station"
)

// No cell of any CSV or text file in the repository (the seed's 16,500 stations, the reference
// areas, the test files) looks misdecoded, read as a name: the detector's false alarms are zero.
func TestMisdecodedNoFalseAlarms(t *testing.T) {
	root := filepath.Join("..", "..")
	files, cells := 0, 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "fuzz") {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".txt")) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !isUTF8Text(data) {
			return nil // a GBK test file: decoded by Import, checked in TestImportTestdata
		}
		files++
		cr := csv.NewReader(strings.NewReader(string(data)))
		cr.FieldsPerRecord, cr.LazyQuotes = -1, true
		recs, err := cr.ReadAll()
		if err != nil {
			recs = nil
			for _, line := range strings.Split(string(data), "\n") {
				recs = append(recs, []string{line})
			}
		}
		for i, rec := range recs {
			for _, c := range rec {
				c = station.Clean(c)
				cells++
				// As a name: the field with every check (question marks too).
				if how, _ := misdecoded(c, fName); how != "" {
					t.Errorf("%s:%d: %q: %s", path, i+1, c, how)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d cells", files, cells)
	if files < 4 || cells < 16_500*10 {
		t.Fatalf("looked at %d files, %d cells: the seed is missing", files, cells)
	}
}

func isUTF8Text(b []byte) bool { return validUTF8Prefix(b, true) }

// The ways a cell is garbled are shown inside the finding in the reader's language.
func TestGarbledHowTranslated(t *testing.T) {
	seen := map[string]bool{}
	for _, how := range []string{garbledReplacement, garbledInvalid, garbledQuestion, garbledFromGBK, garbledFromLatin, garbledGBKLatin} {
		en, zh := howMessage(how).In(station.LangEn), howMessage(how).In(station.LangZh)
		if seen[en] || en == zh {
			t.Errorf("%s: %q / %q", how, en, zh)
		}
		seen[en] = true
	}
}
