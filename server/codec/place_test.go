package codec_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/areas"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// placeRow is one made-up row: a point as typed and the place it declares.
type placeRow struct {
	lon, lat               string
	city, district, adcode string
}

// placeCheck imports one row and returns the detail of its outside_district error, "" without one.
// Any other error fails the test: the rows are good but for their place.
func placeCheck(t *testing.T, r placeRow, crs spatial.CRS) string {
	t.Helper()
	data := "id,name,kind,lon,lat,city,district,adcode\n" +
		fmt.Sprintf("P-1,测试爱心驿站,caring_station,%s,%s,%s,%s,%s\n", r.lon, r.lat, r.city, r.district, r.adcode)
	res, err := codec.Import(strings.NewReader(data), codec.ImportOptions{CRS: crs})
	if err != nil {
		t.Fatal(err)
	}
	detail := ""
	for _, e := range res.Errors {
		if e.Code != codec.CodeOutsideDistrict || e.Row != 1 || e.Field != "lon" || detail != "" {
			t.Fatalf("%+v: unexpected error %v", r, e)
		}
		detail = e.In(station.LangZh).Detail // the tests read the Chinese, as a clerk does
	}
	if (detail == "") != (len(res.Stations) == 1) {
		t.Fatalf("%+v: %d stations with error %q", r, len(res.Stations), detail)
	}
	return detail
}

func deg(v float64) string { return fmt.Sprintf("%.6f", v) }

func area(t *testing.T, adcode string) areas.Area {
	t.Helper()
	a, ok := areas.ByAdcode(adcode)
	if !ok {
		t.Fatalf("no area %s", adcode)
	}
	return a
}

// outsideBy finds a point metres outside a, walking from its label on a bearing (degrees, 0 north).
func outsideBy(t *testing.T, a areas.Area, bearing, metres float64) orb.Point {
	t.Helper()
	rad := bearing * math.Pi / 180
	at := func(s float64) orb.Point {
		return orb.Point{a.Label[0] + s*math.Sin(rad)/(111_320*math.Cos(a.Label[1]*math.Pi/180)), a.Label[1] + s*math.Cos(rad)/110_574}
	}
	lo, hi := 0.0, 0.0
	for hi = 100; a.Distance(at(hi)) < metres; hi += 100 {
		if hi > 200_000 {
			t.Fatalf("%s: no point %.0f m outside on bearing %.0f", a.Name, metres, bearing)
		}
		lo = hi
	}
	for range 40 {
		if mid := (lo + hi) / 2; a.Distance(at(mid)) < metres {
			lo = mid
		} else {
			hi = mid
		}
	}
	return at(hi)
}

// where is what the error says about where a point lies.
func where(p orb.Point) string {
	if d, c, ok := areas.Locate(p); ok {
		return "实际落在" + c.Name + d.Name
	}
	return "不在辽宁省任何区县内"
}

// A point a little outside its district passes (the areas are about 1 km accurate); further out it is
// an error naming the declared place, the distance and where the point is.
func TestPlaceTolerance(t *testing.T) {
	for _, c := range []struct {
		adcode  string
		bearing float64
	}{{"210102", 90}, {"210181", 0}, {"210303", 200}, {"211302", 300}} {
		a := area(t, c.adcode)
		for _, m := range []float64{300, 1000, 2300} {
			p := outsideBy(t, a, c.bearing, m)
			if d := placeCheck(t, placeRow{lon: deg(p[0]), lat: deg(p[1]), adcode: c.adcode}, spatial.WGS84); d != "" {
				t.Errorf("%s %.0f m outside: %s", a.Name, m, d)
			}
		}
		for _, m := range []float64{2700, 8000} {
			p := outsideBy(t, a, c.bearing, m)
			d := placeCheck(t, placeRow{lon: deg(p[0]), lat: deg(p[1]), adcode: c.adcode}, spatial.WGS84)
			want := []string{"所填的" + a.City + a.Name + "以外 " + fmt.Sprintf("%.1f", m/1000) + " 公里", where(p)}
			for _, w := range want {
				if !strings.Contains(d, w) {
					t.Errorf("%s %.0f m outside: %q does not say %q", a.Name, m, d, w)
				}
			}
		}
	}
}

