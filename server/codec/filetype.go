package codec

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"

	"github.com/yizhan/yizhan/server/station"
)

// CodeUnsupportedFileType refuses a file whose content is no station list Import reads (a PDF, an
// image, a legacy .xls, an Excel web page …), whatever its name or declared format. The API answers
// it 415.
const CodeUnsupportedFileType = "unsupported_file_type"

// resaveAdvice is what a clerk can do with any of them.

// magic is the table of what a file's first bytes show, for the types that clerks upload by mistake
// and that net/http.DetectContentType does not name (or names too loosely).
var magic = []struct {
	prefix string
	what   station.Message
}{
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", station.Msg("an OLE container: a legacy .xls workbook (Excel 97–2003) or a password-protected .xlsx (remove the password first)")},
	{"%PDF-", station.Msg("a PDF document")},
	{"\x1F\x8B", station.Msg("a gzip archive")},
	{"\xFD7zXZ\x00", station.Msg("an xz archive")},
	{"7z\xBC\xAF\x27\x1C", station.Msg("a 7-Zip archive")},
	{"Rar!\x1A\x07", station.Msg("a RAR archive")},
	{"{\\rtf", station.Msg("an RTF document")},
	{"MIME-Version:", station.Msg("a single-file web page (.mht)")},
	{"MZ\x90\x00", station.Msg("a Windows program")},
	{"\x7FELF", station.Msg("a program")},
	{"\x00\x00\x00\x0CjP  ", station.Msg("a JPEG 2000 image")},
	{"II*\x00", station.Msg("a TIFF image")},
	{"MM\x00*", station.Msg("a TIFF image")},
	{"SQLite format 3\x00", station.Msg("an SQLite database")},
}

// unsupportedType returns the refusal of a file whose first bytes (head, the whole file when whole)
// show a type Import does not read, or nil. It looks only at magic bytes, so it runs before any
// parsing and whatever format was declared.
func unsupportedType(head []byte, whole bool) *station.Error {
	what, found := detectUnsupported(head, whole)
	if !found {
		return nil
	}
	return fileTypeError(what)
}

// fileTypeError says what was found and what to do.
func fileTypeError(what station.Message) *station.Error {
	return station.Errorf(CodeUnsupportedFileType, "file",
		"the file is %s, not a station list: open it in Excel and save it as .xlsx or CSV UTF-8, then import that", what)
}

// detectUnsupported names what head shows, or reports false for something Import may read.
func detectUnsupported(head []byte, whole bool) (station.Message, bool) {
	if whole && len(bytes.TrimSpace(bytes.TrimPrefix(head, utf8BOM))) == 0 {
		return station.Msg("an empty file"), true
	}
	for _, m := range magic {
		if bytes.HasPrefix(head, []byte(m.prefix)) {
			return m.what, true
		}
	}
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		return station.Message{}, false // XLSX, or a zip readXLSX refuses by its content (see zipNotWorkbook)
	}
	if hasBOM(head) && !bytes.HasPrefix(head, utf8BOM) {
		return station.Message{}, false // UTF-16 or UTF-32 text
	}
	head = bytes.TrimPrefix(head, utf8BOM) // an HTML page saved by Notepad has one
	switch ct := http.DetectContentType(head); {
	case strings.HasPrefix(ct, "image/"):
		return station.Msg("an image (%s)", strings.TrimPrefix(ct, "image/")), true
	case strings.HasPrefix(ct, "audio/"), strings.HasPrefix(ct, "video/"), ct == "application/ogg":
		return station.Msg("an audio or video file"), true
	case strings.HasPrefix(ct, "font/"), ct == "application/vnd.ms-fontobject":
		return station.Msg("a font"), true
	case ct == "application/wasm", ct == "application/postscript":
		return station.Msg("a program or print file"), true
	case strings.HasPrefix(ct, "text/html"):
		return station.Msg("a web page (HTML, as Excel saves \"网页\" or a site exports \"xls\")"), true
	}
	if t := bytes.TrimLeft(head, " \t\r\n"); bytes.HasPrefix(t, []byte("<?xml")) {
		if bytes.Contains(head, []byte("urn:schemas-microsoft-com:office:spreadsheet")) {
			return station.Msg("an XML Spreadsheet 2003 workbook"), true
		}
		return station.Msg("an XML document"), true
	}
	if binaryText(head) {
		return station.Msg("binary data"), true
	}
	return station.Message{}, false
}

