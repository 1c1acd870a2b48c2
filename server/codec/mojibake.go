package codec

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yizhan/yizhan/server/station"
)

// CodeGarbledText refuses a file whose text was decoded with the wrong encoding before it was saved
// (mojibake): imported, every name and address would be stored garbled.
const CodeGarbledText = "garbled_text"

// The ways a cell shows it was decoded wrongly. Each needs evidence: a mark no real text has, or a
// re-encoding that gives back valid and more plausible Chinese.
const (
	garbledReplacement = "replacement"
	garbledInvalid     = "invalid"
	garbledQuestion    = "question"
	garbledFromGBK     = "utf8-as-gbk"
	garbledFromLatin   = "utf8-as-latin"
	garbledGBKLatin    = "gbk-as-latin"
)

// replacementMarks reports what a replacement character U+FFFD (EF BF BD) becomes when the text is
// saved and misread again: 锟 (EF BF) with 斤 or 拷 (BD EF, BF BD) as GBK, ï¿½ as Windows-1252; and
// the fill patterns of uninitialised memory (烫烫烫, 屯屯屯).
func replacementMarks(s string) bool {
	if strings.Contains(s, "锟") && strings.ContainsAny(s, "斤拷") {
		return true
	}
	for _, m := range []string{"ï¿½", "烫烫烫", "屯屯屯"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// garbledCell is one cell found garbled.
type garbledCell struct {
	row          int
	column, text string
	how, fixed   string
}

// garbleScan looks at every text cell of a table and remembers the first garbled ones.
type garbleScan struct {
	cells int
	first []garbledCell
}

// maxGarbledShown bounds the cells the finding names.
const maxGarbledShown = 5

// cell looks at one cell of data row row (0 for the header and the rows above it).
func (g *garbleScan) cell(row int, f field, column, s string) {
	how, fixed := misdecoded(s, f)
	if how == "" {
		return
	}
	g.cells++
	if len(g.first) < maxGarbledShown {
		g.first = append(g.first, garbledCell{row: row, column: column, text: s, how: how, fixed: fixed})
	}
}

// finding is the file-level error for the garbled cells found, or nil.
func (g *garbleScan) finding() *station.Error {
	if g.cells == 0 {
		return nil
	}
	items := make(station.Items, len(g.first))
	for i, c := range g.first {
		where := station.Msg("the header")
		if c.row > 0 {
			where = station.Msg("row %d", c.row)
		}
		text, how := clip(c.text, 24), howMessage(c.how)
		switch {
		case c.column != "" && c.fixed != "":
			items[i] = station.Msg(`%s, column %s: "%s" %s (it should read "%s")`, where, c.column, text, how, clip(c.fixed, 24))
		case c.column != "":
			items[i] = station.Msg(`%s, column %s: "%s" %s`, where, c.column, text, how)
		case c.fixed != "":
			items[i] = station.Msg(`%s: "%s" %s (it should read "%s")`, where, text, how, clip(c.fixed, 24))
		default:
			items[i] = station.Msg(`%s: "%s" %s`, where, text, how)
		}
	}
	return station.Errorf(CodeGarbledText, g.first[0].column, "the file holds garbled text: it was read with the wrong encoding before it was saved: %s. %d cell(s) in all. "+
		"Go back to the original file, open it in Excel and save it as CSV UTF-8 or .xlsx, or choose the right encoding when the text is imported "+
		"(65001: Unicode (UTF-8) or 936: Simplified Chinese (GBK)), then import again; nothing was imported.", items, g.cells)
}

// howMessage says what a garbled* way means, for the finding.
func howMessage(how string) station.Message {
	switch how {
	case garbledReplacement:
		return station.Msg("holds the replacement character � (a GBK file was read as UTF-8)")
	case garbledInvalid:
		return station.Msg("holds bytes that are not UTF-8 (the file mixes two encodings)")
	case garbledQuestion:
		return station.Msg("has question marks where Chinese characters were")
	case garbledFromGBK:
		return station.Msg("is UTF-8 text read as GBK")
	case garbledFromLatin:
		return station.Msg("is UTF-8 text read as Windows-1252/Latin-1")
	}
	return station.Msg("is GBK text read as Windows-1252/Latin-1")
}

// clip shortens s to at most n runes for a message, control characters shown as "·".
func clip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '·'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// misdecoded says how the text of a cell of field f was decoded wrongly, with the text it was when
// that can be recovered, or "" when it shows no evidence of it. Most cells are looked at in one pass
// over their runes, without allocating: the seed's 16,500 rows go through it at every first start.
func misdecoded(s string, f field) (how, fixed string) {
	common := commonRunes()
	var prev, prev2 rune
	rare, latin, marks, questions := 0, 0, false, false
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return garbledInvalid, ""
			}
			return garbledReplacement, ""
		case r < 0x80:
			if r == '?' && (prev == '?' || prev == '？') {
				questions = true
			}
		case r == '锟' || r == '烫' || r == '屯' || r == 'ï':
			marks = true
			rare++
			latin++
		case r >= 0x10000 || common[r>>6]&(1<<(r&63)) == 0:
			rare++
			if r <= 0xFF || r < 0x3000 && r != '·' {
				latin++
			}
		case r == '？' && (prev == '?' || prev == '？'):
			questions = true
		}
		if prev == '?' && isHanzi(prev2) && isHanzi(r) {
			questions = true
		}
		prev2, prev = prev, r
	}
	if marks && replacementMarks(s) {
		return garbledReplacement, ""
	}
	if questionField(f) && (questions || onlyQuestionMarks(s)) {
		return garbledQuestion, ""
	}
	if latin >= 2 {
		if t, how := fromLatin(s); how != "" {
			return how, t
		}
	}
	if rare > 0 {
		if t := fromGBK(s, rare); t != "" {
			return garbledFromGBK, t
		}
	}
	return "", ""
}

