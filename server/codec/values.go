package codec

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/yizhan/yizhan/server/station"
)

// Row error codes of an import beyond the station package's generic ones. Each names one way a
// coordinate goes wrong in government spreadsheets, so that a client can explain it in the admin's
// language.
const (
	// CodeMissingCoordinate: the cell is empty or a placeholder (0, 待定, #N/A, -, /, …).
	CodeMissingCoordinate = "missing_coordinate"
	// CodeSwappedCoordinates: longitude and latitude are in each other's column.
	CodeSwappedCoordinates = "swapped_coordinates"
	// CodeOutsideLiaoning: a valid coordinate that lies outside Liaoning.
	CodeOutsideLiaoning = "outside_liaoning"
	// CodeDMSCoordinate: degrees-minutes-seconds text; the detail suggests the decimal value.
	CodeDMSCoordinate = "dms_coordinate"
	// CodeProjectedCoordinate: metres of a projected CRS (Gauss-Krüger, Web Mercator), not degrees.
	CodeProjectedCoordinate = "projected_coordinate"
	// CodePayloadTooLarge: the file is over a size, row or archive limit of ImportOptions.
	CodePayloadTooLarge = "payload_too_large"
	// CodeDittoCell: the cell says "same as above" (同上, 〃) instead of a value, as in lists made
	// for printing; the importer does not guess what it stood for.
	CodeDittoCell = "ditto_cell"
)

// isDitto reports whether a cell is a ditto mark: it means "the value of the row above", which is
// only true of the printed sheet (sorting or filtering the rows breaks it).
func isDitto(s string) bool {
	switch strings.TrimRight(s, "。.") {
	case "同上", "仝上", "同前", "〃", `"`, "”", "“", "ditto", "Ditto", "DITTO":
		return true
	}
	return false
}

// cleanCell trims a cell and removes what is invisible but would still make two names differ: zero-width
// characters and byte order marks. Line breaks inside a cell (Alt+Enter) become spaces.
func cleanCell(s string) string {
	if !hasInvisible(s) {
		return strings.TrimSpace(s)
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\uFEFF', '\u200B', '\u200C', '\u200D', '\u2060':
			return -1
		case '\r':
			return -1
		case '\n':
			return ' '
		}
		return r
	}, s)
	return strings.TrimFunc(s, unicode.IsSpace)
}

// hasInvisible reports whether s holds a line break or a character cleanCell removes. It looks at
// bytes: Chinese text is mostly three-byte runes, which would be slow to decode one by one.
func hasInvisible(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n', '\r':
			return true
		case 0xE2: // U+200B–U+200D are E2 80 8B–8D, U+2060 is E2 81 A0
			if i+2 < len(s) && (s[i+1] == 0x80 && s[i+2] >= 0x8B && s[i+2] <= 0x8D || s[i+1] == 0x81 && s[i+2] == 0xA0) {
				return true
			}
		case 0xEF: // U+FEFF is EF BB BF
			if i+2 < len(s) && s[i+1] == 0xBB && s[i+2] == 0xBF {
				return true
			}
		}
	}
	return false
}

// fold is NFKC (full-width digits, letters and punctuation become ASCII) for cells that are parsed
// rather than shown: numbers, codes, phone numbers, times.
func fold(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.TrimFunc(norm.NFKC.String(s), unicode.IsSpace)
}