// hasBOM reports a UTF-8, UTF-16 or UTF-32 byte order mark: text that readCSV decodes.
func hasBOM(head []byte) bool {
	for _, b := range []string{"\xEF\xBB\xBF", "\xFF\xFE", "\xFE\xFF", "\x00\x00\xFE\xFF"} {
		if bytes.HasPrefix(head, []byte(b)) {
			return true
		}
	}
	return false
}

// binaryText reports control bytes that no CSV or GeoJSON holds, outside a UTF-16 or UTF-32 text
// without a BOM (NUL bytes in a regular pattern, which readCSV decodes).
func binaryText(head []byte) bool {
	if utf16or32(head) != "" {
		return false
	}
	control := 0
	for _, b := range head {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x0C && b != 0x1A {
			control++
		}
	}
	// A stray NUL in a text is not a binary file; one control byte in 32 is.
	return control > 0 && control*32 >= len(head)
}

// utf16or32 recognises UTF-16 or UTF-32 text without a BOM by where its NUL bytes fall: ASCII (the
// header's column names, digits, commas) has a NUL in every high byte. It returns the encoding's
// name, or "".
func utf16or32(head []byte) string {
	n := len(head) &^ 3
	if n < 8 {
		return ""
	}
	var zero [4]int
	for i := 0; i < n; i++ {
		if head[i] == 0 {
			zero[i%4]++
		}
	}
	q := n / 4
	switch {
	case zero[1]+zero[2]+zero[3] >= 3*q*9/10 && zero[0] < q/2:
		return "utf-32le"
	case zero[0]+zero[1]+zero[2] >= 3*q*9/10 && zero[3] < q/2:
		return "utf-32be"
	case zero[1]+zero[3] >= 2*q*6/10 && zero[0]+zero[2] < q/2:
		return "utf-16le"
	case zero[0]+zero[2] >= 2*q*6/10 && zero[1]+zero[3] < q/2:
		return "utf-16be"
	}
	return ""
}

// zipNotWorkbook refuses a zip that is no XLSX workbook (an OpenDocument sheet, a Word document, an
// archive of files): one without an xl/ part, or an .xlsb. It returns nil for a workbook, and for a
// zip it cannot read (checkZip and excelize say what is wrong with that).
func zipNotWorkbook(body []byte) *station.Error {
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return nil
	}
	what, excel, xlsb := station.Msg("a zip archive (not an Excel workbook)"), false, false
	for _, f := range zr.File {
		switch name := strings.ToLower(f.Name); {
		case name == "xl/workbook.bin":
			what, xlsb = station.Msg("an Excel binary workbook (.xlsb)"), true
		case strings.HasPrefix(name, "xl/"):
			excel = true // a workbook, whole or damaged: excelize says which
		case f.Name == "mimetype":
			what = station.Msg("an OpenDocument file (.ods/.odt)")
		case strings.HasPrefix(f.Name, "word/"):
			what = station.Msg("a Word document (.docx)")
		case strings.HasPrefix(f.Name, "ppt/"):
			what = station.Msg("a PowerPoint presentation (.pptx)")
		}
	}
	if excel && !xlsb {
		return nil
	}
	return fileTypeError(what)
}

// zipReadNotWorkbook reads the rest of a zip declared as CSV or GeoJSON and refuses it as
// zipNotWorkbook does; nil when it is a workbook (then the declared format is merely wrong).
func zipReadNotWorkbook(r io.Reader) *station.Error {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil
	}
	return zipNotWorkbook(body)
}

// wideText returns the name and decoder of a CSV in UTF-32 (with or without a BOM) or in UTF-16
// without a BOM, or a nil decoder (readCSV decodes UTF-16 with a BOM itself). A UTF-32 BOM starts
// like UTF-16's, so it is looked at first.
func wideText(head []byte) (string, *encoding.Decoder) {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return "utf-32le", utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM).NewDecoder()
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return "utf-32be", utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM).NewDecoder()
	case hasBOM(head):
		return "", nil
	}
	switch enc := utf16or32(head); enc {
	case "utf-32le":
		return enc, utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM).NewDecoder()
	case "utf-32be":
		return enc, utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM).NewDecoder()
	case "utf-16le":
		return enc, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()
	case "utf-16be":
		return enc, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()
	}
	return "", nil
}
