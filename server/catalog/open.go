package catalog

import (
	"sync/atomic"
	"time"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

// openingHours is the snapshot's view of every station's hours: each distinct expression parsed once
// (stations share a few hundred), and per station which one it has.
type openingHours struct {
	cal       *hours.Calendar
	schedules []*hours.Schedule // nil = no usable hours: Unknown
	results   []hours.Result
	of        []uint32 // per station position: index into schedules
	last      atomic.Pointer[Instant]
}

func (o *openingHours) build(stations []station.Station, cal *hours.Calendar) {
	if cal == nil {
		cal = hours.DefaultCalendar
	}
	o.cal = cal
	o.of = make([]uint32, len(stations))
	seen := map[string]uint32{}
	for i := range stations {
		text := stations[i].OpeningHours
		k, ok := seen[text]
		if !ok {
			res := hours.Normalize(text)
			k = uint32(len(o.schedules))
			o.schedules = append(o.schedules, res.Schedule)
			o.results = append(o.results, res)
			seen[text] = k
		}
		o.of[i] = k
	}
}

// Instant is every station's state at one minute. The state only changes on whole minutes, so one
// Instant answers every request in that minute.
type Instant struct {
	minute int64
	snap   *Snapshot
	states []hours.State // per distinct schedule
}

// At returns the stations' states at t. The latest Instant is kept, so requests for "now" evaluate
// each distinct schedule once a minute rather than each station once a request.
func (s *Snapshot) At(t time.Time) *Instant {
	minute := t.Unix() / 60
	if t.Unix() < 0 && t.Unix()%60 != 0 {
		minute-- // floor, not truncation, before 1970
	}
	if in := s.hours.last.Load(); in != nil && in.minute == minute {
		return in
	}
	m := s.hours.cal.Moment(time.Unix(minute*60, 0))
	in := &Instant{minute: minute, snap: s, states: make([]hours.State, len(s.hours.schedules))}
	for k, sc := range s.hours.schedules {
		in.states[k] = hours.Unknown
		if sc != nil {
			in.states[k], _ = sc.StateAt(m)
		}
	}
	s.hours.last.Store(in)
	return in
}

// State is station i's state: Closed whenever the station is not in service, else what its hours say.
func (in *Instant) State(i int) hours.State {
	if in.snap.Stations[i].Status != station.Open {
		return hours.Closed
	}
	return in.states[in.snap.hours.of[i]]
}

// Open reports whether station i is open (not merely possibly open).
func (in *Instant) Open(i int) bool { return in.State(i) == hours.Open }

// OpenNow is State as the -1/0/1 that codec.Dynamic carries.
func (in *Instant) OpenNow(i int) int8 {
	switch in.State(i) {
	case hours.Open:
		return 1
	case hours.Closed:
		return -1
	}
	return 0
}

// Hours returns station i's parsed hours (nil when they did not parse) and the normalisation result.
func (s *Snapshot) Hours(i int) hours.Result { return s.hours.results[s.hours.of[i]] }

// Calendar is the holiday calendar the snapshot evaluates with.
func (s *Snapshot) Calendar() *hours.Calendar { return s.hours.cal }
