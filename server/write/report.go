package write

import (
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// Report is what an import answers, dry run or not: the same as `yizhan import` prints.
type Report struct {
	DryRun         bool             `json:"dry_run"`
	Format         string           `json:"format"`
	Encoding       string           `json:"encoding"`
	CRS            string           `json:"crs"`
	Rows           int              `json:"rows"`
	HeaderRow      int              `json:"header_row"`
	IgnoredColumns []string         `json:"ignored_columns"`
	Created        int              `json:"created"`
	Updated        int              `json:"updated"`
	Unchanged      int              `json:"unchanged"`
	DataVersion    int64            `json:"data_version"`
	Errors         []*station.Error `json:"errors"`
	ErrorsOmitted  int              `json:"errors_omitted,omitempty"`
	// Converted counts the cells converted from another notation; SwappedRows goes with a
	// columns_swapped finding (codec/swap.go).
	Converted   codec.Converted `json:"converted"`
	SwappedRows int             `json:"swapped_rows,omitempty"`
}

// newReport is the report of what codec.Import read: the writes' counts are filled in once they are
// done. Lists are empty rather than null.
func newReport(res codec.ImportResult, dry bool) Report {
	rep := Report{DryRun: dry, Format: res.Format, Encoding: res.Encoding, CRS: res.CRS, Rows: res.Rows,
		HeaderRow: res.HeaderRow, IgnoredColumns: res.IgnoredColumns, Errors: res.Errors, ErrorsOmitted: res.ErrorsOmitted,
		Converted: res.Converted, SwappedRows: res.SwappedRows}
	if rep.IgnoredColumns == nil {
		rep.IgnoredColumns = []string{}
	}
	if rep.Errors == nil {
		rep.Errors = []*station.Error{}
	}
	return rep
}

// In is the report with its errors in lang.
func (r Report) In(lang station.Lang) Report {
	errs := make([]*station.Error, len(r.Errors))
	for i, e := range r.Errors {
		errs[i] = e.In(lang)
	}
	r.Errors = errs
	return r
}
