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
func Fold(s string) string {
	s = Clean(s)
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
	case r < 0xA0:
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// mayHoldInvisible is a quick look at the bytes: only these lead bytes can start a character Clean
// changes (C0 controls, C1 controls and U+00AD in C2, U+034F in CD, Arabic format characters in
// D8–DC, E0–E3 and EF for the three-byte ones, F0 and F3 for the four-byte ones). Most Chinese text
// is E4–E9 and needs no closer look.
func mayHoldInvisible(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7F:
			return true
		case c == 0xC2 || c == 0xCD || c >= 0xD8 && c <= 0xDC || c >= 0xE0 && c <= 0xE3 || c == 0xEF || c == 0xF0 || c == 0xF3:
			return true
		}
	}
	return false
}
