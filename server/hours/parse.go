package hours

import (
	"fmt"
	"strings"
)

// Schedule is parsed opening hours. It is immutable and safe for concurrent use.
type Schedule struct {
	rules []rule // as written; evaluation also uses the wrapped rules derived from them
	eval  []rule // the rules evaluation walks: each rule followed by its wrapped part, as opening_hours.js orders them
}

// rule is one rule of the expression: its selectors (all must match a day), its time spans and what
// it means when they match.
type rule struct {
	dates      []dateRange // any may match; none = every day
	holiday    bool        // "PH" on its own: the day must be a public holiday
	weekdays   uint8       // bit d (Mo=0 .. Su=6); with weekdayPH, any may match; both zero = every day
	weekdayPH  bool        // "PH" inside a weekday list ("Su,PH")
	spans      []span      // minutes from the day's midnight; end may pass 24:00; none = the whole day
	always     bool        // written as 24/7
	state      State
	comment    string
	additional bool // joined to the previous rule by "," rather than ";"
	wrapped    bool // the part after midnight of a span, matched against the previous day
	printed    bool // the rule has something to print besides its state (selectors or times)
}

// span is a time span in minutes after midnight, end exclusive.
type span struct{ start, end int }

// dateRange is a month, a month range, a date or a date range. Day 0 means the whole month (first day
// for from, last day for to). Year 0 means every year; a range whose end comes before its start wraps
// into the next year.
type dateRange struct {
	from, to monthDay
}

type monthDay struct {
	year, month, day int
}

func (r *rule) hasDate() bool {
	return len(r.dates) > 0 || r.holiday || r.weekdays != 0 || r.weekdayPH
}

// SyntaxError says where an expression stops making sense.
type SyntaxError struct {
	Offset int // byte offset into the expression
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("opening hours: %s at byte %d", e.Msg, e.Offset)
}

// maxExpression bounds the work any input can cause.
const maxExpression = 2048

// Parse parses OpenStreetMap opening_hours syntax (the subset described in the package comment).
// Errors are *SyntaxError.
func Parse(text string) (*Schedule, error) {
	if len(text) > maxExpression {
		return nil, &SyntaxError{maxExpression, "expression longer than 2048 bytes"}
	}
	toks, err := tokenize(text)
	if err != nil {
		return nil, err
	}
	p := parser{toks: toks, end: len(text)}
	s := &Schedule{}
	additional := false
	for {
		r, err := p.rule()
		if err != nil {
			return nil, err
		}
		r.additional = additional
		s.rules = append(s.rules, r)
		t := p.next()
		switch t.kind {
		case tokEOF:
			if len(s.rules) == 0 {
				return nil, &SyntaxError{0, "empty expression"}
			}
			s.eval = derive(s.rules)
			return s, nil
		case tokSemicolon:
			additional = false
			if p.peek().kind == tokEOF { // a trailing ";" adds nothing, as in opening_hours.js
				s.eval = derive(s.rules)
				return s, nil
			}
		case tokComma:
			additional = true
		default:
			return nil, p.errorf(t, "unexpected %q", t.text)
		}
	}
}

// derive lists the rules evaluation walks: opening_hours.js evaluates the part of a span after midnight
// as a rule of its own, placed right after the rule it came from, whose selectors are tested on the
// previous day.
func derive(rules []rule) []rule {
	var out []rule
	for _, r := range rules {
		today, after := r, r
		today.spans, after.spans = nil, nil
		for _, sp := range r.spans {
			today.spans = append(today.spans, span{sp.start, min(sp.end, minutesPerDay)})
			if sp.end > minutesPerDay {
				after.spans = append(after.spans, span{0, sp.end - minutesPerDay})
			}
		}
		out = append(out, today)
		if len(after.spans) > 0 {
			after.wrapped, after.additional = true, false
			out = append(out, after)
		}
	}
	return out
}

type tokKind int

const (
	tokEOF tokKind = iota
	tokWeekday
	tokMonth
	tokPH
	tokNumber
	tokTime
	tokDash
	tokComma
	tokSemicolon
	tok247
	tokModifier
	tokComment
)

type token struct {
	kind tokKind
	text string
	val  int // weekday 0-6, month 1-12, number, minutes of a time, State of a modifier
	off  int
}

