package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/yizhan/yizhan/server/catalog"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// params reads query parameters strictly: a repeated parameter, a malformed number or a value out of
// range is an error naming the parameter, never silently clamped or defaulted. Unknown parameters
// are ignored. The pairs are kept in order and looked up by scanning: a request has a handful, and
// this spares building a map for every request.
type params struct{ pairs []queryPair }

type queryPair struct{ key, value string }

// maxQuery bounds a query string: the longest legitimate one (a search with every filter) is far shorter.
const maxQuery = 4096

// queryParams parses the request's query. A pair that does not decode (a bad %-escape, or a ";",
// which must be sent as %3B) is an error naming its parameter, not a parameter silently dropped.
func queryParams(c echo.Context) (params, error) {
	raw := c.Request().URL.RawQuery
	if len(raw) > maxQuery {
		return params{}, station.Errorf(codeURITooLong, "", "the query has %d bytes; at most %d are accepted", len(raw), maxQuery)
	}
	p := params{pairs: make([]queryPair, 0, 8)}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		k, kerr := queryUnescape(key)
		v, verr := queryUnescape(value)
		if kerr != nil || verr != nil || strings.Contains(pair, ";") {
			if k, err := url.QueryUnescape(strings.SplitN(key, ";", 2)[0]); err == nil {
				key = k
			}
			return params{}, station.Errorf(station.CodeInvalidParameter, key,
				"the query pair %.60q does not decode: escape \"%%\" as %%25 and \";\" as %%3B", pair)
		}
		p.pairs = append(p.pairs, queryPair{k, v})
	}
	return p, nil
}

// queryUnescape decodes %-escapes and "+", allocating only when there are some.
func queryUnescape(s string) (string, error) {
	if !strings.ContainsAny(s, "%+") {
		return s, nil
	}
	return url.QueryUnescape(s)
}

// has reports whether name is given at all.
func (p params) has(name string) bool {
	for _, kv := range p.pairs {
		if kv.key == name {
			return true
		}
	}
	return false
}

// get returns the single value of name ("" and false when absent).
func (p params) get(name string) (string, bool, error) {
	value, n := "", 0
	for _, kv := range p.pairs {
		if kv.key == name {
			value = kv.value
			n++
		}
	}
	if n > 1 {
		return "", false, station.Errorf(station.CodeDuplicateParameter, name, "%s is given %d times; give it once", name, n)
	}
	return value, n == 1, nil
}

// float reads a required decimal number in [min, max].
func (p params) float(name string, min, max float64) (float64, error) {
	s, ok, err := p.get(name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, station.Errorf(station.CodeMissingParameter, name, "%s is required", name)
	}
	v, e := codec.ParseDecimal(name, s)
	if e != nil {
		return 0, e
	}
	if v < min || v > max {
		return 0, station.Errorf(station.CodeOutOfRange, name, "%s must be between %v and %v; got %v", name, min, max, v)
	}
	return v, nil
}

// integer reads an optional whole number in [min, max], def when absent.
func (p params) integer(name string, def, min, max int) (int, error) {
	s, ok, err := p.get(name)
	if err != nil || !ok {
		return def, err
	}
	v, perr := strconv.Atoi(s)
	if perr != nil || strings.HasPrefix(s, "+") || len(s) > 1 && s[0] == '0' {
		if ne, ok := perr.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return 0, station.Errorf(station.CodeOutOfRange, name, "%s must be between %d and %d", name, min, max)
		}
		return 0, station.Errorf(station.CodeInvalidParameter, name, "%s %q is not a whole number", name, s)
	}
	if v < min || v > max {
		return 0, station.Errorf(station.CodeOutOfRange, name, "%s must be between %d and %d; got %d", name, min, max, v)
	}
	return v, nil
}

// crs reads the coordinate system of the request and response (default wgs84).
// page reads page (from 1) and per_page (1 to max, default def).
func (p params) page(def, max int) (page, perPage int, err error) {
	if page, err = p.integer("page", 1, 1, 1<<20); err != nil {
		return 0, 0, err
	}
	perPage, err = p.integer("per_page", def, 1, max)
	return page, perPage, err
}

// boolean reads name as true or false (def when absent).
func (p params) boolean(name string, def bool) (bool, error) {
	v, ok, err := p.get(name)
	if err != nil || !ok {
		return def, err
	}
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, station.Errorf(station.CodeInvalidParameter, name, "%s %.40q is not true or false", name, v)
}

func (p params) crs() (spatial.CRS, error) {
	s, ok, err := p.get("crs")
	if err != nil || !ok {
		return spatial.WGS84, err
	}
	c, ok := spatial.ParseCRS(s)
	if !ok {
		return 0, station.Errorf(station.CodeInvalidParameter, "crs", "crs %q is not wgs84, gcj02 or bd09", s)
	}
	return c, nil
}

