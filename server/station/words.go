package station

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The words each vocabulary accepts on every write path (import, edit): its codes, both labels and the
// synonyms real station lists use. Storage and query parameters take codes only (Parse*).

// WordKey folds a word for looking it up in a vocabulary: NFKC, lower case, no spaces, '-' or '_'.
func WordKey(s string) string {
	lowerCode := true // the common case, a code such as "hot_water", needs no work
	for i := 0; i < len(s) && lowerCode; i++ {
		c := s[i]
		lowerCode = c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
	}
	if lowerCode {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' {
			return -1
		}
		return unicode.ToLower(r)
	}, norm.NFKC.String(s))
}

// Kinds: the codes, both labels, and these synonyms. 户外劳动者服务站 are run by the trade unions in
// Liaoning (the seed data files them as union stations), 党群服务站 is the smaller 党群服务中心.
var kindSynonyms = map[string]Kind{
	"爱心服务站": CaringStation, "爱心驿站点": CaringStation,
	"货车司机之家": DriverHome, "司机驿站": DriverHome,
	"户外劳动者服务站": UnionStation, "职工驿站": UnionStation, "工会户外劳动者服务站": UnionStation,
	"党群服务站": CommunityCenter,
	"其它":    OtherKind,
}

// Amenities: the codes, both labels, and these synonyms.
var amenitySynonyms = map[string]Amenity{
	"饮水": DrinkingWater, "免费饮水": DrinkingWater, "饮水机": DrinkingWater, "矿泉水": DrinkingWater,
	"开水": HotWater, "热水供应": HotWater,
	"充电": PhoneCharging, "手机充电器": PhoneCharging, "充电宝": PhoneCharging,
	"电瓶车充电": EbikeCharging, "电动自行车充电": EbikeCharging, "电动车充电桩": EbikeCharging,
	"换电": BatterySwap, "换电池": BatterySwap,
	"暖气": Heating, "供暖": Heating, "取暖设备": Heating,
	"冷气": AirConditioning,
	"座椅": Seating, "休息": Seating, "休息区": Seating, "桌椅": Seating, "歇脚": Seating,
	"厕所": Toilet, "洗手间": Toilet, "公厕": Toilet, "如厕": Toilet,
	"热饭": Microwave, "加热": Microwave,
	"药箱": FirstAid, "医药箱": FirstAid, "急救包": FirstAid, "应急药品": FirstAid, "药品": FirstAid,
	"wifi": Wifi, "无线上网": Wifi, "上网": Wifi,
	"停车": TruckParking, "停车场": TruckParking, "货车停车场": TruckParking,
	"洗澡": Shower, "洗浴": Shower,
	"洗衣机": Laundry, "洗衣服": Laundry,
	"就餐": Meals, "用餐": Meals, "餐食": Meals, "食堂": Meals,
	"休息室": Lodging, "床位": Lodging,
}

var statusSynonyms = map[string]Status{
	"开放": Open, "正常": Open, "营业": Open, "运营": Open, "运营中": Open, "正常运营": Open,
	"暂停": TemporarilyClosed, "暂停服务": TemporarilyClosed, "临时关闭": TemporarilyClosed, "暂时关闭": TemporarilyClosed,
	"关闭": Closed, "停用": Closed, "撤销": Closed, "已撤销": Closed,
}

var audienceSynonyms = map[string]Audience{
	"全部": Everyone, "不限": Everyone, "社会公众": Everyone, "公众": Everyone,
	"快递外卖": CouriersAndDrivers, "新就业形态劳动者": CouriersAndDrivers,
	"货车司机": Drivers, "司机群体": Drivers,
}

var (
	kindWords     = map[string]Kind{}
	amenityWords  = map[string]Amenity{}
	statusWords   = map[string]Status{}
	audienceWords = map[string]Audience{}
)