var weekdayNames = [7]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
var monthNames = [13]string{"", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func tokenize(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '-':
			out = append(out, token{kind: tokDash, text: "-", off: i})
			i++
			continue
		case c == ',':
			out = append(out, token{kind: tokComma, text: ",", off: i})
			i++
			continue
		case c == ';':
			out = append(out, token{kind: tokSemicolon, text: ";", off: i})
			i++
			continue
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, &SyntaxError{i, "comment without closing quote"}
			}
			out = append(out, token{kind: tokComment, text: s[i+1 : i+1+j], off: i})
			i += j + 2
			continue
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			if j-i > 4 {
				return nil, &SyntaxError{i, "number too long"}
			}
			n := atoi(s[i:j])
			if strings.HasPrefix(s[j:], "/7") && s[i:j] == "24" {
				out = append(out, token{kind: tok247, text: "24/7", off: i})
				i = j + 2
				continue
			}
			if j < len(s) && s[j] == ':' {
				k := j + 1
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				if k-j-1 != 2 || j-i > 2 {
					return nil, &SyntaxError{i, "time must be HH:MM"}
				}
				m := atoi(s[j+1 : k])
				if m > 59 || n > 48 || n == 48 && m > 0 {
					return nil, &SyntaxError{i, "no such time " + s[i:k]}
				}
				out = append(out, token{kind: tokTime, text: s[i:k], val: n*60 + m, off: i})
				i = k
				continue
			}
			out = append(out, token{kind: tokNumber, text: s[i:j], val: n, off: i})
			i = j
			continue
		}
		j := i
		for j < len(s) && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z') {
			j++
		}
		if j == i {
			return nil, &SyntaxError{i, fmt.Sprintf("unexpected character %q", firstRune(s[i:]))}
		}
		word := s[i:j]
		t := token{text: word, off: i}
		switch {
		case word == "PH":
			t.kind = tokPH
		case word == "off" || word == "closed":
			t.kind, t.val = tokModifier, int(Closed)
		case word == "open":
			t.kind, t.val = tokModifier, int(Open)
		case word == "unknown":
			t.kind, t.val = tokModifier, int(Unknown)
		default:
			if d := indexOf(weekdayNames[:], word); d >= 0 {
				t.kind, t.val = tokWeekday, d
			} else if m := indexOf(monthNames[1:], word); m >= 0 {
				t.kind, t.val = tokMonth, m+1
			} else {
				return nil, &SyntaxError{i, fmt.Sprintf("unknown word %q", word)}
			}
		}
		out = append(out, t)
		i = j
	}
	return out, nil
}

func atoi(s string) int {
	n := 0
	for _, c := range []byte(s) {
		n = n*10 + int(c-'0')
	}
	return n
}

func indexOf(names []string, w string) int {
	for i, n := range names {
		if n == w {
			return i
		}
	}
	return -1
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

type parser struct {
	toks []token
	pos  int
	end  int
}

func (p *parser) peek() token { return p.peekAt(0) }

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return token{kind: tokEOF, off: p.end}
}

func (p *parser) next() token {
	t := p.peek()
	if p.pos < len(p.toks) {
		p.pos++
	}
	return t
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return &SyntaxError{t.off, fmt.Sprintf(format, args...)}
}

// rule parses: [dates] [PH] [weekdays] [times | 24/7] [modifier] [comment].
func (p *parser) rule() (rule, error) {
	r := rule{state: Open}
	start := p.pos
	if t := p.peek(); t.kind == tokMonth || t.kind == tokNumber && len(t.text) == 4 {
		if err := p.dates(&r); err != nil {
			return r, err
		}
	}
	if p.peek().kind == tokPH && p.peekAt(1).kind != tokComma {
		p.next()
		r.holiday = true
	}
	if t := p.peek(); t.kind == tokWeekday || t.kind == tokPH {
		if err := p.weekdays(&r); err != nil {
			return r, err
		}
	}
	switch p.peek().kind {
	case tok247:
		p.next()
		r.always = true
		r.spans = []span{{0, minutesPerDay}}
	case tokTime:
		if err := p.times(&r); err != nil {
			return r, err
		}
	}
	r.printed = p.pos > start
	modifier := false
	if t := p.peek(); t.kind == tokModifier {
		p.next()
		r.state = State(t.val)
		modifier = true
	}
	if t := p.peek(); t.kind == tokComment {
		p.next()
		r.comment = t.text
		if !modifier {
			r.state = Unknown // a comment without "open" leaves the state in doubt, as the specification says
		}
	}
	if p.pos == start {
		return r, p.errorf(p.peek(), "expected a rule, found %s", describe(p.peek()))
	}
	return r, nil
}

func describe(t token) string {
	if t.kind == tokEOF {
		return "the end"
	}
	return fmt.Sprintf("%q", t.text)
}

