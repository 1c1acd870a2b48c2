package codec

import (
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/yizhan/yizhan/server/station"
)

// appendString appends s as a JSON string, escaped as encoding/json does: quotes, backslashes,
// control characters, U+2028/U+2029, invalid UTF-8 (as U+FFFD), and <, > and & too, so station text
// can never be read as HTML even by a careless consumer. (Written out because building a snapshot
// calls it a dozen times per station.)
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// AppendID appends the JSON of a station's Feature id (a quoted string).
func AppendID(b []byte, st *station.Station) []byte { return appendString(b, st.ID) }

// amenityJSON holds each amenity code as a JSON string, by amenity number.
var amenityJSON = func() [][]byte {
	var out [][]byte
	for _, a := range station.Amenities() {
		out = append(out, appendString(nil, a.String()))
	}
	return out
}()

// AppendSummary appends the JSON members (without braces) of the properties that list answers
// (nearby, bbox, search) carry: what a list of stations shows. AppendDetails appends the rest; a full
// station is the summary, a comma, then the details. Per-request members (distance, bearing, open
// now) come from Dynamic. Empty optional values are null.
func AppendSummary(b []byte, st *station.Station) []byte {
	b = append(b, `"name":`...)
	b = appendString(b, st.Name)
	b = append(b, `,"kind":`...)
	b = appendString(b, st.Kind.String())
	b = append(b, `,"address":`...)
	b = appendString(b, st.Address)
	b = append(b, `,"district":`...)
	b = appendString(b, st.District)
	b = append(b, `,"amenities":[`...)
	first := true
	for a := station.Amenity(0); int(a) < len(amenityJSON); a++ {
		if st.Amenities.Has(a) {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(b, amenityJSON[a]...)
		}
	}
	b = append(b, `],"opening_hours":`...)
	b = appendOptional(b, st.OpeningHours)
	b = append(b, `,"status":`...)
	b = appendString(b, st.Status.String())
	b = append(b, `,"status_note":`...)
	b = appendOptional(b, st.StatusNote)
	b = append(b, `,"version":`...)
	return strconv.AppendInt(b, st.Version, 10)
}

// inSummary are the plain text fields that AppendSummary writes.
var inSummary = map[string]bool{"name": true, "address": true, "district": true, "status_note": true}

// AppendDetails appends the JSON members of the properties that only a full station carries.
func AppendDetails(b []byte, st *station.Station) []byte {
	b = append(b, `"audience":`...)
	b = appendString(b, st.Audience.String())
	for _, f := range station.Fields { // the plain text fields the summary does not carry
		if f.Text == nil || inSummary[f.Name] {
			continue
		}
		b = append(b, `,"`...)
		b = append(b, f.Name...)
		b = append(b, `":`...)
		if f.Null {
			b = appendOptional(b, *f.Text(st))
		} else {
			b = appendString(b, *f.Text(st))
		}
	}
	b = append(b, `,"updated_at":`...)
	b = appendTime(b, st.UpdatedAt)
	b = append(b, `,"verified_at":`...)
	return appendTime(b, st.VerifiedAt)
}

func appendOptional(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return appendString(b, s)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.In(Shanghai).AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// AppendCoords appends "lon,lat", each the shortest decimal that parses back to exactly the value.
func AppendCoords(b []byte, lon, lat float64) []byte {
	b = strconv.AppendFloat(b, lon, 'f', -1, 64)
	b = append(b, ',')
	return strconv.AppendFloat(b, lat, 'f', -1, 64)
}

// appendTenths appends v rounded to one decimal. It formats an integer count of tenths, which is
// several times faster than strconv's float formatting on the hot path.
func appendTenths(b []byte, v float64) []byte {
	t := int64(math.Round(v * 10))
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	b = strconv.AppendInt(b, t/10, 10)
	return append(b, '.', byte('0'+t%10))
}

// Dynamic holds the per-request members of a feature's properties.
type Dynamic struct {
	HasDistance bool
	DistanceM   float64
	BearingDeg  float64
	OpenNow     int8 // -1 closed, 0 unknown, 1 open
}

// AppendFeature appends one GeoJSON Feature: id from AppendID, coords from AppendCoords in the
// response CRS, summary from AppendSummary and details from AppendDetails (nil for a list answer).
func AppendFeature(b []byte, id, coords []byte, d Dynamic, summary, details []byte) []byte {
	b = appendFeatureHead(b, id, coords, d, summary)
	if details != nil {
		b = append(b, ',')
		b = append(b, details...)
	}
	return append(b, "}}"...)
}

// AppendFullFeature is AppendFeature with the details rendered from st as it goes (AppendDetails),
// for stations whose details are not kept rendered.
func AppendFullFeature(b []byte, id, coords []byte, d Dynamic, summary []byte, st *station.Station) []byte {
	b = appendFeatureHead(b, id, coords, d, summary)
	b = append(b, ',')
	b = AppendDetails(b, st)
	return append(b, "}}"...)
}

// appendFeatureHead is a Feature up to the end of its summary properties.
func appendFeatureHead(b []byte, id, coords []byte, d Dynamic, summary []byte) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = append(b, id...)
	b = append(b, `,"geometry":{"type":"Point","coordinates":[`...)
	b = append(b, coords...)
	b = append(b, `]},"properties":{"id":`...)
	b = append(b, id...)
	b = append(b, ',')
	if d.HasDistance {
		b = append(b, `"distance_m":`...)
		b = appendTenths(b, d.DistanceM)
		b = append(b, `,"bearing_deg":`...)
		b = appendTenths(b, d.BearingDeg)
		b = append(b, ',')
	}
	switch d.OpenNow {
	case 1:
		b = append(b, `"open_now":true,`...)
	case -1:
		b = append(b, `"open_now":false,`...)
	default:
		b = append(b, `"open_now":null,`...)
	}
	return append(b, summary...)
}

// WriteGeoJSON writes stations as an RFC 7946 FeatureCollection (WGS-84), every property included.
func WriteGeoJSON(w io.Writer, stations station.List) error {
	b := make([]byte, 0, 64<<10)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i := range stations.Len() {
		if i > 0 {
			b = append(b, ",\n"...)
		}
		st := stations.Station(i)
		b = AppendFeature(b, AppendID(nil, st), AppendCoords(nil, st.Lon, st.Lat), Dynamic{}, AppendSummary(nil, st), AppendDetails(nil, st))
		if len(b) > 48<<10 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, "]}\n"...)
	_, err := w.Write(b)
	return err
}
