package textsearch_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/textsearch"
)

// Search agrees with a plain substring scan over normalised text, for random documents and queries.
func TestSearchMatchesScan(t *testing.T) {
	alphabet := []rune("南湖街道爱心驿站司机之家沈阳大连ab1２ 　")
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		return b.String()
	}
	docs := make([]string, 2000)
	for i := range docs {
		docs[i] = word(1 + r.IntN(20))
	}
	ix := textsearch.New(docs)
	norm := make([]string, len(docs))
	for i, d := range docs {
		norm[i] = textsearch.Normalize(d)
	}
	for q := 0; q < 2000; q++ {
		query := word(r.IntN(5))
		if q%10 == 0 { // a real substring, so many queries match
			d := []rune(docs[r.IntN(len(docs))])
			a := r.IntN(len(d))
			query = string(d[a : a+r.IntN(len(d)-a)+1])
		}
		nq := textsearch.Normalize(query)
		var want []int
		if nq != "" {
			for i, d := range norm {
				if strings.Contains(d, nq) {
					want = append(want, i)
				}
			}
		}
		var got []int
		ix.Search(query, func(i int) bool { got = append(got, i); return true })
		if !slices.Equal(got, want) {
			t.Fatalf("query %q: got %v, want %v", query, got, want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"南湖 街道": "南湖街道", "ＡＢＣ１２３": "abc123", "南湖\u3000驿站": "南湖驿站"} {
		if got := textsearch.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSearchStops(t *testing.T) {
	ix := textsearch.New([]string{"驿站一", "驿站二", "驿站三"})
	n := 0
	ix.Search("驿站", func(int) bool { n++; return n < 2 })
	if n != 2 {
		t.Fatalf("callback ran %d times after asking to stop at 2", n)
	}
}

// SearchReplacing finds what Search over the replaced documents finds, in the same order, and stops
// when told to.
func TestSearchReplacing(t *testing.T) {
	docs := []string{"南湖街道爱心驿站", "北市场驿站", "南湖公园司机之家", "浑河湾驿站", "沈阳南湖驿站", "大连站"}
	ix := textsearch.New(docs)
	replaced := map[int32]string{1: "南湖新驿站", 2: "公园司机之家", 5: "大连南湖站"}
	now := slices.Clone(docs)
	for d, text := range replaced {
		now[d] = text
		replaced[d] = textsearch.Normalize(text)
	}
	want := textsearch.New(now)
	for _, q := range []string{"南湖", "驿站", "司机", "站", "公园", "大连南", "nothing", "湖"} {
		var got, exp []int
		ix.SearchReplacing(replaced, q, func(d int) bool { got = append(got, d); return true })
		want.Search(q, func(d int) bool { exp = append(exp, d); return true })
		if !slices.Equal(got, exp) {
			t.Errorf("%q: %v, want %v", q, got, exp)
		}
		for stop := 1; stop < len(exp); stop++ {
			var part []int
			ix.SearchReplacing(replaced, q, func(d int) bool { part = append(part, d); return len(part) < stop })
			if !slices.Equal(part, exp[:stop]) {
				t.Errorf("%q stopped after %d: %v, want %v", q, stop, part, exp[:stop])
			}
		}
	}
}
