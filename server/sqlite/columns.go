package sqlite

import (
	"strings"

	"github.com/yizhan/yizhan/server/station"
)

// textFields are the station's plain text fields (station.Fields with a Text place). Each is stored in
// a TEXT column of its name and is read, written, compared and audited by the same loop: a new one
// needs its Fields entry and a migration that adds its column, nothing here.
var textFields = func() (out []station.Field) {
	for _, f := range station.Fields {
		if f.Text != nil {
			out = append(out, f)
		}
	}
	return out
}()

// fixedColumns are the columns that need a treatment of their own (codes, numbers, times).
const fixedColumns = `id, kind, lon, lat, source_crs, source_text, amenities, opening_hours, status, audience, version, updated_at, verified_at`

// stationColumns are every column of a station: the fixed ones, then the plain text fields'.
var stationColumns = fixedColumns + func() string {
	var b strings.Builder
	for _, f := range textFields {
		b.WriteString(", " + f.Name)
	}
	return b.String()
}()

// insertStation and updateStation write a whole station; their arguments are stationValues.
var (
	insertStation = `INSERT INTO station (` + stationColumns + `) VALUES (?` +
		strings.Repeat(", ?", strings.Count(stationColumns, ",")) + `)`
	updateStation = `UPDATE station SET ` + strings.Join(setters(), ", ") + ` WHERE id = ?`
)

// setters are "column = ?" for every column but id, in stationColumns order.
func setters() []string {
	var out []string
	for _, c := range strings.Split(stationColumns, ",") {
		if c = strings.TrimSpace(c); c != "id" {
			out = append(out, c+" = ?")
		}
	}
	return out
}

// stationValues are st's values in stationColumns order, with its version and update time as given,
// for insertStation; forUpdate moves the id last, for updateStation.
func stationValues(st *station.Station, version int64, stamp string, forUpdate bool) []any {
	v := make([]any, 0, 13+len(textFields))
	if !forUpdate {
		v = append(v, st.ID)
	}
	v = append(v, st.Kind.String(), st.Lon, st.Lat, crsOrDefault(st.SourceCRS), st.SourceText, st.Amenities.String(),
		st.OpeningHours, st.Status.String(), st.Audience.String(), version, stamp, formatTime(st.VerifiedAt))
	for _, f := range textFields {
		v = append(v, *f.Text(st))
	}
	if forUpdate {
		v = append(v, st.ID)
	}
	return v
}

// scanTargets are where a row of stationColumns goes: st's fields, and the texts of the fixed columns
// that need parsing.
func scanTargets(st *station.Station, kind, amenities, status, audience, updated, verified *string) []any {
	t := []any{&st.ID, kind, &st.Lon, &st.Lat, &st.SourceCRS, &st.SourceText, amenities, &st.OpeningHours, status,
		audience, &st.Version, updated, verified}
	for _, f := range textFields {
		t = append(t, f.Text(st))
	}
	return t
}
