package station

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Clean is the one cleaning every write path applies to a one-line text value (import cells, edits,
// account names): characters that are invisible but would make two names differ are removed (format
// characters such as zero-width spaces, byte order marks, soft hyphens and bidi controls; the other
// default-ignorable code points; control characters), a line break becomes a space, and surrounding
// space goes. Visible text is left as typed.
func Clean(s string) string {
	if !mayHoldInvisible(s) || !utf8.ValidString(s) {
		return strings.TrimSpace(s) // text that is not UTF-8 is left whole for the checks to refuse
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\v' || r == '\f' || r == '\t':
			b.WriteByte(' ')
		case Invisible(r):
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return strings.TrimFunc(b.String(), unicode.IsSpace)
}

// Fold is NFKC on a cleaned value, for values that are parsed rather than shown (ids, codes, phone
// numbers): full-width digits, letters and punctuation become ASCII.
func Fold(s string) string { return FoldClean(Clean(s)) }

// FoldClean is Fold for text already cleaned (an import's cells are, once).
func FoldClean(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.TrimFunc(norm.NFKC.String(s), unicode.IsSpace)
		}
	}
	return s
}

// Invisible reports a character Clean removes: a C0 control character or DEL, a format character
// (Cf), or another default-ignorable code point (variation selectors, Hangul fillers, the combining
// grapheme joiner). Line breaks and tabs are not removed but become spaces. C1 controls (U+0080–
// U+009F) stay: they are what text misread as Latin-1 leaves, and the import names that cause
// (mojibake.go) and CheckText refuses them elsewhere.
func Invisible(r rune) bool {
	switch {
	case r < 0x20 || r >= 0x7F && r < 0xA0:
		return r != '\n' && r != '\r' && r != '\t' && r != '\v' && r != '\f' && (r < 0x80 || r >= 0xA0)
	case r < 0xA0, r >= 0x2070 && r < 0xFE00 && r != 0x3164:
		return false // none between the general punctuation block and the variation selectors but one filler
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// mayHoldInvisible is a quick look at the bytes for what Clean changes: C0 controls and DEL, and the
// lead bytes of the few places in Unicode that have format or ignorable characters (C2 for C1 controls
// and U+00AD, CD for U+034F, D8–DC for the Arabic ones, E0–E1, E2 80–81 for U+200B–U+206F, E3 85 for
// U+3164, EF B8/BB/BE/BF for the variation selectors, U+FEFF, U+FFA0 and U+FFF0–U+FFFB, F0 and F3
// for the supplementary planes). Chinese text, CJK punctuation and full-width forms included, has none.
func mayHoldInvisible(s string) bool {
	for i := 0; i < len(s); i++ {
		switch leadByte[s[i]] {
		case 0:
			continue
		case 1:
			return true
		}
		var next byte
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch s[i] {
		case 0xE2:
			if next == 0x80 || next == 0x81 {
				return true
			}
		case 0xE3:
			if next == 0x85 {
				return true
			}
		default: // 0xEF
			if next == 0xB8 || next == 0xBB || next == 0xBE || next == 0xBF {
				return true
			}
		}
	}
	return false
}

// leadByte says per byte what mayHoldInvisible makes of it: 0 nothing, 1 a closer look, 2 it depends
// on the next byte.
var leadByte = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c < 0x20 || c == 0x7F:
			t[c] = 1
		case c == 0xC2 || c == 0xCD || c >= 0xD8 && c <= 0xDC || c == 0xE0 || c == 0xE1 || c == 0xF0 || c == 0xF3:
			t[c] = 1
		case c == 0xE2 || c == 0xE3 || c == 0xEF:
			t[c] = 2
		}
	}
	return t
}()
