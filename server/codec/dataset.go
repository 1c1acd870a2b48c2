package codec

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// DatasetFormat and DatasetVersion name the compact offline dataset's layout (README, "The offline
// dataset's format"); pwa/app/dataset.js decodes it.
const (
	DatasetFormat  = "yizhan-dataset"
	DatasetVersion = 1
)

// datasetAddressPrefix starts nearly every address, before the station's city and district.
const datasetAddressPrefix = "辽宁省"

// AppendDataset appends the compact offline dataset: the stations the GeoJSON dataset holds (every one
// whose status is not closed), in the order given (by id), as columns of one JSON object, coordinates
// in crs. Decoding it gives exactly the GeoJSON dataset's features, property for property.
//
// Columns, in station order: id_shared/id_suffix (front coding: how many UTF-16 units of the previous
// id are shared, then the rest), name, kind/status/audience (indexes into dict), amenities (a bit mask
// over dict.amenities), hours and operator (1 + index into dict, 0 for null), district (index into
// dict.district, whose entries are [name, city index, adcode]), address (what follows
// dict.address_prefix + city + district; address_full lists the exceptions), lon/lat (coordinates:
// differences of integer micro-degrees from the previous station, coords "e6", with coords_exact
// listing [lon, lat] of the stations whose coordinates are not exactly n/1e6; when that is most of
// them, as after a conversion to GCJ-02, the numbers themselves, coords "float"), version,
// updated_at (difference in seconds from the previous station's, the first from time_base; null when
// absent), verified_at (seconds since time_base, or null), phone (what follows dict.phone_prefix of
// the station's city, null when absent; phone_full lists the exceptions), status_note (sparse), then
// one sparse column for each field that "extra" names (null where absent). A sparse column is
// {"i": gaps between station positions (the first from -1), "v": values}.
func AppendDataset(b []byte, version int64, crs spatial.CRS, stations station.List) []byte {
	e := datasetEncoder{crs: crs}
	e.collect(stations)

	b = append(b, `{"format":"`+DatasetFormat+`","v":`...)
	b = strconv.AppendInt(b, DatasetVersion, 10)
	b = append(b, `,"data_version":`...)
	b = strconv.AppendInt(b, version, 10)
	b = append(b, `,"crs":"`...)
	b = append(b, crs.String()...)
	b = append(b, `","count":`...)
	b = strconv.AppendInt(b, int64(len(e.sts)), 10)
	b = append(b, `,"coords":"`...)
	if e.micro {
		b = append(b, "e6"...)
	} else {
		b = append(b, "float"...)
	}
	b = append(b, `","time_base":`...)
	b = strconv.AppendInt(b, e.timeBase, 10)

	b = append(b, `,"dict":{"kind":`...)
	b = appendCodes(b, len(station.Kinds()), func(i int) string { return station.Kind(i).String() })
	b = append(b, `,"status":`...)
	b = appendCodes(b, int(station.Closed)+1, func(i int) string { return station.Status(i).String() })
	b = append(b, `,"audience":`...)
	b = appendCodes(b, int(station.Drivers)+1, func(i int) string { return station.Audience(i).String() })
	b = append(b, `,"amenities":`...)
	b = appendCodes(b, len(station.Amenities()), func(i int) string { return station.Amenity(i).String() })
	b = append(b, `,"hours":`...)
	b = appendStrings(b, e.hours.list)
	b = append(b, `,"operator":`...)
	b = appendStrings(b, e.operators.list)
	b = append(b, `,"city":`...)
	b = appendStrings(b, e.cities.list)
	b = append(b, `,"phone_prefix":`...)
	b = appendStrings(b, e.phonePrefix)
	b = append(b, `,"district":[`...)
	for i, d := range e.districts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendString(b, d.name)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(d.city), 10)
		b = append(b, ',')
		b = appendString(b, d.adcode)
		b = append(b, ']')
	}
	b = append(b, `],"address_prefix":`...)
	b = appendString(b, datasetAddressPrefix)
	b = append(b, `},"columns":{`...)

	sts := e.sts
	n := len(sts)
	b = append(b, `"id_shared":`...)
	prev := ""
	b = appendInts(b, n, func(i int) int64 {
		k := sharedUTF16(prev, sts[i].ID)
		prev = sts[i].ID
		return int64(k)
	})
	b = append(b, `,"id_suffix":`...)
	b = appendColumn(b, n, func(b []byte, i int) []byte {
		return appendString(b, suffixUTF16(sts[i].ID, int(e.idShared(i))))
	})
	b = append(b, `,"name":`...)
	b = appendColumn(b, n, func(b []byte, i int) []byte { return appendString(b, sts[i].Name) })
	b = append(b, `,"kind":`...)
	b = appendInts(b, n, func(i int) int64 { return int64(sts[i].Kind) })
	b = append(b, `,"status":`...)
	b = appendInts(b, n, func(i int) int64 { return int64(sts[i].Status) })
	b = append(b, `,"audience":`...)
	b = appendInts(b, n, func(i int) int64 { return int64(sts[i].Audience) })
	b = append(b, `,"amenities":`...)
	b = appendInts(b, n, func(i int) int64 { return int64(sts[i].Amenities) })
	b = append(b, `,"hours":`...)
	b = appendInts(b, n, func(i int) int64 { return int64(e.hoursOf[i]) })
	b = append(b, `,"operator":`...)
	seen := 0
	b = appendInts(b, n, func(i int) int64 {
		switch o := e.operatorOf[i]; {
		case o == 0:
			return 0
		case o == seen+1: // its first appearance
			seen++
			return 1
		default:
			return int64(o) + 1
		}
	})
	b = append(b, `,"district":`...)
	b = appendInts(b, n, func(i int) int64 { return int64(e.districtOf[i]) })
	b = append(b, `,"address":`...)
	b = appendColumn(b, n, func(b []byte, i int) []byte {
		if e.addressFull[i] {
			return append(b, `""`...)
		}
		d := e.districts[e.districtOf[i]]
		return appendString(b, sts[i].Address[len(datasetAddressPrefix)+len(e.cities.list[d.city])+len(d.name):])
	})
	b = append(b, `,"address_full":`...)
	b = appendSparse(b, n, func(i int) bool { return e.addressFull[i] }, func(b []byte, i int) []byte {
		return appendString(b, sts[i].Address)
	})
	if e.micro {
		var last int64
		b = append(b, `,"lon":`...)
		b = appendInts(b, n, func(i int) int64 { v := e.lonE6[i] - last; last = e.lonE6[i]; return v })
		last = 0
		b = append(b, `,"lat":`...)
		b = appendInts(b, n, func(i int) int64 { v := e.latE6[i] - last; last = e.latE6[i]; return v })
		b = append(b, `,"coords_exact":`...)
		b = appendSparse(b, n, func(i int) bool { return e.exact[i] }, func(b []byte, i int) []byte {
			b = append(b, '[')
			b = AppendCoords(b, e.lon[i], e.lat[i])
			return append(b, ']')
		})
	} else {
		b = append(b, `,"lon":`...)
		b = appendColumn(b, n, func(b []byte, i int) []byte { return strconv.AppendFloat(b, e.lon[i], 'f', -1, 64) })
		b = append(b, `,"lat":`...)
		b = appendColumn(b, n, func(b []byte, i int) []byte { return strconv.AppendFloat(b, e.lat[i], 'f', -1, 64) })
	}
	b = append(b, `,"version":`...)
	b = appendInts(b, n, func(i int) int64 { return sts[i].Version })
	b = append(b, `,"updated_at":`...)
	lastTime := e.timeBase
	b = appendColumn(b, n, func(b []byte, i int) []byte {
		t := sts[i].UpdatedAt
		if t.IsZero() {
			return append(b, "null"...)
		}
		b = strconv.AppendInt(b, t.Unix()-lastTime, 10)
		lastTime = t.Unix()
		return b
	})
	b = append(b, `,"verified_at":`...)
	b = appendColumn(b, n, func(b []byte, i int) []byte {
		t := sts[i].VerifiedAt
		if t.IsZero() {
			return append(b, "null"...)
		}
		return strconv.AppendInt(b, t.Unix()-e.timeBase, 10)
	})
	b = append(b, `,"phone":`...)
	b = appendColumn(b, n, func(b []byte, i int) []byte {
		switch ph := sts[i].Phone; {
		case ph == "":
			return append(b, "null"...)
		case e.phoneFull[i]:
			return append(b, `""`...)
		default:
			return appendString(b, ph[len(e.phonePrefix[e.districts[e.districtOf[i]].city]):])
		}
	})
	b = append(b, `,"phone_full":`...)
	b = appendSparse(b, n, func(i int) bool { return e.phoneFull[i] }, func(b []byte, i int) []byte {
		return appendString(b, sts[i].Phone)
	})
	b = append(b, `,"status_note":`...)
	b = appendSparse(b, n, func(i int) bool { return sts[i].StatusNote != "" }, func(b []byte, i int) []byte {
		return appendString(b, sts[i].StatusNote)
	})
	// The fields with no treatment of their own (station.Fields after verified_at): a sparse column
	// each, named in "extra", null where absent. A decoder that knows none of them reads them all.
	for _, f := range station.Fields[fVerifiedAt+1:] {
		b = append(b, `,"`...)
		b = append(b, f.Name...)
		b = append(b, `":`...)
		b = appendSparse(b, n, func(i int) bool { return *f.Text(sts[i]) != "" }, func(b []byte, i int) []byte {
			return appendString(b, *f.Text(sts[i]))
		})
	}
	b = append(b, `},"extra":[`...)
	for i, f := range station.Fields[fVerifiedAt+1:] {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, f.Name)
	}
	return append(b, "]}"...)
}