// questionField reports the fields that are names and places, where question marks stand for
// characters a conversion lost; in free notes "？？" is punctuation.
func questionField(f field) bool {
	switch f {
	case fName, fAddress, fCity, fDistrict, fOperator:
		return true
	}
	return false
}

// onlyQuestionMarks reports a cell of question marks (and spaces) only.
func onlyQuestionMarks(s string) bool {
	if s == "" || s[0] != '?' && !strings.HasPrefix(s, "？") {
		return false
	}
	return strings.Trim(s, "?？ ") == ""
}

func isHanzi(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0xF900 && r <= 0xFAFF
}

// fromLatin undoes UTF-8 (or GBK) bytes read as Windows-1252 or Latin-1, once or twice over: every
// character must map back to one byte, and the bytes must be valid UTF-8 (or GBK) holding hanzi.
func fromLatin(s string) (string, string) {
	for range 3 {
		b, latin := make([]byte, 0, len(s)), 0
		for _, r := range s {
			switch {
			case r < 0x80:
				b = append(b, byte(r))
				continue
			case r <= 0xFF:
				b = append(b, byte(r))
			default:
				c, ok := charmap.Windows1252.EncodeRune(r)
				if !ok {
					return "", ""
				}
				b = append(b, c)
			}
			latin++
		}
		if latin < 2 {
			return "", ""
		}
		if !utf8.Valid(b) {
			if t, err := simplifiedchinese.GBK.NewDecoder().Bytes(b); err == nil && plausibleChinese(string(t)) {
				return string(t), garbledGBKLatin
			}
			// U+0085, which ends many characters read as Latin-1, is white space that
			// cleanCell trims: the last character may be cut.
			if b = validCut(b); b == nil {
				return "", ""
			}
		}
		t := string(b)
		if hasHanzi(t) {
			return t, garbledFromLatin
		}
		s = t // read wrongly twice: Ã¦Â²Â³ → æ²³ → 河
	}
	return "", ""
}

// fromGBK undoes UTF-8 bytes read as GBK: the cell holds characters that Chinese text rarely has
// (outside GB2312's hanzi and punctuation: kana, bopomofo, rare hanzi), and encoded back to GBK its
// bytes are valid UTF-8 holding only common text. An odd byte at the end, which the misreading
// turned into "?", is allowed.
func fromGBK(s string, rare int) string {
	// GBK, not GB18030: CP936 reads 0x80 as €, which GB18030 writes as A2 E3.
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.TrimSuffix(s, "?")))
	if err != nil {
		return ""
	}
	// A character cut at the end is what an odd byte count leaves.
	valid := validCut(b)
	if valid == nil {
		return ""
	}
	t := string(valid)
	if !hasHanzi(t) || rareRunes(t)*4 > rare {
		return ""
	}
	return t
}

// validCut returns b when it is UTF-8, b without a character cut short at its end when that makes it
// UTF-8, and nil otherwise.
func validCut(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	i := len(b) - 1
	for i > 0 && len(b)-i < utf8.UTFMax && !utf8.RuneStart(b[i]) {
		i--
	}
	if i <= 0 || !utf8.Valid(b[:i]) || utf8.FullRune(b[i:]) {
		return nil
	}
	return b[:i]
}

// plausibleChinese reports text with hanzi that are all common.
func plausibleChinese(s string) bool {
	return hasHanzi(s) && rareRunes(s) == 0 && !strings.ContainsRune(s, utf8.RuneError)
}

func hasHanzi(s string) bool {
	for _, r := range s {
		if isHanzi(r) {
			return true
		}
	}
	return false
}

// rareRunes counts the characters that Chinese text rarely has: anything but ASCII, GB2312's hanzi
// and its rows of punctuation and full-width forms.
func rareRunes(s string) int {
	common := commonRunes()
	n := 0
	for _, r := range s {
		if r >= 0x10000 || common[r>>6]&(1<<(r&63)) == 0 {
			n++
		}
	}
	return n
}

// commonRunes is the set of ASCII and GB2312's rows of punctuation (A1–A3) and hanzi (B0–F7), by
// decoding each of their codes once.
var commonRunes = sync.OnceValue(func() *[1024]uint64 {
	var set [1024]uint64
	for r := 0; r < 0x80; r++ {
		set[r>>6] |= 1 << (r & 63)
	}
	dec := simplifiedchinese.GBK.NewDecoder()
	for hi := 0xA1; hi <= 0xF7; hi++ {
		if hi > 0xA3 && hi < 0xB0 {
			continue
		}
		for lo := 0xA1; lo <= 0xFE; lo++ {
			t, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if r, _ := utf8.DecodeRune(t); err == nil && r != utf8.RuneError && r < 0x10000 {
				set[r>>6] |= 1 << (r & 63)
			}
		}
	}
	return &set
})
