package station

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// formatArg is where the message format sits in the calls that take one: the station package's
// constructors, and the local helpers whose names end in f (as go vet's printf check assumes).
var formatArg = map[string]int{"Errorf": 2, "RowErrorf": 3, "Msg": 0, "Reword": 0, "Append": 0, "badf": 0, "failf": 1, "noticef": 0}

// passedOn are the calls whose format is not a literal because it is passed on from a caller whose
// own format is checked here, or picked from literals that are.
var passedOn = map[string]bool{
	"server/codec/geojsonread.go: e.Append(format, ...)":               true, // badf's format
	"server/codec/geojsonread.go: station.RowErrorf(..., format, ...)": true, // failf's format
	"server/station/notice.go: Msg(ne.Format, ...)":                    true, // noticef's format
}

// messageFormats finds every message format in the server's code (not its tests) and every call
// whose format is not a literal.
func messageFormats(t *testing.T) (formats map[string]string, nonLiteral []string) {
	t.Helper()
	formats = map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel := "server/" + filepath.ToSlash(strings.TrimPrefix(path, "../"))
		if rel == "server/station/error.go" {
			return nil // the constructors, which pass their callers' formats on
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name, recv string
			switch fn := call.Fun.(type) {
			case *ast.SelectorExpr:
				name = fn.Sel.Name
				if id, ok := fn.X.(*ast.Ident); ok {
					recv = id.Name
				}
			case *ast.Ident:
				name = fn.Name
			}
			i, ok := formatArg[name]
			if !ok || recv == "fmt" || recv == "t" || recv == "b" || i >= len(call.Args) {
				return true
			}
			if (name == "Errorf" || name == "Msg" || name == "RowErrorf") && recv != "station" && rel != "server/station/"+filepath.Base(path) {
				return true // another package's Errorf (fmt's is excluded above)
			}
			switch arg := call.Args[i].(type) {
			case *ast.BasicLit:
				if arg.Kind == token.STRING {
					s, _ := strconv.Unquote(arg.Value)
					formats[s] = fmt.Sprintf("%s:%d", rel, fset.Position(arg.Pos()).Line)
					return true
				}
			case *ast.BinaryExpr: // "a " + "b"
				if s, ok := concat(arg); ok {
					formats[s] = fmt.Sprintf("%s:%d", rel, fset.Position(arg.Pos()).Line)
					return true
				}
			}
			nonLiteral = append(nonLiteral, rel+": "+describe(call, i))
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return formats, nonLiteral
}

func concat(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind == token.STRING {
			s, err := strconv.Unquote(e.Value)
			return s, err == nil
		}
	case *ast.BinaryExpr:
		if e.Op == token.ADD {
			a, ok1 := concat(e.X)
			b, ok2 := concat(e.Y)
			return a + b, ok1 && ok2
		}
	}
	return "", false
}

func describe(call *ast.CallExpr, i int) string {
	var b strings.Builder
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok {
			b.WriteString(id.Name + ".")
		}
		b.WriteString(fn.Sel.Name)
	case *ast.Ident:
		b.WriteString(fn.Name)
	}
	b.WriteString("(")
	if i > 0 {
		b.WriteString("..., ")
	}
	switch a := call.Args[i].(type) {
	case *ast.Ident:
		b.WriteString(a.Name)
	case *ast.SelectorExpr:
		if id, ok := a.X.(*ast.Ident); ok {
			b.WriteString(id.Name + "." + a.Sel.Name)
		}
	default:
		b.WriteString("?")
	}
	if i < len(call.Args)-1 {
		b.WriteString(", ...")
	}
	b.WriteString(")")
	return b.String()
}

var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// argsUsed lists the argument numbers a format uses, in order, 1-based.
func argsUsed(format string) []int {
	var used []int
	next := 1
	for _, m := range verb.FindAllStringSubmatch(format, -1) {
		if strings.HasSuffix(m[0], "%") {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		used = append(used, next)
		next++
	}
	return used
}

// Every message the server can show has its Chinese form, which uses the same arguments; the
// catalogue holds nothing else. YIZHAN_MISSING_MESSAGES=file writes the missing ones there as JSON.
func TestEveryMessageHasChinese(t *testing.T) {
	formats, nonLiteral := messageFormats(t)
	if len(formats) < 150 {
		t.Fatalf("found %d message formats: the scan is broken", len(formats))
	}
	for _, c := range nonLiteral {
		if !passedOn[c] {
			t.Errorf("%s: a message format that is not a literal; make it one, so that it can be translated", c)
		}
	}
	if out := os.Getenv("YIZHAN_ALL_MESSAGES"); out != "" {
		b, _ := json.MarshalIndent(formats, "", " ")
		os.WriteFile(out, b, 0o644)
	}
	missing := map[string]string{}
	for en, where := range formats {
		zh, ok := zhFormats[en]
		if !ok {
			missing[en] = where
			continue
		}
		a, b := argsUsed(en), argsUsed(zh)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(slices.Compact(a), slices.Compact(b)) {
			t.Errorf("%s: %q uses arguments %v, its Chinese form %q uses %v", where, en, a, zh, b)
		}
		if !strings.ContainsFunc(zh, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
			t.Errorf("%s: the Chinese form of %q has no Chinese in it: %q", where, en, zh)
		}
	}
	for en := range zhFormats {
		if _, ok := formats[en]; !ok {
			t.Errorf("the catalogue has %q, which no code uses", en)
		}
	}
	if len(missing) > 0 {
		if out := os.Getenv("YIZHAN_MISSING_MESSAGES"); out != "" {
			b, _ := json.MarshalIndent(missing, "", " ")
			os.WriteFile(out, b, 0o644)
		}
		keys := make([]string, 0, len(missing))
		for k := range missing {
			keys = append(keys, missing[k]+": "+strconv.Quote(k))
		}
		slices.Sort(keys)
		t.Errorf("%d messages have no Chinese form:\n%s", len(missing), strings.Join(keys, "\n"))
	}
}

func TestPreferredLang(t *testing.T) {
	for header, want := range map[string]Lang{
		"": LangZh, "zh-CN": LangZh, "en": LangEn, "en-US,en;q=0.9": LangEn, "zh-CN,zh;q=0.9,en;q=0.8": LangZh,
		"en-GB;q=0.8,zh;q=0.9": LangZh, "en;q=0.9,zh;q=0.8": LangEn, "fr-FR": LangZh, "fr,en;q=0.5": LangEn,
		"en;q=0": LangZh, "EN-us": LangEn, "zh-Hant-TW,en;q=0.5": LangZh, "*": LangZh, "en;q=abc": LangZh,
		"zh,en": LangZh, "en,zh": LangEn,
	} {
		if got := PreferredLang(header); got != want {
			t.Errorf("PreferredLang(%q) = %v, want %v", header, got, want)
		}
	}
}
