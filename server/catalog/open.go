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
	of        []uint32 // per station position: index into schedules, or notInService
	last      atomic.Pointer[Instant]
}

// notInService marks a station whose status is not open: closed whatever its hours say. Keeping it in
// the same small array as the schedule index spares the open filter a look into the Station itself.
const notInService = ^uint32(0)

func (o *openingHours) build(stations []station.Station, cal *hours.Calendar) {
	if cal == nil {
		cal = hours.DefaultCalendar
	}
	o.cal = cal
	o.of = make([]uint32, len(stations))
	seen := map[string]uint32{}
	for i := range stations {
		if stations[i].Status != station.Open {
			o.of[i] = notInService
			continue
		}
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

// The spatial index classes of stations: an open station's schedule folded into scheduleGroups
// classes, then one class per status that is not open. The open filter excludes the classes in which
// no schedule is open, and the status filter those of the statuses not asked for, so the index skips
// whole subtrees; Accept then decides exactly.
const (
	scheduleGroups         = 30
	groupTemporarilyClosed = 30
	groupClosed            = 31
	openGroups             = 1<<scheduleGroups - 1
)

// group is station i's spatial index class.
func (s *Snapshot) group(i int) uint8 {
	switch s.Stations[i].Status {
	case station.TemporarilyClosed:
		return groupTemporarilyClosed
	case station.Closed:
		return groupClosed
	}
	return uint8(s.hours.of[i] % scheduleGroups)
}

// Instant is every station's state at one minute. The state only changes on whole minutes, so one
// Instant answers every request in that minute.
type Instant struct {
	minute       int64
	snap         *Snapshot
	states       []hours.State // per distinct schedule
	closedGroups uint32        // spatial groups with no open schedule
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
	in := &Instant{minute: minute, snap: s, states: make([]hours.State, len(s.hours.schedules)), closedGroups: ^uint32(0)}
	for k, sc := range s.hours.schedules {
		in.states[k] = hours.Unknown
		if sc != nil {
			in.states[k], _ = sc.StateAt(m)
		}
		if in.states[k] == hours.Open {
			in.closedGroups &^= 1 << (k % scheduleGroups)
		}
	}
	s.hours.last.Store(in)
	return in
}

// State is station i's state: Closed whenever the station is not in service, else what its hours say.
func (in *Instant) State(i int) hours.State {
	k := in.snap.hours.of[i]
	if k == notInService {
		return hours.Closed
	}
	return in.states[k]
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

// Hours returns what station i's hours text means.
func (s *Snapshot) Hours(i int) hours.Result {
	if k := s.hours.of[i]; k != notInService {
		return s.hours.results[k]
	}
	return hours.Normalize(s.Stations[i].OpeningHours)
}

// Calendar is the holiday calendar the snapshot evaluates with.
func (s *Snapshot) Calendar() *hours.Calendar { return s.hours.cal }