// point reads lat and lon (both required) in crs and returns the WGS-84 point.
func (p params) point(crs spatial.CRS) (orb.Point, error) {
	lat, err := p.float("lat", -90, 90)
	if err != nil {
		return orb.Point{}, swapHint(p, err)
	}
	lon, err := p.float("lon", -180, 180)
	if err != nil {
		return orb.Point{}, err
	}
	return spatial.ToWGS84(crs, orb.Point{lon, lat}), nil
}

// swapHint adds a hint to a latitude out of range when lat and lon look given the wrong way round:
// a latitude that would do as a longitude next to a longitude that would do as a latitude.
func swapHint(p params, err error) error {
	e, ok := err.(*station.Error)
	if !ok || e.Code != station.CodeOutOfRange {
		return err
	}
	lat, latErr := p.float("lat", -180, 180)
	lon, lonErr := p.float("lon", -90, 90)
	if latErr == nil && lonErr == nil {
		e.Append("; lat and lon look swapped: did you mean lat=%v&lon=%v?", lon, lat)
	}
	return err
}

// list reads an optional comma-separated list; empty items are an error.
func (p params) list(name string) ([]string, error) {
	s, ok, err := p.get(name)
	if err != nil || !ok {
		return nil, err
	}
	items := strings.Split(s, ",")
	for _, it := range items {
		if it == "" {
			return nil, station.Errorf(station.CodeInvalidParameter, name, "%s %q has an empty item; separate codes with single commas", name, s)
		}
	}
	return items, nil
}

// filter reads amenities (all required) and kinds (any of).
func (p params) filter() (catalog.Query, error) {
	var q catalog.Query
	ams, err := p.list("amenities")
	if err != nil {
		return q, err
	}
	for _, code := range ams {
		a, ok := station.ParseAmenity(code)
		if !ok {
			return q, station.Errorf(station.CodeInvalidParameter, "amenities", "amenity %q is not in the vocabulary (see /api/v1/meta)", code)
		}
		q.Amenities = q.Amenities.With(a)
	}
	kinds, err := p.list("kinds")
	if err != nil {
		return q, err
	}
	for _, code := range kinds {
		k, ok := station.ParseKind(code)
		if !ok {
			return q, station.Errorf(station.CodeInvalidParameter, "kinds", "kind %q is not in the vocabulary (see /api/v1/meta)", code)
		}
		q.Kinds = append(q.Kinds, k)
	}
	q.Statuses, err = p.statuses()
	return q, err
}

// ridersStatuses are what a list answers without a status parameter: riders never get a station
// closed for good, and the offline datasets leave those out too.
var ridersStatuses = []station.Status{station.Open, station.TemporarilyClosed}

// statuses reads status (any of these; default ridersStatuses): admins and integrators ask for closed.
func (p params) statuses() ([]station.Status, error) {
	codes, err := p.list("status")
	if err != nil || codes == nil {
		return ridersStatuses, err
	}
	var out []station.Status
	for _, code := range codes {
		st, ok := station.ParseStatus(code)
		if !ok {
			return nil, station.Errorf(station.CodeInvalidParameter, "status", "status %.40q is not open, temporarily_closed or closed", code)
		}
		if slices.Contains(out, st) {
			return nil, station.Errorf(station.CodeInvalidParameter, "status", "status %q is listed twice", code)
		}
		out = append(out, st)
	}
	return out, nil
}

// listParams are what every list answer reads besides its own parameters.
type listParams struct {
	crs spatial.CRS
	q   catalog.Query
	at  *catalog.Instant // when open_now is evaluated
}

// common reads the coordinate system, the filter and the open-now parameters.
func (p params) common(snap *catalog.Snapshot) (listParams, error) {
	var lp listParams
	var err error
	if lp.crs, err = p.crs(); err != nil {
		return lp, err
	}
	if lp.q, err = p.filter(); err != nil {
		return lp, err
	}
	at, open, err := p.times()
	if err != nil {
		return lp, err
	}
	lp.at = snap.At(at)
	if !open.IsZero() {
		lp.q.Open = snap.At(open)
	}
	return lp, nil
}

// times reads `at` (RFC 3339, default now): the instant open_now describes, and `open` (now or RFC
// 3339): the instant stations must be open at to be listed, zero when not given.
func (p params) times() (at, open time.Time, err error) {
	at = time.Now()
	if s, ok, err := p.get("at"); err != nil {
		return at, open, err
	} else if ok {
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			return at, open, station.Errorf(station.CodeInvalidParameter, "at", "at %q is not an RFC 3339 time such as 2026-01-15T23:40:00+08:00", s)
		}
	}
	s, ok, err := p.get("open")
	if err != nil || !ok {
		return at, open, err
	}
	if s == "now" {
		return at, at, nil
	}
	if open, err = time.Parse(time.RFC3339, s); err != nil {
		return at, open, station.Errorf(station.CodeInvalidParameter, "open", "open %q is not \"now\" or an RFC 3339 time", s)
	}
	return at, open, nil
}
