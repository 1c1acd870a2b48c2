// Package station is Yizhan's domain: what a station is, the fixed vocabularies (kinds, amenities,
// statuses, audiences) with their zh-CN and English labels, and the domain error type.
package station

import (
	"time"
)

// Station is one roadside station. Coordinates are always WGS-84; SourceCRS and SourceText keep what an
// import supplied before conversion.
type Station struct {
	ID           string
	Name         string
	Kind         Kind
	Lon, Lat     float64
	SourceCRS    string // "wgs84", "gcj02" or "bd09": the CRS the coordinates arrived in
	SourceText   string // the coordinates as the import supplied them, e.g. "123.45,41.8"
	Address      string
	City         string
	District     string
	Adcode       string // 6-digit administrative code of the district
	Amenities    AmenitySet
	OpeningHours string // OpenStreetMap opening_hours syntax, or the original text when it did not parse
	Status       Status
	StatusNote   string
	ClosedUntil  string // "2026-12-20": the day a temporarily closed station expects to open again; "" when not said
	Audience     Audience
	Phone        string
	Operator     string
	Version      int64 // increments on every change; the ETag and If-Match value
	UpdatedAt    time.Time
	VerifiedAt   time.Time // zero when never confirmed
}

// Label is a user-visible name in both languages, zh-CN first.
type Label struct {
	Zh string `json:"zh-CN"`
	En string `json:"en"`
}

// Kind is what sort of station it is.
type Kind uint8

// The kinds of station. The numbers are stable: they index bit masks in the spatial index.
const (
	CaringStation Kind = iota
	DriverHome
	UnionStation
	CommunityCenter
	OtherKind
)

type vocab struct {
	Code  string
	Label Label
}

var kinds = []vocab{
	CaringStation:   {"caring_station", Label{"爱心驿站", "Caring station"}},
	DriverHome:      {"driver_home", Label{"司机之家", "Drivers' home"}},
	UnionStation:    {"union_station", Label{"工会驿站", "Union station"}},
	CommunityCenter: {"community_center", Label{"党群服务中心", "Community service centre"}},
	OtherKind:       {"other", Label{"其他", "Other"}},
}

// Kinds lists every kind in code order.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i := range kinds {
		out[i] = Kind(i)
	}
	return out
}

func (k Kind) String() string { return kinds[k].Code }

// Label is the kind's user-visible name.
func (k Kind) Label() Label { return kinds[k].Label }

// ParseKind accepts a kind code ("driver_home").
func ParseKind(s string) (Kind, bool) { return parseCode[Kind](kinds, s) }

// parseCode finds code s in a vocabulary and returns its number.
func parseCode[T ~uint8](list []vocab, s string) (T, bool) {
	for i, v := range list {
		if v.Code == s {
			return T(i), true
		}
	}
	return 0, false
}

// Status says whether a station is operating.
type Status uint8

// Station statuses.
const (
	Open Status = iota
	TemporarilyClosed
	Closed
)

var statuses = []vocab{
	Open:              {"open", Label{"正常开放", "Open"}},
	TemporarilyClosed: {"temporarily_closed", Label{"暂停开放", "Temporarily closed"}},
	Closed:            {"closed", Label{"已关闭", "Closed"}},
}

func (s Status) String() string { return statuses[s].Code }

// Label is the status's user-visible name.
func (s Status) Label() Label { return statuses[s].Label }

// Statuses lists every status in code order.
func Statuses() []Status { return []Status{Open, TemporarilyClosed, Closed} }

// ParseStatus accepts a status code.
func ParseStatus(s string) (Status, bool) { return parseCode[Status](statuses, s) }

// Audience is who a station serves.
type Audience uint8

// Audiences.
const (
	Everyone Audience = iota
	CouriersAndDrivers
	Drivers
)

var audiences = []vocab{
	Everyone:           {"everyone", Label{"所有人", "Everyone"}},
	CouriersAndDrivers: {"couriers_and_drivers", Label{"快递员、外卖骑手和司机", "Couriers, riders and drivers"}},
	Drivers:            {"drivers", Label{"司机", "Drivers"}},
}

func (a Audience) String() string { return audiences[a].Code }

// ParseAudience accepts an audience code.
func ParseAudience(s string) (Audience, bool) { return parseCode[Audience](audiences, s) }

// List is stations in order, read by position: a Slice, or a catalog snapshot (which keeps the
// stations an edit changed beside the rest rather than copying them all).
type List interface {
	Len() int
	Station(i int) *Station
}

// Slice is a List over a slice.
type Slice []Station

func (s Slice) Len() int               { return len(s) }
func (s Slice) Station(i int) *Station { return &s[i] }
