package api

import (
	"cmp"
	"regexp"
	"slices"
	"strconv"

	"github.com/yizhan/yizhan/server/station"
)

// attention is what a station needs from the people who keep it.
type attention struct {
	openReports     int
	unconfirmedDays int // -1: never confirmed
	hoursUnknown    bool
}

// unconfirmed reports whether the station was not confirmed for days days, or never.
func (a attention) unconfirmed(days int) bool {
	return a.unconfirmedDays < 0 || a.unconfirmedDays >= days
}

// tier orders needs: open reports first, then a confirmation long overdue, then unknown hours.
func (a attention) tier() int {
	switch {
	case a.openReports > 0:
		return 0
	case a.unconfirmed(unconfirmedAfter):
		return 1
	case a.hoursUnknown:
		return 2
	}
	return 3
}

// age is how long ago the station was confirmed, never counting as longest.
func (a attention) age() int {
	if a.unconfirmedDays < 0 {
		return 1 << 30
	}
	return a.unconfirmedDays
}

// compare sorts what needs attention first: by tier, then more reports, then older confirmations.
func (a attention) compare(b attention) int {
	return cmp.Or(cmp.Compare(a.tier(), b.tier()), cmp.Compare(b.openReports, a.openReports), cmp.Compare(b.age(), a.age()))
}

// insert adds "attention" to the properties of the feature that ends b.
func (a attention) insert(b []byte) []byte {
	b = b[:len(b)-2] // the feature's closing "}}"
	b = append(b, `,"attention":{"open_reports":`...)
	b = strconv.AppendInt(b, int64(a.openReports), 10)
	b = append(b, `,"unconfirmed_days":`...)
	if a.unconfirmedDays < 0 {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, int64(a.unconfirmedDays), 10)
	}
	b = append(b, `,"hours_unknown":`...)
	b = strconv.AppendBool(b, a.hoursUnknown)
	return append(b, "}}}"...)
}

// stationFilter is what GET /api/v1/my/stations selects.
type stationFilter struct {
	city, district  string
	kinds           []station.Kind
	statuses        []station.Status
	unconfirmedDays int // 0: any
	openReports     bool
	hoursUnknown    bool
	byNeed          bool
	page, perPage   int // perPage 0: all
}

var adcodeRE = regexp.MustCompile(`^\d{6}$`)

func (f *stationFilter) read(p params, admin bool) error {
	for _, a := range []struct {
		name string
		to   *string
	}{{"city", &f.city}, {"district", &f.district}} {
		v, ok, err := p.get(a.name)
		if err != nil {
			return err
		}
		if ok && !adcodeRE.MatchString(v) {
			return station.Errorf(station.CodeInvalidParameter, a.name, "%s %.40q is not a 6-digit adcode (see /api/v1/areas)", a.name, v)
		}
		*a.to = v
	}
	q, err := p.filter()
	if err != nil {
		return err
	}
	f.kinds = q.Kinds
	if p.has("status") {
		f.statuses = q.Statuses
	}
	if p.has("unconfirmed_days") {
		if f.unconfirmedDays, err = p.integer("unconfirmed_days", 0, 1, 3650); err != nil {
			return err
		}
	}
	if f.openReports, err = p.boolean("open_reports", false); err != nil {
		return err
	}
	if f.hoursUnknown, err = p.boolean("hours_unknown", false); err != nil {
		return err
	}
	sort, ok, err := p.get("sort")
	if err != nil {
		return err
	}
	switch {
	case !ok:
		f.byNeed = !admin
	case sort == "need" || sort == "id":
		f.byNeed = sort == "need"
	default:
		return station.Errorf(station.CodeInvalidParameter, "sort", "sort %.40q is not need or id", sort)
	}
	def := 0 // an operator's stations fit on one page
	if admin {
		def = 100
	}
	if f.page, err = p.integer("page", 1, 1, 1<<20); err != nil {
		return err
	}
	if p.has("per_page") || admin {
		f.perPage, err = p.integer("per_page", def, 1, 1000)
	}
	return err
}

// place reports whether st passes the area, kind and status filters.
func (f *stationFilter) place(st *station.Station) bool {
	if f.district != "" && st.Adcode != f.district {
		return false
	}
	if f.city != "" && (len(st.Adcode) < 4 || st.Adcode[:4] != f.city[:4]) {
		return false
	}
	if len(f.kinds) > 0 && !slices.Contains(f.kinds, st.Kind) {
		return false
	}
	return len(f.statuses) == 0 || slices.Contains(f.statuses, st.Status)
}

// attention reports whether a station's needs pass the attention filters.
func (f *stationFilter) attention(a attention) bool {
	return (f.unconfirmedDays == 0 || a.unconfirmed(f.unconfirmedDays)) && (!f.openReports || a.openReports > 0) &&
		(!f.hoursUnknown || a.hoursUnknown)
}