// dates parses a comma-separated list of months, month ranges, dates and date ranges.
func (p *parser) dates(r *rule) error {
	for {
		from, err := p.monthDay(0)
		if err != nil {
			return err
		}
		to := from
		if p.peek().kind == tokDash {
			p.next()
			switch t := p.peek(); {
			case t.kind == tokNumber && from.day > 0 && len(t.text) <= 2: // "Oct 01-07"
				p.next()
				to.day = t.val
			case t.kind == tokMonth || t.kind == tokNumber && len(t.text) == 4:
				if to, err = p.monthDay(from.year); err != nil {
					return err
				}
				if (from.day == 0) != (to.day == 0) {
					return p.errorf(t, "a range joins two months or two dates")
				}
			default:
				return p.errorf(t, "expected the end of the range, found %s", describe(t))
			}
		}
		if err := checkDay(p, from); err != nil {
			return err
		}
		if err := checkDay(p, to); err != nil {
			return err
		}
		if from.year > 0 && to.year > 0 && compareMonthDay(to, from) < 0 {
			return p.errorf(p.peekAt(-1), "the range ends before it starts")
		}
		r.dates = append(r.dates, dateRange{from, to})
		if p.peek().kind != tokComma {
			return nil
		}
		if t := p.peekAt(1); t.kind != tokMonth && !(t.kind == tokNumber && len(t.text) == 4) {
			return nil // the comma separates rules
		}
		p.next()
	}
}

// monthDay parses [year] month [day]. A year given only on the start of a range carries to its end.
func (p *parser) monthDay(year int) (monthDay, error) {
	md := monthDay{year: year}
	if t := p.peek(); t.kind == tokNumber && len(t.text) == 4 {
		p.next()
		if t.val < 1900 || t.val > 2200 {
			return md, p.errorf(t, "year %d out of range", t.val)
		}
		md.year = t.val
	}
	t := p.next()
	if t.kind != tokMonth {
		return md, p.errorf(t, "expected a month, found %s", describe(t))
	}
	md.month = t.val
	if d := p.peek(); d.kind == tokNumber && len(d.text) <= 2 {
		p.next()
		md.day = d.val
	} else if md.year > 0 {
		return md, p.errorf(d, "a year needs a full date")
	}
	return md, nil
}

var daysIn = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

func checkDay(p *parser, md monthDay) error {
	if md.day < 0 || md.day > daysIn[md.month] || md.day == 0 && md.year > 0 {
		return p.errorf(p.peekAt(-1), "no day %d in %s", md.day, monthNames[md.month])
	}
	return nil
}

// weekdays parses a comma-separated list of weekdays, weekday ranges (which may wrap: Sa-Mo) and PH.
func (p *parser) weekdays(r *rule) error {
	for {
		t := p.next()
		switch t.kind {
		case tokPH:
			r.weekdayPH = true
		case tokWeekday:
			from, to := t.val, t.val
			if p.peek().kind == tokDash {
				p.next()
				e := p.next()
				if e.kind != tokWeekday {
					return p.errorf(e, "expected a weekday, found %s", describe(e))
				}
				to = e.val
			}
			for d := from; ; d = (d + 1) % 7 {
				r.weekdays |= 1 << d
				if d == to {
					break
				}
			}
		default:
			return p.errorf(t, "expected a weekday, found %s", describe(t))
		}
		if p.peek().kind != tokComma {
			return nil
		}
		if k := p.peekAt(1).kind; k != tokWeekday && k != tokPH {
			return nil
		}
		p.next()
	}
}

// times parses a comma-separated list of spans. An end at or before the start runs past midnight.
func (p *parser) times(r *rule) error {
	for {
		t := p.next()
		if t.kind != tokTime {
			return p.errorf(t, "expected a time, found %s", describe(t))
		}
		if d := p.next(); d.kind != tokDash {
			return p.errorf(d, "expected \"-\" after %s (open ends are not supported)", t.text)
		}
		e := p.next()
		if e.kind != tokTime {
			return p.errorf(e, "expected a time, found %s", describe(e))
		}
		start, end := t.val, e.val
		if start >= minutesPerDay {
			return p.errorf(t, "a span must start before 24:00")
		}
		if end == start {
			return p.errorf(e, "a span must not end where it starts")
		}
		if end < start {
			end += minutesPerDay
		}
		if end > 2*minutesPerDay {
			return p.errorf(e, "a span must end within the next day")
		}
		r.spans = append(r.spans, span{start, end})
		if p.peek().kind != tokComma || p.peekAt(1).kind != tokTime {
			return nil
		}
		p.next()
	}
}

func compareMonthDay(a, b monthDay) int {
	if a.year != b.year {
		return a.year - b.year
	}
	if a.month != b.month {
		return a.month - b.month
	}
	return a.day - b.day
}
