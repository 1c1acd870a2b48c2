package station

import "strings"

// Amenity is one item of the fixed amenity vocabulary. The numbers are stable bit positions.
type Amenity uint8

// The amenity vocabulary, in display order.
const (
	DrinkingWater Amenity = iota
	HotWater
	PhoneCharging
	EbikeCharging
	BatterySwap
	Heating
	AirConditioning
	Seating
	Toilet
	Microwave
	FirstAid
	Wifi
	TruckParking
	Shower
	Laundry
	Meals
	Lodging
)

var amenities = []vocab{
	DrinkingWater:   {"drinking_water", Label{"饮用水", "Drinking water"}},
	HotWater:        {"hot_water", Label{"热水", "Hot water"}},
	PhoneCharging:   {"phone_charging", Label{"手机充电", "Phone charging"}},
	EbikeCharging:   {"ebike_charging", Label{"电动车充电", "E-bike charging"}},
	BatterySwap:     {"battery_swap", Label{"换电柜", "Battery swap"}},
	Heating:         {"heating", Label{"取暖", "Heating"}},
	AirConditioning: {"air_conditioning", Label{"空调", "Air conditioning"}},
	Seating:         {"seating", Label{"休息座椅", "Seating"}},
	Toilet:          {"toilet", Label{"卫生间", "Toilet"}},
	Microwave:       {"microwave", Label{"微波炉", "Microwave"}},
	FirstAid:        {"first_aid", Label{"急救药箱", "First-aid kit"}},
	Wifi:            {"wifi", Label{"无线网络", "Wi-Fi"}},
	TruckParking:    {"truck_parking", Label{"货车停车", "Truck parking"}},
	Shower:          {"shower", Label{"淋浴", "Shower"}},
	Laundry:         {"laundry", Label{"洗衣", "Laundry"}},
	Meals:           {"meals", Label{"餐饮", "Meals"}},
	Lodging:         {"lodging", Label{"住宿", "Lodging"}},
}

// Amenities lists the whole vocabulary in display order.
func Amenities() []Amenity {
	out := make([]Amenity, len(amenities))
	for i := range amenities {
		out[i] = Amenity(i)
	}
	return out
}

func (a Amenity) String() string { return amenities[a].Code }

// Label is the amenity's user-visible name.
func (a Amenity) Label() Label { return amenities[a].Label }

// ParseAmenity accepts an amenity code ("hot_water").
func ParseAmenity(s string) (Amenity, bool) { return parseCode[Amenity](amenities, s) }

// AmenitySet is a set of amenities as a bit mask (bit n = Amenity n).
type AmenitySet uint32

// Has reports whether a is in the set.
func (s AmenitySet) Has(a Amenity) bool { return s&(1<<a) != 0 }

// With returns the set plus a.
func (s AmenitySet) With(a Amenity) AmenitySet { return s | 1<<a }

// List returns the members in display order.
func (s AmenitySet) List() []Amenity {
	var out []Amenity
	for i := range amenities {
		if s.Has(Amenity(i)) {
			out = append(out, Amenity(i))
		}
	}
	return out
}

// String joins the codes with ";" in display order: the form stored and exchanged in CSV.
func (s AmenitySet) String() string {
	var b strings.Builder
	for _, a := range s.List() {
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(a.String())
	}
	return b.String()
}

// ParseAmenitySet reads codes separated by ";" (empty string = empty set). It returns the first
// unknown code when there is one.
func ParseAmenitySet(s string) (AmenitySet, string, bool) {
	var set AmenitySet
	if s == "" {
		return 0, "", true
	}
	for _, code := range strings.Split(s, ";") {
		a, ok := ParseAmenity(strings.TrimSpace(code))
		if !ok {
			return 0, code, false
		}
		set = set.With(a)
	}
	return set, "", true
}
