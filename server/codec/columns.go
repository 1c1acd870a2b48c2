package codec

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/yizhan/yizhan/server/station"
)

// field is one column of the exchange format, numbered in the order of Columns.
type field int

const (
	fID field = iota
	fName
	fKind
	fLon
	fLat
	fAddress
	fCity
	fDistrict
	fAdcode
	fAmenities
	fHours
	fStatus
	fStatusNote
	fAudience
	fPhone
	fOperator
	fVerifiedAt
	fVersion // the version the row was exported at; an import refuses a row whose station has moved on
	nFields
)

func (f field) String() string { return Columns[f] }

// headerNames maps every accepted spelling of a column name, after foldHeader, to its field. The
// English codes of Columns are added in init.
var headerNames = map[string]field{
	"编号": fID, "站点编号": fID, "驿站编号": fID, "站点id": fID,
	"名称": fName, "驿站名称": fName, "站点名称": fName, "服务站名称": fName, "阵地名称": fName,
	"类型": fKind, "驿站类型": fKind, "站点类型": fKind, "类别": fKind, "type": fKind,
	"经度": fLon, "lng": fLon, "longitude": fLon, "x坐标": fLon, "东经": fLon,
	"纬度": fLat, "latitude": fLat, "y坐标": fLat, "北纬": fLat,
	"地址": fAddress, "详细地址": fAddress, "站点地址": fAddress, "驿站地址": fAddress,
	"城市": fCity, "市": fCity, "所属城市": fCity, "地市": fCity, "所属市": fCity,
	"区县": fDistrict, "县区": fDistrict, "所属区县": fDistrict, "区": fDistrict, "所属县区": fDistrict,
	"区划代码": fAdcode, "行政区划代码": fAdcode, "区县代码": fAdcode,
	"开放时间": fHours, "营业时间": fHours, "服务时间": fHours, "hours": fHours,
	"服务设施": fAmenities, "设施": fAmenities, "服务项目": fAmenities, "服务功能": fAmenities, "配套设施": fAmenities,
	"联系电话": fPhone, "电话": fPhone, "联系方式": fPhone, "tel": fPhone, "telephone": fPhone,
	"运营单位": fOperator, "管理单位": fOperator, "主办单位": fOperator, "建设单位": fOperator, "责任单位": fOperator,
	"状态": fStatus, "运营状态": fStatus, "开放状态": fStatus,
	"状态说明": fStatusNote, "备注": fStatusNote, "note": fStatusNote,
	"服务对象": fAudience,
	"核实时间": fVerifiedAt, "更新时间": fVerifiedAt, "核验时间": fVerifiedAt, "verified": fVerifiedAt,
	"版本": fVersion, "版本号": fVersion,
}

// exportOnly are members that our own GeoJSON export writes but an import does not read: they are
// skipped without being reported as ignored, so that export → import reports nothing odd.
var exportOnly = map[string]bool{"updatedat": true, "opennow": true, "distancem": true, "bearingdeg": true}

func init() {
	for i, c := range Columns {
		headerNames[foldHeader(c)] = field(i)
	}
}

// foldHeader reduces a header cell to the form headerNames is keyed by: NFKC (full-width letters,
// digits and brackets become ASCII), lower case, without a byte order mark, quotes, spaces, '_', '-',
// '*' (a "required" marker) or a trailing "(…)" remark such as "经度（WGS-84）".
func foldHeader(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B' || r == '"' || r == '\'' || r == '_' || r == '-' || r == '*' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	for strings.HasSuffix(s, ")") {
		i := strings.LastIndexByte(s, '(')
		if i <= 0 {
			break
		}
		s = s[:i]
	}
	return s
}

// columns is where each field sits in a header.
type columns struct {
	idx     [nFields]int    // cell index of each field, -1 when absent
	label   [nFields]string // the header text as the file has it, for error messages
	width   int             // number of header cells
	ignored []string        // unknown column names, in file order
}

// matchHeader maps header cells to fields. It returns how many cells it recognised and, for a row that
// is a header, the errors it has (a column named twice, a required column missing).
func matchHeader(cells []string) (*columns, int, []*station.Error) {
	c := &columns{width: len(cells)}
	for i := range c.idx {
		c.idx[i] = -1
	}
	known := 0
	var errs []*station.Error
	for i, h := range cells {
		key := foldHeader(h)
		if key == "" {
			continue
		}
		h = strings.Trim(station.Clean(h), `"`)
		f, ok := headerNames[key]
		switch {
		case !ok && exportOnly[key]:
		case !ok:
			c.ignored = append(c.ignored, h)
		case c.idx[f] >= 0:
			known++
			errs = append(errs, station.Errorf(station.CodeDuplicateParameter, h, "column %q means %s, like column %q before it: keep one", h, f, c.label[f]))
		default:
			known++
			c.idx[f] = i
			c.label[f] = h
		}
	}
	for _, f := range []field{fName, fLon, fLat} {
		if c.idx[f] < 0 {
			errs = append(errs, station.Errorf(station.CodeMissingParameter, f.String(), "the header has no %s column (%s)", f, synonymsOf(f)))
		}
	}
	return c, known, errs
}

// synonymsOf lists a few accepted names of a field, for error messages.
func synonymsOf(f field) string {
	var zh []string
	for k, v := range headerNames {
		if v == f && !isASCII(k) {
			zh = append(zh, k)
		}
	}
	slices.Sort(zh)
	if len(zh) > 3 {
		zh = zh[:3]
	}
	return strings.Join(append([]string{f.String()}, zh...), ", ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
