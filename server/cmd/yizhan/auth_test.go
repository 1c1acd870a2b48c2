package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/spatial"
	"github.com/yizhan/yizhan/server/station"
)

// browser is one client of a test server: its source address, session cookie and CSRF token.
type browser struct {
	ts     *testServer
	client *http.Client
	cookie string // "yizhan_session=..." once logged in
	csrf   string
}

// newBrowser connects from the loopback address ip (any 127.x.y.z works on Linux), so that tests can
// be many clients.
func newBrowser(ts *testServer, ip string) *browser {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	return &browser{ts: ts, client: &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}}
}

// do sends a request with the browser's cookie, and its CSRF token on writes; header pairs are set
// last (an empty value removes a header).
func (b *browser) do(t *testing.T, method, path, body string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, b.ts.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if b.cookie != "" {
		req.Header.Set("Cookie", b.cookie)
	}
	if b.csrf != "" && method != http.MethodGet && method != http.MethodHead {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, out
}

type sessionAnswer struct {
	User struct {
		ID       int64  `json:"id"`
		Username string `json:"username"`
		Role     string `json:"role"`
	} `json:"user"`
	CSRFToken string `json:"csrf_token"`
	ExpiresAt string `json:"expires_at"`
}

// login signs name in from b and keeps the session; it fails the test unless that works.
func (b *browser) login(t *testing.T, name, password string) sessionAnswer {
	t.Helper()
	res, body := b.do(t, http.MethodPost, "/api/v1/session", fmt.Sprintf(`{"username":%q,"password":%q}`, name, password), "Cookie", b.cookie)
	if res.StatusCode != 200 {
		t.Fatalf("login %s: %d %s", name, res.StatusCode, body)
	}
	c := sessionCookieOf(t, res)
	s := decode[sessionAnswer](t, body)
	b.cookie, b.csrf = c.Name+"="+c.Value, s.CSRFToken
	return s
}

func sessionCookieOf(t *testing.T, res *http.Response) *http.Cookie {
	t.Helper()
	if len(res.Cookies()) != 1 || res.Cookies()[0].Name != "yizhan_session" {
		t.Fatalf("cookies %v", res.Header.Values("Set-Cookie"))
	}
	return res.Cookies()[0]
}

// userCLI runs `yizhan user ARGS --db <the server's database>` in-process with stdin.
func userCLI(t *testing.T, ts *testServer, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := rootCmd()
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(io.Discard)
	cmd.SetArgs(append(append([]string{"user"}, args...), "--db", ts.cfg.DB))
	err := cmd.ExecuteContext(context.Background())
	return out.String(), err
}

// count runs a count(*) query on the server's database through a read-only connection of its own.
func (ts *testServer) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+ts.cfg.DB+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const (
	adminPassword = "沈阳 驿站 管理员 2026"
	opPassword    = "operator password one"
)

// A fresh database has no account; `yizhan user add` makes the first admin, whose login sets an
// HttpOnly, SameSite=Strict cookie. Every login is a new session, and the database holds only the
// hash of the cookie's token.
func TestUserAddThenLogin(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if n := ts.count(t, `SELECT count(*) FROM users`); n != 0 {
		t.Fatalf("a fresh database has %d users", n)
	}
	out, err := userCLI(t, ts, adminPassword+"\n", "add", "boss", "--role", "admin")
	if err != nil || !strings.Contains(out, `created admin "boss"`) || strings.Contains(out, "password") {
		t.Fatalf("user add: %q %v", out, err)
	}
	b := newBrowser(ts, "127.0.0.1")
	res, body := b.do(t, http.MethodPost, "/api/v1/session", `{"username":"Boss","password":"`+adminPassword+`"}`)
	if res.StatusCode != 200 || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	raw := res.Header.Get("Set-Cookie")
	for _, want := range []string{"Path=/", "Max-Age=43200", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(raw, want) {
			t.Fatalf("Set-Cookie %q lacks %s", raw, want)
		}
	}
	if strings.Contains(raw, "Secure") || strings.Contains(raw, "Domain") {
		t.Fatalf("Set-Cookie %q over plain HTTP", raw)
	}
	c := sessionCookieOf(t, res)
	s := decode[sessionAnswer](t, body)
	if s.User.ID <= 0 || s.User.Username != "boss" || s.User.Role != "admin" || len(s.CSRFToken) != 43 || len(c.Value) != 43 || s.CSRFToken == c.Value {
		t.Fatalf("answer %s, cookie %q", body, c.Value)
	}
	sum := sha256.Sum256([]byte(c.Value))
	if ts.count(t, `SELECT count(*) FROM sessions WHERE id_hash = ?`, hex.EncodeToString(sum[:])) != 1 ||
		ts.count(t, `SELECT count(*) FROM sessions WHERE id_hash = ? OR csrf_token = ?`, c.Value, c.Value) != 0 {
		t.Fatal("the sessions table does not key the session by the token's SHA-256 alone")
	}

	b.cookie = c.Name + "=" + c.Value
	res, body = b.do(t, http.MethodGet, "/api/v1/session", "")
	if got := decode[sessionAnswer](t, body); res.StatusCode != 200 || got.User != s.User || got.CSRFToken != s.CSRFToken {
		t.Fatalf("GET session: %d %s", res.StatusCode, body)
	}
	// Logging in again gives a new session id and token every time; the session the browser sent ends.
	seen := map[string]bool{c.Value: true, s.CSRFToken: true}
	for i := 0; i < 3; i++ {
		old := b.cookie
		again := b.login(t, "boss", adminPassword)
		v := strings.TrimPrefix(b.cookie, "yizhan_session=")
		if seen[v] || seen[again.CSRFToken] {
			t.Fatal("a login reused a token")
		}
		seen[v], seen[again.CSRFToken] = true, true
		stale := &browser{ts: ts, client: b.client, cookie: old}
		if res, _ := stale.do(t, http.MethodGet, "/api/v1/session", ""); res.StatusCode != 401 {
			t.Fatalf("the session replaced by a new login still answers %d", res.StatusCode)
		}
	}
	if n := ts.count(t, `SELECT count(*) FROM sessions`); n != 1 {
		t.Fatalf("%d sessions stored, want 1", n)
	}

	// An operator with a generated password and stations, then a new password from stdin.
	st1, st2 := ts.stations[10].ID, ts.stations[20].ID
	out, err = userCLI(t, ts, "", "add", "op.shenyang", "--role", "operator", "--stations", st2+", "+st1)
	_, generated, found := strings.Cut(out, "password (shown only this once): ")
	generated = strings.TrimSpace(generated)
	if err != nil || !found || len(generated) < 20 || !strings.Contains(out, `created operator "op.shenyang" (id 2) running 2 stations`) {
		t.Fatalf("user add with a generated password: %q %v", out, err)
	}
	op := newBrowser(ts, "127.0.0.2")
	op.login(t, "op.shenyang", generated)
	res, body = b.do(t, http.MethodGet, "/api/v1/admin/users", "")
	if res.StatusCode != 200 || !strings.Contains(string(body), `"username":"op.shenyang","role":"operator","disabled":false,"display_name":"","phone":"","station_ids":["`+min(st1, st2)+`","`+max(st1, st2)+`"]`) {
		t.Fatalf("users: %d %s", res.StatusCode, body)
	}
	if out, err := userCLI(t, ts, opPassword+"\r\n", "passwd", "OP.Shenyang"); err != nil || !strings.Contains(out, "sessions have ended") {
		t.Fatalf("passwd: %q %v", out, err)
	}
	if res, _ := op.do(t, http.MethodGet, "/api/v1/session", ""); res.StatusCode != 401 {
		t.Fatalf("session after passwd: %d", res.StatusCode)
	}
	if res, _ := op.do(t, http.MethodPost, "/api/v1/session", `{"username":"op.shenyang","password":"`+generated+`"}`); res.StatusCode != 401 {
		t.Fatalf("old password after passwd: %d", res.StatusCode)
	}
	op.login(t, "op.shenyang", opPassword)

	// What the command refuses, it does not store.
	users := ts.count(t, `SELECT count(*) FROM users`)
	for _, tc := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"short pass\n", []string{"add", "carol", "--role", "operator"}, "password"},
		{"carol\n", []string{"add", "carol", "--role", "operator"}, "password"},
		{"CarolCarol12\n", []string{"add", "CarolCarol12", "--role", "operator"}, "username"},
		{"\n", []string{"add", "carol", "--role", "operator"}, "empty"},
		{"first line is long\nsecond line\n", []string{"add", "carol", "--role", "operator"}, "one line"},
		{"tab\tinside the password\n", []string{"add", "carol", "--role", "operator"}, "control"},
		{strings.Repeat("x", 5000), []string{"add", "carol", "--role", "operator"}, "one line"},
		{opPassword, []string{"add", "BOSS", "--role", "admin"}, "taken"},
		{opPassword, []string{"add", "carol", "--role", "root"}, "--role"},
		{opPassword, []string{"add", "carol"}, "role"},
		{opPassword, []string{"add", "carol", "--role", "admin", "--stations", st1}, "only operators"},
		{opPassword, []string{"add", "carol", "--role", "operator", "--stations", st1 + ",LN-000000-0000"}, "LN-000000-0000"},
		{opPassword, []string{"add", "car ol", "--role", "operator"}, "username"},
		{opPassword, []string{"add", "c", "--role", "operator"}, "username"},
		{opPassword, []string{"passwd", "nobody"}, "no user"},
		{"short\n", []string{"passwd", "boss"}, "password"},
	} {
		if out, err := userCLI(t, ts, tc.stdin, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v with stdin %.20q: %q, err %v; want an error about %s", tc.args, tc.stdin, out, err, tc.want)
		}
	}
	if n := ts.count(t, `SELECT count(*) FROM users`); n != users {
		t.Fatalf("%d users after refused commands, want %d", n, users)
	}
	b.login(t, "boss", adminPassword) // the refused passwd changed nothing
}

// smallSeed writes the first 40 stations of the seed file to a file of their own: these tests need
// only a few stations, and a small seed starts the server much faster under -race.
func smallSeed(t *testing.T) string { return seedOf(t, 40) }

// seedOf writes the first n stations of the seed file to a file of their own. The round trips of
// every format hold at any size; 3,000 stations keep them quick under -race (the whole seed: 4×).
func seedOf(t *testing.T, n int) string {
	t.Helper()
	f, err := os.Open(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sts, err := codec.ReadCSV(f, spatial.WGS84)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "seed.csv")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := codec.WriteCSV(out, station.Slice(sts[:n]), true); err != nil {
		t.Fatal(err)
	}
	return path
}
