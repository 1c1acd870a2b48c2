package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
)

// Answers of every size around one and two full connection buffers (where net/http's last write of
// an answer is itself a full buffer, which the connection holds back) arrive whole and at once on a
// kept-alive connection, with and without Content-Length.
func TestCoalescedAnswersArriveWhole(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		body := pattern(n)
		if r.URL.Query().Get("cl") != "" {
			w.Header().Set("Content-Length", strconv.Itoa(n))
			w.Write(body)
			return
		}
		for len(body) > 0 { // chunked, in pieces
			k := min(len(body), 1500)
			w.Write(body[:k])
			body = body[k:]
		}
	})}
	go srv.Serve(api.CoalesceWrites(ln))
	t.Cleanup(func() { srv.Close() })
	client := &http.Client{Timeout: 10 * time.Second}
	var sizes []int
	for n := 3500; n <= 4700; n++ {
		sizes = append(sizes, n)
	}
	for n := 7900; n <= 8400; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 0, 1, 100_000)
	for _, cl := range []string{"1", ""} {
		for _, n := range sizes {
			resp, err := client.Get(fmt.Sprintf("http://%s/?n=%d&cl=%s", ln.Addr(), n, cl))
			if err != nil {
				t.Fatalf("n=%d cl=%q: %v", n, cl, err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || !bytes.Equal(got, pattern(n)) {
				t.Fatalf("n=%d cl=%q: got %d bytes (%v)", n, cl, len(got), err)
			}
		}
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + i%26)
	}
	return b
}

// conns returns the two ends of a loopback TCP connection; the server's end coalesces.
func conns(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := api.CoalesceWrites(ln).Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// writeCalls counts the write system calls of the calling thread (syscw in /proc/thread-self/io).
func writeCalls(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/thread-self/io")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "syscw: "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatalf("no syscw in %s", b)
	return 0
}

// expect reads exactly want from c, failing after a few seconds (held bytes never sent).
func expect(t *testing.T, c net.Conn, want []byte) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	got := make([]byte, len(want))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %q…, %v; want %d bytes", got[:min(len(got), 20)], err, len(want))
	}
}

// A full buffer and what follows it leave in one system call.
func TestCoalesceWritesOneSystemCall(t *testing.T) {
	server, client := conns(t)
	full, rest := bytes.Repeat([]byte("x"), 4096), []byte("the rest of the answer")
	runtime.LockOSThread()
	before := writeCalls(t)
	server.Write(full)
	server.Write(rest)
	calls := writeCalls(t) - before
	runtime.UnlockOSThread()
	if calls != 1 {
		t.Errorf("%d write system calls, want 1", calls)
	}
	expect(t, client, append(full, rest...))
	server.Write(rest) // a write not after a full buffer goes out as it is
	expect(t, client, rest)
}

// What is held goes out before the connection reads, when a deadline changes, and when it is
// half-closed or closed.
func TestCoalesceWritesSendsHeldBytes(t *testing.T) {
	full := bytes.Repeat([]byte("y"), 4096)
	for name, trigger := range map[string]func(c net.Conn) error{
		"SetReadDeadline":  func(c net.Conn) error { return c.SetReadDeadline(time.Time{}) },
		"SetWriteDeadline": func(c net.Conn) error { return c.SetWriteDeadline(time.Time{}) },
		"SetDeadline":      func(c net.Conn) error { return c.SetDeadline(time.Time{}) },
		"CloseWrite":       func(c net.Conn) error { return c.(interface{ CloseWrite() error }).CloseWrite() },
		"Close":            func(c net.Conn) error { return c.Close() },
		"ReadFrom":         func(c net.Conn) error { _, err := c.(io.ReaderFrom).ReadFrom(strings.NewReader("")); return err },
	} {
		t.Run(name, func(t *testing.T) {
			server, client := conns(t)
			server.Write(full)
			if err := trigger(server); err != nil {
				t.Fatal(err)
			}
			expect(t, client, full)
		})
	}
	t.Run("Read", func(t *testing.T) {
		server, client := conns(t)
		server.Write(full)
		read := make(chan error, 1)
		go func() {
			_, err := server.Read(make([]byte, 1))
			read <- err
		}()
		expect(t, client, full)
		client.Write([]byte("!"))
		if err := <-read; err != nil {
			t.Fatal(err)
		}
	})
}