// datasetEncoder holds what AppendDataset works out before it writes: the stations it keeps, the
// dictionaries and each station's entries in them.
type datasetEncoder struct {
	crs        spatial.CRS
	sts        []*station.Station
	hours      dictionary
	operators  dictionary
	cities     dictionary
	districts  []datasetDistrict
	hoursOf    []int // 1 + index, 0 = none
	operatorOf []int
	districtOf []int
	// addressFull marks the addresses that do not start with prefix + city + district.
	addressFull []bool
	// phonePrefix is each city's most common area code with its dash ("024-"), or ""; phoneFull
	// marks the phones that do not start with their city's.
	phonePrefix []string
	phoneFull   []bool
	micro       bool   // most coordinates are exactly an integer number of micro-degrees
	exact       []bool // this station's are not: coords_exact holds them
	lon, lat    []float64
	lonE6       []int64
	latE6       []int64
	timeBase    int64
	shared      []int32 // id_shared, kept for id_suffix
}

type datasetDistrict struct {
	name   string
	city   int
	adcode string
}

// dictionary numbers distinct strings in order of first appearance.
type dictionary struct {
	index map[string]int
	list  []string
}

func (d *dictionary) add(s string) int {
	if i, ok := d.index[s]; ok {
		return i
	}
	if d.index == nil {
		d.index = map[string]int{}
	}
	d.index[s] = len(d.list)
	d.list = append(d.list, s)
	return len(d.list) - 1
}

