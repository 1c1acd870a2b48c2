package api_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
)

// uploadWindow is the tests' upload-rate-window: short, so that slow uploads are ended fast. With
// upload-min-rate 1 KiB/s each window must bring 307 bytes.
const uploadWindow = 300 * time.Millisecond

// uploadFixture is a server with a short upload window and a signed-in admin who uploads over raw
// connections.
type uploadFixture struct {
	ts    *harness
	admin *browser
	next  int // the number of the next good import's station
}

func newUploadFixture(t *testing.T) *uploadFixture {
	t.Helper()
	// A few stations of the real seed: reading all of it (as smallSeed does) takes seconds under -race.
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfterN(string(raw), "\n", 5)
	seed := filepath.Join(t.TempDir(), "seed.csv")
	if err := os.WriteFile(seed, []byte(strings.Join(lines[:4], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, seed, func(d *api.Deps) { d.UploadMinRate, d.UploadRateWindow = 1<<10, uploadWindow })
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.2")
	admin.login(t, "boss", adminPassword)
	return &uploadFixture{ts: ts, admin: admin}
}

// uploadRows is a CSV with a header and n whole rows that would import (new stations UPL-prefix-1..n).
func uploadRows(prefix string, n int) string {
	var b strings.Builder
	b.WriteString("id,name,kind,lon,lat\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "UPL-%s-%d,断线驿站%d,caring_station,%.4f,41.8\n", prefix, i, i, 123.4+float64(i)/1e4)
	}
	return b.String()
}

// open connects as the admin and sends an import's request head with the extra header lines.
func (f *uploadFixture) open(t *testing.T, header ...string) *net.TCPConn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.ts.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	head := "POST /api/v1/admin/imports HTTP/1.1\r\nHost: yizhan.test\r\nContent-Type: text/csv\r\n" +
		"Cookie: " + f.admin.cookie + "\r\nX-CSRF-Token: " + f.admin.csrf + "\r\n"
	for _, h := range header {
		head += h + "\r\n"
	}
	f.write(t, conn, head+"\r\n")
	return conn.(*net.TCPConn)
}

func (f *uploadFixture) write(t *testing.T, conn net.Conn, s string) {
	t.Helper()
	if _, err := io.WriteString(conn, s); err != nil {
		t.Fatal(err)
	}
}

// rawAnswer reads the server's answer on conn: its status and problem code. The read deadline only ends
// a test that fails (the server's request deadline is 2 minutes).
func rawAnswer(t *testing.T, conn net.Conn) (int, string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	defer res.Body.Close()
	var p problemBody
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatalf("%d: not problem+json: %v", res.StatusCode, err)
	}
	if res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("%d: Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	return res.StatusCode, p.Code
}

var importRouteAnswers = regexp.MustCompile(`yizhan_http_requests_total\{code="(\d+)",method="POST",route="/api/v1/admin/imports"\} (\d+)`)

// importStatuses counts the import route's answers by status, from /metrics.
func (f *uploadFixture) importStatuses(t *testing.T) map[int]int {
	t.Helper()
	_, body := f.ts.get(t, "/metrics")
	out := map[int]int{}
	for _, m := range importRouteAnswers.FindAllStringSubmatch(string(body), -1) {
		code, _ := strconv.Atoi(m[1])
		out[code], _ = strconv.Atoi(m[2])
	}
	return out
}

// awaitAnswered waits until the server has finished the import request whose client left without
// reading its answer: the metrics count it once the handler has returned (and freed the lock).
func (f *uploadFixture) awaitAnswered(t *testing.T, before map[int]int) map[int]int {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); <-tick.C {
		now := f.importStatuses(t)
		for code, n := range now {
			if n > before[code] {
				return now
			}
		}
	}
	t.Fatal("the server did not finish the abandoned upload within 5 s")
	return nil
}

// checkNothingWrittenThenImport checks that the data version is still v0 and no UPL station exists,
// and that a normal import right away is accepted (the lock is free) and applied.
func (f *uploadFixture) checkNothingWrittenThenImport(t *testing.T, v0 int) {
	t.Helper()
	if v := f.ts.count(t, `SELECT version FROM dataset WHERE id = 1`); v != v0 {
		t.Errorf("data version %d after a broken upload, was %d", v, v0)
	}
	if n := f.ts.count(t, `SELECT count(*) FROM station WHERE id LIKE 'UPL-%'`); n != 0 {
		t.Errorf("a broken upload stored %d stations", n)
	}
	f.next++
	good := fmt.Sprintf("id,name,kind,lon,lat\nGOOD-%d,好驿站%d,caring_station,123.4,41.8\n", f.next, f.next)
	res, body := f.admin.do(t, http.MethodPost, "/api/v1/admin/imports", good, "Content-Type", "text/csv")
	if res.StatusCode != 200 {
		t.Fatalf("the import right after: %d %s", res.StatusCode, body)
	}
	if a := decode[importAnswer](t, body); a.Created != 1 || a.DataVersion != int64(v0+1) {
		t.Fatalf("the import right after: %+v", a)
	}
}

