package stats

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/yizhan/yizhan/server/station"
)

// Columns are the exports' headers, in order: the JSON answer's numbers with Chinese names.
func Columns() []string {
	cols := []string{"区划代码", "名称", "驿站数"}
	for _, s := range station.Statuses() {
		cols = append(cols, s.Label().Zh)
	}
	for _, k := range station.Kinds() {
		cols = append(cols, k.Label().Zh)
	}
	return append(cols, "180天内确认占比", "到访人次", "未处理问题报告", "已处理问题报告", "3公里覆盖率")
}

// cells is a row as the exports write it: numbers as numbers, a share that does not exist as nil.
func (r *Row) cells() []any {
	out := []any{r.Adcode, r.Name, r.Stations}
	for _, n := range r.ByStatus {
		out = append(out, n)
	}
	for _, n := range r.ByKind {
		out = append(out, n)
	}
	return append(out, optional(r.VerifiedShare()), r.Visits, r.ReportsOpen, r.ReportsResolved, optional(r.Coverage()))
}

func optional(v float64, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// rows is the table as the exports write it: the header, the rows, the totals.
func (t *Table) rows() [][]any {
	out := [][]any{}
	for i := range t.Rows {
		out = append(out, t.Rows[i].cells())
	}
	return append(out, t.Totals.cells())
}

// WriteCSV writes the table as UTF-8 CSV with a byte order mark (so that Excel reads the Chinese),
// shares as decimals (0.8125), a share that does not exist as an empty cell. Area names are the
// built-in ones, never a user's text, so nothing needs neutralising.
func (t *Table) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns()); err != nil {
		return err
	}
	for _, row := range t.rows() {
		rec := make([]string, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case string:
				rec[i] = v
			case int:
				rec[i] = strconv.Itoa(v)
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case float64:
				rec[i] = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// XLSXSheet is the name of the XLSX export's sheet.
const XLSXSheet = "驿站统计"

// WriteXLSX writes the table as one XLSX sheet: numbers as numbers, shares shown as percentages, the
// adcode as text.
func (t *Table) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", XLSXSheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return err
	}
	percent, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // "0.00%"
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(XLSXSheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, 2, 16); err != nil {
		return err
	}
	cols := Columns()
	head := make([]any, len(cols))
	for i, c := range cols {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	shareCol := map[int]bool{len(cols) - 5: true, len(cols) - 1: true}
	for n, row := range t.rows() {
		out := make([]any, len(row))
		for i, v := range row {
			switch {
			case v == nil:
			case i == 0:
				out[i] = excelize.Cell{StyleID: text, Value: v}
			case shareCol[i]:
				out[i] = excelize.Cell{StyleID: percent, Value: v}
			default:
				out[i] = v
			}
		}
		name, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(name, out); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}
