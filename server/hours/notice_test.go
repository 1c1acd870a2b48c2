package hours

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The corpus: the State Council General Office's notices as published (public government documents,
// not subject to copyright under art. 5 of the PRC Copyright Law), one per year in
// testdata/notices/YYYY.txt, each copied from the page below (the official document number is in the
// file). 2024–2026 are also on gov.cn at the addresses holidays_cn.csv cites. No 2027 notice was found
// (searched 2026-12-08).
//
//	2015 国办发明电〔2014〕28号 https://www.rmzxw.com.cn/sy/jrdt/2014/12/16/419609.shtml
//	2016 国办发明电〔2015〕18号 http://m.5728338.com/TongZhiGongGao/625065.html (traditional characters; the
//	     page's template had dropped "2016年" from the title and the opening sentence, restored here)
//	2017 国办发明电〔2016〕17号 http://59180.com/e/action/ShowInfo.php?classid=106&id=39796
//	2018 国办发明电〔2017〕12号 https://scgw.gov.cn/Detail.aspx?id=20171206072746664
//	2019 国办发明电〔2018〕15号 http://czj.gnzrmzf.gov.cn/info/1282/12573.htm
//	2020 国办发明电〔2019〕16号 http://news.chengdu.cn/2019/1121/2083946.shtml
//	2021 国办发明电〔2020〕27号 https://0798ci.com/law/95022.html
//	2022 国办发明电〔2021〕11号 http://www.beijing.gov.cn/zhengce/zhengcefagui/202110/t20211026_2520500.html
//	2023 国办发明电〔2022〕16号 https://zh.m.wikisource.org/zh/国务院办公厅关于2023年部分节假日安排的通知
//	2024 国办发明电〔2023〕7号  https://www.gov.cn/zhengce/content/202310/content_6911527.htm
//	     (text read at https://zh.wikisource.org/wiki/国务院办公厅关于2024年部分节假日安排的通知)
//	2025 国办发明电〔2024〕12号 https://www.gov.cn/zhengce/content/202411/content_6986382.htm
//	     (text read at https://m.gmw.cn/2024-11/12/content_1303894933.htm)
//	2026 国办发明电〔2025〕7号  https://www.gov.cn/zhengce/content/202511/content_7047090.htm
//	     (text read at https://politics.gmw.cn/2025-11/04/content_38391083.htm)
func readNotice(t testing.TB, year int) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("testdata/notices/%d.txt", year))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// festivalTotals counts a notice's days off and workdays per festival, with the days that fall in the
// year before.
func festivalTotals(n Notice) string {
	var parts []string
	counts := map[string]int{}
	var order []string
	for _, d := range n.Days {
		key := d.Name
		if d.Kind == "holiday" {
			key += "休"
		}
		if _, ok := counts[key]; !ok {
			order = append(order, key)
		}
		counts[key]++
	}
	for _, k := range order {
		parts = append(parts, fmt.Sprintf("%s%d", k, counts[k]))
	}
	return strings.Join(parts, " ")
}

// The years holidays_cn.csv covers: every day of the year, kind and name exactly as in the file.
func TestNoticeMatchesCalendarFile(t *testing.T) {
	for _, year := range []int{2024, 2025, 2026} {
		n, err := ParseNotice(readNotice(t, year))
		if err != nil {
			t.Fatalf("%d: %v", year, err)
		}
		if n.Year != year {
			t.Errorf("%d: year %d", year, n.Year)
		}
		var got, want []string
		for _, d := range n.Days {
			if strings.HasPrefix(d.Date, fmt.Sprint(year)) {
				got = append(got, d.Date+","+d.Kind+","+d.Name)
			}
		}
		for _, l := range strings.Split(defaultCalendar, "\n") {
			if strings.HasPrefix(l, fmt.Sprint(year)+"-") {
				want = append(want, l)
			}
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%d:\n got %v\nwant %v", year, got, want)
		}
	}
}

