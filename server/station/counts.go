package station

// Counts are one station's numbers over a period (GET /api/v1/admin/stats).
type Counts struct {
	Visits                       int64 // riders' visits and people served (visit.app + visit.served)
	ReportsOpen, ReportsResolved int   // reports filed in the period, by their state now
}

// MonthCount is a number for one month ("2026-03").
type MonthCount struct {
	Month string `json:"month"`
	Count int64  `json:"visits"`
}
