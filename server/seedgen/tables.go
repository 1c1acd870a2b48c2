package seedgen

import "github.com/yizhan/yizhan/server/station"

// This file holds the hand-written tables the generator draws from. Facts
// (populations, dialling codes, city centres) are approximate public values;
// everything else (mixes, odds, name parts) is a judgement call chosen to make
// the synthetic data look like the real Liaoning station lists.

// cityInfo describes one prefecture-level city.
type cityInfo struct {
	Adcode     string // 6-digit city code, e.g. 210100
	Name       string // 沈阳市
	Short      string // 沈阳: used in bank branch and company names
	Population int    // 2020 census resident population, in units of 10,000 (≈)
	AreaCode   string // long-distance dialling code, for fictitious landlines
	Lon, Lat   int64  // centre of the urban core, micro-degrees (≈ ±2 km)
}

// cities lists all 14 cities in adcode order. Station counts per city are
// allocated in proportion to Population.
var cities = []cityInfo{
	{"210100", "沈阳市", "沈阳", 907, "024", 123430000, 41800000},
	{"210200", "大连市", "大连", 745, "0411", 121610000, 38910000},
	{"210300", "鞍山市", "鞍山", 333, "0412", 122990000, 41110000},
	{"210400", "抚顺市", "抚顺", 185, "0413", 123960000, 41880000},
	{"210500", "本溪市", "本溪", 133, "0414", 123770000, 41290000},
	{"210600", "丹东市", "丹东", 219, "0415", 124390000, 40130000},
	{"210700", "锦州市", "锦州", 270, "0416", 121130000, 41100000},
	{"210800", "营口市", "营口", 233, "0417", 122230000, 40670000},
	{"210900", "阜新市", "阜新", 165, "0418", 121670000, 42020000},
	{"211000", "辽阳市", "辽阳", 160, "0419", 123170000, 41270000},
	{"211100", "盘锦市", "盘锦", 139, "0427", 122070000, 41120000},
	{"211200", "铁岭市", "铁岭", 239, "0410", 123840000, 42290000},
	{"211300", "朝阳市", "朝阳", 287, "0421", 120450000, 41570000},
	{"211400", "葫芦岛市", "葫芦岛", 243, "0429", 120840000, 40710000},
}

// numKinds sizes the per-kind tables below; station.OtherKind is the last kind.
const numKinds = int(station.OtherKind) + 1

// kindMix is the share of each kind in every city, in percent.
var kindMix = [numKinds]int{
	station.CaringStation: 55, station.DriverHome: 15, station.UnionStation: 15,
	station.CommunityCenter: 12, station.OtherKind: 3,
}

// amenityOdds gives, per amenity of the station package's vocabulary, the chance in
// per mille that a station of each kind has it, for stations in urban
// districts (区) and elsewhere. Riders' e-bike charging and battery swap
// cabinets are an urban thing; truck parking, showers, laundry, meals and
// beds are what makes a 司机之家; heating is near universal in Liaoning.
//
// Each row is {urban odds, elsewhere odds}, each by kind in the order
// caring, driver, union, community, other.
var amenityOdds = [...][2][numKinds]int{
	station.DrinkingWater:   {{960, 960, 950, 950, 850}, {940, 960, 930, 930, 820}},
	station.HotWater:        {{920, 960, 910, 860, 700}, {900, 950, 890, 830, 650}},
	station.PhoneCharging:   {{930, 920, 910, 860, 760}, {880, 900, 860, 800, 700}},
	station.EbikeCharging:   {{480, 100, 320, 260, 220}, {140, 60, 120, 90, 80}},
	station.BatterySwap:     {{220, 20, 90, 50, 60}, {30, 10, 20, 10, 10}},
	station.Heating:         {{920, 950, 920, 930, 800}, {900, 950, 910, 920, 780}},
	station.AirConditioning: {{680, 820, 660, 620, 500}, {520, 780, 520, 480, 400}},
	station.Seating:         {{960, 950, 950, 950, 900}, {950, 950, 940, 940, 880}},
	station.Toilet:          {{700, 960, 760, 860, 600}, {620, 950, 700, 820, 550}},
	station.Microwave:       {{660, 820, 700, 560, 400}, {560, 800, 620, 480, 350}},
	station.FirstAid:        {{760, 860, 800, 760, 560}, {700, 840, 760, 720, 500}},
	station.Wifi:            {{640, 900, 660, 720, 500}, {480, 860, 540, 600, 400}},
	station.TruckParking:    {{10, 970, 20, 10, 30}, {20, 980, 30, 20, 40}},
	station.Shower:          {{20, 760, 50, 20, 30}, {10, 720, 30, 10, 20}},
	station.Laundry:         {{10, 600, 30, 20, 20}, {5, 580, 20, 10, 10}},
	station.Meals:           {{30, 720, 50, 30, 50}, {20, 700, 40, 20, 40}},
	station.Lodging:         {{0, 450, 10, 0, 20}, {0, 480, 5, 0, 10}},
}

