package api_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/code"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// decodeQR reads the text of the one QR code in img.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("no QR code could be read: %v", err)
	}
	return res.GetText()
}

// A station's PNG code, at the default and the smallest size, reads back as its public link: the
// request's own host when no public-url is set. It may be cached and is revalidated by its ETag.
func TestStationCodePNGReadsAsTheLink(t *testing.T) {
	ts := sharedServer(t)
	id := ts.stations[3].ID
	for _, c := range []struct {
		query string
		size  int
	}{{"", 600}, {"?size=128", 128}, {"?size=333", 333}, {"?size=2048", 2048}} {
		res, body := ts.get(t, "/api/v1/stations/"+id+"/code.png"+c.query)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/png" {
			t.Fatalf("%s: %d %s %.200s", c.query, res.StatusCode, res.Header.Get("Content-Type"), body)
		}
		img, err := png.Decode(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != c.size || b.Dy() != c.size {
			t.Fatalf("%s: %v, want %d px square", c.query, b, c.size)
		}
		if got, want := decodeQR(t, img), ts.base+"/s/"+id; got != want {
			t.Fatalf("%s: the code reads %q, want %q", c.query, got, want)
		}
		etag := res.Header.Get("ETag")
		if etag == "" || res.Header.Get("Cache-Control") != "public, max-age=86400" {
			t.Fatalf("%s: headers %v", c.query, res.Header)
		}
		if res, _ := ts.get(t, "/api/v1/stations/"+id+"/code.png"+c.query, "If-None-Match", etag); res.StatusCode != 304 {
			t.Fatalf("%s: revalidation %d", c.query, res.StatusCode)
		}
	}
	// Another size is another image, with an ETag of its own.
	a, _ := ts.get(t, "/api/v1/stations/"+id+"/code.png?size=300")
	b, _ := ts.get(t, "/api/v1/stations/"+id+"/code.png?size=301")
	if a.Header.Get("ETag") == b.Header.Get("ETag") {
		t.Fatal("two sizes share an ETag")
	}
}

