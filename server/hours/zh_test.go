package hours

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var zhCases = []struct {
	in      string
	osm     string
	partial bool
	ok      bool
}{
	// All day.
	{"全天24小时", "24/7", false, true},
	{"24小时", "24/7", false, true},
	{"24小时开放", "24/7", false, true},
	{"24小时服务", "24/7", false, true},
	{"7×24小时", "24/7", false, true},
	{"7*24小时", "24/7", false, true},
	{"7x24小时", "24/7", false, true},
	{"全天开放", "24/7", false, true},
	{"全天", "24/7", false, true},
	{"全天候", "24/7", false, true},
	{"全天，24小时开放", "24/7", false, true},
	{"全天(24小时)", "24/7", false, true},
	{"周一到周日，24小时", "24/7", false, true},
	{"24h", "24/7", false, true},
	{"24H", "24/7", false, true},
	{"２４Ｈ", "24/7", false, true},
	{"全年无休24小时", "24/7", false, true},
	{"每天24小时", "24/7", false, true},
	{"（24小时）", "24/7", false, true},
	{"0:00-24:00", "24/7", false, true},
	{"周一至周五 24小时", "Mo-Fr 00:00-24:00", false, true},
	{"周一至周五 全天", "Mo-Fr 00:00-24:00", false, true},
	{"全天24小时，节假日休息", "24/7; PH off", false, true},

	// Range separators and full-width forms.
	{"８:００－１８:００", "08:00-18:00", false, true},
	{"8:00-18:00", "08:00-18:00", false, true},
	{"8:00—18:00", "08:00-18:00", false, true},
	{"8:00——18:00", "08:00-18:00", false, true},
	{"8:00–18:00", "08:00-18:00", false, true},
	{"8:00~18:00", "08:00-18:00", false, true},
	{"8:00～18:00", "08:00-18:00", false, true},
	{"8:00〜18:00", "08:00-18:00", false, true},
	{"8:00至18:00", "08:00-18:00", false, true},
	{"8:00到18:00", "08:00-18:00", false, true},
	{"8：00-18：00", "08:00-18:00", false, true},
	{"08:00 - 18:00", "08:00-18:00", false, true},
	{"8:00-18:00。", "08:00-18:00", false, true},

	// 点 and 时 forms, Chinese numerals.
	{"8点-18点", "08:00-18:00", false, true},
	{"8点半-17点半", "08:30-17:30", false, true},
	{"8点30分至17点30分", "08:30-17:30", false, true},
	{"8时30分-17时", "08:30-17:00", false, true},
	{"8-18点", "08:00-18:00", false, true},
	{"八点到十八点", "08:00-18:00", false, true},
	{"早八点到晚六点半", "08:00-18:30", false, true},

	// Half-day qualifiers.
	{"早8点到晚6点", "08:00-18:00", false, true},
	{"上午8点至下午5点半", "08:00-17:30", false, true},
	{"下午1点到5点", "13:00-17:00", false, true},
	{"中午12点到下午2点", "12:00-14:00", false, true},
	{"中午1点-晚上9点", "13:00-21:00", false, true},
	{"早上7点到晚12点", "07:00-24:00", false, true},
	{"早8点到夜里12点", "08:00-24:00", false, true},
	{"8:00-24:00", "08:00-24:00", false, true},
	{"上午9:00-12:00，下午13:30-17:00", "09:00-12:00,13:30-17:00", false, true},
	{"上午8:30-11:30 下午2:00-5:30", "08:30-11:30,14:00-17:30", false, true},

	// Past midnight.
	{"12:00-次日2:00", "12:00-02:00", false, true},
	{"18:00至次日8:00", "18:00-08:00", false, true},
	{"22:00-次日06:00", "22:00-06:00", false, true},
	{"晚上8点到次日早上6点", "20:00-06:00", false, true},
	{"晚8点到凌晨2点", "20:00-02:00", false, true},
	{"18:00-8:00", "18:00-08:00", true, true},
	{"20:00-0:00", "20:00-24:00", false, true},

	// Days.
	{"周一至周五 9:00-17:00", "Mo-Fr 09:00-17:00", false, true},
	{"周一到周五9:00-17:00", "Mo-Fr 09:00-17:00", false, true},
	{"星期一至星期六 8:00-17:00", "Mo-Sa 08:00-17:00", false, true},
	{"礼拜一至礼拜五 8:00-17:00", "Mo-Fr 08:00-17:00", false, true},
	{"周一至五 8:00-17:00", "Mo-Fr 08:00-17:00", false, true},
	{"周1-周5 8:00-17:00", "Mo-Fr 08:00-17:00", false, true},
	{"星期一～星期五 9:00～17:00", "Mo-Fr 09:00-17:00", false, true},
	{"周一—周五 9:00-17:00", "Mo-Fr 09:00-17:00", false, true},
	{"每周一至周五上午9:00—11:30，下午2:00—5:00", "Mo-Fr 09:00-11:30,14:00-17:00", false, true},
	{"周一至周五8:00-18:00周六9:00-12:00周日休息", "Mo-Fr 08:00-18:00; Sa 09:00-12:00; Su off", false, true},
	{"工作日：8:30-17:30；周末：10:00-16:00；法定节假日休息", "Mo-Fr 08:30-17:30; Sa,Su 10:00-16:00; PH off", false, true},
	{"每周一至周五 8:00-17:00", "Mo-Fr 08:00-17:00", false, true},
	{"周日 9:00-12:00", "Su 09:00-12:00", false, true},
	{"周天 9:00-12:00", "Su 09:00-12:00", false, true},
	{"星期日 9:00-12:00", "Su 09:00-12:00", false, true},
	{"星期天 9:00-12:00", "Su 09:00-12:00", false, true},
	{"礼拜天 9:00-12:00", "Su 09:00-12:00", false, true},
	{"每天8:00-18:00", "08:00-18:00", false, true},
	{"每日 8:00-18:00", "08:00-18:00", false, true},
	{"全年 8:00-18:00", "08:00-18:00", false, true},
	{"周一至周日 8:00-18:00", "08:00-18:00", false, true},
	{"工作日9:00-17:00", "Mo-Fr 09:00-17:00; PH off", false, true},
	{"周末 10:00-16:00", "Sa,Su 10:00-16:00", false, true},
	{"双休日 10:00-16:00", "Sa,Su 10:00-16:00", false, true},
	{"周一、三、五 9:00-12:00", "Mo,We,Fr 09:00-12:00", false, true},
	{"周一、周三、周五 9:00-12:00", "Mo,We,Fr 09:00-12:00", false, true},
	{"周六日 9:00-12:00", "Sa,Su 09:00-12:00", false, true},
	{"周六、周日 9:00-12:00", "Sa,Su 09:00-12:00", false, true},
	{"周六周日 9:00-12:00", "Sa,Su 09:00-12:00", false, true},
	{"周六和周日 9:00-12:00", "Sa,Su 09:00-12:00", false, true},
	{"周五至周一 10:00-22:00", "Mo,Fr-Su 10:00-22:00", false, true},
	{"节假日 10:00-16:00", "PH 10:00-16:00", false, true},
	{"周六、周日及节假日 9:00-12:00", "Sa,Su,PH 09:00-12:00", false, true},
	{"9:00-17:00（周一至周五）", "Mo-Fr 09:00-17:00", false, true},
	{"9:00-17:00（周一至周五），10:00-16:00（周末）", "Mo-Fr 09:00-17:00; Sa,Su 10:00-16:00", false, true},
	{"8:00-18:00（周一至周五）午休12:00-13:00", "Mo-Fr 08:00-12:00,13:00-18:00", false, true},
	{"周一至周五 8:00-18:00，周六 9:00-12:00", "Mo-Fr 08:00-18:00; Sa 09:00-12:00", false, true},
	{"周一至周四 8:00-17:00，周五 8:00-12:00", "Mo-Th 08:00-17:00; Fr 08:00-12:00", false, true},
	{"周一至周五 8:00-12:00 14:00-18:00 周六 9:00-12:00", "Mo-Fr 08:00-12:00,14:00-18:00; Sa 09:00-12:00", false, true},
	{"周一至周五 上午8:30-11:30 下午14:00-17:00", "Mo-Fr 08:30-11:30,14:00-17:00", false, true},
	{"开放时间：周一至周五 9:00-17:00", "Mo-Fr 09:00-17:00", false, true},
	{"营业时间：8:00-18:00", "08:00-18:00", false, true},

	// Closures.
	{"周一至周五 9:00-17:00，节假日休息", "Mo-Fr 09:00-17:00; PH off", false, true},
	{"8:00-18:00，周末休息", "08:00-18:00; Sa,Su off", false, true},
	{"周一至周五 8:00-17:00，周六日休息", "Mo-Fr 08:00-17:00; Sa,Su off", false, true},
	{"8:00-18:00，周六、日休息", "08:00-18:00; Sa,Su off", false, true},
	{"9:00-17:00，周日闭馆", "09:00-17:00; Su off", false, true},
	{"9:00-17:00，法定节假日休息", "09:00-17:00; PH off", false, true},
	{"周一至周五 9:00-17:00（节假日除外）", "Mo-Fr 09:00-17:00; PH off", false, true},
	{"周一至周五 9:00-17:00，法定节假日除外", "Mo-Fr 09:00-17:00; PH off", false, true},
	{"周一至周五 9:00-17:00，节假日不开放", "Mo-Fr 09:00-17:00; PH off", false, true},
	{"8:00-17:00，除节假日外", "08:00-17:00; PH off", false, true},
	{"除周一外 9:00-17:00", "09:00-17:00; Mo off", false, true},
	{"9:00-17:00（周一除外）", "09:00-17:00; Mo off", false, true},
	{"周一闭馆，节假日休息", "unknown; Mo off; PH off", false, true},
	{"周一至周五 9:00-17:00，周末及节假日休息", "Mo-Fr 09:00-17:00; Sa,Su off; PH off", false, true},
	{"周一至周五8:30-12:00，14:00-17:30；周六、周日及法定节假日休息", "Mo-Fr 08:30-12:00,14:00-17:30; Sa,Su off; PH off", false, true},
	{"周二至周日 9:00-16:30，周一闭馆", "Tu-Su 09:00-16:30; Mo off", false, true},
	{"周一至周五 9:00-17:00，周六 9:00-12:00，周日及节假日休息", "Mo-Fr 09:00-17:00; Sa 09:00-12:00; Su off; PH off", false, true},
	{"工作日 9:00-17:00，节假日休息", "Mo-Fr 09:00-17:00; PH off", false, true},
	{"工作日 9:00-17:00，节假日 10:00-14:00", "Mo-Fr 09:00-17:00; PH 10:00-14:00", false, true},
	{"周日休息，9:00-17:00", "09:00-17:00; Su off", false, true},
	{"9:00-17:00，其余时间休息", "09:00-17:00", false, true},
	{"周末休息", "unknown; Sa,Su off", false, true},
	{"节假日休息", "unknown; PH off", false, true},
	{"周日休", "unknown; Su off", false, true},
	{"周日闭馆", "unknown; Su off", false, true},

	// Split shifts and breaks.
	{"9:00-11:30，13:30-17:00", "09:00-11:30,13:30-17:00", false, true},
	{"9:00-11:30,13:30-17:00", "09:00-11:30,13:30-17:00", false, true},
	{"9:00-11:30、13:30-17:00", "09:00-11:30,13:30-17:00", false, true},
	{"9:00-11:30；13:30-17:00", "09:00-11:30,13:30-17:00", false, true},
	{"9:00-11:30 13:30-17:00", "09:00-11:30,13:30-17:00", false, true},
	{"13:30-17:00，9:00-11:30", "09:00-11:30,13:30-17:00", false, true},
	{"8:00-18:00（午休12:00-13:30）", "08:00-12:00,13:30-18:00", false, true},
	{"8:00-18:00 午休12:00-13:30", "08:00-12:00,13:30-18:00", false, true},
	{"8:00-18:00，12:00-13:30休息", "08:00-12:00,13:30-18:00", false, true},
	{"8:00-18:00【午休：12点-13点半】", "08:00-12:00,13:30-18:00", false, true},
	{"8:00-18:00，中午12点到1点半休息", "08:00-12:00,13:30-18:00", false, true},

	// Seasons.
	{"冬季（11月-3月）8:30-16:30，夏季（4月-10月）8:00-18:00", "Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00", false, true},
	{"夏季（5月-10月）8:00-18:00", "May-Oct 08:00-18:00", false, true},
	{"冬季（11月1日至次年3月31日）8:30-16:30", "Nov 01-Mar 31 08:30-16:30", false, true},
	{"11月至次年3月 8:30-16:30", "Nov-Mar 08:30-16:30", false, true},
	{"11月-3月（冬季）9:00-16:00", "Nov-Mar 09:00-16:00", false, true},
	{"【冬季】11月-3月 9:00-16:00", "Nov-Mar 09:00-16:00", false, true},
	{"10月1日至7日 10:00-16:00", "Oct 01-07 10:00-16:00", false, true},
	{"春季（3月-5月）8:00-18:00", "Mar-May 08:00-18:00", false, true},
	{"冬季 8:30-16:30", "Nov-Mar 08:30-16:30", true, true},
	{"冬季：11月1日-3月31日 8:30-16:30；夏季：4月1日-10月31日 8:00-17:00", "Nov 01-Mar 31 08:30-16:30; Apr 01-Oct 31 08:00-17:00", false, true},
	{"冬季周末休息", "unknown; Nov-Mar Sa,Su off", true, true},
	{"冬季时间：8:30-16:30", "Nov-Mar 08:30-16:30", true, true},
	{"夏季8:00-18:00，冬季8:30-16:30", "Apr-Oct 08:00-18:00; Nov-Mar 08:30-16:30", true, true},
	{"8:00-18:00，冬季8:30-16:30", "08:00-18:00; Nov-Mar 08:30-16:30", true, true},
	{"冬季闭馆，8:00-18:00", "08:00-18:00; Nov-Mar off", true, true},
	{"冬季（11月-3月）8:30-16:30，夏季（4月-10月）8:00-18:00，节假日休息", "Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00; PH off", false, true},
	{"夏季（4月-10月）周一至周五 8:00-18:00，周六 9:00-12:00", "Apr-Oct Mo-Fr 08:00-18:00; Apr-Oct Sa 09:00-12:00", true, true},

	// Notes.
	{"周一至周五 9:00-17:00，春节期间另行通知", `Mo-Fr 09:00-17:00 open "春节期间另行通知"`, true, true},
	{"8:00-18:00（需提前预约）", `08:00-18:00 open "需提前预约"`, true, true},
	{"9:00-17:00，以现场公告为准", `09:00-17:00 open "以现场公告为准"`, true, true},
	{"工作日9:00-17:00，节假日另行通知", `Mo-Fr 09:00-17:00; PH unknown "节假日另行通知"`, true, true},
	{"全天24小时，电话预约", `24/7 open "电话预约"`, true, true},
	{"电话预约", `unknown "电话预约"`, true, true},
	{"需提前预约", `unknown "需提前预约"`, true, true},
	{"随到随开", `unknown "随到随开"`, true, true},
	{"有人即开", `unknown "有人即开"`, true, true},
	{"电话预约，以现场公告为准", `unknown "电话预约，以现场公告为准"`, true, true},
	{"周一至周五 电话预约", `Mo-Fr unknown "电话预约"`, true, true},

	{"早8点到晚6点，节假日照常", "08:00-18:00", false, true},
	{"工作日9:00-17:00，节假日照常", "Mo-Fr 09:00-17:00", false, true},
	{"周一至周五9:00-17:00，周六日照常营业", "Mo-Fr 09:00-17:00; Sa,Su 09:00-17:00", false, true},
	{"冬天早上八点半开门，下午四点半关门，节假日休息", "Nov-Mar 08:30-16:30; PH off", true, true},
	{"早上8点开门 晚上9点关门", "08:00-21:00", false, true},
	{"8:00起至17:00止", "08:00-17:00", false, true},
	{"8点开门", "", false, false},
	{"八点一刻至十一点三刻", "08:15-11:45", false, true},
	{"周一至周五 9:00-17:00，周五延长至19:00", "Mo-Fr 09:00-17:00; Fr 09:00-19:00", false, true},
	{"9:00-17:00，夏季延长至18:00", "09:00-17:00; Apr-Oct 09:00-18:00", true, true},
	{"9:00-17:00，延长至18:00", "", false, false},
	{"供暖期 8:00-17:00", "Nov-Mar 08:00-17:00", true, true},
	{"24 小时", "24/7", false, true},
	{"二十四小时营业", "24/7", false, true},
	{"节假日照常，节假日休息", "", false, false},
	{"节假日照常开放", "", false, false},
	{"全天24小时开放，全年无休", "24/7", false, true},
	{"供暖期间 8:00-16:00", "Nov-Mar 08:00-16:00", true, true},
	{"周一至周五（法定节假日除外）8:30-17:00", "Mo-Fr 08:30-17:00; PH off", false, true},
	{"9:00-18:00（17:30停止入场）", `09:00-18:00 open "17:30停止入场"`, true, true},
	{"10月1—3日 9:00-16:00", "Oct 01-03 09:00-16:00", false, true},
	{"10月1—32日 9:00-16:00", "", false, false},

	// Not understood.
	{"", "", false, false},
	{"   ", "", false, false},
	{"暂停开放", "", false, false},
	{"/", "", false, false},
	{"无", "", false, false},
	{"-", "", false, false},
	{"待定", "", false, false},
	{"见公告", "", false, false},
	{"休息", "", false, false},
	{"开放", "", false, false},
	{"25:00-26:00", "", false, false},
	{"8:61-18:00", "", false, false},
	{"8:00-8:00", "", false, false},
	{"0:00-0:00", "", false, false},
	{"24:00-8:00", "", false, false},
	{"8:00-次日8:00", "", false, false},
	{"12:00-次日14:00", "", false, false},
	{"晚12点半-2:00", "", false, false},
	{"8.30-17.30", "", false, false},
	{"8:0-18:0", "", false, false},
	{"800-1800", "", false, false},
	{"8:00起", "", false, false},
	{"8:00-18:00 abc", "", false, false},
	{"8:00-18:00（", "", false, false},
	{"8:00-18:00)", "", false, false},
	{"周一至周五", "", false, false},
	{"冬季", "", false, false},
	{"春季 8:00-18:00", "", false, false},
	{"周一至周五 8:00-18:00，周六", "", false, false},
	{"周一至周五，周六9:00-12:00", "", false, false},
	{"8:00-18:00 周末", "", false, false},
	{"8:00-18:00，中午休息", "", false, false},
	{"8:00-18:00 午休7:00-9:00", "", false, false},
	{"9:00-12:00，11:00-13:00", "", false, false},
	{"9:00-17:00，9:00-17:00", "", false, false},
	{"全天，8:00-18:00", "", false, false},
	{"周末9:00-17:00,8:00-18:00", "", false, false},
	{"8:00-18:00（冬季）", "", false, false},
	{"周日 9:00-12:00 休息", "", false, false},
	{"周一至周五 9:00-17:00 周六 周日 10:00-16:00", "", false, false},
	{"1月至次年3月", "", false, false},
	{"周二至周日 9:00-16:30，周一闭馆（节假日除外）", "Tu-Su 09:00-16:30; Mo off; PH 09:00-16:30", true, true},
	{"周二至周五 9:00-17:00，周六日 9:00-16:00，周一闭馆（节假日除外）", "", false, false},
	{"周二至周日 9:00-16:30，周一闭馆（节假日除外），节假日休息", "", false, false},
	{"其余时间 8:00-17:00", "", false, false},
	{"周边 8:00-18:00", "", false, false},
	{"11月1日-3月 8:00-18:00", "", false, false},
	{"2月30日 8:00-18:00", "", false, false},
	{"8:00-18:00\xff", "", false, false},
}