// Every notice, hand-checked: the totals per festival (days off 休, adjusted working days 调休上班) are
// the notice's 共N天 where it says one; where it does not, the day named plus the 补休 day plus the
// weekend they touch (与周末连休), checked against a calendar.
func TestNoticeCorpus(t *testing.T) {
	want := map[int]struct {
		totals string
		before []string // days in the year before (the 元旦 block)
		notes  int
	}{
		2015: {"元旦休3 元旦调休上班1 春节调休上班2 春节休7 清明节休3 劳动节休3 端午节休3 中秋节休1 国庆节休7 国庆节调休上班1", nil, 0},
		2016: {"元旦休3 春节调休上班2 春节休7 清明节休3 劳动节休3 端午节休3 端午节调休上班1 中秋节休3 中秋节调休上班1 国庆节休7 国庆节调休上班2", nil, 0},
		2017: {"元旦休3 春节调休上班2 春节休7 清明节调休上班1 清明节休3 劳动节休3 端午节调休上班1 端午节休3 中秋节、国庆节调休上班1 中秋节、国庆节休8", []string{"2016-12-31"}, 0},
		2018: {"元旦休3 春节调休上班2 春节休7 清明节休3 清明节调休上班1 劳动节调休上班1 劳动节休3 端午节休3 中秋节休3 国庆节调休上班2 国庆节休7", []string{"2017-12-30", "2017-12-31"}, 0},
		2019: {"元旦调休上班1 元旦休3 春节调休上班2 春节休7 清明节休3 劳动节休1 端午节休3 中秋节休3 国庆节调休上班2 国庆节休7", []string{"2018-12-29", "2018-12-30", "2018-12-31"}, 0},
		2020: {"元旦休1 春节调休上班2 春节休7 清明节休3 劳动节调休上班2 劳动节休5 端午节休3 端午节调休上班1 国庆节、中秋节调休上班2 国庆节、中秋节休8", nil, 0},
		2021: {"元旦休3 春节调休上班2 春节休7 清明节休3 劳动节调休上班2 劳动节休5 端午节休3 中秋节调休上班1 中秋节休3 国庆节调休上班2 国庆节休7", nil, 0},
		2022: {"元旦休3 春节调休上班2 春节休7 清明节调休上班1 清明节休3 劳动节调休上班2 劳动节休5 端午节休3 中秋节休3 国庆节休7 国庆节调休上班2", nil, 0},
		2023: {"元旦休3 春节休7 春节调休上班2 清明节休1 劳动节调休上班2 劳动节休5 端午节休3 端午节调休上班1 中秋节、国庆节休8 中秋节、国庆节调休上班2", []string{"2022-12-31"}, 0},
		2024: {"元旦休3 春节调休上班2 春节休8 清明节休3 清明节调休上班1 劳动节调休上班2 劳动节休5 端午节休3 中秋节调休上班1 中秋节休3 国庆节调休上班2 国庆节休7", []string{"2023-12-30", "2023-12-31"}, 1},
		2025: {"元旦休1 春节调休上班2 春节休8 清明节休3 劳动节调休上班1 劳动节休5 端午节休3 国庆节、中秋节调休上班2 国庆节、中秋节休8", nil, 0},
		2026: {"元旦休3 元旦调休上班1 春节调休上班2 春节休9 清明节休3 劳动节休5 劳动节调休上班1 端午节休3 国庆节调休上班2 中秋节休3 国庆节休7", nil, 1},
	}
	for year := 2015; year <= 2026; year++ {
		n, err := ParseNotice(readNotice(t, year))
		if err != nil {
			t.Errorf("%d: %v", year, err)
			continue
		}
		w := want[year]
		if n.Year != year {
			t.Errorf("%d: year %d", year, n.Year)
		}
		if got := festivalTotals(n); got != w.totals {
			t.Errorf("%d totals:\n got %s\nwant %s", year, got, w.totals)
		}
		var before []string
		for _, d := range n.Days {
			if !strings.HasPrefix(d.Date, fmt.Sprint(year)) {
				before = append(before, d.Date)
			}
			day, _ := time.Parse(time.DateOnly, d.Date)
			if d.Kind == "workday" && !isWeekend(day) {
				t.Errorf("%d: workday %s is a %s", year, d.Date, day.Weekday())
			}
		}
		if strings.Join(before, ",") != strings.Join(w.before, ",") {
			t.Errorf("%d: days in the year before %v, want %v", year, before, w.before)
		}
		if len(n.Notes) != w.notes {
			t.Errorf("%d: notes %q", year, n.Notes)
		}
	}
}

// Festivals come in the order of their days off, with their workdays, however the days are sorted.
func TestFestivalsOrder(t *testing.T) {
	n, err := ParseNotice(readNotice(t, 2026))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range Festivals(n.Days) {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, " "); got != "元旦 春节 清明节 劳动节 端午节 中秋节 国庆节" {
		t.Errorf("order %s", got)
	}
	if f := Festivals(n.Days)[6]; len(f.Off) != 7 || strings.Join(f.Workdays, ",") != "2026-09-20,2026-10-10" {
		t.Errorf("国庆节 %+v", f)
	}
}

// The same notice as people paste it: half-width punctuation, line breaks inside items, full-width
// digits, 星期 or 周, a dash for 至.
func TestNoticeVariants(t *testing.T) {
	base := readNotice(t, 2026)
	ref, err := ParseNotice(base)
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]string{
		"half-width":  strings.NewReplacer("（", "(", "）", ")", "：", ":", "，", ",").Replace(base),
		"line breaks": strings.NewReplacer("至", "\n至", "放假", "放\n假", "上班", "上\r\n班").Replace(base),
		"full-width digits": strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r + 0xFEE0
			}
			return r
		}, base),
		"星期":         strings.NewReplacer("周四", "星期四", "周日", "星期日", "周六", "星期六").Replace(base),
		"one line":   strings.ReplaceAll(base, "\n", ""),
		"dash":       strings.ReplaceAll(base, "至", "—"),
		"items only": base[strings.Index(base, "一、元旦"):strings.Index(base, "鼓励单位")] + "\n现将2026年元旦、春节放假安排通知如下",
	}
	for name, text := range variants {
		n, err := ParseNotice(text)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fmt.Sprint(n.Days) != fmt.Sprint(ref.Days) {
			t.Errorf("%s: days differ:\n%v\n%v", name, n.Days, ref.Days)
		}
	}
}