// A vertex of 沈河区 on its border with 和平区 belongs to both: either district may be declared.
func TestPlaceOnBorder(t *testing.T) {
	heping, shenhe := area(t, "210102"), area(t, "210103")
	found := 0
	for _, ring := range shenhe.Polygon[0] {
		for _, v := range ring {
			if heping.Distance(v) > 1 {
				continue
			}
			found++
			for _, adcode := range []string{"210102", "210103"} {
				if d := placeCheck(t, placeRow{lon: deg(v[0]), lat: deg(v[1]), adcode: adcode}, spatial.WGS84); d != "" {
					t.Errorf("%v on the border, declared %s: %s", v, adcode, d)
				}
			}
		}
	}
	if found < 3 {
		t.Fatalf("%d shared vertices", found)
	}
}

// The islands of 长海县 are in it, by adcode, by name and by city; the sea around them and places
// over the border in Jilin and Hebei are not.
func TestPlaceIslandsSeaAndNeighbours(t *testing.T) {
	island := orb.Point{122.6, 39.27}
	for _, r := range []placeRow{{adcode: "210224"}, {district: "长海县"}, {city: "大连市", district: "长海县"}, {city: "大连"}, {adcode: "210200"}} {
		r.lon, r.lat = deg(island[0]), deg(island[1])
		if d := placeCheck(t, r, spatial.WGS84); d != "" {
			t.Errorf("an island of 长海县 declared %+v: %s", r, d)
		}
	}
	for _, c := range []struct {
		p      orb.Point
		adcode string
		what   string
	}{
		{orb.Point{122.9, 38.9}, "210224", "the sea south-east of 长海县"},
		{orb.Point{124.0, 43.55}, "211224", "Jilin, north of 昌图县"},
		{orb.Point{119.6, 39.94}, "211421", "Qinhuangdao in Hebei, west of 绥中县"},
	} {
		if _, _, ok := areas.Locate(c.p); ok {
			t.Fatalf("%s: %v is in a district", c.what, c.p)
		}
		d := placeCheck(t, placeRow{lon: deg(c.p[0]), lat: deg(c.p[1]), adcode: c.adcode}, spatial.WGS84)
		if !strings.Contains(d, "不在辽宁省任何区县内（省外或海上）") || !strings.Contains(d, "请核对经纬度") {
			t.Errorf("%s: %q", c.what, d)
		}
	}
}

// Without an adcode the district is found by name, within the named city; a name used in two cities
// (铁西区) fits either unless the city says which; with only a city, the city is held against.
func TestPlaceByName(t *testing.T) {
	shenyangTiexi, anshanTiexi, zhongshan := area(t, "210106"), area(t, "210303"), area(t, "210202")
	at := func(a areas.Area) (string, string) { return deg(a.Label[0]), deg(a.Label[1]) }
	for _, c := range []struct {
		row  placeRow
		at   areas.Area
		want string // "" when it fits
	}{
		{placeRow{district: "铁西区"}, anshanTiexi, ""},
		{placeRow{district: "铁西区"}, shenyangTiexi, ""},
		{placeRow{district: "铁西区"}, zhongshan, "所填的沈阳市铁西区以外"},
		{placeRow{city: "沈阳市", district: "铁西区"}, anshanTiexi, "所填的沈阳市铁西区以外"},
		{placeRow{city: "鞍山", district: "铁西"}, shenyangTiexi, "所填的鞍山市铁西区以外"},
		{placeRow{city: "辽宁省大连市"}, zhongshan, ""},
		{placeRow{city: "大连市"}, shenyangTiexi, "所填的大连市以外"},
		{placeRow{city: "大连市", district: "不存在区"}, shenyangTiexi, "所填的大连市以外"},
		{placeRow{district: "不存在区"}, shenyangTiexi, ""},
		{placeRow{adcode: "110101"}, shenyangTiexi, ""},                                        // Beijing's: not an area here
		{placeRow{adcode: "210106", city: "鞍山市", district: "铁西区"}, anshanTiexi, "所填的沈阳市铁西区以外"}, // the adcode decides
	} {
		c.row.lon, c.row.lat = at(c.at)
		d := placeCheck(t, c.row, spatial.WGS84)
		if (c.want == "") != (d == "") || !strings.Contains(d, c.want) {
			t.Errorf("%+v at %s: %q, want %q", c.row, c.at.Name, d, c.want)
		}
		if d != "" && !strings.Contains(d, "实际落在"+c.at.City+c.at.Name) {
			t.Errorf("%+v: %q does not say where the point is", c.row, d)
		}
	}
}

// asDMS writes v as a clerk types 41°45′37″ into a number cell: 41.4537.
func asDMS(v float64) string {
	d := math.Floor(v)
	m := math.Floor((v - d) * 60)
	s := math.Round(((v-d)*60 - m) * 60)
	return fmt.Sprintf("%d.%02d%02d", int(d), int(m), int(s))
}

