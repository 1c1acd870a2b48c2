package station

import "time"

// Field is one station field as people and programs name it: its name in answers, edits, the exchange
// format's columns and the audit trail; the other names an import reads its column by; its label;
// who may change it; how long its text may be. Fields declares every field once, in the exchange
// format's column order; the validation, the edit's rights and the importer's headers are read from
// it (TestFieldsAreTheTruth holds the OpenAPI description to it).
type Field struct {
	Name     string
	Headers  []string // more header names an import accepts (compared folded: case, width, spaces)
	Label    Label
	Member   string // the edit's member that changes it ("" when an edit cannot)
	Operator bool   // operators may change it on their own stations (admins: every field an edit takes)
	Max      int    // characters at most, for text
	// Text gives the field's place in a Station when it is plain text: an edit and an import clean
	// it (Clean, or Fold when Fold is set) and check its length the same way.
	Text func(*Station) *string
	Fold bool
	// Norm reads a value of the field as people write it into the one form it is stored in, or says
	// why it cannot (nil: any text).
	Norm func(string) (string, *Error)
	// Null: an empty value is shown as null in answers rather than "".
	Null bool
}

// Fields are the station's fields, in the exchange format's column order.
var Fields = []Field{
	{Name: "id", Label: Label{"编号", "ID"}, Headers: []string{"编号", "站点编号", "驿站编号", "站点id"}},
	{Name: "name", Label: Label{"名称", "Name"}, Member: "name", Max: MaxNameLen, Text: func(s *Station) *string { return &s.Name }, Headers: []string{"名称", "驿站名称", "站点名称", "服务站名称", "阵地名称"}},
	{Name: "kind", Label: Label{"类型", "Kind"}, Member: "kind", Headers: []string{"类型", "驿站类型", "站点类型", "类别", "type"}},
	{Name: "lon", Label: Label{"经度", "Longitude"}, Member: "lon", Headers: []string{"经度", "lng", "longitude", "x坐标", "东经"}},
	{Name: "lat", Label: Label{"纬度", "Latitude"}, Member: "lat", Headers: []string{"纬度", "latitude", "y坐标", "北纬"}},
	{Name: "address", Label: Label{"地址", "Address"}, Member: "address", Max: MaxAddressLen, Text: func(s *Station) *string { return &s.Address }, Headers: []string{"地址", "详细地址", "站点地址", "驿站地址"}},
	{Name: "city", Label: Label{"城市", "City"}, Member: "city", Max: 50, Text: func(s *Station) *string { return &s.City }, Headers: []string{"城市", "市", "所属城市", "地市", "所属市"}},
	{Name: "district", Label: Label{"区县", "District"}, Member: "district", Max: 50, Text: func(s *Station) *string { return &s.District }, Headers: []string{"区县", "县区", "所属区县", "区", "所属县区"}},
	{Name: "adcode", Label: Label{"区划代码", "Administrative code"}, Member: "adcode", Text: func(s *Station) *string { return &s.Adcode }, Fold: true, Headers: []string{"区划代码", "行政区划代码", "区县代码"}},
	{Name: "amenities", Label: Label{"服务设施", "Amenities"}, Member: "amenities", Operator: true, Headers: []string{"服务设施", "设施", "服务项目", "服务功能", "配套设施"}},
	{Name: "opening_hours", Label: Label{"开放时间", "Opening hours"}, Member: "opening_hours", Operator: true, Max: MaxTextLen, Headers: []string{"开放时间", "营业时间", "服务时间", "hours"}},
	{Name: "status", Label: Label{"状态", "Status"}, Member: "status", Operator: true, Headers: []string{"状态", "运营状态", "开放状态"}},
	{Name: "status_note", Label: Label{"状态说明", "Status note"}, Member: "status_note", Operator: true, Max: MaxTextLen, Text: func(s *Station) *string { return &s.StatusNote }, Headers: []string{"状态说明", "备注", "note"}},
	{Name: "audience", Label: Label{"服务对象", "Audience"}, Member: "audience", Headers: []string{"服务对象"}},
	{Name: "phone", Label: Label{"电话", "Phone"}, Member: "phone", Operator: true, Max: 50, Text: func(s *Station) *string { return &s.Phone }, Fold: true, Null: true, Headers: []string{"联系电话", "电话", "联系方式", "tel", "telephone"}},
	{Name: "operator", Label: Label{"运营单位", "Operator"}, Member: "operator", Max: MaxNameLen, Text: func(s *Station) *string { return &s.Operator }, Null: true, Headers: []string{"运营单位", "管理单位", "主办单位", "建设单位", "责任单位"}},
	// An edit sets it with "verified": true, which stamps the time of the edit.
	{Name: "verified_at", Label: Label{"核实时间", "Verified at"}, Member: "verified", Operator: true, Headers: []string{"核实时间", "更新时间", "核验时间", "verified"}},
	// Fields with no treatment of their own follow: each is this entry and a migration adding its column.
	{Name: "closed_until", Label: Label{"暂停开放至", "Closed until"}, Member: "closed_until", Operator: true, Null: true,
		Text: func(s *Station) *string { return &s.ClosedUntil }, Fold: true, Norm: normDate("closed_until"),
		Headers: []string{"暂停开放至", "暂停至", "预计恢复日期", "恢复开放日期", "恢复日期"}},
}

// normDate reads a date as people write it (2026-12-20, 2026/12/20, 2026.12.20, 2026年12月20日)
// into its stored form, 2026-12-20.
func normDate(field string) func(string) (string, *Error) {
	layouts := []string{"2006-01-02", "2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日"}
	return func(s string) (string, *Error) {
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.Format("2006-01-02"), nil
			}
		}
		return "", Errorf(CodeInvalidParameter, field, "%s %q is not a date: write it as 2026-12-20", field, s)
	}
}

// FieldNamed returns the field called name.
func FieldNamed(name string) (Field, bool) {
	for _, f := range Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// operatorMembers are the edit's members an operator may send.
func operatorMembers() []string {
	var out []string
	for _, f := range Fields {
		if f.Operator && f.Member != "" {
			out = append(out, f.Member)
		}
	}
	return out
}