// weighted is one choice with an integer weight.
type weighted[T any] struct {
	W int
	V T
}

// openingHours per kind, in OpenStreetMap opening_hours syntax. An empty
// value means "unknown". 司机之家 are nearly always 24/7; government-run
// centres keep office hours, often with a lunch break and holidays off.
var openingHours = [numKinds][]weighted[string]{
	station.CaringStation: {
		{18, "Mo-Su 08:00-20:00"}, {16, "Mo-Fr 08:30-17:30"}, {10, "24/7"},
		{10, "Mo-Fr 08:30-11:30,13:30-17:00"}, {10, "Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00"},
		{8, "Mo-Fr 09:00-17:00; PH off"}, {8, "Mo-Sa 08:00-18:00"}, {5, "Mo-Su 07:00-19:00"},
		{4, "Mo-Fr 08:00-18:00; Sa,Su 09:00-16:00"}, {2, "Mo-Su 18:00-02:00"}, {1, "Sa,Su 09:00-16:00"},
		{3, ""},
	},
	station.DriverHome: {
		{76, "24/7"}, {8, "Mo-Su 06:00-22:00"}, {5, "Mo-Su 05:00-23:00"},
		{3, "Mo-Su 22:00-06:00"}, {3, "Mo-Su 18:00-02:00"}, {1, "Nov-Mar 07:00-19:00; Apr-Oct 06:00-21:00"},
		{4, ""},
	},
	station.UnionStation: {
		{20, "Mo-Fr 08:30-17:30"}, {14, "Mo-Su 08:00-20:00"}, {14, "Mo-Fr 08:30-11:30,13:30-17:00"},
		{12, "Mo-Fr 09:00-17:00; PH off"}, {10, "Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00"},
		{8, "24/7"}, {6, "Mo-Fr 08:00-17:00; Sa 09:00-12:00"}, {4, "Sa,Su 09:00-16:00"},
		{2, "Mo-Su 22:00-06:00"}, {4, ""},
	},
	station.CommunityCenter: {
		{28, "Mo-Fr 08:30-17:00"}, {22, "Mo-Fr 08:30-11:30,13:30-17:00"},
		{16, "Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00"}, {14, "Mo-Fr 09:00-17:00; PH off"},
		{8, "Mo-Fr 08:30-17:30; Sa,Su 09:00-16:00"}, {5, "Mo-Su 08:00-20:00"}, {7, ""},
	},
	station.OtherKind: {
		{25, "Mo-Su 08:00-20:00"}, {15, "Sa,Su 09:00-16:00"}, {15, "24/7"}, {15, "Mo-Fr 09:00-17:00; PH off"},
		{10, "Mo-Su 18:00-02:00"}, {10, "Nov-Mar 08:30-16:30; Apr-Oct 08:00-18:00"}, {10, ""},
	},
}

// audiences per kind: who a station says it serves.
var audiences = [numKinds][]weighted[station.Audience]{
	station.CaringStation:   {{70, station.Everyone}, {30, station.CouriersAndDrivers}},
	station.DriverHome:      {{82, station.Drivers}, {18, station.CouriersAndDrivers}},
	station.UnionStation:    {{60, station.Everyone}, {40, station.CouriersAndDrivers}},
	station.CommunityCenter: {{95, station.Everyone}, {5, station.CouriersAndDrivers}},
	station.OtherKind:       {{80, station.Everyone}, {20, station.CouriersAndDrivers}},
}

// Status shares, in per mille: about 2% temporarily closed, 0.5% closed.
const (
	tempClosedPermille = 20
	closedPermille     = 5
)

var tempClosedNotes = []string{
	"装修暂停开放", "内部装修，暂停开放", "设备检修暂停开放", "场地调整，暂停服务",
	"供暖管道维修，暂停开放", "人员调整，暂停开放", "道路施工，暂停开放",
}

