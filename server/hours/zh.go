package hours

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// zhToOSM converts Chinese opening-hours text to OpenStreetMap opening_hours syntax. partial is true
// when the result rests on an assumption (an implied season, a span read as past midnight without
// 次日, a season carried over to a later day rule) or carries free-text notes as comments; ok is false
// when any part of the text is not understood: such text is kept verbatim by the caller and never
// guessed.
//
// Full-width characters, dashes and brackets are folded first. Understood forms:
//
//   - times 8:00, 08:00, 8点, 8点半, 8点30分, 8时30分, 八点, and 8-18点; ranges joined by -,
//     —, –, ~, ～, 至 or 到; 早/早上/上午/凌晨 (am), 中午, 下午/傍晚, 晚/晚上/夜里 (pm, 晚12点 = 24:00);
//     下午1点到5点 reads the end as pm too; 次日 (or an end marked 凌晨/早) means past midnight;
//   - all day: 24小时, 全天, 全天24小时, 7×24小时, 24h, 全天候, 24/7 (24/7 when nothing narrows it);
//   - days: 周一至周五, 星期一到星期六, 礼拜天, 周六日, 周一、三、五, 周六周日, 周末/双休日 (Sa,Su),
//     节假日/法定节假日 (PH), 工作日 (Mo-Fr plus PH off), 每天/每日/全年/全年无休/周一至周日 (no
//     selector); days in brackets after the times, 9:00-17:00（周一至周五）;
//   - closures after days or a season: 休息, 休, 闭馆, 休馆, 不开放, 关闭, 除外, 除…外 → off rules, which
//     follow the opening rules, PH off last; 其余时间休息 adds nothing. Closures alone give
//     "unknown; Sa,Su off", because they say nothing about the other days;
//   - split shifts joined by , 、 ; or spaces; lunch breaks 午休12:00-13:30, （午休12:00-13:30）,
//     or a contained span followed by 休息: 8:00-18:00，12:00-13:00休息;
//   - seasons 11月-3月, 11月至次年3月, 11月1日至次年3月31日, 10月1日-7日, 冬季（11月-3月）; 冬季 and 夏季
//     alone mean Nov-Mar (Liaoning's heating season) and Apr-Oct (partial); 春季/秋季 need months;
//   - notes 电话预约, 需提前预约, 春节期间另行通知, 以现场公告为准, 随到随开, 有人即开, 17:30停止入场 →
//     one comment on the last rule, or unknown "电话预约" when there are no hours;
//   - 节假日另行通知 → PH unknown "节假日另行通知" (nothing says whether holidays open); 节假日照常,
//     节假日不休息 → nothing (a holiday keeps its weekday's hours); 周六日照常 → the last opening hours;
//   - a span written as its two ends: 早上八点半开门，下午四点半关门, 8:00起至17:00止, 上午9点开始营业
//     晚上8点30停业; 一刻/三刻 (:15/:45); 延长至19:00 after days or a season (the last opening hours,
//     ending later); 24 小时 / 二十四小时 / 24个小时 / 昼夜 as all day; traditional characters folded;
//   - 供暖期/采暖期/供热期 mean Nov-Mar like 冬季 (Shenyang's heating season, 11月1日 to 次年3月31日;
//     sources in testdata/phrasings.tsv); a season read without months is reported in Assumed.
//
// A season applies to its own rule; a later rule that starts with days takes the season of the
// opening rule before it (partial), while closures never inherit one. Not understood, on purpose:
// 8.30 (dot times), 暂停开放, 待定, 见公告, an exception to a closure when the hours differ by day
// (周二至周五…，周六日…，周一闭馆（节假日除外）: which hours would a holiday Monday have?), days or
// a season with no hours, overlapping spans, impossible times and anything unclassified.
func zhToOSM(text string) (osm string, partial bool, ok bool) {
	c := zhConvert(text)
	return c.osm, c.partial, c.ok
}

// zhResult is what zhConvert made of a text: the syntax, and for text not understood how much of
// it was read before the parser stopped.
type zhResult struct {
	osm     string
	partial bool
	ok      bool
	read    int       // runes of the text read before the first part not understood
	assumed []Assumed // seasons read with their default months
}

func zhConvert(text string) zhResult {
	s := zhNormalize(text)
	if !zhBalanced(s) {
		return zhResult{}
	}
	p := zhParser{s: s}
	read, last := 0, 0 // bytes of s understood, up to the end of the last whole item; where it began
	for {
		p.skip(zhSeps)
		if p.i == len(p.s) {
			break
		}
		start := p.i
		if !p.item() || p.b.bad {
			return zhResult{read: utf8.RuneCountInString(s[:read])}
		}
		read, last = p.i, start
	}
	osm, partial, ok := p.b.finish()
	if !ok { // the end left something open (周六 with no hours): the last item is what was not understood
		return zhResult{read: utf8.RuneCountInString(s[:last])}
	}
	return zhResult{osm: osm, partial: partial, ok: true, assumed: p.b.assumed}
}