func (e *datasetEncoder) collect(stations station.List) {
	for i := range stations.Len() {
		if st := stations.Station(i); st.Status != station.Closed {
			e.sts = append(e.sts, st)
		}
	}
	n := len(e.sts)
	e.hoursOf, e.operatorOf, e.districtOf = make([]int, n), make([]int, n), make([]int, n)
	e.addressFull = make([]bool, n)
	e.lon, e.lat = make([]float64, n), make([]float64, n)
	e.lonE6, e.latE6 = make([]int64, n), make([]int64, n)
	e.shared = make([]int32, n)
	e.exact = make([]bool, n)
	inexact := 0
	districts := map[datasetDistrict]int{}
	e.timeBase = math.MaxInt64
	prevID := ""
	for i, st := range e.sts {
		if st.OpeningHours != "" {
			e.hoursOf[i] = 1 + e.hours.add(st.OpeningHours)
		}
		if st.Operator != "" {
			e.operatorOf[i] = 1 + e.operators.add(st.Operator)
		}
		key := datasetDistrict{st.District, e.cities.add(st.City), st.Adcode}
		d, ok := districts[key]
		if !ok {
			d = len(e.districts)
			districts[key] = d
			e.districts = append(e.districts, key)
		}
		e.districtOf[i] = d
		e.addressFull[i] = !strings.HasPrefix(st.Address, datasetAddressPrefix+st.City+st.District)
		p := orb.Point{st.Lon, st.Lat}
		if e.crs != spatial.WGS84 {
			p = spatial.FromWGS84(e.crs, p)
		}
		e.lon[i], e.lat[i] = p[0], p[1]
		e.lonE6[i], e.latE6[i] = int64(math.Round(p[0]*1e6)), int64(math.Round(p[1]*1e6))
		e.exact[i] = float64(e.lonE6[i])/1e6 != p[0] || float64(e.latE6[i])/1e6 != p[1]
		if e.exact[i] {
			inexact++
		}
		for _, t := range []time.Time{st.UpdatedAt, st.VerifiedAt} {
			if !t.IsZero() {
				e.timeBase = min(e.timeBase, t.Unix())
			}
		}
		e.shared[i] = int32(sharedUTF16(prevID, st.ID))
		prevID = st.ID
	}
	e.micro = inexact*2 <= n
	e.phonePrefixes()
	if e.timeBase == math.MaxInt64 {
		e.timeBase = 0
	}
}

