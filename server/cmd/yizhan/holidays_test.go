package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/config"
	"github.com/yizhan/yizhan/server/sqlite"
)

// yizhan holidays import: --dry-run prints the days by festival and stores nothing; without it the year
// is stored (and listed with who stored it); a text that is not a notice exits with status 2 saying
// what was not understood, storing nothing.
func TestHolidaysImportCommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	run := func(args ...string) (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(io.Discard)
		cmd.SetArgs(append(args, "--db", db))
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	notice := filepath.Join("..", "..", "hours", "testdata", "notices", "2025.txt")
	out, err := run("holidays", "import", notice, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2025 年节假日安排", "春节\t休 8 天：2025-01-28 至 2025-02-04；调休上班：2025-01-26、2025-02-08", "国庆节、中秋节\t休 8 天", "未保存"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run: no %q in\n%s", want, out)
		}
	}
	stored := func() int {
		d, err := sqlite.Open(db)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		years, err := d.HolidayYears(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return len(years)
	}
	if n := stored(); n != 0 {
		t.Fatalf("the dry run stored %d years", n)
	}
	if out, err = run("holidays", "import", notice); err != nil || !strings.Contains(out, "已保存 2025 年的节假日安排（33 天）") {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := stored(); n != 1 {
		t.Fatalf("%d years stored", n)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("Notice on holidays in 2027: New Year's Day, 1 January."), 0o600)
	out, err = run("holidays", "import", bad)
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(out, "没有找到年份") {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Setenv("LANG", "en_US.UTF-8")
	wrong := filepath.Join(dir, "wrong.txt")
	text, _ := os.ReadFile(notice)
	os.WriteFile(wrong, bytes.ReplaceAll(text, []byte("2025年"), []byte("2027年")), 0o600)
	out, err = run("holidays", "import", wrong)
	if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(out, "is this the notice for 2027?") {
		t.Fatalf("%v\n%s", err, out)
	}
	if n := stored(); n != 1 {
		t.Fatalf("%d years stored after refusals", n)
	}
}

// serve notices a year stored by the command line (another process) within poll-interval, on top of
// the calendar file the holidays setting names.
func TestServePicksUpImportedHolidays(t *testing.T) {
	dir := t.TempDir()
	calendar := filepath.Join(dir, "cal.csv")
	os.WriteFile(calendar, []byte("date,kind,name\n2024-01-01,holiday,元旦\n"), 0o600)
	ts := startServer(t, smallSeed(t), func(c *config.Config) { c.Holidays = calendar })
	covered := func() string {
		_, body := ts.get(t, "/api/v1/meta")
		var m struct {
			Holidays struct {
				Holidays map[string]string
				Coverage struct{ Covered []int }
			}
		}
		json.Unmarshal(body, &m)
		return fmt.Sprintf("%v %s", m.Holidays.Coverage.Covered, m.Holidays.Holidays["2025-01-29"])
	}
	if got := covered(); got != "[2024] " {
		t.Fatalf("before: %s", got)
	}
	if out, err := runCLI(t, "holidays", "import", filepath.Join("..", "..", "hours", "testdata", "notices", "2025.txt"), "--db", ts.cfg.DB); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	deadline := time.Now().Add(10 * time.Second)
	for covered() != "[2024 2025] 春节" {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not pick up the stored year: %s", covered())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