// vocabKey folds a vocabulary word for lookup: NFKC, lower case, no spaces, '-' or '_'.
func vocabKey(s string) string {
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
var kindSynonyms = map[string]station.Kind{
	"爱心服务站": station.CaringStation, "爱心驿站点": station.CaringStation,
	"货车司机之家": station.DriverHome, "司机驿站": station.DriverHome,
	"户外劳动者服务站": station.UnionStation, "职工驿站": station.UnionStation, "工会户外劳动者服务站": station.UnionStation,
	"党群服务站": station.CommunityCenter,
	"其它":    station.OtherKind,
}

// Amenities: the codes, both labels, and these synonyms.
var amenitySynonyms = map[string]station.Amenity{
	"饮水": station.DrinkingWater, "免费饮水": station.DrinkingWater, "饮水机": station.DrinkingWater, "矿泉水": station.DrinkingWater,
	"开水": station.HotWater, "热水供应": station.HotWater,
	"充电": station.PhoneCharging, "手机充电器": station.PhoneCharging, "充电宝": station.PhoneCharging,
	"电瓶车充电": station.EbikeCharging, "电动自行车充电": station.EbikeCharging, "电动车充电桩": station.EbikeCharging,
	"换电": station.BatterySwap, "换电池": station.BatterySwap,
	"暖气": station.Heating, "供暖": station.Heating, "取暖设备": station.Heating,
	"冷气": station.AirConditioning,
	"座椅": station.Seating, "休息": station.Seating, "休息区": station.Seating, "桌椅": station.Seating, "歇脚": station.Seating,
	"厕所": station.Toilet, "洗手间": station.Toilet, "公厕": station.Toilet, "如厕": station.Toilet,
	"热饭": station.Microwave, "加热": station.Microwave,
	"药箱": station.FirstAid, "医药箱": station.FirstAid, "急救包": station.FirstAid, "应急药品": station.FirstAid, "药品": station.FirstAid,
	"wifi": station.Wifi, "无线上网": station.Wifi, "上网": station.Wifi,
	"停车": station.TruckParking, "停车场": station.TruckParking, "货车停车场": station.TruckParking,
	"洗澡": station.Shower, "洗浴": station.Shower,
	"洗衣机": station.Laundry, "洗衣服": station.Laundry,
	"就餐": station.Meals, "用餐": station.Meals, "餐食": station.Meals, "食堂": station.Meals,
	"休息室": station.Lodging, "床位": station.Lodging,
}

var statusSynonyms = map[string]station.Status{
	"开放": station.Open, "正常": station.Open, "营业": station.Open, "运营": station.Open, "运营中": station.Open, "正常运营": station.Open,
	"暂停": station.TemporarilyClosed, "暂停服务": station.TemporarilyClosed, "临时关闭": station.TemporarilyClosed, "暂时关闭": station.TemporarilyClosed,
	"关闭": station.Closed, "停用": station.Closed, "撤销": station.Closed, "已撤销": station.Closed,
}

var audienceSynonyms = map[string]station.Audience{
	"全部": station.Everyone, "不限": station.Everyone, "社会公众": station.Everyone, "公众": station.Everyone,
	"快递外卖": station.CouriersAndDrivers, "新就业形态劳动者": station.CouriersAndDrivers,
	"货车司机": station.Drivers, "司机群体": station.Drivers,
}

var (
	kindWords     = map[string]station.Kind{}
	amenityWords  = map[string]station.Amenity{}
	statusWords   = map[string]station.Status{}
	audienceWords = map[string]station.Audience{}
)

func init() {
	for _, k := range station.Kinds() {
		for _, w := range []string{k.String(), k.Label().Zh, k.Label().En} {
			kindWords[vocabKey(w)] = k
		}
	}
	for w, k := range kindSynonyms {
		kindWords[vocabKey(w)] = k
	}
	for _, a := range station.Amenities() {
		for _, w := range []string{a.String(), a.Label().Zh, a.Label().En} {
			amenityWords[vocabKey(w)] = a
		}
	}
	for w, a := range amenitySynonyms {
		amenityWords[vocabKey(w)] = a
	}
	for s, code := range map[station.Status][]string{
		station.Open: {"open", "正常开放", "Open"}, station.TemporarilyClosed: {"temporarily_closed", "暂停开放", "Temporarily closed"},
		station.Closed: {"closed", "已关闭", "Closed"},
	} {
		for _, w := range code {
			statusWords[vocabKey(w)] = s
		}
	}
	for w, s := range statusSynonyms {
		statusWords[vocabKey(w)] = s
	}
	for a, words := range map[station.Audience][]string{
		station.Everyone: {"everyone", "所有人", "Everyone"}, station.CouriersAndDrivers: {"couriers_and_drivers", "快递员、外卖骑手和司机", "Couriers, riders and drivers"},
		station.Drivers: {"drivers", "司机", "Drivers"},
	} {
		for _, w := range words {
			audienceWords[vocabKey(w)] = a
		}
	}
	for w, a := range audienceSynonyms {
		audienceWords[vocabKey(w)] = a
	}
}

// parseKind accepts a kind code, its zh-CN or English label, or a synonym.
func parseKind(s string) (station.Kind, bool) {
	k, ok := kindWords[vocabKey(s)]
	return k, ok
}

// kindFromName finds the kind a station's name ends with (…爱心驿站, …司机之家); used when the kind
// cell is empty or the file has no kind column.
func kindFromName(name string) (station.Kind, bool) {
	best, bestLen, found := station.Kind(0), 0, false
	for w, k := range kindWords {
		if k != station.OtherKind && !isASCII(w) && len(w) > bestLen && strings.HasSuffix(name, w) {
			best, bestLen, found = k, len(w), true
		}
	}
	return best, found
}

// parseAmenities reads amenity codes, labels or synonyms separated by ; ； , ， 、 / | or spaces. It
// returns the first word it does not know.
func parseAmenities(s string) (station.AmenitySet, string, bool) {
	var set station.AmenitySet
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune(";；,，、/|", r)
	})
	for _, p := range parts {
		p = strings.TrimFunc(p, unicode.IsSpace)
		if p == "" {
			continue
		}
		if a, ok := amenityWords[vocabKey(p)]; ok {
			set = set.With(a)
			continue
		}
		// "热水 取暖": words separated by spaces only. English labels have spaces too, hence the
		// whole part is tried first.
		for _, w := range strings.Fields(p) {
			a, ok := amenityWords[vocabKey(w)]
			if !ok {
				return 0, w, false
			}
			set = set.With(a)
		}
	}
	return set, "", true
}