// svgModules reads the SVG code back into modules: it must be well-formed XML with a square viewBox of
// one unit per module and one path of "M x y h w v1 h -w z" rectangles.
func svgModules(t *testing.T, body []byte) code.Matrix {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"svg"`
		ViewBox string   `xml:"viewBox,attr"`
		Rect    struct {
			Width string `xml:"width,attr"`
		} `xml:"rect"`
		Path struct {
			D string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("the SVG is not XML: %v", err)
	}
	var n int
	if _, err := fmt.Sscanf(doc.ViewBox, "0 0 %d %d", &n, &n); err != nil || n < 21+2*code.Quiet {
		t.Fatalf("viewBox %q", doc.ViewBox)
	}
	m := make(code.Matrix, n)
	for i := range m {
		m[i] = make([]bool, n)
	}
	rects := regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(doc.Path.D, -1)
	if strings.Join(regexp.MustCompile(`M\d+ \d+h\d+v1h-\d+z`).FindAllString(doc.Path.D, -1), "") != doc.Path.D {
		t.Fatalf("the path has more than rectangles: %.200s", doc.Path.D)
	}
	for _, r := range rects {
		x, _ := strconv.Atoi(r[1])
		y, _ := strconv.Atoi(r[2])
		w, _ := strconv.Atoi(r[3])
		for k := range w {
			m[y][x+k] = true
		}
	}
	return m
}

// The SVG code is well-formed XML with the same modules as the code of the link (quiet zone
// included), and it reads back as the link too; a configured public-url is what codes link to.
func TestStationCodeSVG(t *testing.T) {
	ts := startServer(t, smallSeed(t), func(d *api.Deps) { d.PublicURL = "https://yizhan.example.cn/" })
	id := ts.stations[5].ID
	link := "https://yizhan.example.cn/s/" + id
	res, body := ts.get(t, "/api/v1/stations/"+id+"/code.svg")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/svg+xml" || res.Header.Get("ETag") == "" {
		t.Fatalf("%d %v %.200s", res.StatusCode, res.Header, body)
	}
	got := svgModules(t, body)
	want, err := code.Encode(link)
	if err != nil {
		t.Fatal(err)
	}
	if got.Size() != want.Size() {
		t.Fatalf("%d modules across, want %d", got.Size(), want.Size())
	}
	dark := 0
	for y := range want {
		for x := range want {
			if got[y][x] != want[y][x] {
				t.Fatalf("module (%d, %d) differs", x, y)
			}
			if y < code.Quiet || x < code.Quiet || y >= want.Size()-code.Quiet || x >= want.Size()-code.Quiet {
				if got[y][x] {
					t.Fatalf("a dark module (%d, %d) in the quiet zone", x, y)
				}
			} else if got[y][x] {
				dark++
			}
		}
	}
	if dark == 0 {
		t.Fatal("no dark module")
	}
	img, err := png.Decode(bytes.NewReader(got.PNG(8 * got.Size())))
	if err != nil {
		t.Fatal(err)
	}
	if text := decodeQR(t, img); text != link {
		t.Fatalf("the SVG's modules read %q, want %q", text, link)
	}
	_, pngBody := ts.get(t, "/api/v1/stations/"+id+"/code.png")
	img, _ = png.Decode(bytes.NewReader(pngBody))
	if text := decodeQR(t, img); text != link {
		t.Fatalf("the PNG reads %q, want %q", text, link)
	}
}

// Bad sizes and unknown stations are refused, naming the field.
func TestStationCodeRefusals(t *testing.T) {
	ts := sharedServer(t)
	id := ts.stations[0].ID
	for _, c := range []struct {
		path        string
		status      int
		code, field string
	}{
		{"/api/v1/stations/LN-nope/code.png", 404, "not_found", "id"},
		{"/api/v1/stations/LN-nope/code.svg", 404, "not_found", "id"},
		{"/api/v1/stations/" + id + "/code.png?size=127", 400, "out_of_range", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=2049", 400, "out_of_range", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=-300", 400, "out_of_range", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=99999999999999999999", 400, "out_of_range", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=abc", 400, "invalid_parameter", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=300.5", 400, "invalid_parameter", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=3e2", 400, "invalid_parameter", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=0300", 400, "invalid_parameter", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=", 400, "invalid_parameter", "size"},
		{"/api/v1/stations/" + id + "/code.png?size=300&size=400", 400, "duplicate_parameter", "size"},
	} {
		res, body := ts.get(t, c.path)
		checkProblem(t, res, body, c.status, c.code, c.field)
	}
}

// A station's link is the rider's app (the shell, which reads the id from the path); an unknown id
// gets the app too, with 404.
func TestStationLinkServesTheApp(t *testing.T) {
	ts := sharedServer(t)
	_, shell := ts.get(t, "/")
	for _, c := range []struct {
		id     string
		status int
	}{{ts.stations[0].ID, 200}, {"LN-nope", 404}, {"%E9%A9%BF", 404}} {
		res, body := ts.get(t, "/s/"+c.id)
		if res.StatusCode != c.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !bytes.Equal(body, shell) ||
			res.Header.Get("Content-Security-Policy") == "" {
			t.Fatalf("/s/%s: %d %v %.100s", c.id, res.StatusCode, res.Header, body)
		}
	}
}

// posterSeed is the first 40 seed stations with a name full of markup on the first, a station closed
// for good in the first's district, and that district's adcode.
func posterSeed(t *testing.T) (path string, sts []station.Station) {
	t.Helper()
	sts = readSeed(t, seedPath)[:40]
	sts[0].Name = `驿站<script>alert("x")</script>&'<b>`
	sts[2].Status = station.Closed
	if sts[2].Adcode != sts[0].Adcode {
		t.Fatalf("the seed's first stations are in different districts")
	}
	path = filepath.Join(t.TempDir(), "seed.csv")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := codec.WriteCSV(out, station.Slice(sts), true); err != nil {
		t.Fatal(err)
	}
	return path, sts
}

// noInline fails the test if page has inline script or style, which the CSP would block.
func noInline(t *testing.T, page string) {
	t.Helper()
	for _, tag := range regexp.MustCompile(`(?i)<script[^>]*>[^<]*`).FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="/`) || !strings.HasSuffix(tag, ">") {
			t.Fatalf("inline script: %s", tag)
		}
	}
	for _, bad := range []*regexp.Regexp{regexp.MustCompile(`(?i)<style`), regexp.MustCompile(`(?i)\sstyle=`), regexp.MustCompile(`(?i)\son[a-z]+=`)} {
		if bad.MatchString(page) {
			t.Fatalf("the page has inline code (%s)", bad)
		}
	}
}

