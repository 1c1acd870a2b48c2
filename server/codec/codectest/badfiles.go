// Package codectest holds the bad files that the importer's tests over HTTP and on the command line
// both send.
package codectest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// File is a file as uploaded: its name, its bytes, and what an answer must call it.
type File struct {
	Name string
	Data []byte
	Says string
}

// WrongTypeFiles are files that are no station list, whatever their name says, as clerks upload them by
// mistake; Says is what an answer must name.
func WrongTypeFiles() []File {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("id,name,kind,lon,lat\n"))
	w.Close()
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		f, _ := zw.Create(name)
		f.Write([]byte("<w:document/>"))
	}
	zw.Close()
	return []File{
		{"stations.xls (Excel 97–2003)", append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 1024)...), "legacy .xls"},
		{"stations.xls (web page)", []byte("<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><body><table><tr><td>名称</td><td>经度</td></tr></table></body></html>"), "web page"},
		{"stations.csv (really a PDF)", []byte("%PDF-1.4\n1 0 obj\n<< >>\nendobj\n"), "PDF"},
		{"stations.csv (a phone photo)", append([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x18, 'E', 'x', 'i', 'f', 0, 0}, make([]byte, 64)...), "image (jpeg)"},
		{"stations.csv.gz", gz.Bytes(), "gzip"},
		{"stations.docx", docx.Bytes(), "Word"},
		{"empty", nil, "empty"},
	}
}

// GarbledFiles are station lists whose text was decoded wrongly upstream, each in its own way.
func GarbledFiles() map[string]string {
	head := "编号,名称,类型,经度,纬度,地址\n"
	good := "G-1,南湖驿站,爱心驿站,123.4,41.8,沈阳市和平区文胜路6号\n"
	asGBK := func(s string) string { out, _ := simplifiedchinese.GBK.NewDecoder().String(s); return out }
	as1252 := func(s string) string { out, _ := charmap.Windows1252.NewDecoder().String(s); return out }
	gbkBytes, _ := simplifiedchinese.GBK.NewEncoder().String("沈阳市和平区")
	return map[string]string{
		"utf-8 read as gbk":          head + good + "G-2," + asGBK("河阳驿站") + ",爱心驿站,123.4,41.8,沈阳市\n",
		"utf-8 read as cp1252 twice": head + good + "G-2,北站,爱心驿站,123.4,41.8," + as1252(as1252("沈阳市和平区")) + "\n",
		"gbk read as utf-8":          head + good + "G-2,北站,爱心驿站,123.4,41.8," + strings.ToValidUTF8(gbkBytes, "\uFFFD") + "\n",
		"question marks for hanzi":   head + good + "G-2,???驿站,爱心驿站,123.4,41.8,沈阳市???街道\n",
		"锟斤拷 from a second misread":  head + good + "G-2," + asGBK("\uFFFD\uFFFD站") + ",爱心驿站,123.4,41.8,沈阳市\n",
	}
}
