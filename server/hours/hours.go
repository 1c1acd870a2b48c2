// Package hours parses, normalises, prints and evaluates opening hours. Hours are stored in the
// OpenStreetMap opening_hours syntax (the subset stations use: 24/7, weekday lists and ranges, PH,
// several time spans, spans past midnight, off/unknown, month and date ranges, comments, normal and
// additional rules) and evaluated in Asia/Shanghai the way opening_hours.js, the reference
// implementation, evaluates them. Chinese text from government spreadsheets is normalised into that
// syntax; what cannot be understood is kept as text and evaluates to Unknown, never to Closed.
//
// The package is pure: no I/O beyond reading the embedded holiday calendar.
package hours

import (
	"time"
)

// Zone is Asia/Shanghai. China has had no daylight saving time since 1991, so a fixed offset is exact
// and needs no tz database on the host.
var Zone = time.FixedZone("CST", 8*3600)

// State is whether a station is open at an instant.
type State int8

const (
	Closed State = iota
	Open
	Unknown // no hours, hours that could not be parsed, or an explicit "unknown" rule
)

func (s State) String() string {
	switch s {
	case Open:
		return "open"
	case Unknown:
		return "unknown"
	}
	return "closed"
}

// Interval is a stretch of time in which the state is Open or Unknown.
type Interval struct {
	From, To time.Time
	Unknown  bool
	Comment  string
}

// minutesPerDay is the length of a day in the minute arithmetic used throughout.
const minutesPerDay = 24 * 60
