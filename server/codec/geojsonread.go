package codec

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// geoFeature is one GeoJSON Feature as read; members are kept raw so that each can be checked and
// reported on its own.
type geoFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties geoProperties   `json:"properties"`
}

// geoProperties are a feature's properties, kept raw. A name given twice is remembered in dup:
// encoding/json alone would let the last one win silently.
type geoProperties struct {
	m   map[string]json.RawMessage
	dup string
}

func (p *geoProperties) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errors.New("properties is not an object")
	}
	p.m = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if _, seen := p.m[key]; seen && p.dup == "" {
			p.dup = key
		}
		p.m[key] = raw
	}
	return nil
}

type geoPoint struct {
	Type        string            `json:"type"`
	Coordinates []json.RawMessage `json:"coordinates"`
}

// readGeoJSON reads an RFC 7946 FeatureCollection of Point features, one feature at a time. Properties
// use the same names as CSV columns (English or Chinese); the position is [lon, lat] in the declared
// CRS; the station id is the feature's id, or properties.id.
func (im *importer) readGeoJSON(br *bufio.Reader) error {
	if p, _ := br.Peek(len(utf8BOM)); bytes.Equal(p, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	badf := func(format string, args ...any) error {
		e := station.Errorf(station.CodeInvalidImport, "", "not a GeoJSON FeatureCollection: ")
		e.Append(format, args...)
		return e
	}
	syntax := func(err error) error {
		if errors.Is(err, errTooLarge) {
			return err
		}
		return badf("%v (at byte %d)", err, dec.InputOffset())
	}
	if tok, err := dec.Token(); err != nil {
		return syntax(err)
	} else if tok != json.Delim('{') {
		return badf("expected an object")
	}
	var typ string
	sawFeatures := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		switch key, _ := tok.(string); key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return syntax(err)
			}
			if typ != "FeatureCollection" {
				return badf("type is %q", typ)
			}
		case "crs":
			// RFC 7946 dropped "crs"; older files name WGS-84 in it. Anything else is a CRS we would
			// misread, so it is refused rather than ignored.
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return syntax(err)
			}
			if s := string(raw); im.opt.CRS != spatial.WGS84 || !(strings.Contains(s, "CRS84") || strings.Contains(s, "4326")) {
				im.addError(station.Errorf(station.CodeInvalidImport, "crs", "the file names its CRS in a \"crs\" member (%s), which RFC 7946 removed: delete it and declare the CRS (wgs84, gcj02 or bd09) with the import", truncate(s, 80)))
			}
		case "features":
			sawFeatures = true
			if tok, err := dec.Token(); err != nil {
				return syntax(err)
			} else if tok != json.Delim('[') {
				return badf("features is not an array")
			}
			for dec.More() {
				var f geoFeature
				if err := dec.Decode(&f); err != nil {
					return syntax(err)
				}
				if err := im.countRow(); err != nil {
					return err
				}
				im.feature(im.res.Rows, &f)
			}
			if _, err := dec.Token(); err != nil {
				return syntax(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return syntax(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return syntax(err)
	}
	if typ == "" {
		return badf("no \"type\": \"FeatureCollection\"")
	}
	if !sawFeatures {
		return badf("no \"features\" array")
	}
	if _, err := dec.Token(); err == nil {
		return badf("more data after the FeatureCollection")
	}
	return nil
}

// feature turns one GeoJSON feature into a row.
func (im *importer) feature(row int, f *geoFeature) {
	failf := func(fieldName, format string, args ...any) {
		im.addError(station.RowErrorf(station.CodeInvalidParameter, row, fieldName, format, args...))
	}
	if f.Type != "Feature" {
		failf("type", "feature type is %q, not \"Feature\"", f.Type)
		return
	}
	if f.Properties.dup != "" {
		failf(f.Properties.dup, "property %q is given twice; give it once", f.Properties.dup)
		return
	}
	var v rowValues
	var labels [maxFields]string
	var ignored []string
	// Sorted, so that which of two synonyms is reported does not depend on map order.
	keys := make([]string, 0, len(f.Properties.m))
	for key := range f.Properties.m {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		raw := f.Properties.m[key]
		fld, known := im.property(key)
		if !known {
			if fld != skipProperty {
				ignored = append(ignored, key)
			}
			continue
		}
		if labels[fld] != "" {
			failf(key, "properties %q and %q both mean %s: keep one", labels[fld], key, fld)
			return
		}
		labels[fld] = key
		s, ok := propertyText(raw)
		if !ok {
			failf(key, "property %q is an object; expected text, a number or a list", key)
			return
		}
		v[fld] = station.Clean(s)
	}
	im.ignore(ignored)
	if len(f.ID) > 0 && string(f.ID) != "null" {
		id, ok := propertyText(f.ID)
		if !ok || strings.HasPrefix(strings.TrimSpace(string(f.ID)), "[") {
			failf("id", "the feature id must be a string or a number")
			return
		}
		if v[fID] != "" && v[fID] != id {
			failf("id", "the feature id %q differs from properties.id %q", id, v[fID])
			return
		}
		v[fID] = id
	}
	// The geometry gives the position; lon/lat properties are used only when it is null.
	lon, lat, msg, null := pointText(f.Geometry)
	coordField := "geometry"
	switch {
	case null && (v[fLon] != "" || v[fLat] != ""):
		coordField = ""
	case null:
		im.addError(station.RowErrorf(CodeMissingCoordinate, row, "geometry", "the feature has no geometry: a station is a Point"))
		return
	case msg.IsZero():
		v[fLon], v[fLat] = lon, lat
	default:
		failf("geometry", "%s", msg)
		return
	}
	for f := range nFields {
		im.garbled.cell(row, f, label(&labels, f), v[f]) // mojibake.go
	}
	im.addRow(row, &v, &labels, coordField)
}

// skipProperty marks a property of our own export that an import does not read.
const skipProperty = maxFields + 1

// property finds the field a property name means, caching the answer: every feature of a file
// repeats the same few names.
func (im *importer) property(key string) (field, bool) {
	if f, ok := im.props[key]; ok {
		return f, f < nFields
	}
	name := foldHeader(key)
	f, known := headerNames[name]
	if !known {
		f = nFields
		if exportOnly[name] {
			f = skipProperty
		}
	}
	if len(im.props) < 1024 {
		im.props[key] = f
	}
	return f, known
}

// pointText returns a Point geometry's longitude and latitude as written, or why it is not one ("null"
// for a null or absent geometry, which parseCoord then reports as missing).
func pointText(raw json.RawMessage) (lon, lat string, msg station.Message, null bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", "", station.Message{}, true
	}
	var g geoPoint
	if err := json.Unmarshal(raw, &g); err != nil {
		return "", "", station.Msg("geometry is not a GeoJSON geometry object"), false
	}
	if g.Type != "Point" {
		return "", "", station.Msg("geometry is a %q; a station is a Point", g.Type), false
	}
	if len(g.Coordinates) < 2 || len(g.Coordinates) > 3 {
		return "", "", station.Msg("a Point's coordinates are [longitude, latitude]"), false
	}
	var nums [2]string
	for i := range nums {
		var n json.Number
		if c := bytes.TrimSpace(g.Coordinates[i]); len(c) > 0 && c[0] == '"' || json.Unmarshal(g.Coordinates[i], &n) != nil {
			return "", "", station.Msg("coordinate %s is not a number", truncate(string(g.Coordinates[i]), 40)), false
		}
		nums[i] = n.String()
	}
	return nums[0], nums[1], station.Message{}, false
}

