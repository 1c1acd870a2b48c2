package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/config"
)

// Every command refuses bad input with a clear error, and changes nothing.
func TestCommandsRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "y.db")
	run := func(stdin string, args ...string) (string, error) {
		cmd := rootCmd()
		var out bytes.Buffer
		cmd.SetIn(strings.NewReader(stdin))
		cmd.SetOut(&out)
		cmd.SetErr(io.Discard)
		cmd.SetArgs(args)
		err := cmd.ExecuteContext(context.Background())
		return out.String(), err
	}
	if _, err := run("", "import", seedPath, "--db", db); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "exists.db")
	if err := os.WriteFile(existing, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}
	badYAML := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badYAML, []byte("listen: [1, 2\n"), 0o600)
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string // in the error
	}{
		{[]string{"import", filepath.Join(dir, "nope.csv"), "--db", db}, "nope.csv"},
		{[]string{"import", seedPath, "--crs", "utm", "--db", db}, "--crs"},
		{[]string{"import", seedPath, "--format", "xls", "--db", db}, "format"},
		{[]string{"import", "--db", db}, "arg"},
		{[]string{"export", "--format", "pdf", "--db", db}, "--format"},
		{[]string{"export", "--db", db, "-o", filepath.Join(dir, "no-such-dir", "x.csv")}, "no-such-dir"},
		{[]string{"backup", existing, "--db", db}, "exists"},
		{[]string{"backup", "--db", db}, "arg"},
		{[]string{"serve", "--listen", "8080", "--db", db}, "listen"},
		{[]string{"serve", "--map-crs", "bd09", "--db", db}, "map-crs"},
		{[]string{"config", "--config", badYAML}, "bad.yaml"},
		{[]string{"config", "--config", filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"import", seedPath, "--db", db, "--dry-run=maybe"}, "dry-run"},
	} {
		out, err := run("", tc.args...)
		if err == nil || !strings.Contains(err.Error()+out, tc.want) { // an import's refusal is in its report
			t.Errorf("yizhan %s: error %v, want one mentioning %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
	if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
		t.Error("a refused command changed the database")
	}
	if kept, _ := os.ReadFile(existing); string(kept) != "keep me" {
		t.Error("a refused backup overwrote a file")
	}
}

// The README's configuration reference is what `yizhan config` prints from the config struct, so a
// new or changed setting cannot go undocumented.
func TestREADMEListsEveryConfigKey(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir()) // no yizhan.yaml
	table, err := runCLI(t, "config")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), table) {
		t.Fatalf("README.md does not contain the table `yizhan config` prints; paste it in:\n%s", table)
	}
}

// The configuration's default API limit is the API's own default, which TestAPIRateLimitPerAddress
// (server/api) checks over HTTP.
func TestDefaultAPILimitIsTheAPIs(t *testing.T) {
	got, want := apiLimit(config.Defaults()), api.DefaultAPILimit
	if got.Unlimited || got.Burst != want.Burst || got.Every != want.Every {
		t.Fatalf("the default configuration limits the API to %+v, the API's default is %+v", got, want)
	}
}
