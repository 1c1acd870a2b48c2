package seedgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/yizhan/yizhan/server/station"
)

// Station names follow the patterns seen on published lists: the host
// organisation or place, then the kind of station. Every pattern uses real
// city, district, street and community names; road names are made up.

// nameFunc returns a station name and its operator for a placed point.
type nameFunc func(c *cityGen, p place, community string) (name, operator string)

var caringNames = []weighted[nameFunc]{
	{22, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Name + "爱心驿站", streetOffice(p.street)
	}},
	{10, func(c *cityGen, p place, cm string) (string, string) {
		if cm == "" {
			return p.street.Short + "户外劳动者爱心驿站", streetOffice(p.street)
		}
		return cm + "爱心驿站", communityCommittee(cm)
	}},
	{16, func(c *cityGen, p place, _ string) (string, string) {
		b := banks[c.rng.IntN(len(banks))]
		return b + c.info.Short + p.street.Short + "支行爱心驿站", b + c.info.Short + "分行"
	}},
	{10, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "国家电网营业厅爱心驿站", powerCompany(c)
	}},
	{8, func(c *cityGen, p place, _ string) (string, string) {
		t := telecoms[c.rng.IntN(len(telecoms))]
		return t.Brand + p.street.Short + "营业厅爱心驿站", fmt.Sprintf(t.Operator, c.info.Short)
	}},
	{6, func(c *cityGen, p place, _ string) (string, string) {
		return "中国邮政" + p.street.Short + "邮政支局爱心驿站", "中国邮政集团有限公司" + c.info.Short + "市分公司"
	}},
	{6, func(c *cityGen, p place, _ string) (string, string) {
		return "中国石油" + p.street.Short + "加油站爱心驿站", petroChina
	}},
	{8, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Short + p.street.Short + "户外劳动者爱心驿站", p.d.Name + "总工会"
	}},
	{6, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "环卫工人爱心驿站", p.d.Name + "环境卫生服务中心"
	}},
	{4, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Name + "卫生服务中心爱心驿站", p.d.Name + "卫生健康局"
	}},
}

var driverCorridorNames = []weighted[nameFunc]{
	{45, func(c *cityGen, p place, _ string) (string, string) {
		return corridors[p.corridor].Name + p.street.Short + "服务区司机之家", "辽宁高速公路运营管理有限责任公司"
	}},
	{30, func(c *cityGen, p place, _ string) (string, string) {
		return "中国石化" + corridors[p.corridor].Name + p.street.Short + "加油站司机之家", sinopec
	}},
	{25, func(c *cityGen, p place, _ string) (string, string) {
		return "中国石油" + p.street.Short + "加油站司机之家", petroChina
	}},
}

var hubFacilities = []weighted[string]{{40, "物流园"}, {20, "公路港"}, {15, "物流中心"}, {15, "货运枢纽"}, {10, "货运市场"}}

var driverHubNames = []weighted[nameFunc]{
	{45, func(c *cityGen, p place, _ string) (string, string) {
		return p.hub.name + p.hub.facility + "司机之家", p.d.Name + "交通运输局"
	}},
	{35, func(c *cityGen, p place, _ string) (string, string) {
		return p.hub.name + p.hub.facility + directions[c.rng.IntN(len(directions))] + "区司机之家", p.d.Name + "物流行业协会"
	}},
	{20, func(c *cityGen, p place, _ string) (string, string) {
		return "中国石化" + p.hub.name + "加油站司机之家", sinopec
	}},
}

var driverNames = []weighted[nameFunc]{
	{10, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Name + "货运司机之家", p.d.Name + "交通运输局"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Short + p.street.Short + "货运司机之家", p.d.Name + "道路运输协会"
	}},
	{30, func(c *cityGen, p place, _ string) (string, string) {
		return "中国石化" + p.street.Short + "加油站司机之家", sinopec
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return "中国石油" + p.street.Short + "加油站司机之家", petroChina
	}},
	{7, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Short + "出租汽车司机之家", p.d.Name + "交通运输局"
	}},
	{8, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "出租车司机之家", p.d.Name + "出租汽车行业协会"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Name + "司机之家", streetOffice(p.street)
	}},
}