var closedNotes = []string{"站点已撤并", "场地收回，已关闭", "已迁址，原址不再开放", ""}

// Shares in per mille for optional fields.
const (
	phonePermille    = 840 // stations that list a phone
	verifiedPermille = 880 // stations with a verified_at date
)

// corridor is an expressway approximated by great-circle segments between
// waypoints (there is no road data); 司机之家 are scattered a few km around it.
// Waypoints outside Liaoning only give the line its direction: points that
// fall outside the province are rejected.
type corridor struct {
	Name      string     // as used in station names
	Waypoints [][2]int64 // lon, lat in micro-degrees
}

// Waypoints: city centres from the cities table, plus a few towns.
var (
	wpShenyang    = [2]int64{123430000, 41800000}
	wpDalian      = [2]int64{121610000, 38910000}
	wpAnshan      = [2]int64{122990000, 41110000}
	wpFushun      = [2]int64{123960000, 41880000}
	wpBenxi       = [2]int64{123770000, 41290000}
	wpDandong     = [2]int64{124390000, 40130000}
	wpJinzhou     = [2]int64{121130000, 41100000}
	wpYingkou     = [2]int64{122230000, 40670000}
	wpFuxin       = [2]int64{121670000, 42020000}
	wpLiaoyang    = [2]int64{123170000, 41270000}
	wpPanjin      = [2]int64{122070000, 41120000}
	wpTieling     = [2]int64{123840000, 42290000}
	wpChaoyang    = [2]int64{120450000, 41570000}
	wpHuludao     = [2]int64{120840000, 40710000}
	wpShanhaiguan = [2]int64{119750000, 40000000} // Hebei
	wpSiping      = [2]int64{124350000, 43170000} // Jilin
	wpQingyuan    = [2]int64{124920000, 42100000} // 清原 county seat
	wpZhuanghe    = [2]int64{122970000, 39690000} // 庄河 city
)

var corridors = []corridor{
	{"沈大高速", [][2]int64{wpShenyang, wpLiaoyang, wpAnshan, wpYingkou, wpDalian}}, // G15
	{"京哈高速", [][2]int64{wpShenyang, wpJinzhou, wpHuludao, wpShanhaiguan}},       // G1 south-west
	{"京哈高速", [][2]int64{wpShenyang, wpTieling, wpSiping}},                       // G1 north
	{"沈丹高速", [][2]int64{wpShenyang, wpBenxi, wpDandong}},                        // G1113
	{"沈吉高速", [][2]int64{wpShenyang, wpFushun, wpQingyuan}},                      // G1212
	{"丹大高速", [][2]int64{wpDalian, wpZhuanghe, wpDandong}},                       // G11
	{"锦朝高速", [][2]int64{wpJinzhou, wpChaoyang}},                                 // Jinzhou–Chaoyang
	{"丹阜高速", [][2]int64{wpShenyang, wpFuxin}},                                   // G1113 Fuxin leg
	{"盘营高速", [][2]int64{wpYingkou, wpPanjin, wpJinzhou}},                        // coast link
}

// Name parts. Host organisations that put up 爱心驿站 in their premises.
var banks = []string{
	"中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行",
	"中国邮政储蓄银行", "招商银行", "盛京银行", "辽宁农商银行", "中信银行",
}

var telecoms = []struct{ Brand, Operator string }{
	{"中国移动", "中国移动通信集团辽宁有限公司%s分公司"},
	{"中国联通", "中国联合网络通信有限公司%s分公司"},
	{"中国电信", "中国电信股份有限公司%s分公司"},
}

// Fictitious road names are built from a direction or a pair of auspicious
// characters plus a road word; house numbers are random.
var (
	directions = []string{"东", "西", "南", "北", "中"}
	numerals   = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十五", "十六", "十八"}
	roadChars  = []string{
		"兴", "华", "和", "平", "安", "新", "建", "民", "康", "顺", "泰", "宁", "富", "文", "光", "明",
		"长", "青", "永", "胜", "利", "丰", "盛", "昌", "德", "祥", "福", "春", "松", "柳", "榆", "枫",
	}
	roadWords = []weighted[string]{{40, "路"}, {25, "街"}, {15, "大街"}, {10, "大路"}, {6, "巷"}, {4, "胡同"}}
)
