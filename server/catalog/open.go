package catalog

import (
	"maps"
	"slices"
	"time"

	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

// schedules are the distinct opening hours of a snapshot's stations, each parsed once (stations share
// a few hundred); built.of says per station which one it has.
type schedules struct {
	list    []*hours.Schedule // nil = no usable hours: Unknown
	results []hours.Result
	index   map[string]uint32 // hours text → position in list
}

// notInService marks a station whose status is not open: closed whatever its hours say. Keeping it in
// the same small array as the schedule index spares the open filter a look into the Station itself.
const notInService = ^uint32(0)

func (b *built) buildHours() schedules {
	sc := schedules{index: map[string]uint32{}}
	b.of = make([]uint32, len(b.stations))
	for i := range b.stations {
		b.of[i] = sc.of(&b.stations[i])
	}
	return sc
}

// of is the schedule of st, added to sc when new (sc must be sc's own copy then: see with).
func (sc *schedules) of(st *station.Station) uint32 {
	if st.Status != station.Open {
		return notInService
	}
	k, ok := sc.index[st.OpeningHours]
	if !ok {
		res := hours.Normalize(st.OpeningHours)
		k = uint32(len(sc.list))
		sc.list = append(sc.list, res.Schedule)
		sc.results = append(sc.results, res)
		sc.index[st.OpeningHours] = k
	}
	return k
}

// with returns sc able to take the hours of stations: sc itself when it knows them all, else a copy
// with them added (a snapshot's schedules are shared with the snapshots made from it).
func (sc schedules) with(stations []*station.Station) (schedules, []uint32) {
	ks := make([]uint32, len(stations))
	copied := false
	for i, st := range stations {
		if _, ok := sc.index[st.OpeningHours]; !ok && st.Status == station.Open && !copied {
			sc = schedules{list: slices.Clone(sc.list), results: slices.Clone(sc.results), index: maps.Clone(sc.index)}
			copied = true
		}
		ks[i] = sc.of(st)
	}
	return sc, ks
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

// group is the spatial index class of a station with status and schedule k.
func group(status station.Status, k uint32) uint8 {
	switch status {
	case station.TemporarilyClosed:
		return groupTemporarilyClosed
	case station.Closed:
		return groupClosed
	}
	return uint8(k % scheduleGroups)
}

// schedule is station i's index into s.sched, or notInService.
func (s *Snapshot) schedule(i int) uint32 {
	if p := s.patch[int32(i)]; p != nil {
		return p.sched
	}
	return s.of[i]
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
	minute := minuteOf(t)
	if in := s.last.Load(); in != nil && in.minute == minute {
		return in
	}
	m := s.cal.Moment(time.Unix(minute*60, 0))
	in := &Instant{minute: minute, snap: s, states: make([]hours.State, len(s.sched.list)), closedGroups: ^uint32(0)}
	for k, sc := range s.sched.list {
		in.states[k] = hours.Unknown
		if sc != nil {
			in.states[k], _ = sc.StateAt(m)
		}
		if in.states[k] == hours.Open {
			in.closedGroups &^= 1 << (k % scheduleGroups)
		}
	}
	s.last.Store(in)
	return in
}

// minuteOf is the minute t falls in, in Unix minutes (floor, not truncation, before 1970): states only
// change on whole minutes.
func minuteOf(t time.Time) int64 {
	m := t.Unix() / 60
	if t.Unix() < 0 && t.Unix()%60 != 0 {
		m--
	}
	return m
}

// State is station i's state: Closed whenever the station is not in service, else what its hours say.
func (in *Instant) State(i int) hours.State {
	k := in.snap.schedule(i)
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
	if k := s.schedule(i); k != notInService {
		return s.sched.results[k]
	}
	return hours.Normalize(s.Station(i).OpeningHours)
}

// Calendar is the holiday calendar the snapshot evaluates with.
func (s *Snapshot) Calendar() *hours.Calendar { return s.cal }

// OpenNow is the -1/0/1 open state of one station at t, evaluated alone (codec.Dynamic.OpenNow).
func OpenNow(st *station.Station, cal *hours.Calendar, t time.Time) int8 {
	if st.Status != station.Open {
		return -1
	}
	if cal == nil {
		cal = hours.DefaultCalendar
	}
	sc := hours.Normalize(st.OpeningHours).Schedule
	if sc == nil {
		return 0
	}
	switch state, _ := sc.StateAt(cal.Moment(time.Unix(minuteOf(t)*60, 0))); state {
	case hours.Open:
		return 1
	case hours.Closed:
		return -1
	}
	return 0
}
