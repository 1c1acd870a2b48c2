package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// ruleCases are values sent the same way down every write path: an admin's edit (PATCH), an import
// over HTTP, and `yizhan import`. Each is stored as want on all three, or refused on all three with
// the same code about the same field.
var ruleCases = []struct {
	field, value string
	want         string // the stored value as the API shows it; "" when refused
	code         string // the refusal's code
}{

	// Invisible characters inside a value are removed, the same way everywhere.
	{"name", "\u200b站前\u2060爱心驿站\ufeff", "站前爱心驿站", ""},
	{"name", "站前\u202e爱心驿站\u200f", "站前爱心驿站", ""},
	{"name", "站前\u00ad爱心\u180e驿站\U000E0041", "站前爱心驿站", ""},
	{"name", "站前\r\n爱心驿站", "站前 爱心驿站", ""},
	{"name", "站前\x00爱心\x1b驿站\x7f", "站前爱心驿站", ""},
	{"address", "沈阳市\u200c和平区\t文胜路6号 ", "沈阳市和平区 文胜路6号", ""},
	{"operator", "\ufeff南湖街道\u2063办事处", "南湖街道办事处", ""},
	{"status_note", "冬季\u200b供暖\n照常开放", "冬季供暖 照常开放", ""},
	{"phone", "０２４－８８８８\u200b８８８８", "024-88888888", ""},
	// A name that is empty once invisible and format characters are gone is refused.
	{"name", "\u200b\u200c\u2060\ufeff", "", "missing_parameter"},
	{"name", "\u00ad\u202e\u061c \u3000", "", "missing_parameter"},
	{"name", strings.Repeat("驿", station.MaxNameLen+1), "", "out_of_range"},
	{"name", strings.Repeat("驿", station.MaxNameLen) + "\u200b\u200b", strings.Repeat("驿", station.MaxNameLen), ""},
	// The same vocabularies and synonyms: codes, both labels and the words lists use.
	{"kind", "司机之家", "driver_home", ""},
	{"kind", "货车司机之家", "driver_home", ""},
	{"kind", "Drivers' home", "driver_home", ""},
	{"kind", " union_station\u200b", "union_station", ""},
	{"kind", "桑拿", "", "invalid_parameter"},
	{"status", "暂停服务", "temporarily_closed", ""},
	{"status", "正常开放", "open", ""},
	{"status", "maybe", "", "invalid_parameter"},
	{"audience", "货车司机", "drivers", ""},
	{"audience", "Everyone", "everyone", ""},
	{"amenities", "热水、手机充电器", "hot_water,phone_charging", ""},
	{"amenities", "Hot water；toilet", "hot_water,toilet", ""},
	{"amenities", "桑拿", "", "invalid_parameter"},
	{"phone", "024-8888888a", "", "invalid_parameter"},
	// A field added through station.Fields alone (closed_until): read, folded and checked the same way.
	{"closed_until", "2026-12-20", "2026-12-20", ""},
	{"closed_until", "2026/12/20", "2026-12-20", ""},
	{"closed_until", "2026年12月20日", "2026-12-20", ""},
	{"closed_until", "２０２６－１２－２０\u200b", "2026-12-20", ""},
	{"closed_until", "下周一", "", "invalid_parameter"},
	{"closed_until", "2026-02-30", "", "invalid_parameter"},
}

// The write paths clean, check and read words in one way: what an edit stores, an import over HTTP
// and the command line store too, and what one refuses, the others refuse alike.
func TestOneSetOfRules(t *testing.T) {
	f := newAdminFixture(t)
	cliDB := filepath.Join(t.TempDir(), "cli.db")
	base := f.ts.stations[0]
	for i, tc := range ruleCases {
		name := fmt.Sprintf("%d %s=%q", i, tc.field, tc.value)
		t.Run(name, func(t *testing.T) {
			got := map[string]string{}
			// 1. An admin's edit.
			path := "/api/v1/stations/" + base.ID
			res, before := f.admin.do(t, http.MethodGet, path, "")
			var value any = tc.value
			if tc.field == "amenities" {
				value = strings.FieldsFunc(tc.value, func(r rune) bool { return r == '、' || r == '；' })
			}
			body, _ := json.Marshal(map[string]any{tc.field: value})
			res, after := f.admin.do(t, http.MethodPatch, path, string(body), "If-Match", res.Header.Get("ETag"))
			got["edit"] = outcome(t, res.StatusCode, after, tc.field)
			if res.StatusCode == 200 && tc.field != "name" { // put the station back for the next case
				old := property(t, before, tc.field, true)
				if old == nil {
					old = ""
				}
				restore, _ := json.Marshal(map[string]any{tc.field: old})
				res2, b2 := f.admin.do(t, http.MethodPatch, path, string(restore), "If-Match", res.Header.Get("ETag"))
				if res2.StatusCode != 200 {
					t.Fatalf("restoring %s: %d %s", tc.field, res2.StatusCode, b2)
				}
			}
			// 2. An import over HTTP, and 3. the command line, of a file with one new station.
			id := fmt.Sprintf("RULE-%d", i)
			file := ruleFile(t, id, tc.field, tc.value)
			res, rep := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", file, "Content-Type", "text/csv")
			if res.StatusCode == 200 {
				_, st := f.ts.get(t, "/api/v1/stations/"+id)
				got["import"] = "stored " + fmt.Sprint(property(t, st, tc.field, false))
			} else {
				got["import"] = outcome(t, res.StatusCode, rep, tc.field)
			}
			csvPath := filepath.Join(t.TempDir(), "rule.csv")
			os.WriteFile(csvPath, []byte(file), 0o644)
			if out, err := runCLI(t, "import", csvPath, "--db", cliDB); err != nil {
				got["cli"] = outcome(t, 422, []byte(out), tc.field) // it prints the import's report
			} else {
				got["cli"] = "stored " + storedField(t, cliDB, id, tc.field)
			}
			want := "stored " + tc.want
			if tc.code != "" {
				want = "refused " + tc.code + " " + tc.field
			}
			for _, p := range []string{"edit", "import", "cli"} {
				if got[p] != want {
					t.Errorf("%s: %s, want %s", p, got[p], want)
				}
			}
		})
	}
}

