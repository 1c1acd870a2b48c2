package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/yizhan/yizhan/server/write"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The import command reads every format, reports what it found, and refuses what it cannot take with
// the same report and exit status 2.
func TestImportCommandFormats(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	if out, err := runCLI(t, "import", seedPath, "--db", db); err != nil {
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
	if rep := decode[write.Report](t, []byte(out)); rep.Format != "xlsx" || rep.Rows < 16000 || rep.Unchanged != rep.Rows {
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
