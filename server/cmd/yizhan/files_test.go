package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/codec/codectest"
	"github.com/yizhan/yizhan/server/write"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The import command reads every format, reports what it found, and refuses what it cannot take with
// the same report and exit status 2.
func TestImportCommandFormats(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if out, err := runCLI(t, "import", seedOf(t, 3000), "--db", db); err != nil {
		t.Fatalf("%v %s", err, out)
	}

	// XLSX export → import changes nothing.
	xlsx := filepath.Join(dir, "export.xlsx")
	if out, err := runCLI(t, "export", "--db", db, "--format", "xlsx", "-o", xlsx); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	out, err := runCLI(t, "import", xlsx, "--db", db)
	if err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if rep := decode[write.Report](t, []byte(out)); rep.Format != "xlsx" || rep.Rows != 3000 || rep.Unchanged != rep.Rows {
		t.Fatalf("xlsx re-import %+v", rep)
	}

	// A government list saved by Excel on Chinese Windows: GBK, a title row, Chinese headers.
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte("沈阳市驿站名录,,,,,\r\n序号,站点名称,类型,经度,纬度,服务设施\r\n1,南湖新建爱心驿站,爱心驿站,123.41,41.77,热水、取暖\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	list := filepath.Join(dir, "list.csv")
	os.WriteFile(list, gbk, 0o644)
	for range 2 { // a dry run writes nothing, so the second one creates the station again
		out, err = runCLI(t, "import", list, "--db", db, "--dry-run")
		if err != nil {
			t.Fatalf("%v %s", err, out)
		}
		rep := decode[write.Report](t, []byte(out))
		if !rep.DryRun || rep.Format != "csv" || rep.Encoding != "gb18030" || rep.HeaderRow != 2 || rep.Created != 1 ||
			len(rep.IgnoredColumns) != 1 || rep.IgnoredColumns[0] != "序号" {
			t.Fatalf("dry run %s", out)
		}
	}

	// Refusals: a missing sheet, a file over the limit, a format the content contradicts.
	for _, c := range []struct {
		args        []string
		code, field string
	}{
		{[]string{"import", xlsx, "--sheet", "大连"}, "invalid_parameter", "sheet"},
		{[]string{"import", list, "--max-bytes", "100"}, "payload_too_large", ""},
		{[]string{"import", list, "--format", "xlsx"}, "invalid_import", ""},
	} {
		out, err := runCLI(t, append(c.args, "--db", db)...)
		var exit exitError
		if !errors.As(err, &exit) || exit.code != 2 {
			t.Fatalf("%v: err %v %s", c.args, err, out)
		}
		if rep := decode[write.Report](t, []byte(out)); len(rep.Errors) != 1 || rep.Errors[0].Code != c.code || rep.Errors[0].Field != c.field {
			t.Fatalf("%v: %s", c.args, out)
		}
	}
}

// The command line refuses the same files the same way: the report names what was found, the exit
// status is 2, and the database is not even opened.
func TestImportCommandRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	files := map[string]string{} // path → the code the report must give
	for i, c := range codectest.WrongTypeFiles() {
		path := filepath.Join(dir, string(rune('a'+i))+"-"+strings.Fields(c.Name)[0])
		os.WriteFile(path, c.Data, 0o600)
		files[path] = "unsupported_file_type" // in the command's language; what it is, is checked over HTTP
	}
	for name, src := range codectest.GarbledFiles() {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".csv")
		os.WriteFile(path, []byte(src), 0o600)
		files[path] = "garbled_text"
	}
	for path, says := range files {
		for _, format := range []string{"", "csv"} {
			out, err := runCLI(t, "import", path, "--format", format, "--db", db)
			var exit exitError
			if !errors.As(err, &exit) || exit.code != 2 || !strings.Contains(out, says) {
				t.Errorf("import %s --format %q: %v %s, want exit 2 saying %q", filepath.Base(path), format, err, out, says)
			}
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a refused import created the database: %v", err)
	}
}

// The command prints the same report as the API for a file with longitude and latitude swapped, and
// --swap-coordinates does what the API's swap_coordinates does.
func TestImportCommandSwapsCoordinates(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "swapped.csv")
	os.WriteFile(file, []byte("id,name,kind,lon,lat\nCLI-1,命令测试爱心驿站,caring_station,北纬41°48′,东经123°25′30″\n"), 0o644)
	db := filepath.Join(dir, "y.db")
	out, err := runCLI(t, "import", file, "--db", db)
	if rep := decode[write.Report](t, []byte(out)); err == nil || rep.Errors[0].Code != codec.CodeColumnsSwapped || rep.SwappedRows != 1 || rep.Converted.DMS != 2 {
		t.Fatalf("%v %s", err, out)
	}
	out, err = runCLI(t, "import", file, "--db", db, "--swap-coordinates")
	if rep := decode[write.Report](t, []byte(out)); err != nil || rep.Created != 1 || rep.Converted.DMS != 2 || !strings.Contains(out, `"converted"`) {
		t.Fatalf("%v %s", err, out)
	}
}

// A list exported before someone else changed a station is refused by the command as by the API:
// version_conflict naming the row, exit status 2, and nothing written; an empty version cell
// overwrites on purpose.
func TestImportCommandRefusesStaleVersions(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	file := func(name, body string) string {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(body), 0o600)
		return path
	}
	first := file("first.csv", "id,name,kind,lon,lat,address\nV-1,版本测试爱心驿站,caring_station,123.43,41.80,沈阳市和平区一号\n")
	if out, err := runCLI(t, "import", first, "--db", db); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	second := file("second.csv", "id,name,kind,lon,lat,address,version\nV-1,版本测试爱心驿站,caring_station,123.43,41.80,沈阳市和平区二号,1\n")
	if out, err := runCLI(t, "import", second, "--db", db); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	stale := file("stale.csv", "id,name,kind,lon,lat,address,version\nV-1,版本测试爱心驿站,caring_station,123.43,41.80,表格里改的地址,1\n")
	out, err := runCLI(t, "import", stale, "--db", db)
	var exit exitError
	if rep := decode[write.Report](t, []byte(out)); !errors.As(err, &exit) || exit.code != 2 || len(rep.Errors) != 1 ||
		rep.Errors[0].Code != "version_conflict" || rep.Errors[0].Row != 1 || rep.Errors[0].Field != "version" {
		t.Fatalf("stale import: %v %s", err, out)
	}
	if got := storedField(t, db, "V-1", "address"); got != "沈阳市和平区二号" {
		t.Fatalf("after the refused import the address is %q", got)
	}
	overwrite := file("overwrite.csv", "id,name,kind,lon,lat,address,version\nV-1,版本测试爱心驿站,caring_station,123.43,41.80,表格里改的地址,\n")
	if out, err := runCLI(t, "import", overwrite, "--db", db); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if got := storedField(t, db, "V-1", "address"); got != "表格里改的地址" {
		t.Fatalf("after the overwrite the address is %q", got)
	}
}