// zhNormalize folds full-width forms to ASCII, every dash and tilde to '-', every bracket to
// ( ) and every space to ' ', so the parser sees one spelling of each.
func zhNormalize(text string) string {
	var sb strings.Builder
	for _, r := range text {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
		case unicode.IsSpace(r):
			r = ' '
		}
		switch r {
		case '~', '‐', '‑', '‒', '–', '—', '―', '−', '〜', '﹘', '﹣':
			r = '-'
		case '[', '【', '〔', '〖':
			r = '('
		case ']', '】', '〕', '〗':
			r = ')'
		case '×', 'x', 'X':
			r = '*' // 7×24; no other letter x is understood
		case '。':
			r = ';'
		}
		if t, ok := zhTraditional[r]; ok {
			r = t
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// zhTraditional folds the traditional characters of hours notices to simplified ones.
var zhTraditional = map[rune]rune{'點': '点', '時': '时', '週': '周', '開': '开', '關': '关', '閉': '闭', '館': '馆',
	'結': '结', '營': '营', '業': '业', '無': '无', '節': '节', '門': '门', '間': '间', '個': '个', '鐘': '钟',
	'與': '与', '後': '后', '級': '级', '務': '务', '辦': '办', '貼': '贴'}

// zhBalanced reports whether the brackets in s pair up; brackets only group, so a stray one
// would otherwise go unnoticed.
func zhBalanced(s string) bool {
	depth := 0
	for _, r := range s {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return false
			}
		}
	}
	return depth == 0
}

// Separators between items. '(' is not one: a bracket right after times may hold their days.
const (
	zhSeps      = " ,;:)、及和"
	zhSepsParen = zhSeps + "("
)

const zhAllWeek = 0x7f

var (
	zhDayNames   = [7]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
	zhMonthNames = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	zhMonthDays  = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
)

var zhDayWords = map[string]zhDays{
	"工作日":     {mask: 0x1f, workday: true},
	"周末":      {mask: 0x60},
	"双休日":     {mask: 0x60},
	"节假日":     {ph: true},
	"节日":      {ph: true},
	"法定节假日":   {ph: true},
	"法定假日":    {ph: true},
	"国家法定节假日": {ph: true},
	"每天":      {mask: zhAllWeek},
	"每日":      {mask: zhAllWeek},
	"天天":      {mask: zhAllWeek},
	"全周":      {mask: zhAllWeek},
	"全年":      {mask: zhAllWeek},
	"全年无休":    {mask: zhAllWeek},
	"公休日":     {mask: 0x60},
	"公共休息日":   {mask: 0x60},
}

