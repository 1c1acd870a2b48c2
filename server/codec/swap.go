package codec

import (
	"github.com/yizhan/yizhan/server/station"
)

// CodeColumnsSwapped is the file-level finding of a file whose longitude and latitude columns are
// swapped throughout (issue 13, class 6): one error at row 0 that says so and how many rows show it,
// before the rows' own swapped_coordinates errors.
const CodeColumnsSwapped = "columns_swapped"

// countSwapped counts a row whose errors say its coordinates look swapped.
func (im *importer) countSwapped(errs []*station.Error) {
	for _, e := range errs {
		if e.Code == CodeSwappedCoordinates {
			im.swappedRows++
			return
		}
	}
}

// findSwappedColumns adds the columns_swapped finding when more than half of the data rows have
// coordinates that are valid for Liaoning only the other way round. Half, because a few swapped rows
// in a good file are the rows' own mistakes, to fix one by one (their row errors say so), while a
// file swapped throughout has most rows so: there, one finding and an option that swaps the columns
// help more than a thousand row errors. Blank rows do not count; rows with other errors do.
func (im *importer) findSwappedColumns() {
	n, rows := im.swappedRows, im.res.Rows
	if n == 0 || 2*n <= rows {
		return
	}
	im.res.SwappedRows = n
	finding := station.Errorf(CodeColumnsSwapped, "", "%d of %d rows have longitude and latitude in each other's columns: the columns are swapped; import again with swap_coordinates=true (--swap-coordinates on the command line) to read them the other way round", n, rows)
	if im.opt.SwapCoordinates {
		finding = station.Errorf(CodeColumnsSwapped, "", "with swap_coordinates=true, %d of %d rows have longitude and latitude in each other's columns: the file's columns were right; import again without swap_coordinates", n, rows)
	}
	if len(im.res.Errors) >= maxRowErrors {
		im.res.Errors = im.res.Errors[:maxRowErrors-1]
		im.res.ErrorsOmitted++
	}
	im.res.Errors = append([]*station.Error{finding}, im.res.Errors...)
}
