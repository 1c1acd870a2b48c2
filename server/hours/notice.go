package hours

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Day is one day of a year's official arrangement: a day off (holiday, weekend days inside a festival's
// block included) or an adjusted working day (workday, 调休上班), with the festival it belongs to.
type Day struct {
	Date string `json:"date"` // YYYY-MM-DD
	Kind string `json:"kind"` // holiday or workday
	Name string `json:"name"` // 春节; a workday: 春节调休上班, as in holidays_cn.csv
}

// Notice is what the State Council General Office's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知)
// says: the year it arranges, every day off and adjusted working day in date order, and the sentences
// that are no dates (鼓励…安排职工在除夕休息) as notes. The 元旦 block may begin in late December of the
// year before (2019: 2018年12月30日至2019年1月1日); those days are included, dated as they are.
type Notice struct {
	Year  int      `json:"year"`
	Days  []Day    `json:"days"`
	Notes []string `json:"notes"`
}

// NoticeError says what in a text was not understood: Item is the festival item ("三、清明节"), or empty
// for the text as a whole. Format and Args are an English message catalogue key and its arguments.
type NoticeError struct {
	Item   string
	Format string
	Args   []any
}

func noticef(format string, args ...any) *NoticeError {
	return &NoticeError{Format: format, Args: args}
}

func (e *NoticeError) in(item string) *NoticeError { e.Item = item; return e }

func (e *NoticeError) Error() string {
	msg := fmt.Sprintf(e.Format, e.Args...)
	if e.Item != "" {
		return e.Item + ": " + msg
	}
	return msg
}

// MaxNoticeText bounds a notice's text: the real ones are about 2 KB.
const MaxNoticeText = 64 << 10