// placeholders are what spreadsheets hold where a coordinate is not known (compared after vocabKey).
var placeholders = map[string]bool{
	"": true, "-": true, "—": true, "/": true, "\\": true, "?": true, "待定": true, "无": true, "暂无": true, "未知": true,
	"空": true, "待补充": true, "n/a": true, "na": true, "#n/a": true, "null": true, "none": true, "nil": true,
	"#value!": true, "#ref!": true, "#div/0!": true, "#name?": true, "#num!": true, "#null!": true, "0,0": true,
}

// parseCoord reads one coordinate cell (already folded) and tells apart the usual ways it goes
// wrong: a placeholder, degrees-minutes-seconds text, two numbers in one cell, projected metres.
// Errors are about field and call the value name. Range and swap checks need both values and come
// later.
func parseCoord(field, name, s string) (float64, *station.Error) {
	v, e := parseCoordValue(name, s)
	if e != nil {
		e.Field = field
	}
	return v, e
}

func parseCoordValue(name, s string) (float64, *station.Error) {
	key := vocabKey(s)
	if placeholders[strings.ReplaceAll(key, "—", "-")] || strings.Trim(key, "-—") == "" {
		if s == "" {
			return 0, station.Errorf(CodeMissingCoordinate, name, "%s is empty", name)
		}
		return 0, station.Errorf(CodeMissingCoordinate, name, "%s %q is a placeholder, not a coordinate", name, s)
	}
	if v, ok, e := notationCoord(name, s); ok { // 123°25′30″, 东经123度25分, E123.4 (dms.go)
		return v, e
	}
	v, e := ParseDecimal(name, s)
	if e != nil {
		if strings.ContainsAny(s, ",;") {
			e.Detail = fmt.Sprintf("%s %q holds more than one number: put longitude and latitude in their own columns", name, s)
		} else if t := strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune("EeNnWwSs东西南北经纬", r) }); t != s {
			if _, e2 := ParseDecimal(name, t); e2 == nil {
				e.Detail = fmt.Sprintf("%s %q carries a hemisphere mark: write the plain number %s", name, s, t)
			}
		}
		return 0, e
	}
	if v == 0 {
		return 0, station.Errorf(CodeMissingCoordinate, name, "%s %q is a placeholder, not a coordinate", name, s)
	}
	if e := ddmmCoord(name, s, v); e != nil {
		return 0, e
	}
	if math.Abs(v) > 1000 {
		return 0, station.Errorf(CodeProjectedCoordinate, name,
			"%s %s looks like projected metres (CGCS2000 / Gauss-Krüger, or Web Mercator), not degrees: convert to longitude and latitude in degrees", name, s)
	}
	return v, nil
}