// What is not a notice, or not one the parser understands whole, is an error naming what.
func TestNoticeRefusals(t *testing.T) {
	n2026 := readNotice(t, 2026)
	cases := map[string]struct{ text, want string }{
		"empty":    {"", "no year found"},
		"english":  {"General Office of the State Council: Notice on the arrangement of some holidays in 2027. New Year's Day: 1 January.", "no year found"},
		"no items": {"国务院办公厅关于2027年部分节假日安排的通知\n请见附件。", "no festival items"},
		"large":    {strings.Repeat("国务院办公厅关于2027年部分节假日安排的通知", 20000), "KB"},
		// the 2026 notice relabelled 2027: its weekdays are 2026's
		"wrong year":   {strings.ReplaceAll(n2026, "2026年", "2027年"), "is a 星期五, not 周四: is this the notice for 2027?"},
		"bad total":    {strings.Replace(n2026, "共9天", "共8天", 1), "二、春节: 2026-02-15 to 2026-02-23 is 9 days, but the item says 共8天"},
		"bad date":     {strings.Replace(n2026, "6月19日（周五）", "6月31日", 1), "五、端午节: \"6月31日\" is not a date"},
		"weekday work": {strings.Replace(n2026, "5月9日（周六）上班", "5月8日上班", 1), "四、劳动节: 2026-05-08 is a 星期五"},
		"gibberish":    {strings.Replace(n2026, "放假，共3天", "放假，大概三天吧", 1), "not understood after 放假"},
		"no days off":  {strings.Replace(n2026, "三、清明节：4月4日（周六）至6日（周一）放假，共3天。", "三、清明节：另行通知。", 1), "三、清明节: \"另行通知\": expected the days off first"},
		"overlap":      {strings.Replace(n2026, "6月19日（周五）至21日（周日）", "5月5日（周二）至7日（周四）", 1), "2026-05-05 is also in 四、劳动节"},
	}
	for name, c := range cases {
		_, err := ParseNotice(c.text)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

func FuzzParseNotice(f *testing.F) {
	for y := 2015; y <= 2026; y++ {
		f.Add(readNotice(f, y))
	}
	f.Add("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：12月31日至1月2日放假调休，共3天。")
	f.Add("现将2027年元旦：一、元旦：1月1日放假，1月2日补休。二、春节：2月1日至日放假。")
	f.Fuzz(func(t *testing.T, text string) {
		n, err := ParseNotice(text)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, d := range n.Days {
			day, perr := time.Parse(time.DateOnly, d.Date)
			if perr != nil || day.Year() < n.Year-1 || day.Year() > n.Year || seen[d.Date] || !utf8.ValidString(d.Name) || d.Name == "" {
				t.Fatalf("bad day %+v in %+v", d, n)
			}
			seen[d.Date] = true
		}
	})
}

// A stored year replaces the file's for that year; its days in the December before join that year
// only when it is covered.
func TestCalendarWith(t *testing.T) {
	n2019, err := ParseNotice(readNotice(t, 2019))
	if err != nil {
		t.Fatal(err)
	}
	cal := DefaultCalendar.With([]Year{{2026, []Day{{"2026-02-17", "holiday", "春节"}}}, {2019, n2019.Days}})
	if _, ok := cal.Holiday(2026, 2, 16); ok {
		t.Error("2026-02-16 is still a holiday: the stored 2026 must replace the file's")
	}
	if name, ok := cal.Holiday(2026, 2, 17); !ok || name != "春节" {
		t.Error("2026-02-17 is no holiday")
	}
	if _, ok := cal.Holiday(2026, 10, 1); ok {
		t.Error("2026-10-01: the stored 2026 has only one day")
	}
	if !cal.Covers(2019) || cal.Covers(2018) {
		t.Errorf("covers %v", cal.Years())
	}
	if _, ok := cal.Holiday(2018, 12, 30); ok {
		t.Error("2018 is not covered: its statutory days only")
	}
	if name, ok := cal.Holiday(2019, 2, 5); !ok || name != "春节" {
		t.Error("2019-02-05 is no holiday")
	}
	if _, ok := DefaultCalendar.Holiday(2026, 2, 16); !ok {
		t.Error("With changed the calendar it was called on")
	}
	n2018, _ := ParseNotice(readNotice(t, 2018))
	both := DefaultCalendar.With([]Year{{2018, n2018.Days}, {2019, n2019.Days}})
	if name, ok := both.Holiday(2018, 12, 31); !ok || name != "元旦" {
		t.Error("2018-12-31 is in 2019's 元旦 block, 2018 being covered")
	}
	if name, ok := both.Workday(2018, 12, 29); !ok || name != "元旦调休上班" {
		t.Error("2018-12-29 is a workday of 2019's 元旦")
	}
	if got := len(both.Days(2019)); got != len(n2019.Days)-3 {
		t.Errorf("Days(2019) has %d", got)
	}
}