var (
	zhDayPrefixes = []string{"周", "星期", "礼拜", "每周", "每星期"}
	zhDayChars    = map[string]int{"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
	zhDayJoins    = []string{"、", "和", "及", "以及", "与", "/"}
	zhNextDay     = []string{"次日", "翌日", "第二天", "隔日", "隔天"}
	zhNextYear    = []string{"次年", "翌年", "来年", "第二年", "明年", "次年的"}
)

// Hour qualifiers, which shift a 12-hour clock reading.
const (
	zhNoQual = iota
	zhAM
	zhNoon
	zhPM
	zhNight // like zhPM, but 12 is midnight: 晚12点 = 24:00
)

var zhQuals = map[string]int{
	"凌晨": zhAM, "清晨": zhAM, "早晨": zhAM, "早上": zhAM, "上午": zhAM, "早": zhAM,
	"中午": zhNoon, "正午": zhNoon,
	"下午": zhPM, "午后": zhPM, "傍晚": zhPM,
	"晚": zhNight, "晚上": zhNight, "晚间": zhNight, "夜里": zhNight, "夜间": zhNight, "夜晚": zhNight,
}

var zhNumerals = map[string]int{"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

// zhSeasons maps a season word to the months it means when no months are given; "" means the
// word needs explicit months.
var zhSeasons = map[string]string{
	"冬季": "Nov-Mar", "冬天": "Nov-Mar", "冬令": "Nov-Mar",
	"夏季": "Apr-Oct", "夏天": "Apr-Oct", "夏令": "Apr-Oct",
	"春季": "", "秋季": "",
	// The heating season: Shenyang's rule is Nov 1 to Mar 31 (see testdata/phrasings.tsv); Dalian's
	// runs Nov 5 to Apr 5, which the operator sets in the grid.
	"供暖期": "Nov-Mar", "采暖期": "Nov-Mar", "供热期": "Nov-Mar", "供暖季": "Nov-Mar", "取暖期": "Nov-Mar",
	"供暖期间": "Nov-Mar", "采暖期间": "Nov-Mar", "供热期间": "Nov-Mar",
	"非供暖期": "Apr-Oct", "非采暖期": "Apr-Oct",
}

var zhSeasonSuffixes = []string{"时", "时间", "作息", "作息时间", "期间", "营业时间", "开放时间", "服务时间", "办公时间"}

var zhClosedWords = []string{"休息", "休", "闭馆", "休馆", "闭店", "关闭", "关门", "停业", "歇业",
	"不开放", "不对外开放", "不营业", "不办公", "除外", "暂停办公", "暂停服务", "暂停营业", "暂停开放",
	"闭馆日", "休息日", "休馆日", "公休"}

// zhFillers say that the text is about opening hours and change nothing.
var zhFillers = []string{"营业时间", "开放时间", "服务时间", "办公时间", "工作时间", "作息时间",
	"开放", "对外开放", "营业", "服务", "办公", "为", "是", "的", "从", "自", "一般", "统一", "调整为", "仅",
	"受理", "免费", "不间断", "自助使用", "自助服务", "上班时间", "闭店时间", "闭馆时间", "关门时间", "则", "均"}

// zhNotes are kept as a comment: they qualify the hours without changing them.
var zhNotes = []string{
	"预约", "需预约", "须预约", "请预约", "提前预约", "需提前预约", "须提前预约", "请提前预约", "需要提前预约",
	"电话预约", "需电话预约", "请电话预约", "提前电话预约", "需提前电话预约", "请提前电话预约", "来电预约",
	"另行通知", "春节期间另行通知", "春节另行通知",
	"以公告为准", "以现场公告为准", "具体以现场公告为准", "以现场为准", "以实际为准",
	"随到随开", "有人即开", "有人值守",
}

// zhPHNotes say that public holidays are announced separately: PH unknown, with the words as its
// comment, since nothing says whether the station opens.
var zhPHNotes = []string{"节假日另行通知", "节假日期间另行通知", "法定节假日另行通知", "节假日安排另行通知",
	"节假日开放时间另行通知", "节假日以通知为准", "节假日以公告为准", "节假日开放安排另行通知", "法定节假日期间另行通知",
	"国家法定节假日另行通知", "节假日开放时间另行公告", "节假日另行公告"}

// zhSameWords after days say they keep the hours of the other days: 节假日照常, 周六日正常营业.
var zhSameWords = []string{"照常", "正常", "不休息", "不休", "无休", "不打烊", "照开", "照常开放", "照常营业",
	"正常开放", "正常营业", "正常办公", "照常办公", "照常服务", "正常服务"}

// zhOpenWords and zhCloseWords follow a clock that opens or closes: 早上八点半开门，下午四点半关门.
var (
	zhOpenWords  = []string{"开门", "开馆", "开放", "开始营业", "开始服务", "开始办公", "营业", "上班", "开业", "开店", "起", "开始"}
	zhCloseWords = []string{"关门", "闭馆", "结束", "结束营业", "停止营业", "结束服务", "下班", "打烊", "闭店", "关闭", "止", "停止服务", "停业"}
	zhLonger     = []string{"延长至", "延长到", "延至", "延时至", "延时到", "延长服务至", "延长营业至", "延长开放至"}
)

// zhSpan is an opening span in minutes after midnight; to > from, and to > 1440 past midnight.
type zhSpan struct{ from, to int }

var zhAllDay = zhSpan{0, 24 * 60}

func (s zhSpan) String() string {
	to := s.to
	if to > 24*60 {
		to -= 24 * 60
	}
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.from/60, s.from%60, to/60, to%60)
}

// zhDays is a weekday selector.
type zhDays struct {
	mask    uint8 // bit 0 = Monday … bit 6 = Sunday
	ph      bool
	workday bool // 工作日: a working day is not a public holiday
}

func (d zhDays) any() bool { return d.mask != 0 || d.ph }

func (d zhDays) String() string {
	if d.mask == zhAllWeek && !d.ph {
		return "" // every day needs no selector
	}
	var parts []string
	for i := 0; i < 7; i++ {
		if d.mask&(1<<i) == 0 {
			continue
		}
		j := i
		for j < 6 && d.mask&(1<<(j+1)) != 0 {
			j++
		}
		switch j - i {
		case 0:
			parts = append(parts, zhDayNames[i])
		case 1:
			parts = append(parts, zhDayNames[i], zhDayNames[j])
		default:
			parts = append(parts, zhDayNames[i]+"-"+zhDayNames[j])
		}
		i = j
	}
	if d.ph {
		parts = append(parts, "PH")
	}
	return strings.Join(parts, ",")
}

type zhRule struct {
	season string // "Nov-Mar", "Oct 01-07"; "" = all year
	zhDays
	spans   []zhSpan
	off     bool
	unknown bool
	// daysAfter: the days were written after the times, 9:00-17:00（周一至周五）, so the rule is
	// complete and further times start another.
	daysAfter bool
}

func (r *zhRule) empty() bool {
	return r.season == "" && !r.any() && len(r.spans) == 0 && !r.off && !r.unknown
}

// dangling reports a rule that names days or a season but says nothing about them.
func (r *zhRule) dangling() bool {
	return !r.empty() && len(r.spans) == 0 && !r.off && !r.unknown
}

func (r zhRule) String() string {
	if r.season == "" && r.zhDays.String() == "" && !r.off && !r.unknown &&
		len(r.spans) == 1 && r.spans[0] == zhAllDay {
		return "24/7"
	}
	var parts []string
	if r.season != "" {
		parts = append(parts, r.season)
	}
	if d := r.zhDays.String(); d != "" {
		parts = append(parts, d)
	}
	if len(r.spans) > 0 {
		times := make([]string, len(r.spans))
		for i, s := range r.spans {
			times[i] = s.String()
		}
		parts = append(parts, strings.Join(times, ","))
	}
	switch {
	case r.off:
		parts = append(parts, "off")
	case r.unknown:
		parts = append(parts, "unknown")
	}
	return strings.Join(parts, " ")
}

// zhBuilder collects rules as the parser finds their parts. A rule ends when days or a season
// start a new one, or when times follow a closure.
type zhBuilder struct {
	rules    []zhRule
	cur      zhRule
	season   string // season of the last opening rule, taken by a later rule that starts with days
	notes    []string
	phNote   string    // 节假日另行通知: PH unknown with this comment
	phSame   bool      // 节假日照常: holidays keep the weekday hours, even on 工作日
	phExcept bool      // 周一闭馆（节假日除外）: holidays open with the opening hours
	opening  *zhClock  // 八点半开门 waiting for its 关门
	assumed  []Assumed // seasons whose months were not written
	partial  bool
	bad      bool
}

// Assumed is a season named without its months, read with the Liaoning default the operator is
// asked to confirm: 冬季 → Nov-Mar.
type Assumed struct {
	Word   string `json:"word"`   // as written: 冬天, 供暖期
	Months string `json:"months"` // as read: Nov-Mar
}

func (b *zhBuilder) flush() {
	r := b.cur
	b.cur = zhRule{}
	if r.empty() {
		return
	}
	if r.dangling() {
		b.bad = true
		return
	}
	slices.SortFunc(r.spans, func(x, y zhSpan) int { return x.from - y.from })
	for i := 1; i < len(r.spans); i++ {
		if r.spans[i].from < r.spans[i-1].to {
			b.bad = true
			return
		}
	}
	if !r.off {
		if r.season == "" && r.any() && b.season != "" {
			r.season = b.season
			b.partial = true // 夏季周一至周五…，周六…: the season may or may not reach 周六
		}
		b.season = r.season
	}
	b.rules = append(b.rules, r)
}

func (b *zhBuilder) setSeason(s string, assumed bool) {
	b.flush()
	b.cur.season = s
	b.partial = b.partial || assumed
}

// same gives days the hours of the last opening rule (周六日照常); holidays need no rule of their own,
// since a holiday keeps its weekday's hours unless a rule says otherwise.
func (b *zhBuilder) same(d zhDays) {
	b.flush()
	if d.ph {
		b.phSame = true
	}
	if d.mask == 0 {
		return
	}
	base := b.lastOpen()
	if base == nil {
		b.bad = true
		return
	}
	b.cur = zhRule{season: base.season, zhDays: zhDays{mask: d.mask}, spans: slices.Clone(base.spans)}
	b.flush()
}

// lastOpen is the last opening rule with hours, or nil.
func (b *zhBuilder) lastOpen() *zhRule {
	for i := len(b.rules) - 1; i >= 0; i-- {
		if r := &b.rules[i]; !r.off && !r.unknown && len(r.spans) > 0 {
			return r
		}
	}
	return nil
}

// longer gives the current days or season the hours of the last opening rule, its last span
// ending at end instead: 周五延长至19:00, 夏季延长至18:00.
func (b *zhBuilder) longer(end zhClock) {
	r := &b.cur
	if len(r.spans) > 0 && !r.any() && r.season == "" {
		b.flush() // 9:00-17:00 then 延长至: nothing says which days
	}
	if len(r.spans) > 0 || r.off || !r.any() && r.season == "" {
		b.bad = true
		return
	}
	base := b.lastOpen()
	if base == nil {
		b.bad = true
		return
	}
	spans := slices.Clone(base.spans)
	last := &spans[len(spans)-1]
	to, ok := end.minutes(end.qual)
	if ok && end.qual == zhNoQual && to < 12*60 && to+12*60 > last.to {
		to += 12 * 60 // 延长至7点 in the evening
	}
	if !ok || to <= last.to {
		b.bad = true
		return
	}
	last.to = to
	r.spans = spans
}

func (b *zhBuilder) days(d zhDays) {
	if d == (zhDays{mask: zhAllWeek}) && b.cur.any() && len(b.cur.spans) == 0 && !b.cur.off {
		return // 周一、周二…营业时间为每天8:30-17:00
	}
	if d == (zhDays{mask: zhAllWeek}) && !b.cur.any() && len(b.cur.spans) > 0 && !b.cur.off {
		return // 全天24小时开放，全年无休: every day is what the times already say
	}
	if len(b.cur.spans) > 0 || b.cur.off || b.cur.any() {
		b.flush()
	}
	b.cur.zhDays = d
}

func (b *zhBuilder) addSpan(s zhSpan) {
	if b.cur.off || b.cur.daysAfter {
		b.flush()
	}
	b.cur.spans = append(b.cur.spans, s)
}

// closed marks the current days or season as closed. After two or more spans it is a break
// instead: 8:00-18:00，12:00-13:00休息.
func (b *zhBuilder) closed(except bool) {
	r := &b.cur
	switch {
	case len(r.spans) >= 2:
		b.breakLast()
	case len(r.spans) == 1 || r.off || !r.any() && r.season == "":
		b.bad = true
	case except && len(b.rules) > 0 && b.rules[len(b.rules)-1].off:
		// 周一闭馆（节假日除外) excepts holidays from a closure: a holiday keeps the opening hours,
		// which finish can say only when there is one set of them.
		if r.zhDays != (zhDays{ph: true}) || r.season != "" || b.phExcept {
			b.bad = true
			return
		}
		b.phExcept = true
		b.cur = zhRule{}
	default:
		r.off = true
	}
}

// lunch cuts l out of the span of the current rule that contains it.
func (b *zhBuilder) lunch(l zhSpan) {
	for i, s := range b.cur.spans {
		if s.from < l.from && l.to < s.to {
			b.cur.spans[i].to = l.from
			b.cur.spans = slices.Insert(b.cur.spans, i+1, zhSpan{l.to, s.to})
			return
		}
	}
	b.bad = true
}

// breakLast turns the last span of the current rule into a break in an earlier one.
func (b *zhBuilder) breakLast() {
	n := len(b.cur.spans)
	if n < 2 {
		b.bad = true
		return
	}
	l := b.cur.spans[n-1]
	b.cur.spans = b.cur.spans[:n-1]
	b.lunch(l)
}

func (b *zhBuilder) note(n string) {
	if !slices.Contains(b.notes, n) {
		b.notes = append(b.notes, n)
	}
}

// finish orders the rules (opening rules, closures, PH closures) so that each closure overrides
// the opening rules in OSM's later-wins evaluation.
func (b *zhBuilder) finish() (string, bool, bool) {
	if b.cur.dangling() && len(b.notes) > 0 {
		b.cur.unknown = true // 周一至周五 电话预约
	}
	if b.opening != nil {
		b.bad = true // 8点开门 with no 关门
	}
	b.flush()
	if b.bad || len(b.rules) == 0 && len(b.notes) == 0 && b.phNote == "" {
		return "", false, false
	}
	var open, off, phOff []zhRule
	phOpen, workday := false, false
	for _, r := range b.rules {
		switch {
		case !r.off:
			open = append(open, r)
			phOpen = phOpen || r.ph
			workday = workday || r.workday
		case r.ph:
			phOff = append(phOff, zhRule{season: r.season, zhDays: zhDays{ph: true}, off: true})
			if r.mask != 0 {
				r.ph = false
				off = append(off, r)
			}
		default:
			off = append(off, r)
		}
	}
	if workday && !phOpen && !b.phSame && b.phNote == "" {
		phOff = append(phOff, zhRule{zhDays: zhDays{ph: true}, off: true})
	}
	if b.phSame && len(phOff) > 0 || b.phNote != "" && (len(phOff) > 0 || phOpen && !workday) {
		b.bad = true // 节假日照常 and 节假日休息 at once
		return "", false, false
	}
	if b.phNote != "" {
		phOff = nil // 工作日…，节假日另行通知: not closed, but not known either
	}
	if len(open) == 0 && b.phNote != "" && len(off) == 0 {
		return "", false, false // 节假日另行通知 alone says nothing about the other days
	}
	if len(open) == 0 {
		open = []zhRule{{unknown: true}}
	}
	var out []string
	for _, r := range slices.Concat(open, off, phOff) {
		if s := r.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(b.notes) > 0 {
		// A comment alone would make an open rule unknown (opening_hours.js reads it so); say "open".
		last := &out[len(out)-1]
		if !strings.HasSuffix(*last, "off") && !strings.HasSuffix(*last, "unknown") {
			*last += " open"
		}
		*last += ` "` + strings.Join(b.notes, "，") + `"`
	}
	if b.phNote != "" {
		out = append(out, `PH unknown "`+b.phNote+`"`)
	}
	if b.phExcept {
		// One opening rule, all year, with times: holidays get its times, after the closures.
		if len(open) != 1 || open[0].season != "" || open[0].unknown || len(open[0].spans) == 0 ||
			phOpen || len(phOff) > 0 || b.phNote != "" || len(b.notes) > 0 {
			return "", false, false
		}
		times := make([]string, len(open[0].spans))
		for i, sp := range open[0].spans {
			times[i] = sp.String()
		}
		out = append(out, "PH "+strings.Join(times, ","))
		b.partial = true // a holiday on another day keeps its hours, which are the same ones
	}
	return strings.Join(out, "; "), b.partial || len(b.notes) > 0 || b.phNote != "", true
}

// zhParser reads normalised text item by item; each item either feeds the builder or fails.
type zhParser struct {
	s string
	i int
	b zhBuilder
}

// item reads one item at p.i and reports whether anything was understood there.
func (p *zhParser) item() bool {
	if p.s[p.i] == '(' {
		if !p.bracketDays() {
			p.i++ // a plain bracket only groups
		}
		return true
	}
	if n := p.take(zhPHNotes...); n != "" {
		p.b.flush()
		p.b.phNote = n
		return true
	}
	if n := p.take(zhNotes...); n != "" {
		p.b.note(n)
		return true
	}
	if p.lastEntry() || p.openClose() || p.longer() {
		return true
	}
	if p.othersClosed() || p.take(zhFillers...) != "" || p.season() || p.lunch() || p.except() {
		return true
	}
	if d, ok := p.days(); ok {
		save := p.i
		if c := &p.b.cur; d == (zhDays{ph: true}) && c.dangling() && !c.off && p.take("除外", "以外") != "" {
			// 周一至周五（法定节假日除外）8:30-17:00: holidays closed, the days still waiting for their times
			p.b.rules = append(p.b.rules, zhRule{zhDays: d, off: true})
			return true
		}
		p.skipSpaces()
		p.take("期间", "也", "均", "都")
		if p.take(zhSameWords...) != "" {
			p.b.same(d)
		} else {
			p.i = save
			p.b.days(d)
		}
		return true
	}
	if w := p.take(zhClosedWords...); w != "" {
		p.b.closed(w == "除外")
		return true
	}
	if p.allDay() {
		p.b.addSpan(zhAllDay)
		return true
	}
	if s, assumed, ok := p.span(); ok {
		p.b.addSpan(s)
		p.b.partial = p.b.partial || assumed
		return true
	}
	return false
}

// openClose reads 早上八点半开门 and 下午四点半关门, or 8:00起 … 17:00止: a span written as two
// ends. Each end carries its own qualifier; an end without one shares the start's half of the day.
func (p *zhParser) openClose() bool {
	start := p.i
	nextDay := false
	if p.b.opening != nil {
		p.take("到", "至", "-")
		p.skipSpaces()
		nextDay = p.take(zhNextDay...) != ""
	}
	c, ok := p.clock()
	if !ok || c.form == zhBare {
		p.i = start
		return false
	}
	p.skipSpaces()
	if p.b.opening == nil {
		if p.take(zhOpenWords...) == "" {
			p.i = start
			return false
		}
		p.b.opening = &c
		return true
	}
	if p.take(zhCloseWords...) == "" {
		p.i = start
		return false
	}
	s, assumed, ok := zhSpanOf(*p.b.opening, c, nextDay)
	p.b.opening = nil
	if !ok {
		p.b.bad = true
		return true
	}
	p.b.addSpan(s)
	p.b.partial = p.b.partial || assumed
	return true
}

// zhLastEntry are the words of a last entry, 17:30停止入场, kept as a comment as written.
var zhLastEntry = []string{"停止入场", "停止入馆", "停止进馆", "停止进场", "停止售票", "停止检票", "停止入园", "停止办理", "停止受理"}

// lastEntry reads 17:30停止入场: a note, not a closing time.
func (p *zhParser) lastEntry() bool {
	start := p.i
	c, ok := p.clock()
	if !ok || c.form != zhColon {
		p.i = start
		return false
	}
	if p.take(zhLastEntry...) == "" {
		p.i = start
		return false
	}
	p.b.note(strings.TrimSpace(p.s[start:p.i]))
	return true
}

// longer reads 延长至19:00 after days or a season.
func (p *zhParser) longer() bool {
	start := p.i
	if p.take(zhLonger...) == "" {
		return false
	}
	p.skipSpaces()
	c, ok := p.clock()
	if !ok || c.form == zhBare {
		p.i = start
		return false
	}
	p.b.longer(c)
	return true
}

// take advances past the longest of words found at p.i and returns it, or "".
func (p *zhParser) take(words ...string) string {
	best := ""
	for _, w := range words {
		if len(w) > len(best) && strings.HasPrefix(p.s[p.i:], w) {
			best = w
		}
	}
	p.i += len(best)
	return best
}

// zhTake is take for a table: it returns the value of the longest key found at p.i.
func zhTake[V any](p *zhParser, table map[string]V) (V, bool) {
	best := ""
	for w := range table {
		if len(w) > len(best) && strings.HasPrefix(p.s[p.i:], w) {
			best = w
		}
	}
	p.i += len(best)
	v := table[best]
	return v, best != ""
}

// skip advances past any runes in set.
func (p *zhParser) skip(set string) {
	for p.i < len(p.s) {
		r, n := utf8.DecodeRuneInString(p.s[p.i:])
		if !strings.ContainsRune(set, r) {
			return
		}
		p.i += n
	}
}

func (p *zhParser) skipSpaces() { p.skip(" ") }

// dash reads a range separator; "——" folds to "--".
func (p *zhParser) dash() bool {
	if p.take("至", "到", "起至", "起到") != "" {
		return true
	}
	found := false
	for p.take("-") != "" {
		found = true
	}
	return found
}

// digits reads one or two ASCII digits; a longer run is not a number here.
func (p *zhParser) digits() (v, n int) {
	j := p.i
	for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
		j++
	}
	if j == p.i || j-p.i > 2 {
		return 0, 0
	}
	for _, c := range p.s[p.i:j] {
		v = v*10 + int(c-'0')
	}
	n = j - p.i
	p.i = j
	return v, n
}

// numeral reads a Chinese number below 100: 八, 十二, 二十四, 三十, 零五.
func (p *zhParser) numeral() (int, bool) {
	start := p.i
	tens, ok := zhTake(p, zhNumerals)
	if p.take("十") != "" {
		switch {
		case !ok:
			tens = 1
		case tens == 0:
			p.i = start
			return 0, false
		}
		v := tens * 10
		if u, ok := zhTake(p, zhNumerals); ok {
			v += u
		}
		return v, true
	}
	if !ok {
		return 0, false
	}
	if tens == 0 {
		if u, ok := zhTake(p, zhNumerals); ok {
			return u, true
		}
	}
	return tens, true
}

// number reads a one- or two-digit number, in ASCII or Chinese.
func (p *zhParser) number() (int, bool) {
	if v, n := p.digits(); n > 0 {
		return v, true
	}
	return p.numeral()
}

// bracketDays reads days in brackets right after times that have none: 9:00-17:00（周一至周五）.
func (p *zhParser) bracketDays() bool {
	start := p.i
	p.i++
	p.skipSpaces()
	d, ok := p.days()
	p.skipSpaces()
	c := &p.b.cur
	if !ok || p.take(")") == "" || len(c.spans) == 0 || c.any() || c.off {
		p.i = start
		return false
	}
	c.zhDays, c.daysAfter = d, true
	return true
}

// othersClosed reads 其余时间休息, which OSM says already: what no rule opens is closed.
func (p *zhParser) othersClosed() bool {
	start := p.i
	if p.take("其余时间", "其他时间", "其它时间", "其余时段", "其他时段") != "" {
		p.skipSpaces()
		if w := p.take(zhClosedWords...); w != "" && w != "除外" {
			return true
		}
	}
	p.i = start
	return false
}

// season reads 冬季, 冬季（11月-3月）, 11月至次年3月 or 11月-3月（冬季）.
func (p *zhParser) season() bool {
	start := p.i
	implied, named := zhTake(p, zhSeasons)
	if named {
		p.take(zhSeasonSuffixes...)
		p.skip(zhSepsParen)
		p.take("从", "自")
	}
	months, ok := p.months()
	switch {
	case ok:
		if !named { // a label may follow the months
			save := p.i
			p.skip(zhSepsParen)
			if _, ok := zhTake(p, zhSeasons); ok {
				p.take(zhSeasonSuffixes...)
			} else {
				p.i = save
			}
		}
		p.take("期间") // 1月18日至2月28日期间
		p.b.setSeason(months, false)
	case named && implied != "":
		p.i = start
		zhTake(p, zhSeasons)
		word := p.s[start:p.i]
		p.take(zhSeasonSuffixes...)
		p.b.setSeason(implied, true)
		if !slices.ContainsFunc(p.b.assumed, func(a Assumed) bool { return a.Word == word }) {
			p.b.assumed = append(p.b.assumed, Assumed{word, implied})
		}
	default:
		p.i = start
		return false
	}
	return true
}

// months reads a month, a date, or a range of either, and formats it for OSM.
func (p *zhParser) months() (string, bool) {
	start := p.i
	m1, d1, ok := p.monthDay()
	if ok && d1 == 0 { // 10月1—3日: the first day without 日
		save := p.i
		if d, ok := p.number(); ok && d >= 1 && d <= zhMonthDays[m1] && p.dash() {
			if d2, ok := p.dayOfMonth(m1); ok {
				if s, ok := zhDateRange(m1, d, m1, d2, false); ok {
					return s, true
				}
			}
		}
		p.i = save
	}
	bare := !ok // 11-3月
	if bare {
		if m1, ok = p.number(); !ok || m1 < 1 || m1 > 12 {
			p.i = start
			return "", false
		}
	}
	save := p.i
	p.skipSpaces()
	if p.dash() {
		p.skipSpaces()
		nextYear := p.take(zhNextYear...) != ""
		m2, d2, ok := p.monthDay()
		if !ok && d1 > 0 && !nextYear { // 10月1日至7日
			m2 = m1
			d2, ok = p.dayOfMonth(m1)
		}
		if ok {
			if s, ok := zhDateRange(m1, d1, m2, d2, nextYear); ok {
				return s, true
			}
		}
	}
	if bare {
		p.i = start
		return "", false
	}
	p.i = save
	return zhDateRange(m1, d1, 0, 0, false)
}

// monthDay reads 11月 or 11月1日.
func (p *zhParser) monthDay() (m, d int, ok bool) {
	start := p.i
	m, ok = p.number()
	if !ok || p.take("月") == "" || m < 1 || m > 12 {
		p.i = start
		return 0, 0, false
	}
	p.take("份")
	d, _ = p.dayOfMonth(m)
	return m, d, true
}

// dayOfMonth reads 1日 or 1号, valid in month m.
func (p *zhParser) dayOfMonth(m int) (int, bool) {
	start := p.i
	d, ok := p.number()
	if !ok || p.take("日", "号") == "" || d < 1 || d > zhMonthDays[m] {
		p.i = start
		return 0, false
	}
	return d, true
}

// zhDateRange formats months m1-m2 or dates m1/d1-m2/d2; m2 == 0 gives a single month or date.
func zhDateRange(m1, d1, m2, d2 int, nextYear bool) (string, bool) {
	a := zhMonthNames[m1]
	if d1 > 0 {
		a += fmt.Sprintf(" %02d", d1)
	}
	if m2 == 0 {
		return a, true
	}
	wraps := m2 < m1 || m2 == m1 && d2 < d1
	switch {
	case (d1 > 0) != (d2 > 0), m1 == m2 && (d1 == d2 || wraps), nextYear && !wraps:
		return "", false
	case m1 == m2:
		return a + fmt.Sprintf("-%02d", d2), true
	case d2 > 0:
		return a + "-" + zhMonthNames[m2] + fmt.Sprintf(" %02d", d2), true
	}
	return a + "-" + zhMonthNames[m2], true
}

// lunch reads 午休12:00-13:30, or a bare 午休 after a span that it makes a break.
func (p *zhParser) lunch() bool {
	if p.take("午休", "午休时间", "中午休息", "午间休息") == "" {
		return false
	}
	p.skip(" :")
	if s, _, ok := p.span(); ok {
		if s.to > 24*60 && s.to-12*60 > s.from {
			s.to -= 12 * 60 // 午休十二点至一点: the end is in the afternoon, not the next day
		}
		p.b.lunch(s)
	} else {
		p.b.breakLast()
	}
	return true
}

// except reads 除节假日外, a closure written around its days.
func (p *zhParser) except() bool {
	start := p.i
	if p.take("除") == "" {
		return false
	}
	p.skipSpaces()
	d, ok := p.days()
	p.skipSpaces()
	if !ok || p.take("外", "以外", "之外") == "" {
		p.i = start
		return false
	}
	if c := &p.b.cur; c.mask != 0 && len(c.spans) == 0 && !c.off && !d.ph && c.mask&^d.mask != 0 {
		c.mask &^= d.mask // 周一—周日(除周三以外)8:30—17:00
		return true
	}
	p.b.days(d)
	p.b.closed(true)
	return true
}

// days reads a list of day items: 周一至周五、周日, 周六和周日, 周末及节假日, 周六周日.
func (p *zhParser) days() (zhDays, bool) {
	d, ok := p.dayItem(false)
	if !ok {
		return d, false
	}
	for {
		save := p.i
		p.skipSpaces()
		joined := p.take(zhDayJoins...) != ""
		if joined {
			p.skipSpaces()
		} else {
			p.i = save // unjoined, only 周六周日 with nothing between continues the list
		}
		e, ok := p.dayItem(joined)
		if !ok {
			p.i = save
			return d, true
		}
		d.mask |= e.mask
		d.ph = d.ph || e.ph
		d.workday = d.workday || e.workday
	}
}

// dayItem reads a day word (工作日, 节假日), or a prefixed day with an optional range or run:
// 周一至周五, 星期一到五, 周六日. bare allows a day without prefix, as in 周一、三、五.
func (p *zhParser) dayItem(bare bool) (zhDays, bool) {
	if d, ok := zhTake(p, zhDayWords); ok {
		p.take("期间")
		return d, true
	}
	start := p.i
	prefixed := p.take(zhDayPrefixes...) != ""
	if !prefixed && !bare {
		return zhDays{}, false
	}
	a, ok := p.dayChar(prefixed)
	if !ok {
		p.i = start
		return zhDays{}, false
	}
	mask := uint8(1) << a
	save := p.i
	p.skipSpaces()
	if p.dash() {
		p.skipSpaces()
		prefixed := p.take(zhDayPrefixes...) != ""
		if b, ok := p.dayChar(prefixed); ok && b != a {
			mask = 0
			for i := a; ; i = (i + 1) % 7 { // a range may wrap: 周五至周一
				mask |= 1 << i
				if i == b {
					break
				}
			}
		} else {
			p.i = save
		}
	} else {
		p.i = save
	}
	for {
		c, ok := p.dayChar(false)
		if !ok {
			break
		}
		mask |= 1 << c
	}
	return zhDays{mask: mask}, true
}

// dayChar reads 一…六, 日 or 天, or after a prefix also 1…7 (周1 = Monday, 周7 = Sunday).
func (p *zhParser) dayChar(digits bool) (int, bool) {
	if digits && p.i < len(p.s) && p.s[p.i] >= '1' && p.s[p.i] <= '7' &&
		(p.i+1 == len(p.s) || p.s[p.i+1] < '0' || p.s[p.i+1] > '9') {
		p.i++
		return int(p.s[p.i-1] - '1'), true
	}
	return zhTake(p, zhDayChars)
}

// allDay reads 24小时, 全天, 7×24小时, 24h and the like, several in a row as one: 全天，24小时开放.
func (p *zhParser) allDay() bool {
	found := false
	for {
		save := p.i
		if found {
			p.skip(zhSepsParen)
		}
		if p.take("全天候", "全天", "24/7", "昼夜", "全日") == "" {
			p.take("7*", "7天*", "7天", "七天", "每天", "全天", "一天")
			p.skipSpaces()
			if p.take("24", "二十四") == "" {
				p.i = save
				return found
			}
			p.skipSpaces()
			if p.take("小时", "个小时", "钟头", "h", "H") == "" {
				p.i = save
				return found
			}
		}
		found = true
	}
}

// zhClock is one end of a span as written.
type zhClock struct {
	qual, h, m int
	form       int
}

// Forms of a clock reading: 8, 8:00, 8点.
const (
	zhBare = iota
	zhColon
	zhUnit
)

// minutes applies qualifier q to the reading and checks it.
func (c zhClock) minutes(q int) (int, bool) {
	h := c.h
	switch q {
	case zhAM:
		if h > 12 {
			return 0, false
		}
	case zhNoon:
		switch {
		case h >= 1 && h <= 3:
			h += 12
		case h < 11 || h > 14:
			return 0, false
		}
	case zhPM:
		switch {
		case h >= 1 && h <= 11:
			h += 12
		case h < 12 || h > 23:
			return 0, false
		}
	case zhNight:
		switch {
		case h >= 1 && h <= 11:
			h += 12
		case h == 0 || h == 12:
			h = 24
		}
	}
	if c.m > 59 || h > 24 || h == 24 && c.m > 0 {
		return 0, false
	}
	return h*60 + c.m, true
}

// clock reads [qualifier] 8:00 | 8点[半|30分|30] | 八点 | 8.
func (p *zhParser) clock() (zhClock, bool) {
	start := p.i
	var c zhClock
	if q, ok := zhTake(p, zhQuals); ok {
		c.qual = q
		p.skip(" :")
	}
	h, n := p.digits()
	arabic := n > 0
	if !arabic {
		var ok bool
		if h, ok = p.numeral(); !ok {
			p.i = start
			return c, false
		}
	}
	c.h = h
	switch {
	case arabic && p.take(":") != "":
		m, n := p.digits()
		if n != 2 {
			p.i = start
			return c, false
		}
		c.m, c.form = m, zhColon
		p.take("分")
	case p.take("点", "时") != "":
		c.m, c.form = p.unitMinutes(), zhUnit
	case arabic:
		c.form = zhBare
	default:
		p.i = start
		return c, false
	}
	return c, true
}

// unitMinutes reads what may follow 点 or 时: 半, 30分, 30, 三十分, 钟, 整.
func (p *zhParser) unitMinutes() int {
	if p.take("半") != "" {
		return 30
	}
	if p.take("一刻", "1刻") != "" {
		return 15
	}
	if p.take("三刻", "3刻") != "" {
		return 45
	}
	if p.take("钟", "整") != "" {
		return 0
	}
	save := p.i
	if m, n := p.digits(); n > 0 {
		if p.take("分") != "" || n == 2 {
			return m
		}
	} else if m, ok := p.numeral(); ok && p.take("分") != "" {
		return m
	}
	p.i = save
	return 0
}

// span reads "start-end". assumed is set when the end before the start is read as the next
// day although the text does not say so (no 次日, no 凌晨 or 早 on the end).
func (p *zhParser) span() (s zhSpan, assumed, ok bool) {
	start := p.i
	a, ok := p.clock()
	if !ok {
		return s, false, false
	}
	p.skipSpaces()
	if !p.dash() {
		p.i = start
		return s, false, false
	}
	p.skipSpaces()
	nextDay := p.take(zhNextDay...) != ""
	p.skipSpaces()
	b, ok := p.clock()
	// A bare number may start a span only when the end carries the unit: 8-18点.
	if !ok || b.form == zhBare || a.form == zhBare && b.form != zhUnit {
		p.i = start
		return s, false, false
	}
	s, assumed, ok = zhSpanOf(a, b, nextDay)
	if !ok {
		p.i = start
		return s, false, false
	}
	return s, assumed, true
}

// zhSpanOf makes a span of its two ends. assumed is set when the end before the start is read as
// the next day although the text does not say so.
func zhSpanOf(a, b zhClock, nextDay bool) (s zhSpan, assumed, ok bool) {
	from, okA := a.minutes(a.qual)
	to, okB := b.minutes(b.qual)
	if b.qual == zhNoQual && a.qual != zhNoQual && okB && to <= from {
		// 下午1点到5点: the end shares the start's half of the day.
		if t, ok := b.minutes(a.qual); ok && t > from {
			to = t
		}
	}
	ok = true
	switch {
	case !okA || !okB || from == 24*60 || to == from:
		ok = false
	case to == 0:
		to = 24 * 60 // closes at midnight
	case to < from:
		to += 24 * 60
		assumed = !nextDay && b.qual != zhAM
	case nextDay:
		ok = false // 次日 with a later end would be more than a day
	}
	if !ok {
		return s, false, false
	}
	return zhSpan{from, to}, assumed, true
}