// cutShort is a way to send an import upload and end it early.
type cutShort struct {
	name string
	send func(t *testing.T) *net.TCPConn // sends and ends the upload
	read bool                            // the client can still read its answer
}

// checkCutShort sends each upload: one the client still reads is answered 400 upload_incomplete, one
// it left is counted as a 400 in /metrics. Either way the lock is free as soon as the server has
// noticed, nothing of the whole rows that did arrive is stored, and nothing answers 500.
func (f *uploadFixture) checkCutShort(t *testing.T, variants []cutShort) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			v0 := f.ts.count(t, `SELECT version FROM dataset WHERE id = 1`)
			before := f.importStatuses(t)
			conn := v.send(t)
			if v.read {
				if status, code := rawAnswer(t, conn); status != 400 || code != "upload_incomplete" {
					t.Fatalf("answer %d %s, want 400 upload_incomplete", status, code)
				}
			} else if after := f.awaitAnswered(t, before); after[400] != before[400]+1 {
				t.Fatalf("answers of the import route %v → %v, want one more 400", before, after)
			}
			f.checkNothingWrittenThenImport(t, v0)
		})
	}
	if n := f.importStatuses(t)[500]; n != 0 {
		t.Fatalf("%d imports answered 500", n)
	}
}

// uploadHalfClose ends the upload that send began by closing the client's sending half: it still reads.
func uploadHalfClose(send func(t *testing.T) *net.TCPConn) func(t *testing.T) *net.TCPConn {
	return func(t *testing.T) *net.TCPConn {
		conn := send(t)
		if err := conn.CloseWrite(); err != nil {
			t.Fatal(err)
		}
		return conn
	}
}

// uploadDrop ends the upload that send began by closing the connection, or resetting it (an RST, as when a
// phone loses its network).
func uploadDrop(reset bool, send func(t *testing.T) *net.TCPConn) func(t *testing.T) *net.TCPConn {
	return func(t *testing.T) *net.TCPConn {
		conn := send(t)
		if reset {
			conn.SetLinger(0)
		}
		conn.Close()
		return conn
	}
}

func httpChunk(s string) string { return fmt.Sprintf("%x\r\n%s\r\n", len(s), s) }

// An import upload with a Content-Length that ends early, with whole rows, mid-row, before any byte or
// mid-XLSX, half-closed, closed or reset: 400 upload_incomplete (or a close), never a 500, the lock
// free at once, nothing stored.
func TestUploadCutShort(t *testing.T) {
	f := newUploadFixture(t)
	xlsxRes, xlsx := f.admin.do(t, http.MethodGet, "/api/v1/admin/export?format=xlsx", "")
	if xlsxRes.StatusCode != 200 || len(xlsx) < 1000 {
		t.Fatalf("export: %d, %d bytes", xlsxRes.StatusCode, len(xlsx))
	}
	lengthShort := func(body string, extra int) func(t *testing.T) *net.TCPConn {
		return func(t *testing.T) *net.TCPConn {
			conn := f.open(t, "Content-Length: "+strconv.Itoa(len(body)+extra))
			f.write(t, conn, body)
			return conn
		}
	}
	rows := uploadRows("a", 20)
	f.checkCutShort(t, []cutShort{
		{"whole rows, Content-Length one byte more, half-close", uploadHalfClose(lengthShort(rows, 1)), true},
		{"whole rows, Content-Length 1 MB more, half-close", uploadHalfClose(lengthShort(rows, 1<<20)), true},
		{"cut mid-row, half-close", uploadHalfClose(lengthShort(rows[:len(rows)-7], 7)), true},
		{"headers only, half-close", uploadHalfClose(lengthShort("", 100)), true},
		{"half an XLSX, half-close", uploadHalfClose(lengthShort(string(xlsx[:len(xlsx)/2]), len(xlsx)-len(xlsx)/2)), true},
		{"whole rows, Content-Length more, closed", uploadDrop(false, lengthShort(rows, 50)), false},
		{"whole rows, Content-Length more, reset", uploadDrop(true, lengthShort(rows, 50)), false},
	})
}

// The same with chunked uploads: cut mid-chunk, between whole chunks without the last one, or inside a
// chunk's size line; half-closed, closed or reset.
func TestUploadCutShortChunked(t *testing.T) {
	f := newUploadFixture(t)
	chunked := func(chunks ...string) func(t *testing.T) *net.TCPConn {
		return func(t *testing.T) *net.TCPConn {
			conn := f.open(t, "Transfer-Encoding: chunked")
			f.write(t, conn, strings.Join(chunks, ""))
			return conn
		}
	}
	rows := uploadRows("c", 20)
	f.checkCutShort(t, []cutShort{
		{"cut mid-chunk, half-close", uploadHalfClose(chunked(httpChunk(rows), "400\r\nUPL-c-99,")), true},
		{"whole chunks but no last chunk, half-close", uploadHalfClose(chunked(httpChunk(rows), httpChunk(uploadRows("d", 3)))), true},
		{"cut inside a chunk size line, half-close", uploadHalfClose(chunked(httpChunk(rows), "4")), true},
		{"cut mid-chunk, closed", uploadDrop(false, chunked(httpChunk(rows), "400\r\nUPL")), false},
		{"cut mid-chunk, reset", uploadDrop(true, chunked(httpChunk(rows), "400\r\nUPL")), false},
	})
}

