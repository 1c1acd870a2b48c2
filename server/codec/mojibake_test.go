package codec_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// The ways text is decoded wrongly before a clerk saves the file again.
func utf8AsGBK(s string) string    { return decodeWith(simplifiedchinese.GBK.NewDecoder().String(s)) }
func utf8As1252(s string) string   { return decodeWith(charmap.Windows1252.NewDecoder().String(s)) }
func utf8AsLatin1(s string) string { return decodeWith(charmap.ISO8859_1.NewDecoder().String(s)) }
func gbkBytes(s string) string {
	b, _ := simplifiedchinese.GBK.NewEncoder().String(s)
	return b
}
func gbkAs1252(s string) string   { return utf8As1252(gbkBytes(s)) }
func gbkAsUTF8(s string) string   { return strings.ToValidUTF8(gbkBytes(s), "\uFFFD") }
func replacedByQ(s string) string { return strings.ReplaceAll(s, "\uFFFD", "?") }

func decodeWith(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// mojibakeCSV is a file of three good rows with text in column col of row 2 replaced by bad.
func mojibakeCSV(col, bad string) []byte {
	var b strings.Builder
	b.WriteString("id,名称,kind,经度,纬度,地址,运营单位,备注\n")
	for i, name := range []string{"南湖街道爱心驿站", "", "浑河湾驿站"} {
		cells := map[string]string{"名称": name, "地址": "辽宁省沈阳市和平区文胜路6号", "运营单位": "沈水湾街道办事处", "备注": ""}
		if i == 1 {
			cells["名称"] = "北市场驿站"
			cells[col] = bad
		}
		b.WriteString("A-" + string(rune('1'+i)) + "," + cells["名称"] + ",caring_station,123.4067,41.7984," +
			cells["地址"] + "," + cells["运营单位"] + "," + cells["备注"] + "\n")
	}
	return []byte(b.String())
}

// garbledFinding returns the garbled_text finding of an import, failing when there is none or when
// stations came back.
func garbledFinding(t *testing.T, data []byte) *station.Error {
	t.Helper()
	res, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if res.Stations != nil {
		t.Fatalf("stations returned from a garbled file: %v", res.Stations)
	}
	for _, e := range res.Errors {
		e = e.In(station.LangZh) // the tests read the Chinese, as a clerk does
		if e.Code == codec.CodeGarbledText {
			if e.Row != 0 || !strings.Contains(e.Detail, "另存为 CSV UTF-8") {
				t.Fatalf("finding %+v: want a file-level finding (row 0) saying how to save the file again", e)
			}
			return e
		}
	}
	t.Fatalf("no garbled_text finding in %v", res.Errors)
	return nil
}

// Every kind of misdecoded text, in a name, an address or an operator, is one file-level finding that
// names the row and the column, with the original text when it can be recovered; nothing is imported.
func TestImportRefusesMisdecodedText(t *testing.T) {
	texts := []string{"全天", "河阳驿站", "沈阳市和平区南湖街道", "国家电网营业厅", "大连市甘井子区", "营口鲅鱼圈户外劳动者服务站", "丹东"}
	ways := []struct {
		name      string
		garble    func(string) string
		recovered bool // the finding shows the original text
	}{
		{"utf-8 read as gbk", utf8AsGBK, false}, // odd byte counts leave U+FFFD; even ones are recovered (below)
		{"utf-8 read as gbk, lost byte saved as ?", func(s string) string { return replacedByQ(utf8AsGBK(s)) }, false},
		{"utf-8 read as windows-1252", utf8As1252, false},
		{"utf-8 read as latin-1", utf8AsLatin1, true},
		{"utf-8 read as windows-1252 twice", func(s string) string { return utf8As1252(utf8As1252(s)) }, false},
		{"utf-8 read as latin-1 twice", func(s string) string { return utf8AsLatin1(utf8AsLatin1(s)) }, true},
		{"gbk read as windows-1252", gbkAs1252, false},
		{"gbk read as utf-8", gbkAsUTF8, false},
		{"gbk read as utf-8, saved and read as gbk again", func(s string) string { return utf8AsGBK(gbkAsUTF8(s)) }, false},
		{"gbk read as utf-8, saved and read as windows-1252", func(s string) string { return utf8As1252(gbkAsUTF8(s)) }, false},
	}
	for _, w := range ways {
		for i, text := range texts {
			col := []string{"名称", "地址", "运营单位"}[i%3]
			bad := w.garble(text)
			t.Run(w.name+"/"+col+"="+text, func(t *testing.T) {
				if bad == text {
					t.Fatalf("%q: not garbled", text)
				}
				e := garbledFinding(t, mojibakeCSV(col, bad))
				if e.Field != col || !strings.Contains(e.Detail, "第 2 行「"+col+"」列") {
					t.Fatalf("finding %+v: want row 2, column %s", e, col)
				}
				// The last character may be cut: cleanCell trims the U+0085 that ends many of them.
				if r := []rune(text); w.recovered && !strings.Contains(e.Detail, "原文应为“"+string(r[:len(r)-1])) {
					t.Fatalf("finding %q does not show the original %q", e.Detail, text)
				}
			})
		}
	}
	// UTF-8 read as GBK, whole characters: the original is recovered.
	for _, text := range []string{"全天", "河阳", "爱心驿站", "沈阳市和平区"} {
		if e := garbledFinding(t, mojibakeCSV("名称", utf8AsGBK(text))); !strings.Contains(e.Detail, "原文应为“"+text+"”") {
			t.Errorf("%q as GBK: finding %q does not show the original", text, e.Detail)
		}
	}
}

// Question marks where hanzi were: a conversion to a code page without Chinese.
func TestImportRefusesQuestionMarkText(t *testing.T) {
	for _, c := range []struct{ col, bad string }{
		{"名称", "???驿站"},
		{"名称", "????"},
		{"名称", "？？？"},
		{"名称", "爱心驿站??"},
		{"地址", "沈阳市???街道"},
		{"地址", "沈阳市?街道"},
		{"地址", "辽宁省?？?区文胜路6号"},
		{"运营单位", "?? ??"},
	} {
		t.Run(c.col+"="+c.bad, func(t *testing.T) {
			if e := garbledFinding(t, mojibakeCSV(c.col, c.bad)); e.Field != c.col {
				t.Fatalf("finding %+v: want column %s", e, c.col)
			}
		})
	}
}

// Text that looks unusual but is what clerks really write imports as it is.
func TestImportKeepsUnusualGoodText(t *testing.T) {
	for _, c := range []struct{ col, text string }{
		{"备注", "营业吗？？"},
		{"备注", "周末开放?"},
		{"备注", "Why???"},
		{"名称", "Café 驿站"},
		{"名称", "Müller-Lüdenscheidt Station"},
		{"名称", "①号楼Ⅱ区驿站"},
		{"名称", "岫岩满族自治县驿站"},
		{"名称", "𠮷野家驿站"},
		{"名称", "α·β 驿站"},
		{"名称", "naïve façade"},
		{"名称", "ÀÉÎ"},
		{"地址", "沈阳市和平区（24小时）—南门·东侧"},
		{"运营单位", "中国石化销售股份有限公司辽宁沈阳石油分公司"},
		{"名称", "What?"},
	} {
		t.Run(c.col+"="+c.text, func(t *testing.T) {
			importOK(t, mojibakeCSV(c.col, c.text), codec.ImportOptions{})
		})
	}
}

// A UTF-8 file whose first 64 kB are plain ASCII and that goes on in GBK mixes two encodings: its
// later cells are not UTF-8 at all.
func TestImportRefusesMixedEncodings(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("id,name,kind,lon,lat\n")
	for i := range 3000 {
		b.WriteString("A-" + strings.Repeat("0", 5-len(itoa(i))) + itoa(i) + ",Station,other,123.4,41.8\n")
	}
	b.WriteString("B-1," + gbkBytes("沈阳驿站") + ",other,123.4,41.8\n")
	e := garbledFinding(t, b.Bytes())
	if e.Field != "name" || !strings.Contains(e.Detail, "第 3001 行") {
		t.Fatalf("finding %+v", e)
	}
}

func itoa(i int) string {
	s := ""
	for {
		s = string(rune('0'+i%10)) + s
		if i /= 10; i == 0 {
			return s
		}
	}
}

// A header read wrongly (名称 as 鍚嶇О) is named too: no column is recognised, and the finding says why.
func TestImportRefusesMisdecodedHeader(t *testing.T) {
	head := strings.Join([]string{"id", utf8AsGBK("名称"), utf8AsGBK("经度"), utf8AsGBK("纬度")}, ",")
	e := garbledFinding(t, []byte(head+"\nA-1,x,123.4,41.8\n"))
	if !strings.Contains(e.Detail, "表头") {
		t.Fatalf("finding %q does not name the header", e.Detail)
	}
}

// Mojibake typed into (or pasted into) a workbook is found the same way.
func TestImportRefusesMisdecodedXLSX(t *testing.T) {
	sts := []station.Station{{ID: "A-1", Name: "南湖驿站", Kind: station.OtherKind, Lon: 123.4, Lat: 41.8},
		{ID: "A-2", Name: utf8AsGBK("河阳驿站"), Kind: station.OtherKind, Lon: 123.4, Lat: 41.8}}
	var buf bytes.Buffer
	if err := codec.WriteXLSX(&buf, station.Slice(sts)); err != nil {
		t.Fatal(err)
	}
	if e := garbledFinding(t, buf.Bytes()); e.Field != "name" || !strings.Contains(e.Detail, "第 2 行") || !strings.Contains(e.Detail, "河阳驿站") {
		t.Fatalf("finding %+v", e)
	}
}

// GeoJSON properties are checked the same way; the row is the feature's position.
func TestImportRefusesMisdecodedGeoJSON(t *testing.T) {
	feature := func(name, addr string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[123.4,41.8]},"properties":{"name":"` + name + `","kind":"other","address":"` + addr + `"}}`
	}
	src := `{"type":"FeatureCollection","features":[` + feature("南湖驿站", "沈阳市") + "," + feature("北站", utf8As1252(utf8As1252("沈阳市和平区"))) + `]}`
	if e := garbledFinding(t, []byte(src)); e.Field != "address" || !strings.Contains(e.Detail, "第 2 行") || !strings.Contains(e.Detail, "沈阳市和平区") {
		t.Fatalf("finding %+v", e)
	}
}

// The station files of the tests import without the finding (the seed's cells are checked in
// TestMisdecodedNoFalseAlarms, and its import through the server in TestImportSeedHasNoGarbledText).
func TestImportTestFilesAreNotGarbled(t *testing.T) {
	for _, path := range []string{filepath.Join("testdata", "gov.csv"), filepath.Join("testdata", "stations.geojson")} {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res, err := codec.Import(bytes.NewReader(data), codec.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Errors {
			if e.Code == codec.CodeGarbledText {
				t.Fatalf("%s: false alarm %v", path, e)
			}
		}
		if res.Rows == 0 {
			t.Fatalf("%s: no rows", path)
		}
	}
}