// Festivals are the names an item may carry, longest first where one contains another.
var festivals = []string{"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}

var (
	// An item: a Chinese ordinal, 、 and one festival or two joined by 、, then a colon.
	itemRE = regexp.MustCompile(`(?:^|[。\n])\s*([一二三四五六七八九十]{1,2})\s*[、.]\s*((?:元旦|春节|清明节|劳动节|端午节|中秋节|国庆节)(?:\s*[、和与]\s*(?:元旦|春节|清明节|劳动节|端午节|中秋节|国庆节))?)\s*:`)
	yearRE = regexp.MustCompile(`关于\s*(\d{4})\s*年\s*部分节假日安排|现将\s*(\d{4})\s*年\s*(?:元旦|春节)`)
	// A date as notices write it, with an optional weekday or lunar note in parentheses.
	dateRE     = regexp.MustCompile(`^(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?`)
	dateInRE   = regexp.MustCompile(`\d+月\d+日`)
	countRE    = regexp.MustCompile(`^共?(\d{1,2})天$`)
	weekdayRE  = regexp.MustCompile(`(?:星期|周)([一二三四五六日天])`)
	weekdayMap = map[string]time.Weekday{"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday, "四": time.Thursday,
		"五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday}
	// Where the items end: the closing paragraph, the signature.
	endRE = regexp.MustCompile(`节假日期间|国务院办公厅\s*\n|国务院办公厅\s*$`)
)

// ParseNotice reads the pasted text of a yearly holiday notice. Every festival item must be understood
// whole (its days off, its 共N天 total when given, its weekdays when given, its 上班 days); a text
// with no items, no year or an item that is not understood is a *NoticeError naming the item.
func ParseNotice(text string) (Notice, error) {
	if len(text) > MaxNoticeText {
		return Notice{}, noticef("the text is %d KB; a notice is about 2 KB (at most %d KB): paste only the notice", len(text)>>10, MaxNoticeText>>10)
	}
	text = foldNotice(text)
	m := yearRE.FindStringSubmatch(text)
	if m == nil {
		return Notice{}, noticef("no year found: a notice says 关于2027年部分节假日安排的通知 or 现将2027年元旦、春节…")
	}
	year, _ := strconv.Atoi(m[1] + m[2])
	if year < 2000 || year > 2200 {
		return Notice{}, noticef("the year %d is not plausible", year)
	}
	first := itemRE.FindStringIndex(text)
	if first == nil {
		return Notice{}, noticef("no festival items found: a notice lists them as 一、元旦：1月1日放假…")
	}
	if end := endRE.FindStringIndex(text[first[1]:]); end != nil {
		text = text[:first[1]+end[0]]
	}
	locs := itemRE.FindAllStringSubmatchIndex(text, -1)
	n := Notice{Year: year, Days: []Day{}, Notes: []string{}}
	seen := map[string]string{} // date → item
	for i, loc := range locs {
		ord, name := text[loc[2]:loc[3]], stripSpace(text[loc[4]:loc[5]])
		name = strings.NewReplacer("和", "、", "与", "、").Replace(name)
		item := ord + "、" + name
		end := len(text)
		if i+1 < len(locs) {
			end = locs[i+1][2] // the next ordinal
		}
		days, notes, err := parseItem(year, name, text[loc[1]:end])
		if err != nil {
			err.Item = item
			return Notice{}, err
		}
		for _, d := range days {
			if other, dup := seen[d.Date]; dup {
				return Notice{}, noticef("%s is also in %s", d.Date, other).in(item)
			}
			seen[d.Date] = item
		}
		n.Days = append(n.Days, days...)
		n.Notes = append(n.Notes, notes...)
	}
	sortDays(n.Days)
	return n, nil
}

// foldNotice makes full-width digits, letters and punctuation half-width (（）：，→ (): ,) and line
// breaks inside sentences harmless.
func foldNotice(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～' && r != '，' && r != '、':
			r -= 0xFEE0
		case r == '\u3000' || r == '\u00a0':
			r = ' '
		case r == '〔':
			r = '['
		case r == '〕':
			r = ']'
		case r == '—' || r == '－' || r == '~':
			r = '至'
		}
		b.WriteRune(r)
	}
	s = strings.ReplaceAll(b.String(), "\r", "\n")
	return strings.ReplaceAll(s, ",", "，")
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// parseItem reads one festival's sentences: a holiday sentence first, then 上班 sentences; other
// sentences are notes.
func parseItem(year int, name, body string) ([]Day, []string, *NoticeError) {
	var days, work []Day
	var notes []string
	holidays := false
	for _, sent := range strings.Split(stripSpace(body), "。") {
		if sent == "" {
			continue
		}
		switch {
		case !holidays && strings.Contains(sent, "放假"):
			d, err := parseDaysOff(year, name, sent)
			if err != nil {
				return nil, nil, err
			}
			days, holidays = d, true
		case holidays && strings.HasSuffix(sent, "上班"):
			d, err := parseWorkdays(year, name, strings.TrimSuffix(sent, "上班"))
			if err != nil {
				return nil, nil, err
			}
			work = append(work, d...)
		case !holidays:
			return nil, nil, noticef("%q: expected the days off first (…放假)", sent)
		case dateInRE.MatchString(sent):
			notes = append(notes, name+"："+sent+"。")
		default:
			notes = append(notes, sent+"。")
		}
	}
	if !holidays {
		return nil, nil, noticef("no days off (…放假) in this item")
	}
	return append(days, work...), notes, nil
}

// parseDaysOff reads "2月15日(…)至23日(…)放假调休，共9天", "5月1日放假，与周末连休", "4月5日放假，4月6日(星期一)
// 补休", "1月1日(周三)放假1天，不调休", "5月1日放假".
func parseDaysOff(year int, name, sent string) ([]Day, *NoticeError) {
	before, after, _ := strings.Cut(sent, "放假")
	first, rest, err := readDate(year, name, before, nil)
	if err != nil {
		return nil, err
	}
	last := first
	if rest != "" {
		if !strings.HasPrefix(rest, "至") {
			return nil, noticef("%q: not understood before 放假", rest)
		}
		if last, rest, err = readDate(year, name, rest[len("至"):], &first); err != nil {
			return nil, err
		}
		if rest != "" {
			return nil, noticef("%q: not understood before 放假", rest)
		}
		if last.Before(first) || last.Sub(first) > 20*24*time.Hour {
			return nil, noticef("%s to %s is not a holiday block", first.Format(time.DateOnly), last.Format(time.DateOnly))
		}
	}
	after = strings.TrimPrefix(after, "调休")
	count, joinWeekend := 0, false
	for _, clause := range strings.Split(after, "，") {
		switch {
		case clause == "" || clause == "不调休":
		case countRE.MatchString(clause):
			count, _ = strconv.Atoi(countRE.FindStringSubmatch(clause)[1])
		case clause == "与周末连休":
			joinWeekend = true
		case strings.HasSuffix(clause, "补休"):
			d, rest, err := readDate(year, name, strings.TrimSuffix(clause, "补休"), &last)
			if err != nil {
				return nil, err
			}
			if rest != "" || d.Before(last) || d.Sub(last) > 3*24*time.Hour {
				return nil, noticef("%q: not understood", clause)
			}
			last, joinWeekend = d, true
		default:
			return nil, noticef("%q: not understood after 放假", clause)
		}
	}
	if joinWeekend { // the weekend days that touch the days off belong to the block
		for isWeekend(first.AddDate(0, 0, -1)) {
			first = first.AddDate(0, 0, -1)
		}
		for isWeekend(last.AddDate(0, 0, 1)) {
			last = last.AddDate(0, 0, 1)
		}
	}
	var days []Day
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, Day{Date: d.Format(time.DateOnly), Kind: "holiday", Name: name})
	}
	if count > 0 && count != len(days) {
		return nil, noticef("%s to %s is %d days, but the item says 共%d天", first.Format(time.DateOnly), last.Format(time.DateOnly), len(days), count)
	}
	return days, nil
}