// outcome reads a write's answer: the stored value of field, or the refusal's code and field (a
// problem, or an import report's first row error).
func outcome(t *testing.T, status int, body []byte, field string) string {
	t.Helper()
	if status == 200 {
		return "stored " + fmt.Sprint(property(t, body, field, false))
	}
	var p struct {
		Code, Field string
		Errors      []struct{ Code, Field string }
	}
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("%d %s", status, body)
	}
	if len(p.Errors) > 0 {
		return "refused " + p.Errors[0].Code + " " + p.Errors[0].Field
	}
	return "refused " + p.Code + " " + p.Field
}

// property is field of a station Feature, as text ("a,b" for amenities); raw gives it as the JSON
// value an edit sends.
func property(t *testing.T, body []byte, field string, raw bool) any {
	t.Helper()
	ft := decode[feature](t, body)
	v := ft.Properties[field]
	if field == "amenities" {
		var codes []string
		for _, a := range v.([]any) {
			codes = append(codes, a.(string))
		}
		if raw {
			return codes
		}
		return strings.Join(codes, ",")
	}
	if m, ok := v.(map[string]any); ok { // kind, status, audience: {code, label}
		v = m["code"]
	}
	if raw {
		return v
	}
	return fmt.Sprint(v)
}

// ruleFile is a CSV file of one station whose field holds value.
func ruleFile(t *testing.T, id, field, value string) string {
	t.Helper()
	row := map[string]string{"id": id, "name": "规则测试爱心驿站", "kind": "caring_station", "lon": "123.4067", "lat": "41.7984"}
	row[field] = value
	header := []string{"id", "name", "kind", "lon", "lat"}
	if _, ok := map[string]bool{"id": true, "name": true, "kind": true, "lon": true, "lat": true}[field]; !ok {
		header = append(header, field)
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(header)
	cells := make([]string, len(header))
	for i, h := range header {
		cells[i] = row[h]
	}
	w.Write(cells)
	w.Flush()
	return b.String()
}

// storedField is what the database file at path holds in field of station id, as the API would show it.
func storedField(t *testing.T, path, id, field string) string {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, all, err := db.LoadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range all {
		if st.ID != id {
			continue
		}
		switch field {
		case "name":
			return st.Name
		case "address":
			return st.Address
		case "operator":
			return st.Operator
		case "status_note":
			return st.StatusNote
		case "phone":
			return st.Phone
		case "closed_until":
			return st.ClosedUntil
		case "kind":
			return st.Kind.String()
		case "status":
			return st.Status.String()
		case "audience":
			return st.Audience.String()
		case "amenities":
			return strings.ReplaceAll(st.Amenities.String(), ";", ",")
		}
		t.Fatalf("no field %s", field)
	}
	t.Fatalf("station %s not stored", id)
	return ""
}

// Account names are cleaned as station fields are: made over the API or the command line with
// invisible characters, the account carries the cleaned name and signs in with it, typed either way.
func TestUsernameCleanedEverywhere(t *testing.T) {
	f := newAdminFixture(t)
	body := `{"username":"\u200bwang\u2060","password":"` + adminPassword + `","role":"operator"}`
	res, b := f.admin.do(t, http.MethodPost, "/api/v1/admin/users", body)
	if res.StatusCode != 201 || decode[map[string]any](t, b)["username"] != "wang" {
		t.Fatalf("create: %d %s", res.StatusCode, b)
	}
	if _, err := userCLI(t, f.ts, adminPassword+"\n", "add", "\ufeffzhao\u00ad", "--role", "operator"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"wang", "\u200bwang", "zhao", "zhao\u200b"} {
		if s := newBrowser(f.ts, "127.0.0.20").login(t, name, adminPassword); s.User.Username != strings.Trim(name, "\u200b") {
			t.Errorf("signed in as %q: %+v", name, s.User)
		}
	}
	res, b = f.admin.do(t, http.MethodPost, "/api/v1/admin/users", `{"username":"\u200b\u200c","password":"`+adminPassword+`","role":"operator"}`)
	checkProblem(t, res, b, 400, "out_of_range", "username")
}

// adminFixture is a server of the test's own with an admin signed in, for the tests that send the
// same thing over HTTP and through the command line.
type adminFixture struct {
	ts    *testServer
	admin *browser
}

func newAdminFixture(t *testing.T) adminFixture {
	t.Helper()
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword+"\n", "add", "boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.2")
	admin.login(t, "boss", adminPassword)
	return adminFixture{ts: ts, admin: admin}
}
