// Package textsearch finds documents that contain a query as a substring, for Chinese text where words
// are not separated by spaces. It indexes every pair of adjacent characters (bigrams) of each normalised
// document, intersects the posting lists of the query's bigrams and confirms candidates with a plain
// substring test, so two-character queries such as "南湖" work (a trigram index cannot answer them).
package textsearch

import (
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Index is immutable after New and safe for concurrent use.
type Index struct {
	n        int
	parts    func(doc int) (string, string) // a document's text as given, in two parts
	normal   map[int32]string               // the documents that normalising changes: their normalised text
	postings map[uint64][]int32             // bigram → ascending document numbers
}

// Normalize folds text for matching: NFKC (full-width letters and digits become ASCII), lower case,
// and white space removed, so "南湖 街道" matches "南湖街道".
func Normalize(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

func bigram(a, b rune) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }

// New indexes docs; document i is docs[i].
func New(docs []string) *Index {
	return NewParts(len(docs), func(i int) (string, string) { return docs[i], "" })
}

// NewParts indexes n documents of two parts each (a station's name and its address), which a query
// matches when either part contains it. It keeps no copy of the text: parts is asked for it again
// to confirm a match, and only the documents that normalising changes (a few: full-width letters,
// capitals, spaces) are kept, normalised.
func NewParts(n int, parts func(doc int) (string, string)) *Index {
	ix := &Index{n: n, parts: parts, normal: map[int32]string{}, postings: make(map[uint64][]int32)}
	for i := range n {
		a, b := parts(i)
		na, nb := Normalize(a), Normalize(b)
		if na != a || nb != b {
			ix.normal[int32(i)] = na + "\x00" + nb
		}
		var prev rune = -1
		for _, r := range na + "\x00" + nb {
			if prev >= 0 {
				k := bigram(prev, r)
				p := ix.postings[k]
				if len(p) == 0 || p[len(p)-1] != int32(i) {
					ix.postings[k] = append(p, int32(i))
				}
			}
			prev = r
		}
	}
	return ix
}

// contains reports whether document doc contains the normalised query q.
func (ix *Index) contains(doc int, q string) bool {
	if n, ok := ix.normal[int32(doc)]; ok {
		return strings.Contains(n, q)
	}
	a, b := ix.parts(doc)
	return strings.Contains(a, q) || strings.Contains(b, q)
}

// Search calls fn with each document that contains q (normalised), in ascending order, until fn
// returns false. An empty query matches nothing.
func (ix *Index) Search(q string, fn func(doc int) bool) {
	q = Normalize(q)
	runes := []rune(q)
	switch len(runes) {
	case 0:
		return
	case 1: // no bigram to look up: scan
		for i := range ix.n {
			if ix.contains(i, q) && !fn(i) {
				return
			}
		}
		return
	}
	// Start from the rarest bigram of the query; confirm each candidate with a substring test.
	var best []int32
	for i := 1; i < len(runes); i++ {
		p, ok := ix.postings[bigram(runes[i-1], runes[i])]
		if !ok {
			return
		}
		if best == nil || len(p) < len(best) {
			best = p
		}
	}
	for _, doc := range best {
		if ix.contains(int(doc), q) && !fn(int(doc)) {
			return
		}
	}
}

// SearchReplacing is Search over the index with some documents replaced: replaced maps a document
// number to its new text, normalised (Normalize). It costs a substring test per replaced document on
// top of Search, so it suits a few thousand of them.
func (ix *Index) SearchReplacing(replaced map[int32]string, q string, fn func(doc int) bool) {
	nq := Normalize(q)
	if nq == "" {
		return
	}
	var extra []int
	for doc, text := range replaced {
		if strings.Contains(text, nq) {
			extra = append(extra, int(doc))
		}
	}
	slices.Sort(extra)
	k, stopped := 0, false
	ix.Search(q, func(doc int) bool {
		if _, ok := replaced[int32(doc)]; ok {
			return true
		}
		for ; k < len(extra) && extra[k] < doc; k++ {
			if !fn(extra[k]) {
				stopped = true
				return false
			}
		}
		if !fn(doc) {
			stopped = true
			return false
		}
		return true
	})
	for ; !stopped && k < len(extra); k++ {
		if !fn(extra[k]) {
			return
		}
	}
}
