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
	fVerifiedAt // the last of the fields with a treatment of their own; station.Fields lists these first
)

// maxFields bounds the columns of the exchange format (arrays of a row's cells are this long).
const maxFields = 32

var (
	// fVersion is the version the row was exported at; an import refuses a row whose station has moved
	// on. It follows station.Fields' columns.
	fVersion = field(len(station.Fields))
	// nFields is how many columns the exchange format has.
	nFields = fVersion + 1
)

func (f field) String() string { return Columns[f] }

// headerNames maps every accepted spelling of a column name, after foldHeader, to its field: the
// column's name and the other names station.Fields gives it, and the version's (init).
var headerNames = map[string]field{"版本": fVersion, "版本号": fVersion}

// exportOnly are members that our own GeoJSON export writes but an import does not read: they are
// skipped without being reported as ignored, so that export → import reports nothing odd.
var exportOnly = map[string]bool{"updatedat": true, "opennow": true, "distancem": true, "bearingdeg": true}

func init() {
	for i, c := range Columns {
		headerNames[foldHeader(c)] = field(i)
		if i < len(station.Fields) {
			if station.Fields[i].Name != c {
				panic("codec: the columns are not in station.Fields' order at " + c)
			}
			for _, h := range station.Fields[i].Headers {
				headerNames[foldHeader(h)] = field(i)
			}
		}
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
	idx     [maxFields]int    // cell index of each field, -1 when absent
	label   [maxFields]string // the header text as the file has it, for error messages
	width   int               // number of header cells
	ignored []string          // unknown column names, in file order
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
