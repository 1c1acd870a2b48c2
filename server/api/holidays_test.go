package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
)

// A holidays fixture: a small seed served with the stored years listed, "today" 2026-12-08 in
// Shanghai, an admin and an operator signed in, and one station whose hours say PH off.
type holidaysFixture struct {
	ts        *harness
	admin, op *browser
	id        string
	lat, lon  float64
}

var holidaysToday = time.Date(2026, 12, 8, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newHolidaysFixture(t *testing.T) *holidaysFixture {
	t.Helper()
	ts := startServer(t, smallSeed(t), func(d *api.Deps) {
		d.Holidays = d.Writer.Store.(api.HolidayStore)
		d.Now = func() time.Time { return holidaysToday }
	})
	f := &holidaysFixture{ts: ts, id: ts.stations[0].ID, lat: ts.stations[0].Lat, lon: ts.stations[0].Lon}
	for _, u := range []struct{ name, role string }{{"boss", "admin"}, {"zhang", "operator"}} {
		if _, err := userAdd(ts, adminPassword, u.name, u.role); err != nil {
			t.Fatal(err)
		}
	}
	f.admin, f.op = newBrowser(ts, "127.0.0.2"), newBrowser(ts, "127.0.0.3")
	f.admin.login(t, "boss", adminPassword)
	f.op.login(t, "zhang", adminPassword)
	res, _ := f.admin.do(t, http.MethodGet, "/api/v1/stations/"+f.id, "")
	if res, body := f.admin.do(t, http.MethodPatch, "/api/v1/stations/"+f.id, `{"opening_hours":"Mo-Fr 09:00-17:00; PH off"}`, "If-Match", res.Header.Get("ETag")); res.StatusCode != 200 {
		t.Fatalf("edit: %d %s", res.StatusCode, body)
	}
	return f
}

func noticeJSON(t *testing.T, year int, replace ...string) string {
	t.Helper()
	text, err := os.ReadFile(fmt.Sprintf("../hours/testdata/notices/%d.txt", year))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(replace...).Replace(string(text))
	b, _ := json.Marshal(map[string]string{"text": s})
	return string(b)
}

// openAt is the station's open_now in nearby at t, and hours/preview's open for its text at t.
func (f *holidaysFixture) openAt(t *testing.T, at string) (nearby, preview any) {
	t.Helper()
	_, body := f.ts.get(t, fmt.Sprintf("/api/v1/stations/nearby?lat=%v&lon=%v&limit=1&radius=10&at=%s", f.lat, f.lon, url.QueryEscape(at)))
	fc := decode[collection](t, body)
	if len(fc.Features) != 1 || fc.Features[0].ID != f.id {
		t.Fatalf("nearby: %s", body)
	}
	_, body = f.ts.get(t, "/api/v1/hours/preview?text="+url.QueryEscape("Mo-Fr 09:00-17:00; PH off")+"&at="+url.QueryEscape(at))
	p := decode[map[string]any](t, body)
	return fc.Features[0].Properties["open_now"], p["open"]
}

// An admin pastes next year's notice, reads what it says, stores it; from the next request on, open
// now (nearby), hours/preview, meta's calendar and coverage, the metric and the list of years follow it.
func TestHolidaysStoredYearTakesEffect(t *testing.T) {
	f := newHolidaysFixture(t)
	// No 2027 notice was published when this was written: the 2026 notice's items with 2027's dates
	// (春节 2027: 2月6日 is 正月初一) stand in for one, as an admin would paste it.
	text := noticeJSON(t, 2026, "2026年", "2027年",
		"1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。", "1月1日（周五）至3日（周日）放假，共3天。",
		"2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。",
		"2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。",
		"4月4日（周六）至6日（周一）放假，共3天。", "4月3日（周六）至5日（周一）放假，共3天。",
		"5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。", "5月1日（周六）至5日（周三）放假调休，共5天。5月8日（周六）上班。",
		"6月19日（周五）至21日（周日）放假，共3天。", "6月9日（周三）放假1天。",
		"9月25日（周五）至27日（周日）放假，共3天。", "9月15日（周三）放假1天。",
		"10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。", "10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。")
	_, body := f.ts.get(t, "/api/v1/meta")
	var meta struct {
		Holidays struct {
			Holidays map[string]string
			Coverage struct {
				Covered          []int
				NextYear         int  `json:"next_year"`
				NextYearCovered  bool `json:"next_year_covered"`
				NextYearExpected bool `json:"next_year_expected"`
			}
		}
	}
	json.Unmarshal(body, &meta)
	if c := meta.Holidays.Coverage; c.NextYear != 2027 || c.NextYearCovered || !c.NextYearExpected || fmt.Sprint(c.Covered) != "[2024 2025 2026]" {
		t.Fatalf("coverage before: %+v", c)
	}
	if _, m := f.ts.get(t, "/metrics"); !strings.Contains(string(m), "yizhan_holidays_next_year_covered 0") {
		t.Fatal("the metric does not say next year is missing")
	}
	const springMonday = "2027-02-08T10:00:00+08:00" // a Monday: an ordinary day until 2027 is stored
	if n, p := f.openAt(t, springMonday); n != true || p != true {
		t.Fatalf("before: nearby %v, preview %v", n, p)
	}

	res, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/holidays/parse", text)
	if res.StatusCode != 200 {
		t.Fatalf("parse: %d %s", res.StatusCode, body)
	}
	var parsed struct {
		Year      int
		Days      []map[string]string
		Festivals []struct{ Name string }
	}
	json.Unmarshal(body, &parsed)
	if parsed.Year != 2027 || len(parsed.Festivals) != 7 {
		t.Fatalf("parsed %s", body)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM holiday_year`); n != 0 {
		t.Fatal("parse stored something")
	}
	days, _ := json.Marshal(map[string]any{"days": parsed.Days})
	res, body = f.admin.do(t, http.MethodPut, "/api/v1/admin/holidays/2027", string(days))
	if res.StatusCode != 200 {
		t.Fatalf("put: %d %s", res.StatusCode, body)
	}
	// The very next requests.
	if n, p := f.openAt(t, springMonday); n != false || p != false {
		t.Errorf("after: nearby %v, preview %v (2027-02-08 is in the Spring Festival block)", n, p)
	}
	if n, p := f.openAt(t, "2027-02-20T10:00:00+08:00"); n != false || p != false { // a Saturday: Mo-Fr hours, 调休 changes nothing there
		t.Errorf("a Saturday: nearby %v, preview %v", n, p)
	}
	_, body = f.ts.get(t, "/api/v1/hours/preview?text="+url.QueryEscape("Mo-Fr 09:00-17:00; PH off")+"&at="+url.QueryEscape("2027-02-04T10:00:00+08:00"))
	if !strings.Contains(string(body), `"holiday":"春节"`) || !strings.Contains(string(body), `"adjusted_workday":null`) {
		t.Errorf("preview's week: %s", body)
	}
	_, body = f.ts.get(t, "/api/v1/meta")
	json.Unmarshal(body, &meta)
	if c := meta.Holidays.Coverage; !c.NextYearCovered || fmt.Sprint(c.Covered) != "[2024 2025 2026 2027]" || meta.Holidays.Holidays["2027-02-08"] != "春节" {
		t.Errorf("meta after: %+v", meta.Holidays.Coverage)
	}
	if _, m := f.ts.get(t, "/metrics"); !strings.Contains(string(m), "yizhan_holidays_next_year_covered 1") {
		t.Error("the metric still says next year is missing")
	}
	_, body = f.admin.do(t, http.MethodGet, "/api/v1/admin/holidays", "")
	var list struct {
		Years []struct {
			Year     int
			Source   string
			By, At   *string
			Holidays int
			Workdays int
		}
	}
	json.Unmarshal(body, &list)
	if len(list.Years) != 4 || list.Years[0].Source != "built_in" || list.Years[0].By != nil {
		t.Fatalf("list: %s", body)
	}
	if y := list.Years[3]; y.Year != 2027 || y.Source != "imported" || y.By == nil || *y.By != "boss" || y.At == nil || y.Holidays != 28 || y.Workdays != 4 {
		t.Errorf("2027: %+v", y)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM holiday_audit WHERE year = 2027 AND actor = 'boss' AND before = '[]'`); n != 1 {
		t.Errorf("audit entries: %d", n)
	}
	// A station's own answer uses the stored year too (its open_now at the server's now, which is a
	// plain Tuesday: open).
	if _, body := f.ts.get(t, "/api/v1/stations/"+f.id); !strings.Contains(string(body), `"open_now":true`) {
		t.Errorf("station: %s", body)
	}
}

// Only admins: anonymous 401, an operator 403, an admin without the CSRF token 403; nothing stored.
func TestHolidaysRights(t *testing.T) {
	f := newHolidaysFixture(t)
	put := `{"days":[{"date":"2027-01-01","kind":"holiday","name":"元旦"}]}`
	anon := newBrowser(f.ts, "127.0.0.9")
	for _, c := range []struct {
		who             *browser
		method, path, b string
		header          []string
		status          int
		code            string
	}{
		{anon, http.MethodGet, "/api/v1/admin/holidays", "", nil, 401, "unauthenticated"},
		{anon, http.MethodPost, "/api/v1/admin/holidays/parse", `{"text":"x"}`, nil, 401, "unauthenticated"},
		{anon, http.MethodPut, "/api/v1/admin/holidays/2027", put, nil, 401, "unauthenticated"},
		{f.op, http.MethodGet, "/api/v1/admin/holidays", "", nil, 403, "forbidden"},
		{f.op, http.MethodPost, "/api/v1/admin/holidays/parse", `{"text":"x"}`, nil, 403, "forbidden"},
		{f.op, http.MethodPut, "/api/v1/admin/holidays/2027", put, nil, 403, "forbidden"},
		{f.admin, http.MethodPut, "/api/v1/admin/holidays/2027", put, []string{"X-CSRF-Token", ""}, 403, "forbidden"},
		{f.admin, http.MethodPost, "/api/v1/admin/holidays/parse", `{"text":"x"}`, []string{"X-CSRF-Token", "nope"}, 403, "forbidden"},
	} {
		res, body := c.who.do(t, c.method, c.path, c.b, c.header...)
		checkProblem(t, res, body, c.status, c.code, "")
	}
	if n := f.ts.count(t, `SELECT count(*) FROM holiday_year`); n != 0 {
		t.Fatal("a refused request stored a year")
	}
}

// Bad input: each class is refused with a problem naming the field or row, and nothing is stored.
func TestHolidaysBadInput(t *testing.T) {
	f := newHolidaysFixture(t)
	day := func(date, kind, name string) string {
		return fmt.Sprintf(`{"date":%q,"kind":%q,"name":%q}`, date, kind, name)
	}
	days := func(d ...string) string { return `{"days":[` + strings.Join(d, ",") + `]}` }
	ok := day("2027-01-01", "holiday", "元旦")
	text := func(s string) string { b, _ := json.Marshal(map[string]string{"text": s}); return string(b) }
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		code, field, detail      string
	}{
		{"a day of another year", http.MethodPut, "/api/v1/admin/holidays/2027", days(ok, day("2026-10-01", "holiday", "国庆节")), 400, "invalid_parameter", "days[1].date", "不在 2027 年内"},
		{"not 元旦 in December before", http.MethodPut, "/api/v1/admin/holidays/2027", days(ok, day("2026-12-26", "holiday", "春节")), 400, "invalid_parameter", "days[1].date", "只有元旦假期"},
		{"a duplicate", http.MethodPut, "/api/v1/admin/holidays/2027", days(ok, day("2027-01-01", "holiday", "元旦")), 400, "invalid_parameter", "days[1].date", "重复"},
		{"a kind that is neither", http.MethodPut, "/api/v1/admin/holidays/2027", days(ok, day("2027-01-02", "vacation", "元旦")), 400, "invalid_parameter", "days[1].kind", "vacation"},
		{"a workday on a weekday", http.MethodPut, "/api/v1/admin/holidays/2027", days(ok, day("2027-01-04", "workday", "元旦调休上班")), 400, "invalid_parameter", "days[1].kind", "星期六或星期日"},
		{"an empty name", http.MethodPut, "/api/v1/admin/holidays/2027", days(ok, day("2027-01-02", "holiday", " ")), 400, "invalid_parameter", "days[1].name", "名称"},
		{"not a date", http.MethodPut, "/api/v1/admin/holidays/2027", days(day("2027-13-01", "holiday", "元旦")), 400, "invalid_parameter", "days[0].date", "不是日期"},
		{"no day off", http.MethodPut, "/api/v1/admin/holidays/2027", days(), 400, "invalid_parameter", "days", "没有任何放假日"},
		{"days not a list", http.MethodPut, "/api/v1/admin/holidays/2027", `{"days":"2027-01-01"}`, 400, "invalid_parameter", "days", ""},
		{"days missing", http.MethodPut, "/api/v1/admin/holidays/2027", `{}`, 400, "missing_parameter", "days", ""},
		{"a year that is no year", http.MethodPut, "/api/v1/admin/holidays/20x7", days(ok), 400, "invalid_parameter", "year", ""},
		{"a year out of range", http.MethodPut, "/api/v1/admin/holidays/1999", days(ok), 400, "out_of_range", "year", ""},
		{"an unknown member", http.MethodPut, "/api/v1/admin/holidays/2027", `{"days":[],"year":2027}`, 400, "invalid_parameter", "year", ""},
		{"an empty text", http.MethodPost, "/api/v1/admin/holidays/parse", text(""), 422, "invalid_notice", "text", "没有找到年份"},
		{"an English text", http.MethodPost, "/api/v1/admin/holidays/parse", text("Notice of the General Office of the State Council on the arrangement of some holidays in 2027. 1. New Year's Day: 1 January."), 422, "invalid_notice", "text", "没有找到年份"},
		{"a 500 KB text", http.MethodPost, "/api/v1/admin/holidays/parse", text(strings.Repeat("国务院办公厅关于2027年部分节假日安排的通知。", 500<<10/66)), 422, "invalid_notice", "text", "请只粘贴通知正文"},
		{"an old notice relabelled", http.MethodPost, "/api/v1/admin/holidays/parse", noticeJSON(t, 2026, "2026年", "2027年"), 422, "invalid_notice", "text", "这是 2027 年的通知吗"},
		{"an item not understood", http.MethodPost, "/api/v1/admin/holidays/parse", noticeJSON(t, 2026, "放假，共3天", "放假，大约三天"), 422, "invalid_notice", "text", "第“三、清明节”项"},
		{"no text", http.MethodPost, "/api/v1/admin/holidays/parse", `{}`, 400, "missing_parameter", "text", ""},
	} {
		res, body := f.admin.do(t, c.method, c.path, c.body)
		if res.StatusCode != c.status {
			t.Errorf("%s: %d %s", c.name, res.StatusCode, body)
			continue
		}
		checkProblem(t, res, body, c.status, c.code, c.field)
		if !strings.Contains(string(body), c.detail) {
			t.Errorf("%s: %s, want %q in the detail", c.name, body, c.detail)
		}
	}
	if n := f.ts.count(t, `SELECT count(*) FROM holiday_year`); n != 0 {
		t.Fatal("a refused request stored a year")
	}
	// An old notice pasted for next year: it parses as the year it is for, and storing it as 2027 is
	// refused by its dates.
	_, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/holidays/parse", noticeJSON(t, 2026))
	var n2026 struct{ Days []map[string]string }
	json.Unmarshal(body, &n2026)
	b, _ := json.Marshal(map[string]any{"days": n2026.Days})
	res, body := f.admin.do(t, http.MethodPut, "/api/v1/admin/holidays/2027", string(b))
	checkProblem(t, res, body, 400, "invalid_parameter", "days[0].date")
}

// The answers are as the OpenAPI description says.
func TestHolidaysMatchOpenAPI(t *testing.T) {
	f := newHolidaysFixture(t)
	router := openAPIRouter(t, f.ts)
	check := func(method, path, body string) {
		t.Helper()
		res, raw := f.admin.do(t, method, path, body)
		req, _ := http.NewRequest(method, f.ts.base+path, nil)
		validAnswer(t, router, req, res, raw)
	}
	check(http.MethodPost, "/api/v1/admin/holidays/parse", noticeJSON(t, 2024))
	check(http.MethodPost, "/api/v1/admin/holidays/parse", `{"text":"hello"}`)
	check(http.MethodPut, "/api/v1/admin/holidays/2027", `{"days":[{"date":"2027-01-01","kind":"holiday","name":"元旦"}]}`)
	check(http.MethodPut, "/api/v1/admin/holidays/2027", `{"days":[{"date":"2027-01-01","kind":"off","name":"元旦"}]}`)
	check(http.MethodGet, "/api/v1/admin/holidays", "")
	check(http.MethodGet, "/api/v1/meta", "")
}