func init() {
	for _, k := range Kinds() {
		for _, w := range []string{k.String(), k.Label().Zh, k.Label().En} {
			kindWords[WordKey(w)] = k
		}
	}
	for w, k := range kindSynonyms {
		kindWords[WordKey(w)] = k
	}
	for _, a := range Amenities() {
		for _, w := range []string{a.String(), a.Label().Zh, a.Label().En} {
			amenityWords[WordKey(w)] = a
		}
	}
	for w, a := range amenitySynonyms {
		amenityWords[WordKey(w)] = a
	}
	for s, code := range map[Status][]string{
		Open: {"open", "正常开放", "Open"}, TemporarilyClosed: {"temporarily_closed", "暂停开放", "Temporarily closed"},
		Closed: {"closed", "已关闭", "Closed"},
	} {
		for _, w := range code {
			statusWords[WordKey(w)] = s
		}
	}
	for w, s := range statusSynonyms {
		statusWords[WordKey(w)] = s
	}
	for a, words := range map[Audience][]string{
		Everyone: {"everyone", "所有人", "Everyone"}, CouriersAndDrivers: {"couriers_and_drivers", "快递员、外卖骑手和司机", "Couriers, riders and drivers"},
		Drivers: {"drivers", "司机", "Drivers"},
	} {
		for _, w := range words {
			audienceWords[WordKey(w)] = a
		}
	}
	for w, a := range audienceSynonyms {
		audienceWords[WordKey(w)] = a
	}
}

// KindFromWord accepts a kind code, its zh-CN or English label, or a synonym.
func KindFromWord(s string) (Kind, bool) {
	if k, ok := kindWords[s]; ok { // most cells are a code or a label as it is kept
		return k, true
	}
	k, ok := kindWords[WordKey(s)]
	return k, ok
}

// KindFromName finds the kind a station's name ends with (…爱心驿站, …司机之家); used when the kind
// cell is empty or the file has no kind column.
func KindFromName(name string) (Kind, bool) {
	best, bestLen, found := Kind(0), 0, false
	for w, k := range kindWords {
		if k != OtherKind && w[0] >= utf8.RuneSelf && len(w) > bestLen && strings.HasSuffix(name, w) {
			best, bestLen, found = k, len(w), true
		}
	}
	return best, found
}

// AmenitiesFromWords reads amenity codes, labels or synonyms separated by ; ； , ， 、 / | or spaces. It
// returns the first word it does not know.
func AmenitiesFromWords(s string) (AmenitySet, string, bool) {
	var set AmenitySet
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(";；,，、/|", r)
	})
	for _, p := range parts {
		p = strings.TrimFunc(p, unicode.IsSpace)
		if p == "" {
			continue
		}
		if a, ok := amenityWords[p]; ok {
			set = set.With(a)
			continue
		}
		if a, ok := amenityWords[WordKey(p)]; ok {
			set = set.With(a)
			continue
		}
		// "热水 取暖": words separated by spaces only. English labels have spaces too, hence the
		// whole part is tried first.
		for _, w := range strings.Fields(p) {
			a, ok := amenityWords[WordKey(w)]
			if !ok {
				return 0, w, false
			}
			set = set.With(a)
		}
	}
	return set, "", true
}

// AmenityFromWord accepts one amenity code, label or synonym.
func AmenityFromWord(s string) (Amenity, bool) {
	if a, ok := amenityWords[s]; ok {
		return a, true
	}
	a, ok := amenityWords[WordKey(strings.TrimFunc(s, unicode.IsSpace))]
	return a, ok
}

// StatusFromWord accepts a status code, label or synonym (正常, 暂停服务, 撤销 ...).
func StatusFromWord(s string) (Status, bool) {
	if st, ok := statusWords[s]; ok {
		return st, true
	}
	st, ok := statusWords[WordKey(s)]
	return st, ok
}

// AudienceFromWord accepts an audience code, label or synonym.
func AudienceFromWord(s string) (Audience, bool) {
	if a, ok := audienceWords[s]; ok {
		return a, true
	}
	a, ok := audienceWords[WordKey(s)]
	return a, ok
}