func TestZhToOSM(t *testing.T) {
	for _, c := range zhCases {
		osm, partial, ok := zhToOSM(c.in)
		if osm != c.osm || partial != c.partial || ok != c.ok {
			t.Errorf("zhToOSM(%q) = %q, %v, %v; want %q, %v, %v", c.in, osm, partial, ok, c.osm, c.partial, c.ok)
		}
	}
}

// TestZhLongInput checks that 2 KB inputs, understood or not, are handled in linear time.
func TestZhLongInput(t *testing.T) {
	for _, piece := range []string{"周一至周五 9:00-17:00，", "冬季 ", "周一、", "全天 ", "((", "8", "电话预约", "-"} {
		in := strings.Repeat(piece, 2048/len(piece))
		start := time.Now()
		zhToOSM(in)
		if d := time.Since(start); d > time.Second {
			t.Errorf("zhToOSM(%q...) took %v", piece, d)
		}
	}
}

func FuzzZhToOSM(f *testing.F) {
	for _, c := range zhCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		osm, _, ok := zhToOSM(in)
		if !ok {
			if osm != "" {
				t.Fatalf("zhToOSM(%q) not ok but returned %q", in, osm)
			}
			return
		}
		// Outside the quoted comment (even pieces) only ASCII; quotes pair up, so no '"' inside.
		parts := strings.Split(osm, `"`)
		if len(parts)%2 != 1 {
			t.Fatalf("zhToOSM(%q) = %q: unpaired quote", in, osm)
		}
		for i := 0; i < len(parts); i += 2 {
			for _, r := range parts[i] {
				if r >= utf8.RuneSelf {
					t.Fatalf("zhToOSM(%q) = %q: non-ASCII outside a comment", in, osm)
				}
			}
		}
		if len(parts) > 5 { // the notes on the last rule, and 节假日另行通知 on its PH rule
			t.Fatalf("zhToOSM(%q) = %q: more than two comments", in, osm)
		}
	})
}

// Every conversion is valid syntax for the parser, and Normalize stores its canonical form with the
// status the converter implies. (Text that is already valid syntax, like 0:00-24:00, never reaches the
// converter.)
func TestZhOutputIsCanonical(t *testing.T) {
	for _, c := range zhCases {
		if _, err := Parse(c.in); err == nil {
			continue
		}
		res := Normalize(c.in)
		if !c.ok {
			if res.Status != Unparsed || res.Normalized != c.in {
				t.Errorf("Normalize(%q) = %q (%s); want it kept verbatim, unparsed", c.in, res.Normalized, res.Status)
			}
			continue
		}
		s, err := Parse(c.osm)
		if err != nil {
			t.Errorf("%q → %q: %v", c.in, c.osm, err)
			continue
		}
		want := Parsed
		if c.partial {
			want = Partial
		}
		if res.Normalized != s.String() || res.Status != want {
			t.Errorf("Normalize(%q) = %q (%s); want %q (%s)", c.in, res.Normalized, res.Status, s.String(), want)
		}
	}
}
