package codec_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

const goodCSV = "id,name,kind,lon,lat\nA-1,南湖驿站,other,123.4,41.8\n"

// zipOf makes a zip holding the named files.
func zipOf(t testing.TB, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(goodCSV))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// notStationFiles are files clerks upload by mistake, with what the refusal must name.
func notStationFiles(t testing.TB) []struct {
	name string
	data []byte
	says string
} {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(goodCSV))
	zw.Close()
	return []struct {
		name string
		data []byte
		says string
	}{
		{"legacy xls (OLE)", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...), "legacy .xls"},
		{"pdf", []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"), "PDF"},
		{"png", append([]byte("\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR"), make([]byte, 40)...), "image (png)"},
		{"jpeg", append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F', 0}, make([]byte, 40)...), "image (jpeg)"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,"), "image (gif)"},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), "image (webp)"},
		{"bmp", append([]byte("BM\x3e\x00\x00\x00\x00\x00\x00\x00\x3e\x00\x00\x00\x28\x00"), make([]byte, 40)...), "image (bmp)"},
		{"tiff", append([]byte("II*\x00\x08\x00\x00\x00"), make([]byte, 40)...), "TIFF"},
		{"excel web page", []byte("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\" xmlns:x=\"urn:schemas-microsoft-com:office:excel\">\r\n<head><meta charset=utf-8></head><body><table><tr><td>名称</td></tr></table></body></html>"), "web page"},
		{"html table only", []byte("\uFEFF  <table border=1><tr><td>id</td><td>name</td></tr></table>"), "web page"},
		{"html doctype", []byte("<!DOCTYPE html>\n<html><body>id,name,kind,lon,lat</body></html>"), "web page"},
		{"single-file web page", []byte("MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; boundary=\"----=_NextPart\"\r\n"), ".mht"},
		{"xml spreadsheet 2003", []byte("<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">"), "XML Spreadsheet 2003"},
		{"gzip", gz.Bytes(), "gzip"},
		{"rar", []byte("Rar!\x1A\x07\x01\x00" + goodCSV), "RAR"},
		{"7z", []byte("7z\xBC\xAF\x27\x1C\x00\x04" + goodCSV), "7-Zip"},
		{"rtf", []byte("{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} id,name}"), "RTF"},
		{"sqlite database", append([]byte("SQLite format 3\x00"), make([]byte, 100)...), "SQLite"},
		{"empty", nil, "empty"},
		{"only white space", []byte(" \r\n\t\r\n"), "empty"},
		{"only a BOM", []byte("\uFEFF"), "empty"},
		{"random binary", bytes.Repeat([]byte{0x00, 0x01, 0x02, 0x03, 0xFF, 0x10, 0x7F, 0x1B}, 64), "binary"},
		{"zip of csv files", zipOf(t, "stations.csv"), "zip archive"},
		{"opendocument sheet", zipOf(t, "mimetype", "content.xml"), "OpenDocument"},
		{"word document", zipOf(t, "[Content_Types].xml", "word/document.xml"), "Word"},
		{"xlsb workbook", zipOf(t, "[Content_Types].xml", "xl/_rels/workbook.bin.rels", "xl/workbook.bin", "xl/worksheets/sheet1.bin"), ".xlsb"},
	}
}

// A file that is no station list is refused by what its bytes are, whatever format is declared:
// unsupported_file_type, naming what it is and saying how to save it.
func TestImportRefusesOtherFileTypes(t *testing.T) {
	for _, c := range notStationFiles(t) {
		for _, format := range []string{"", "csv", "xlsx", "geojson"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				res, err := codec.Import(bytes.NewReader(c.data), codec.ImportOptions{Format: format})
				var e *station.Error
				if !asError(err, &e) || e.Code != codec.CodeUnsupportedFileType {
					t.Fatalf("err %v (errors %v), want unsupported_file_type", err, res.Errors)
				}
				if !strings.Contains(e.Detail, c.says) || !strings.Contains(e.In(station.LangZh).Detail, "另存为 .xlsx 或 CSV UTF-8") {
					t.Fatalf("detail %q: want it to say %q and how to save the file", e.Detail, c.says)
				}
				if res.Stations != nil {
					t.Fatal("stations returned")
				}
			})
		}
	}
}

func asError(err error, e **station.Error) bool {
	se, ok := err.(*station.Error)
	*e = se
	return ok
}

// Text in UTF-16 or UTF-32, with or without a BOM, is a CSV like any other.
func TestImportWideCSV(t *testing.T) {
	utf16le := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = []byte{0xFF, 0xFE}
		}
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.LittleEndian.AppendUint16(b, u)
		}
		return b
	}
	utf16be := func(s string, bom bool) []byte {
		var b []byte
		if bom {
			b = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode([]rune(s)) {
			b = binary.BigEndian.AppendUint16(b, u)
		}
		return b
	}
	utf32 := func(order binary.AppendByteOrder, s string, bom bool) []byte {
		var b []byte
		if bom {
			b = order.AppendUint32(b, 0xFEFF)
		}
		for _, r := range s {
			b = order.AppendUint32(b, uint32(r))
		}
		return b
	}
	tabbed := strings.ReplaceAll(goodCSV, ",", "\t") // Excel's "Unicode text"
	for _, c := range []struct {
		name, encoding string
		data           []byte
	}{
		{"utf-16le with bom", "utf-16le", utf16le(goodCSV, true)},
		{"utf-16le tabs", "utf-16le", utf16le(tabbed, true)},
		{"utf-16le without bom", "utf-16le", utf16le(goodCSV, false)},
		{"utf-16be without bom", "utf-16be", utf16be(goodCSV, false)},
		{"utf-32le with bom", "utf-32le", utf32(binary.LittleEndian, goodCSV, true)},
		{"utf-32be with bom", "utf-32be", utf32(binary.BigEndian, goodCSV, true)},
		{"utf-32le without bom", "utf-32le", utf32(binary.LittleEndian, goodCSV, false)},
		{"utf-32be without bom", "utf-32be", utf32(binary.BigEndian, tabbed, false)},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := importOK(t, c.data, codec.ImportOptions{})
			if res.Encoding != c.encoding || len(res.Stations) != 1 || res.Stations[0].Name != "南湖驿站" {
				t.Fatalf("encoding %s, stations %v", res.Encoding, res.Stations)
			}
		})
	}
}

// Text files that begin like a magic number, and a stray NUL, are still read as CSV.
func TestImportTextThatLooksBinary(t *testing.T) {
	for _, src := range []string{
		"MZ编号,name,kind,lon,lat\nA-1,站,other,123.4,41.8\n", // would be "MZ" of a program
		"id,name,kind,lon,lat\nA-1,<b>站</b>,other,123.4,41.8\n",
		"id,name,kind,lon,lat,备注\nA-1,站,other,123.4,41.8,\x00\n",
	} {
		res, err := codec.Import(strings.NewReader(src), codec.ImportOptions{})
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		if res.Format != "csv" || res.Rows != 1 {
			t.Errorf("%q: %+v", src, res)
		}
	}
}
