package station

import "strings"

// Lang is a language Yizhan answers in.
type Lang uint8

// The languages: Chinese first (the default), English when the reader asks for it.
const (
	LangZh Lang = iota
	LangEn
)

// PreferredLang reads an Accept-Language header (RFC 9110 §12.5.4): English when an English range
// outranks every Chinese one, Chinese otherwise, and when the header is missing or says nothing we
// have.
func PreferredLang(header string) Lang {
	bestZh, bestEn := -1.0, -1.0
	for i, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		q -= float64(i) * 1e-6 // equal weights: the first listed wins
		switch tag = strings.ToLower(strings.TrimSpace(tag)); {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			bestZh = max(bestZh, q)
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			bestEn = max(bestEn, q)
		}
	}
	if bestEn > 0 && bestEn > bestZh {
		return LangEn
	}
	return LangZh
}

// parseQ reads a quality value, 0 to 1 with up to three decimals; anything else counts as 0.
func parseQ(s string) float64 {
	if len(s) == 0 || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0
	}
	q, scale := float64(s[0]-'0'), 0.1
	if len(s) > 1 {
		if s[1] != '.' {
			return 0
		}
		for _, c := range s[2:] {
			if c < '0' || c > '9' {
				return 0
			}
			q += float64(c-'0') * scale
			scale /= 10
		}
	}
	return min(q, 1)
}

// Translated reports whether the catalogue has format: for tests of formats kept in constants.
func Translated(format string) bool {
	_, ok := zhFormats[format]
	return ok
}
