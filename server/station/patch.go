package station

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/yizhan/yizhan/server/hours"
)

// OperatorFields are the members of an edit an operator may send for her own stations (Fields says
// which); admins may send every member.
var OperatorFields = operatorMembers()

// Patch is an edit as an editor sends it: the fields named in Given change, the others stay. The
// values are read with the same words, cleaning and limits as an import's cells.
type Patch struct {
	Given map[string]bool

	Texts                                map[string]*string // the plain text fields' members (Field.Text)
	Kind, OpeningHours, Status, Audience string
	Lon, Lat                             float64
	Amenities                            []string
	Verified                             bool
}

// Members maps each JSON member of an edit to where its value goes, for the request decoder.
func (p *Patch) Members() map[string]any {
	m := map[string]any{
		"kind": &p.Kind, "lon": &p.Lon, "lat": &p.Lat, "opening_hours": &p.OpeningHours, "amenities": &p.Amenities,
		"status": &p.Status, "audience": &p.Audience, "verified": &p.Verified,
	}
	p.Texts = map[string]*string{}
	for _, f := range Fields {
		if f.Text != nil && f.Member != "" {
			p.Texts[f.Member] = new(string)
			m[f.Member] = p.Texts[f.Member]
		}
	}
	return m
}

// Check refuses, before anything is read from storage, a patch that changes nothing, names a field
// the editor may not change (admin false: an operator), or contradicts itself.
func (p *Patch) Check(admin bool) *Error {
	if len(p.Given) == 0 {
		return Errorf(CodeMissingParameter, "", "name at least one field to change")
	}
	if !admin {
		for _, name := range slices.Sorted(maps.Keys(p.Given)) {
			if !slices.Contains(OperatorFields, name) {
				return Errorf(CodeForbidden, name, "operators may change %s; %s is changed by an admin",
					strings.Join(OperatorFields, ", "), name)
			}
		}
	}
	if p.Given["verified"] && !p.Verified {
		return Errorf(CodeInvalidParameter, "verified", "verified can only be true: it confirms the data is still accurate")
	}
	if p.Given["lon"] != p.Given["lat"] {
		missing := "lat"
		if p.Given["lat"] {
			missing = "lon"
		}
		return Errorf(CodeMissingParameter, missing, "change lon and lat together")
	}
	return nil
}

// Apply changes st as the patch says, at now (verified stamps VerifiedAt). The caller validates the
// result (Station.Validate) before storing it.
func (p *Patch) Apply(st *Station, now time.Time) *Error {
	var ok bool
	for _, f := range Fields {
		if v := p.Texts[f.Member]; f.Text != nil && v != nil && p.Given[f.Member] {
			if f.Fold {
				*f.Text(st) = Fold(*v)
			} else {
				*f.Text(st) = Clean(*v)
			}
			if f.Norm != nil && *f.Text(st) != "" {
				norm, e := f.Norm(*f.Text(st))
				if e != nil {
					return e
				}
				*f.Text(st) = norm
			}
		}
	}
	if p.Given["kind"] {
		if st.Kind, ok = KindFromWord(Clean(p.Kind)); !ok {
			return Errorf(CodeInvalidParameter, "kind", "kind %q is not one of %s (or 爱心驿站, 司机之家, 工会驿站, 党群服务中心, 其他)", p.Kind, KindCodes())
		}
	}
	if p.Given["lon"] {
		st.Lon, st.Lat = p.Lon, p.Lat
		st.SourceCRS = "wgs84"
		st.SourceText = strconv.FormatFloat(p.Lon, 'f', -1, 64) + "," + strconv.FormatFloat(p.Lat, 'f', -1, 64)
	}
	if p.Given["opening_hours"] {
		text := Clean(p.OpeningHours)
		if e := CheckText("opening_hours", text, MaxTextLen); e != nil {
			return e
		}
		res := hours.Normalize(text)
		if text != "" && res.Status == hours.Unparsed {
			// An import keeps such text as it is (a list of thousands must load); an editor sees the
			// preview and can say it another way, so an edit asks her to.
			return Errorf(CodeInvalidParameter, "opening_hours",
				"the opening hours %q are not understood: write them as in the preview, such as \"周一至周五 8:00-18:00\" or \"Mo-Fr 08:00-18:00; PH off\"", text)
		}
		st.OpeningHours = res.Normalized
	}
	if p.Given["amenities"] {
		var set AmenitySet
		for _, word := range p.Amenities {
			if strings.TrimSpace(word) == "" {
				continue
			}
			a, ok := AmenityFromWord(Clean(word))
			if !ok {
				return Errorf(CodeInvalidParameter, "amenities", "amenity %q is not in the vocabulary (see /api/v1/meta)", word)
			}
			set = set.With(a)
		}
		st.Amenities = set
	}
	if p.Given["status"] {
		if st.Status, ok = StatusFromWord(Clean(p.Status)); !ok {
			return Errorf(CodeInvalidParameter, "status", "status %q is not open, temporarily_closed or closed (正常开放, 暂停开放, 已关闭)", p.Status)
		}
	}
	if p.Given["audience"] {
		if st.Audience, ok = AudienceFromWord(Clean(p.Audience)); !ok {
			return Errorf(CodeInvalidParameter, "audience", "audience %q is not everyone, couriers_and_drivers or drivers", p.Audience)
		}
	}
	if p.Given["verified"] {
		st.VerifiedAt = now
	}
	return nil
}

// KindCodes lists the kind codes, "a, b, c", for messages.
func KindCodes() string {
	codes := make([]string, len(kinds))
	for i, k := range kinds {
		codes[i] = k.Code
	}
	return strings.Join(codes, ", ")
}
