package station

import "time"

// The records the writes and the store exchange: who made a change, what the audit trail holds, what
// an import asked for and what it did.

// Actor is who makes a change, as the audit trail records it.
type Actor struct {
	UserID int64  // 0 when not a logged-in user
	Name   string // the username, or "import"
}

// AuditEntry is one recorded change of one station.
type AuditEntry struct {
	ID        int64          `json:"id"`
	StationID string         `json:"station_id"`
	Version   int64          `json:"version"` // the version the change produced
	Action    string         `json:"action"`  // create, edit, verify or import
	UserID    int64          `json:"user_id"`
	Actor     string         `json:"actor"`
	At        time.Time      `json:"at"`
	Before    map[string]any `json:"before"` // the changed fields, before
	After     map[string]any `json:"after"`  // and after
}

// UpsertOptions tune Upsert.
type UpsertOptions struct {
	// OnlyIfEmpty makes Upsert write nothing (and report zero counts) when the table already has
	// stations; the check runs inside the write transaction, so two processes seeding at once cannot
	// both load the seed.
	OnlyIfEmpty bool
	// DryRun computes the result and rolls back, writing nothing.
	DryRun bool
	// Actor, when named, is recorded in the audit trail for every created and updated station (an
	// import). The seed, written with no actor, is not audited: it is where the history starts.
	Actor Actor
}

// UpsertResult counts what an upsert did.
type UpsertResult struct {
	Created, Updated, Unchanged int
	DataVersion                 int64 // the version after the transaction
	// Written are the positions in the stations given to Upsert of those created or updated, in order.
	Written []int
	// Conflicts are the stations that came with the version they were exported at (Station.Version
	// > 0) and would change a station that has been changed since. When there are any, nothing is
	// written: applying the rest would silently undo someone's newer edit.
	Conflicts []Conflict
}

// Conflict is a station whose stored version is not the one the imported row was based on.
type Conflict struct {
	Index          int // in the stations given to Upsert
	ID             string
	Based, Current int64
}

// ReportFilter selects reports: of some stations (nil = every station), optionally only open ones.
type ReportFilter struct {
	StationIDs []string
	OpenOnly   bool
	Limit      int // 0 = 1000
	Offset     int // reports skipped, for pages
}

// VisitDay is one station's visits on one day (YYYY-MM-DD, Asia/Shanghai): App devices said "I'm
// here" in the app, and its operator recorded Served people served without it (nil: none recorded).
type VisitDay struct {
	StationID string `json:"station_id"`
	Day       string `json:"day"`
	App       int64  `json:"app"`
	Served    *int64 `json:"served"`
}

// Visits is the day's visits: App + Served.
func (v VisitDay) Visits() int64 {
	if v.Served == nil {
		return v.App
	}
	return v.App + *v.Served
}