var unionNames = []weighted[nameFunc]{
	{8, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Name + "总工会户外劳动者服务站", p.d.Name + "总工会"
	}},
	{25, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Short + "总工会" + p.street.Short + "户外劳动者服务站", p.d.Name + "总工会"
	}},
	{25, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Name + "工会驿站", p.street.Name + "总工会"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "职工之家工会驿站", p.d.Name + "总工会"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return "国网" + c.info.Short + "供电公司" + p.street.Short + "工会驿站", powerCompany(c)
	}},
	{12, func(c *cityGen, p place, _ string) (string, string) {
		b := banks[c.rng.IntN(len(banks))]
		return b + c.info.Short + p.street.Short + "支行工会驿站", b + c.info.Short + "分行工会"
	}},
}

var communityNames = []weighted[nameFunc]{
	{70, func(c *cityGen, p place, cm string) (string, string) {
		if cm == "" {
			return p.street.Name + "党群服务中心", streetOffice(p.street)
		}
		return cm + "党群服务中心", communityCommittee(cm)
	}},
	{30, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Name + "党群服务中心", streetOffice(p.street)
	}},
}

var otherNames = []weighted[nameFunc]{
	{25, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "便民服务站", streetOffice(p.street)
	}},
	{20, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "快递小哥暖心驿站", p.d.Name + "快递行业协会"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Short + "图书馆" + p.street.Short + "分馆户外劳动者休息点", p.d.Name + "图书馆"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return p.d.Short + "新就业形态劳动者服务站", p.d.Name + "人力资源和社会保障局"
	}},
	{15, func(c *cityGen, p place, _ string) (string, string) {
		return p.street.Short + "环卫工人休息室", p.d.Name + "环境卫生服务中心"
	}},
	{10, func(c *cityGen, p place, _ string) (string, string) {
		return "中国邮政" + p.street.Short + "快递驿站", "中国邮政集团有限公司" + c.info.Short + "市分公司"
	}},
}

const (
	sinopec    = "中国石化销售股份有限公司辽宁石油分公司"
	petroChina = "中国石油天然气股份有限公司辽宁销售分公司"
)

func powerCompany(c *cityGen) string {
	return "国网辽宁省电力有限公司" + c.info.Short + "供电公司"
}

func streetOffice(s *Street) string {
	switch s.Type {
	case Subdistrict:
		return s.Name + "办事处"
	case Town, Township:
		return s.Name + "人民政府"
	}
	return s.Name
}

func communityCommittee(cm string) string {
	if strings.HasSuffix(cm, "村") {
		return cm + "民委员会"
	}
	return cm + "居民委员会"
}

// name picks a name pattern for the kind (and, for 司机之家, for how the
// point was placed) and returns the name and the operator.
func (c *cityGen) name(k station.Kind, p place) (string, string) {
	var cm string
	if cms := p.street.Communities; len(cms) > 0 {
		cm = cms[c.rng.IntN(len(cms))]
	}
	var list []weighted[nameFunc]
	switch k {
	case station.CaringStation:
		list = caringNames
	case station.DriverHome:
		switch {
		case p.corridor >= 0:
			list = driverCorridorNames
		case p.hub != nil:
			list = driverHubNames
		default:
			list = driverNames
		}
	case station.UnionStation:
		list = unionNames
	case station.CommunityCenter:
		list = communityNames
	default:
		list = otherNames
	}
	return pick(c.rng, list)(c, p, cm)
}