// asDM writes v as degrees and decimal minutes typed as one number: 41°45.62′ as 41.4562.
func asDM(v float64) string {
	d := math.Floor(v)
	m := (v - d) * 60
	return fmt.Sprintf("%d.%02d%02d", int(d), int(m), int(math.Round((m-math.Floor(m))*100)))
}

// Degrees, minutes and seconds typed as decimals put a point far off; converting them makes it fit,
// and the error says so with the value meant.
func TestPlaceDegreesMinutesAsDecimals(t *testing.T) {
	for _, adcode := range []string{"210102", "210202", "211302", "210224"} {
		a := area(t, adcode)
		lon, lat := a.Label[0], a.Label[1]
		for _, c := range []struct {
			name     string
			row      placeRow
			mentions []string
		}{
			{"both DMS", placeRow{lon: asDMS(lon), lat: asDMS(lat)}, []string{asDMS(lon)[:6], asDMS(lat)[:5]}},
			{"longitude DMS", placeRow{lon: asDMS(lon), lat: deg(lat)}, []string{asDMS(lon)[:6] + "", "°"}},
			{"latitude DMS", placeRow{lon: deg(lon), lat: asDMS(lat)}, []string{asDMS(lat)[:5], "°"}},
			{"both DM", placeRow{lon: asDM(lon), lat: asDM(lat)}, []string{"°"}},
		} {
			c.row.adcode = adcode
			d := placeCheck(t, c.row, spatial.WGS84)
			if strings.Trim(c.row.lon, "0") == strings.Trim(deg(lon), "0") && strings.Trim(c.row.lat, "0") == strings.Trim(deg(lat), "0") {
				continue
			}
			if !strings.Contains(d, "可能把度分秒当成小数填写") {
				t.Errorf("%s %s %+v: %q", a.Name, c.name, c.row, d)
				continue
			}
			for _, m := range c.mentions {
				if !strings.Contains(d, m) {
					t.Errorf("%s %s: %q does not mention %q", a.Name, c.name, d, m)
				}
			}
		}
	}
	// the value meant, written out
	d := placeCheck(t, placeRow{lon: "123.2428", lat: "41.4537", adcode: "210102"}, spatial.WGS84)
	if !strings.Contains(d, "123.2428 应为 123°24′28″（123.407778）") || !strings.Contains(d, "41.4537 应为 41°45′37″（41.760278）") {
		t.Errorf("%q", d)
	}
}

// A point off by the other CRS's shift: the error names the CRS that makes it fit.
func TestPlaceWrongCRS(t *testing.T) {
	for _, c := range []struct {
		name          string
		typed         func(orb.Point) orb.Point // what the file holds for the true WGS-84 point
		declared      spatial.CRS
		wantCRS       string
		wantMentioned string
	}{
		{"Baidu's declared as WGS-84", func(p orb.Point) orb.Point { return spatial.FromWGS84(spatial.BD09, p) }, spatial.WGS84, "crs=bd09", "百度"},
		{"Amap's declared as WGS-84", func(p orb.Point) orb.Point { return spatial.FromWGS84(spatial.GCJ02, p) }, spatial.WGS84, "crs=gcj02", "高德"},
		{"GPS declared as Baidu's", func(p orb.Point) orb.Point { return p }, spatial.BD09, "crs=wgs84", "GPS"},
		{"Baidu's declared as Amap's", func(p orb.Point) orb.Point { return spatial.FromWGS84(spatial.BD09, p) }, spatial.GCJ02, "crs=bd09", "百度"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// a true point a little outside its district (within the tolerance), which the wrong
			// conversion pushes beyond it
			for _, adcode := range []string{"210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114"} {
				a := area(t, adcode)
				for bearing := 0.0; bearing < 360; bearing += 10 {
					for _, m := range []float64{2000, 2200, 2400} {
						p := outsideBy(t, a, bearing, m)
						typed := c.typed(p)
						if a.Distance(spatial.ToWGS84(c.declared, typed)) < 2800 {
							continue
						}
						d := placeCheck(t, placeRow{lon: deg(typed[0]), lat: deg(typed[1]), adcode: adcode}, c.declared)
						if !strings.Contains(d, "可能坐标系不对") || !strings.Contains(d, c.wantCRS) || !strings.Contains(d, c.wantMentioned) {
							t.Fatalf("%s %.0f° %.0f m: %q", a.Name, bearing, m, d)
						}
						return
					}
				}
			}
			t.Fatal("no point found where the wrong CRS makes the difference")
		})
	}
}
