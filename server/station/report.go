package station

import "time"

// Report is a rider's problem report about a station, for the station's operator to look into.
type Report struct {
	ID        int64
	StationID string
	Reason    Reason
	Note      string // free text, at most MaxNoteLen characters; may be empty
	// Client is the network the report came from (an IPv4 /24 or IPv6 /48 prefix such as
	// "203.0.113.0/24"), kept so that operators can spot a flood from one place. Never a full address.
	Client string
	// IdempotencyKey is the sender's own key for this report (the Idempotency-Key header): a report
	// sent again with the same key for the same station is the same report. Empty: none given.
	IdempotencyKey string
	Status         ReportStatus
	CreatedAt      time.Time
	ResolvedAt     time.Time // zero while open
	ResolvedBy     string    // the user who resolved it; empty while open
}

// MaxNoteLen is the longest note a report may carry, in characters.
const MaxNoteLen = MaxTextLen

// Reason is what a rider says is wrong with a station.
type Reason uint8

// The reasons a report can give. The codes are the API's and the database's vocabulary.
const (
	ReasonClosed Reason = iota
	ReasonLocked
	ReasonWrongLocation
	ReasonWrongHours
	ReasonAmenityMissing
	ReasonOther
)

var reasons = []vocab{
	ReasonClosed:         {"closed", Label{"驿站已关闭", "Station closed"}},
	ReasonLocked:         {"locked", Label{"门锁着，进不去", "Locked, could not get in"}},
	ReasonWrongLocation:  {"wrong_location", Label{"位置不对", "Wrong location"}},
	ReasonWrongHours:     {"wrong_hours", Label{"开放时间不对", "Wrong opening hours"}},
	ReasonAmenityMissing: {"amenity_missing", Label{"缺少所列设施", "A listed amenity is missing"}},
	ReasonOther:          {"other", Label{"其他问题", "Other problem"}},
}

// Reasons lists every reason in code order.
func Reasons() []Reason {
	out := make([]Reason, len(reasons))
	for i := range reasons {
		out[i] = Reason(i)
	}
	return out
}

func (r Reason) String() string { return reasons[r].Code }

// Label is the reason's user-visible name.
func (r Reason) Label() Label { return reasons[r].Label }

// ParseReason accepts a reason code ("wrong_hours").
func ParseReason(s string) (Reason, bool) { return parseCode[Reason](reasons, s) }

// ReportStatus says whether someone has dealt with a report.
type ReportStatus uint8

// Report statuses: every report starts open.
const (
	ReportOpen ReportStatus = iota
	ReportResolved
)

var reportStatuses = []vocab{
	ReportOpen:     {"open", Label{"待处理", "Open"}},
	ReportResolved: {"resolved", Label{"已处理", "Resolved"}},
}

func (s ReportStatus) String() string { return reportStatuses[s].Code }

// Label is the status's user-visible name.
func (s ReportStatus) Label() Label { return reportStatuses[s].Label }

// ParseReportStatus accepts a report status code.
func ParseReportStatus(s string) (ReportStatus, bool) {
	return parseCode[ReportStatus](reportStatuses, s)
}