// A station's poster: its name (escaped), the code of its link, the words to scan by, the hours for
// the words script, its amenities with icons, address and link; no inline code; A4 or A5.
func TestStationPoster(t *testing.T) {
	seed, sts := posterSeed(t)
	ts := startServer(t, seed, func(d *api.Deps) { d.PublicURL = "https://yizhan.example.cn" })
	st := sts[0]
	res, body := ts.get(t, "/poster/"+st.ID)
	page := string(body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/html; charset=UTF-8" || res.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("%d %v", res.StatusCode, res.Header)
	}
	if strings.Contains(page, "<script>alert") || strings.Contains(page, "<b>") ||
		!strings.Contains(page, "<h1>驿站&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;&lt;b&gt;</h1>") {
		t.Fatalf("the name is not escaped: %s", page)
	}
	noInline(t, page)
	want := []string{
		`<link rel="stylesheet" href="/poster.css">`, `<script type="module" src="/app/poster.js"></script>`,
		`<img src="/api/v1/stations/` + st.ID + `/code.svg"`, "扫码查看附近驿站 / 报告问题", "Scan to find stations nearby",
		`data-hours="` + st.OpeningHours + `"`, "https://yizhan.example.cn/s/" + st.ID, st.Address, `class="paper-a4"`,
		"开放时间", "服务设施",
	}
	for _, a := range st.Amenities.List() {
		want = append(want, a.Label().Zh, a.Label().En)
	}
	if len(st.Amenities.List()) == 0 {
		t.Fatal("the first seed station has no amenities")
	}
	for _, w := range want {
		if !strings.Contains(page, w) {
			t.Errorf("the poster lacks %q", w)
		}
	}
	if n := strings.Count(page, `<article class="poster">`); n != 1 {
		t.Errorf("%d posters", n)
	}
	if _, body := ts.get(t, "/poster/"+st.ID+"?paper=a5"); !strings.Contains(string(body), `class="paper-a5"`) {
		t.Error("paper=a5 is not A5")
	}
	// The stylesheet it links to is served, and lays the poster out on A4 and A5 pages.
	res, css := ts.get(t, "/poster.css")
	if res.StatusCode != 200 || !strings.Contains(string(css), "@page { size: A4") || !strings.Contains(string(css), "@page a5 { size: A5") {
		t.Fatalf("poster.css: %d", res.StatusCode)
	}
	if res, _ := ts.get(t, "/app/poster.js"); res.StatusCode != 200 {
		t.Fatalf("poster.js: %d", res.StatusCode)
	}
}

// A district's posters: every station of the district that is not closed for good, one per page; a
// bad adcode, paper or station is refused naming its field.
func TestDistrictPosters(t *testing.T) {
	seed, sts := posterSeed(t)
	ts := startServer(t, seed)
	district := sts[0].Adcode
	want := 0
	for _, s := range sts {
		if s.Adcode == district && s.Status != station.Closed {
			want++
		}
	}
	res, body := ts.get(t, "/poster?district="+district+"&paper=a5")
	page := string(body)
	if res.StatusCode != 200 || strings.Count(page, `<article class="poster">`) != want || want < 2 || !strings.Contains(page, `class="paper-a5"`) {
		t.Fatalf("%d: %d posters, want %d", res.StatusCode, strings.Count(page, `<article class="poster">`), want)
	}
	if strings.Contains(page, "/api/v1/stations/"+sts[2].ID+"/code.svg") {
		t.Error("a station closed for good has a poster")
	}
	noInline(t, page)
	for _, c := range []struct {
		path        string
		status      int
		code, field string
	}{
		{"/poster", 400, "missing_parameter", "district"},
		{"/poster?district=", 400, "missing_parameter", "district"},
		{"/poster?district=21010", 400, "invalid_parameter", "district"},
		{"/poster?district=2101020", 400, "invalid_parameter", "district"},
		{"/poster?district=21010x", 400, "invalid_parameter", "district"},
		{"/poster?district=%EF%BC%92%EF%BC%91%EF%BC%90%EF%BC%91%EF%BC%90%EF%BC%92", 400, "invalid_parameter", "district"}, // full-width digits
		{"/poster?district=" + district + "&district=" + district, 400, "duplicate_parameter", "district"},
		{"/poster?district=999999", 404, "not_found", "district"},
		{"/poster?district=" + district + "&paper=letter", 400, "invalid_parameter", "paper"},
		{"/poster/" + sts[0].ID + "?paper=A3", 400, "invalid_parameter", "paper"},
		{"/poster/LN-nope", 404, "not_found", "id"},
	} {
		res, body := ts.get(t, c.path)
		checkProblem(t, res, body, c.status, c.code, c.field)
	}
}