// phonePrefixes picks each city's most common area code (0 and 2–3 digits, then a dash) among its
// stations' phones, and marks the phones stored whole.
func (e *datasetEncoder) phonePrefixes() {
	counts := make([]map[string]int, len(e.cities.list))
	for i, st := range e.sts {
		if p := areaCode(st.Phone); p != "" {
			c := e.districts[e.districtOf[i]].city
			if counts[c] == nil {
				counts[c] = map[string]int{}
			}
			counts[c][p]++
		}
	}
	e.phonePrefix = make([]string, len(e.cities.list))
	for c, m := range counts {
		best := 0
		for p, k := range m {
			if k > best || k == best && p < e.phonePrefix[c] {
				best, e.phonePrefix[c] = k, p
			}
		}
	}
	e.phoneFull = make([]bool, len(e.sts))
	for i, st := range e.sts {
		p := e.phonePrefix[e.districts[e.districtOf[i]].city]
		e.phoneFull[i] = st.Phone != "" && !strings.HasPrefix(st.Phone, p)
	}
}

// areaCode returns the "0xx-" or "0xxx-" that starts phone, or "".
func areaCode(phone string) string {
	for n := 3; n <= 4; n++ {
		if len(phone) > n && phone[0] == '0' && phone[n] == '-' && allDigits(phone[1:n]) {
			return phone[:n+1]
		}
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (e *datasetEncoder) idShared(i int) int32 { return e.shared[i] }

// sharedUTF16 is the length in UTF-16 units (what a JavaScript string counts) of the longest common
// prefix of a and b, never splitting a character.
func sharedUTF16(a, b string) int {
	n := 0
	for len(a) > 0 && len(b) > 0 {
		ra, sa := utf8.DecodeRuneInString(a)
		rb, sb := utf8.DecodeRuneInString(b)
		if ra != rb || sa != sb || ra == utf8.RuneError {
			break
		}
		n += utf16.RuneLen(ra)
		a, b = a[sa:], b[sb:]
	}
	return n
}

// suffixUTF16 is s without its first k UTF-16 units.
func suffixUTF16(s string, k int) string {
	for k > 0 {
		r, size := utf8.DecodeRuneInString(s)
		k -= utf16.RuneLen(r)
		s = s[size:]
	}
	return s
}

func appendColumn(b []byte, n int, item func(b []byte, i int) []byte) []byte {
	b = append(b, '[')
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = item(b, i)
	}
	return append(b, ']')
}

func appendInts(b []byte, n int, v func(i int) int64) []byte {
	return appendColumn(b, n, func(b []byte, i int) []byte { return strconv.AppendInt(b, v(i), 10) })
}

func appendStrings(b []byte, list []string) []byte {
	return appendColumn(b, len(list), func(b []byte, i int) []byte { return appendString(b, list[i]) })
}

func appendCodes(b []byte, n int, code func(i int) string) []byte {
	return appendColumn(b, n, func(b []byte, i int) []byte { return appendString(b, code(i)) })
}

// appendSparse appends {"i": gaps, "v": values} for the stations where has is true.
func appendSparse(b []byte, n int, has func(i int) bool, value func(b []byte, i int) []byte) []byte {
	var idx []int
	for i := 0; i < n; i++ {
		if has(i) {
			idx = append(idx, i)
		}
	}
	b = append(b, `{"i":`...)
	last := -1
	b = appendInts(b, len(idx), func(k int) int64 { g := idx[k] - last; last = idx[k]; return int64(g) })
	b = append(b, `,"v":`...)
	b = appendColumn(b, len(idx), func(b []byte, k int) []byte { return value(b, idx[k]) })
	return append(b, '}')
}