// parseWorkdays reads "2月14日(周六)、2月28日(周六)" before 上班.
func parseWorkdays(year int, name, list string) ([]Day, *NoticeError) {
	var days []Day
	for _, part := range splitOutside(list, '、') {
		d, rest, err := readDate(year, name, part, nil)
		if err != nil {
			return nil, err
		}
		if rest != "" {
			return nil, noticef("%q: not understood before 上班", part)
		}
		if !isWeekend(d) {
			return nil, noticef("%s is a %s: an adjusted working day is a Saturday or Sunday", d.Format(time.DateOnly), weekdayZh[d.Weekday()])
		}
		days = append(days, Day{Date: d.Format(time.DateOnly), Kind: "workday", Name: name + "调休上班"})
	}
	return days, nil
}

var weekdayZh = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// readDate reads one date at the start of s. A date without a year is in year, but a 元旦 date in
// December is in the year before; a date without a month is in the month of prev (the start of its
// range). A weekday in the parentheses must be the date's.
func readDate(year int, name, s string, prev *time.Time) (time.Time, string, *NoticeError) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, "", noticef("%q: expected a date such as 1月1日", clip(s))
	}
	y, mo := year, 0
	if m[2] != "" {
		mo, _ = strconv.Atoi(m[2])
	} else if prev != nil {
		mo = int(prev.Month())
		y = prev.Year()
	} else {
		return time.Time{}, "", noticef("%q: the date has no month", m[0])
	}
	if m[2] != "" && prev != nil {
		y = prev.Year()
		if mo < int(prev.Month()) {
			y++
		}
	} else if m[2] != "" && mo == 12 && strings.Contains(name, "元旦") {
		y = year - 1
	}
	if m[1] != "" {
		y, _ = strconv.Atoi(m[1])
	}
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if mo < 1 || mo > 12 || t.Day() != d || t.Month() != time.Month(mo) {
		return time.Time{}, "", noticef("%q is not a date", m[0])
	}
	if y < year-1 || y > year {
		return time.Time{}, "", noticef("%s is not in %d", t.Format(time.DateOnly), year)
	}
	if w := weekdayRE.FindStringSubmatch(m[4]); w != nil && weekdayMap[w[1]] != t.Weekday() {
		return time.Time{}, "", noticef("%s is a %s, not %s: is this the notice for %d?", t.Format(time.DateOnly), weekdayZh[t.Weekday()], w[0], year)
	}
	return t, s[len(m[0]):], nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

func isWeekend(t time.Time) bool { return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday }

func sortDays(days []Day) {
	for i := 1; i < len(days); i++ {
		for j := i; j > 0 && days[j].Date < days[j-1].Date; j-- {
			days[j], days[j-1] = days[j-1], days[j]
		}
	}
}

// splitOutside splits s at sep where it is not inside parentheses.
func splitOutside(s string, sep rune) []string {
	var parts []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case r == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + len(string(sep))
		}
	}
	return append(parts, s[start:])
}

// Festival is one festival's days in a notice, for showing it: its days off and its working days.
type Festival struct {
	Name     string   `json:"name"`
	Off      []string `json:"off"`
	Workdays []string `json:"workdays"`
}

// Festivals groups days by festival, in the order of their first day off.
func Festivals(days []Day) []Festival {
	var out []Festival
	at := map[string]int{}
	for _, d := range days {
		name := strings.TrimSuffix(d.Name, "调休上班")
		i, ok := at[name]
		if !ok {
			i = len(out)
			at[name] = i
			out = append(out, Festival{Name: name, Off: []string{}, Workdays: []string{}})
		}
		if d.Kind == "workday" {
			out[i].Workdays = append(out[i].Workdays, d.Date)
		} else {
			out[i].Off = append(out[i].Off, d.Date)
		}
	}
	// In the order of the first day off: a 调休 workday may come before its block (国庆节's in September).
	slices.SortStableFunc(out, func(a, b Festival) int { return strings.Compare(first(a.Off), first(b.Off)) })
	return out
}

func first(dates []string) string {
	if len(dates) == 0 {
		return "9999"
	}
	return dates[0]
}