// propertyText turns a property value into cell text: strings as they are, numbers as written (whole
// numbers without an exponent, so a phone number stays digits), true/false, null as empty, and a list
// of those joined with ";" (how our export writes amenities).
func propertyText(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", true
	}
	switch raw[0] {
	case '"':
		if bytes.IndexByte(raw, '\\') < 0 && len(raw) >= 2 {
			return string(raw[1 : len(raw)-1]), true // the decoder has checked it; nothing to unescape
		}
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err == nil
	case '{':
		return "", false
	case '[':
		var list []json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return "", false
		}
		parts := make([]string, 0, len(list))
		for _, item := range list {
			if s := bytes.TrimSpace(item); len(s) > 0 && (s[0] == '[' || s[0] == '{') {
				return "", false
			}
			s, ok := propertyText(item)
			if !ok {
				return "", false
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ";"), true
	case 'n':
		return "", true
	}
	s := string(raw)
	if f, err := strconv.ParseFloat(s, 64); err == nil && strings.ContainsAny(s, "eE") {
		s = plainNumber(f, s)
	}
	return s, true
}

// plainNumber writes a whole number below 10^15 without an exponent; anything else stays as it was.
func plainNumber(f float64, s string) string {
	if f == float64(int64(f)) && f < 1e15 && f > -1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