// checkPlace checks a pair of coordinates as given (before CRS conversion): swapped columns.
func checkSwapped(lonName string, lon, lat float64) *station.Error {
	inLon := func(v float64) bool { return v >= station.MinLon && v <= station.MaxLon }
	inLat := func(v float64) bool { return v >= station.MinLat && v <= station.MaxLat }
	if inLon(lat) && inLat(lon) {
		return station.Errorf(CodeSwappedCoordinates, lonName,
			"longitude %v and latitude %v look swapped: in Liaoning longitude is %v–%v and latitude %v–%v", lon, lat,
			station.MinLon, station.MaxLon, station.MinLat, station.MaxLat)
	}
	return nil
}

// checkLiaoning checks a converted WGS-84 point against Liaoning's extent.
func checkLiaoning(lonName, latName string, lon, lat float64) *station.Error {
	if e := station.CheckLiaoning(lon, lat); e != nil {
		if e.Field == "lat" {
			e.Field = latName
		} else {
			e.Field = lonName
		}
		if e.Code == station.CodeOutOfRange {
			e.Code = CodeOutsideLiaoning
		}
		return e
	}
	return nil
}

// verifiedLayouts are the date forms accepted for verified_at besides RFC 3339, read in Asia/Shanghai.
var verifiedLayouts = []string{
	"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2",
	"2006.1.2", "2006年1月2日",
}

// parseVerified reads verified_at: RFC 3339, or a date (and time) in Asia/Shanghai.
func parseVerified(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range verifiedLayouts {
		if t, err := time.ParseInLocation(layout, s, Shanghai); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// isSciNotation reports a number shown like 2.41E+10: what Excel makes of a long phone number before
// it is saved as CSV, with the digits past the fourth lost.
func isSciNotation(s string) bool {
	i := strings.IndexAny(s, "eE")
	if i <= 0 || i == len(s)-1 {
		return false
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return false
	}
	return strings.Trim(s[:i], "0123456789.") == ""
}

// garbled reports text that shows a wrong decoding: U+FFFD replacement characters, the "锟斤拷" left by
// a UTF-8 → GBK → UTF-8 round trip, or bytes that are not UTF-8 at all.
func garbled(s string) bool {
	if isASCII(s) {
		return false
	}
	return !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) || strings.Contains(s, "锟斤拷")
}

// generatedID makes a stable id for a row that has none, from what identifies a station in a
// government list. The same row gives the same id on every import, so re-importing the file updates
// rather than duplicates; a renamed station gets a new id, which is why files should carry ids.
func generatedID(st *station.Station) string {
	h := sha256.New()
	for _, s := range []string{st.City, st.District, st.Name, st.Address} {
		h.Write([]byte(norm.NFKC.String(s)))
		h.Write([]byte{0})
	}
	return "G-" + hex.EncodeToString(h.Sum(nil)[:8])
}