// tooSlow is a way to send an import upload too slowly; done closes once the answer has come.
type tooSlow struct {
	name string
	send func(t *testing.T, done chan struct{}) net.Conn
}

// checkTooSlow sends each upload: it is ended with 408 upload_too_slow within a few windows (not
// after the 2-minute request deadline), the lock is free at once and nothing is stored.
func (f *uploadFixture) checkTooSlow(t *testing.T, variants []tooSlow) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			v0 := f.ts.count(t, `SELECT version FROM dataset WHERE id = 1`)
			done := make(chan struct{})
			defer close(done)
			start := time.Now()
			conn := v.send(t, done)
			status, code := rawAnswer(t, conn)
			if took := time.Since(start); took > 6*uploadWindow {
				t.Errorf("answered after %v: the lock was held longer than a few windows (%v)", took, uploadWindow)
			}
			if status != 408 || code != "upload_too_slow" {
				t.Fatalf("answer %d %s, want 408 upload_too_slow", status, code)
			}
			f.checkNothingWrittenThenImport(t, v0)
		})
	}
}

// trickle writes s to conn in pieces of n bytes (each framed by frame), one piece every gap, until
// the server has answered (done) or closed.
func trickle(conn net.Conn, s string, n int, gap time.Duration, frame func(string) string, done chan struct{}) {
	tick := time.NewTicker(gap)
	defer tick.Stop()
	for len(s) > 0 {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		piece := s[:min(n, len(s))]
		if _, err := io.WriteString(conn, frame(piece)); err != nil {
			return
		}
		s = s[len(piece):]
	}
}

func unframed(s string) string { return s }

// An upload that trickles, however steadily, at less than upload-min-rate (a byte every 300 ms; 20
// bytes every 50 ms, that is 400 B/s, which brings data in every window but too little) is ended with
// 408 upload_too_slow. An upload a little above the rate, spread over several windows, is imported:
// the window moves on with the data.
func TestUploadTooSlow(t *testing.T) {
	f := newUploadFixture(t)
	rows := uploadRows("s", 60) // about 2.5 KiB: more than a window's quota of 307 bytes
	withLength := func(n int, gap time.Duration) func(t *testing.T, done chan struct{}) net.Conn {
		return func(t *testing.T, done chan struct{}) net.Conn {
			conn := f.open(t, "Content-Length: "+strconv.Itoa(len(rows)))
			go trickle(conn, rows, n, gap, unframed, done)
			return conn
		}
	}
	f.checkTooSlow(t, []tooSlow{
		{"Content-Length, a byte every 300 ms", withLength(1, 300*time.Millisecond)},
		{"Content-Length, 20 bytes every 50 ms", withLength(20, 50*time.Millisecond)},
		{"chunked, a one-byte chunk every 300 ms", func(t *testing.T, done chan struct{}) net.Conn {
			conn := f.open(t, "Transfer-Encoding: chunked")
			go trickle(conn, rows, 1, 300*time.Millisecond, httpChunk, done)
			return conn
		}},
	})

	// 1000 bytes every 100 ms (10 KB/s, each piece three windows' quota) for about 0.7 s.
	steady := uploadRows("steady", 150)
	conn := f.open(t, "Content-Length: "+strconv.Itoa(len(steady)))
	done := make(chan struct{})
	defer close(done)
	start := time.Now()
	go trickle(conn, steady, 1000, 100*time.Millisecond, unframed, done)
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if a := decode[importAnswer](t, body); res.StatusCode != 200 || a.Created != 150 {
		t.Fatalf("a steady upload over %v: %d %s", time.Since(start), res.StatusCode, body)
	}
	if took := time.Since(start); took < 2*uploadWindow {
		t.Fatalf("the steady upload took %v, not several windows", took)
	}
}

// An upload that stalls (before its first byte, after a quick start, mid-chunk) is ended with 408
// upload_too_slow after about a window.
func TestUploadStalled(t *testing.T) {
	f := newUploadFixture(t)
	rows := uploadRows("t", 60)
	f.checkTooSlow(t, []tooSlow{
		{"Content-Length, stalled before the first byte", func(t *testing.T, done chan struct{}) net.Conn {
			return f.open(t, "Content-Length: "+strconv.Itoa(len(rows)))
		}},
		{"Content-Length, a quick start then stalled", func(t *testing.T, done chan struct{}) net.Conn {
			conn := f.open(t, "Content-Length: "+strconv.Itoa(len(rows)))
			f.write(t, conn, rows[:len(rows)-100])
			return conn
		}},
		{"chunked, stalled mid-chunk", func(t *testing.T, done chan struct{}) net.Conn {
			conn := f.open(t, "Transfer-Encoding: chunked")
			f.write(t, conn, fmt.Sprintf("%x\r\n%s", len(rows), rows[:100]))
			return conn
		}},
		{"chunked, stalled before the first chunk", func(t *testing.T, done chan struct{}) net.Conn {
			return f.open(t, "Transfer-Encoding: chunked")
		}},
	})
}