// address builds 辽宁省{市}{区县}{街道/镇}{road}{n}号. Roads and numbers are
// fictitious; rural points are sometimes addressed by their village instead.
func (c *cityGen) address(p place) string {
	var b strings.Builder
	b.WriteString("辽宁省")
	b.WriteString(p.d.City)
	b.WriteString(p.d.Name)
	b.WriteString(p.street.Name)
	switch {
	case p.road != "":
		b.WriteString(p.road)
		b.WriteString(strconv.Itoa(p.number))
	case !p.central && p.street.Type != Subdistrict && len(p.street.Communities) > 0 && c.rng.IntN(2) == 0:
		cm := p.street.Communities[c.rng.IntN(len(p.street.Communities))]
		b.WriteString(cm)
		b.WriteString(strconv.Itoa(1 + c.rng.IntN(80)))
	default:
		b.WriteString(c.road(p.street))
		b.WriteString(strconv.Itoa(1 + c.rng.IntN(388)))
	}
	b.WriteString("号")
	return b.String()
}

// road makes up a road name: 北三路, 兴华街, 浑河湾大街, 东康路 ...
func (c *cityGen) road(s *Street) string {
	word := pick(c.rng, roadWords)
	ch := func() string { return roadChars[c.rng.IntN(len(roadChars))] }
	dir := func() string { return directions[c.rng.IntN(len(directions))] }
	switch r := c.rng.IntN(100); {
	case r < 30:
		return dir() + numerals[c.rng.IntN(len(numerals))] + word
	case r < 75:
		a, b := ch(), ch()
		for b == a {
			b = ch()
		}
		return a + b + word
	case r < 88:
		if s.Type == OtherUnit {
			return dir() + ch() + word
		}
		if strings.HasSuffix(s.Short, "街") || strings.HasSuffix(s.Short, "路") {
			return s.Short // 太原街街道 → 太原街
		}
		return s.Short + pick(c.rng, []weighted[string]{{60, "大街"}, {40, "路"}})
	default:
		return dir() + ch() + word
	}
}

// distinguish renames the stations of a city whose name an earlier one already has, as published lists
// tell such stations apart, so that a rider can tell which one the app means: by the community when the
// name starts with its street's (站前街道繁荣社区爱心驿站) and the street has a community not yet used, else
// by an ordinal before the kind of station (站前街道第二爱心驿站). It draws no random numbers, so the rest
// of the seed stays as it was.
func distinguish(list []Station) {
	taken := make(map[string]bool, len(list))
	for _, s := range list {
		taken[s.Name] = true
	}
	seen := make(map[string]bool, len(list))
	ordinals := map[string]int{} // the last ordinal given to a name, so that the next starts after it
	for i := range list {
		s := &list[i]
		if !seen[s.Name] {
			seen[s.Name] = true
			continue
		}
		s.Name, s.Operator = another(s, taken, ordinals)
		taken[s.Name], seen[s.Name] = true, true
	}
}

// kindWords end station names, longest first: an ordinal goes before them.
var kindWords = []string{
	"新就业形态劳动者服务站", "户外劳动者服务站", "党群服务中心", "爱心驿站", "暖心驿站", "工会驿站", "快递驿站",
	"司机之家", "便民服务站", "休息室", "休息点",
}

// another is a name for s that is not taken, and the operator that goes with it.
func another(s *Station, taken map[string]bool, ordinals map[string]int) (name, operator string) {
	if st := s.street; st != nil && strings.HasPrefix(s.Name, st.Name) {
		rest := strings.TrimPrefix(s.Name, st.Name)
		for _, cm := range st.Communities {
			if n := st.Name + cm + rest; !taken[n] {
				if rest == "爱心驿站" || rest == "党群服务中心" {
					return n, communityCommittee(cm) // the community runs it
				}
				return n, s.Operator
			}
		}
	}
	prefix, suffix := s.Name, ""
	for _, w := range kindWords {
		if strings.HasSuffix(s.Name, w) {
			prefix, suffix = strings.TrimSuffix(s.Name, w), w
			break
		}
	}
	for k := max(2, ordinals[s.Name]+1); ; k++ {
		n := prefix + strconv.Itoa(k) + "号" + suffix // only in lists far larger than the province's
		if k < 100 {
			n = prefix + "第" + chineseNumber(k) + suffix
		}
		if !taken[n] {
			ordinals[s.Name] = k
			return n, s.Operator
		}
	}
}

// chineseNumber writes 1–99 in Chinese numerals: 二, 十, 十二, 二十三.
func chineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}
