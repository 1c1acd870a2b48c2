package hours

import "strings"

// Status says how much of an hours text was understood.
type Status string

const (
	Parsed   Status = "parsed"   // valid opening_hours syntax, or Chinese text fully converted
	Partial  Status = "partial"  // converted, but resting on an assumption or carrying notes as comments
	Unparsed Status = "unparsed" // not understood: kept verbatim, evaluates to Unknown
)

// Result is what Normalize made of a text.
type Result struct {
	Normalized string    // canonical opening_hours syntax; the text itself when Unparsed
	Status     Status    //
	Schedule   *Schedule // nil when Unparsed
	// Read is, for Unparsed text, the beginning of it that was understood ("" when none was): the
	// rest is where the reading stopped.
	Read string
	// Assumed lists the seasons named without months and read with their Liaoning default.
	Assumed []Assumed
}

// Normalize turns hours as people write them into canonical opening_hours syntax: valid syntax is
// reprinted canonically, Chinese text is converted, anything else is kept verbatim as Unparsed.
func Normalize(text string) Result {
	if s, err := Parse(text); err == nil {
		return Result{Normalized: s.String(), Status: Parsed, Schedule: s}
	}
	c := zhConvert(text)
	if c.ok {
		if s, err := Parse(c.osm); err == nil {
			st := Parsed
			if c.partial {
				st = Partial
			}
			return Result{Normalized: s.String(), Status: st, Schedule: s, Assumed: c.assumed}
		}
	}
	return Result{Normalized: text, Status: Unparsed, Read: strings.TrimRight(string([]rune(text)[:c.read]), " ，,;；、")}
}

// Examples are phrasings the converter reads, offered to an operator whose text was not understood.
var Examples = []string{
	"周一至周五 9:00-17:00，节假日休息",
	"每天早上8点到晚上6点，午休12:00-13:00",
	"冬季（11月-3月）8:30-16:30，夏季 8:00-17:30",
}
