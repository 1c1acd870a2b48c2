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
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/config"
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
	if res.StatusCode != 200 || !strings.Contains(string(body), `"username":"op.shenyang","role":"operator","disabled":false,"station_ids":["`+min(st1, st2)+`","`+max(st1, st2)+`"]`) {
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

// Logout ends the session on the server: the old cookie is worthless afterwards.
func TestLogoutRevokes(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword, "add", "boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(ts, "127.0.0.1")
	b.login(t, "boss", adminPassword)
	res, body := b.do(t, http.MethodDelete, "/api/v1/session", "", "X-CSRF-Token", "")
	checkProblem(t, res, body, 403, "forbidden", "X-CSRF-Token")
	if res, _ := b.do(t, http.MethodGet, "/api/v1/session", ""); res.StatusCode != 200 {
		t.Fatalf("a refused logout ended the session: %d", res.StatusCode)
	}
	res, _ = b.do(t, http.MethodDelete, "/api/v1/session", "")
	if res.StatusCode != 204 || !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
		t.Fatalf("logout: %d, Set-Cookie %q", res.StatusCode, res.Header.Get("Set-Cookie"))
	}
	if n := ts.count(t, `SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("%d sessions left", n)
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		res, body := b.do(t, m, "/api/v1/session", "")
		checkProblem(t, res, body, 401, "unauthenticated", "")
	}
}

// Writes made with the cookie need the session's own CSRF token; without it nothing changes. An
// operator may not use the admin routes, and nobody may without a session.
func TestCSRFAndRoles(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword, "add", "boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := userCLI(t, ts, opPassword, "add", "op1", "--role", "operator", "--stations", ts.stations[0].ID); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.1")
	admin.login(t, "boss", adminPassword)
	other := newBrowser(ts, "127.0.0.1")
	otherSession := other.login(t, "boss", adminPassword) // a second session of the same admin
	stateBefore := func() string {
		_, body := admin.do(t, http.MethodGet, "/api/v1/admin/users", "")
		return string(body)
	}
	before := stateBefore()
	newUser := `{"username":"mallory","password":"mallory's password","role":"admin"}`
	writes := []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/admin/users", newUser},
		{http.MethodPatch, "/api/v1/admin/users/2", `{"disabled":true}`},
		{http.MethodPatch, "/api/v1/admin/users/1", `{"password":"a new admin password"}`},
		{http.MethodPut, "/api/v1/admin/users/2/stations", `{"station_ids":[]}`},
		{http.MethodDelete, "/api/v1/session", ""},
	}
	for _, w := range writes {
		for name, token := range map[string]string{
			"none": "", "wrong": strings.Repeat("A", 43), "another session's": otherSession.CSRFToken,
			"the cookie's value": strings.TrimPrefix(admin.cookie, "yizhan_session="), "one character changed": flip(admin.csrf),
		} {
			res, body := admin.do(t, w.method, w.path, w.body, "X-CSRF-Token", token)
			if res.StatusCode != 403 {
				t.Fatalf("%s %s with %s token: %d %s", w.method, w.path, name, res.StatusCode, body)
			}
			checkProblem(t, res, body, 403, "forbidden", "X-CSRF-Token")
		}
	}
	if after := stateBefore(); after != before {
		t.Fatalf("refused writes changed the users:\n%s\n%s", before, after)
	}

	op := newBrowser(ts, "127.0.0.2")
	op.login(t, "op1", opPassword)
	anon := newBrowser(ts, "127.0.0.3")
	for _, w := range append(writes[:4], struct{ method, path, body string }{http.MethodGet, "/api/v1/admin/users", ""}) {
		res, body := op.do(t, w.method, w.path, w.body)
		checkProblem(t, res, body, 403, "forbidden", "")
		res, body = anon.do(t, w.method, w.path, w.body)
		checkProblem(t, res, body, 401, "unauthenticated", "")
	}
	for _, m := range []string{http.MethodGet, http.MethodDelete} {
		res, body := anon.do(t, m, "/api/v1/session", "")
		checkProblem(t, res, body, 401, "unauthenticated", "")
	}
	if after := stateBefore(); after != before {
		t.Fatal("an operator's or anonymous write changed the users")
	}
	// With its token, the same write goes through.
	if res, body := admin.do(t, http.MethodPost, "/api/v1/admin/users", newUser); res.StatusCode != 201 {
		t.Fatalf("with the token: %d %s", res.StatusCode, body)
	}
}

type userAnswer struct {
	ID         int64    `json:"id"`
	Username   string   `json:"username"`
	Role       string   `json:"role"`
	Disabled   bool     `json:"disabled"`
	StationIDs []string `json:"station_ids"`
	CreatedAt  string   `json:"created_at"`
	UpdatedAt  string   `json:"updated_at"`
}

// The admin endpoints create accounts, assign stations, disable, re-enable and reset passwords, with
// sessions ending where they must, and never leave the service without an enabled admin.
func TestAdminUsers(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword, "add", "boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(ts, "127.0.0.1")
	me := admin.login(t, "boss", adminPassword)

	res, body := admin.do(t, http.MethodPost, "/api/v1/admin/users", `{"username":"张伟","password":"`+opPassword+`","role":"operator"}`)
	created := decode[userAnswer](t, body)
	if res.StatusCode != 201 || created.ID <= me.User.ID || created.Username != "张伟" || created.Role != "operator" || created.Disabled ||
		created.StationIDs == nil || len(created.StationIDs) != 0 || !strings.HasSuffix(created.CreatedAt, "+08:00") ||
		res.Header.Get("Location") != "/api/v1/admin/users/"+strconv.FormatInt(created.ID, 10) || strings.Contains(string(body), "argon2") {
		t.Fatalf("create: %d %s (Location %q)", res.StatusCode, body, res.Header.Get("Location"))
	}
	path := "/api/v1/admin/users/" + strconv.FormatInt(created.ID, 10)
	for _, tc := range []struct {
		method, path, body string
		status             int
		code, field        string
	}{
		{http.MethodPost, "/api/v1/admin/users", `{"username":"BOSS","password":"` + opPassword + `","role":"admin"}`, 409, "already_exists", "username"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"x","password":"` + opPassword + `","role":"admin"}`, 400, "out_of_range", "username"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"a b","password":"` + opPassword + `","role":"admin"}`, 400, "invalid_parameter", "username"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"carol","password":"short","role":"admin"}`, 400, "out_of_range", "password"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"carolcarol12","password":"CAROLCAROL12","role":"admin"}`, 400, "invalid_parameter", "password"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"carol","password":"` + opPassword + `","role":"root"}`, 400, "invalid_parameter", "role"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"carol","password":"` + opPassword + `"}`, 400, "missing_parameter", "role"},
		{http.MethodPost, "/api/v1/admin/users", `{"username":"carol","password":"` + opPassword + `","role":"admin","disabled":false}`, 400, "invalid_parameter", "disabled"},
		{http.MethodPatch, path, `{}`, 400, "missing_parameter", ""},
		{http.MethodPatch, path, `{"disabled":"yes"}`, 400, "invalid_parameter", "disabled"},
		{http.MethodPatch, path, `{"disabled":null}`, 400, "invalid_parameter", "disabled"},
		{http.MethodPatch, path, `{"role":"owner"}`, 400, "invalid_parameter", "role"},
		{http.MethodPatch, path, `{"password":"张伟"}`, 400, "out_of_range", "password"},
		{http.MethodPatch, path, `{"username":"renamed"}`, 400, "invalid_parameter", "username"},
		{http.MethodPatch, "/api/v1/admin/users/999", `{"disabled":true}`, 404, "not_found", "id"},
		{http.MethodPatch, "/api/v1/admin/users/abc", `{"disabled":true}`, 404, "not_found", "id"},
		{http.MethodPatch, "/api/v1/admin/users/01", `{"disabled":true}`, 404, "not_found", "id"},
		{http.MethodPatch, "/api/v1/admin/users/-1", `{"disabled":true}`, 404, "not_found", "id"},
		{http.MethodPatch, "/api/v1/admin/users/99999999999999999999", `{"disabled":true}`, 404, "not_found", "id"},
		{http.MethodPut, path + "/stations", `{"station_ids":["` + ts.stations[1].ID + `","LN-000000-0000"]}`, 400, "invalid_parameter", "station_ids"},
		{http.MethodPut, path + "/stations", `{"station_ids":["` + ts.stations[1].ID + `","` + ts.stations[1].ID + `"]}`, 400, "duplicate_parameter", "station_ids"},
		{http.MethodPut, path + "/stations", `{"station_ids":[1]}`, 400, "invalid_parameter", "station_ids"},
		{http.MethodPut, path + "/stations", `{"station_ids":"` + ts.stations[1].ID + `"}`, 400, "invalid_parameter", "station_ids"},
		{http.MethodPut, path + "/stations", `{"station_ids":null}`, 400, "invalid_parameter", "station_ids"},
		{http.MethodPut, path + "/stations", `{"station_ids":["a\u0000b"]}`, 400, "invalid_parameter", "station_ids"},
		{http.MethodPut, path + "/stations", `{}`, 400, "missing_parameter", "station_ids"},
		{http.MethodPut, "/api/v1/admin/users/1/stations", `{"station_ids":["` + ts.stations[1].ID + `"]}`, 409, "not_operator", "station_ids"},
		{http.MethodPut, "/api/v1/admin/users/999/stations", `{"station_ids":[]}`, 404, "not_found", "id"},
		{http.MethodPatch, "/api/v1/admin/users/1", `{"disabled":true}`, 409, "last_admin", ""},
		{http.MethodPatch, "/api/v1/admin/users/1", `{"role":"operator"}`, 409, "last_admin", ""},
	} {
		res, body := admin.do(t, tc.method, tc.path, tc.body)
		if res.StatusCode != tc.status {
			t.Fatalf("%s %s %s: %d %s", tc.method, tc.path, tc.body, res.StatusCode, body)
		}
		checkProblem(t, res, body, tc.status, tc.code, tc.field)
		if tc.code == "invalid_parameter" && strings.Contains(tc.body, "LN-000000-0000") && !strings.Contains(string(body), "LN-000000-0000") {
			t.Fatalf("the problem does not name the unknown station: %s", body)
		}
	}

	// Stations: set, replaced, sorted.
	a, b, c := ts.stations[5].ID, ts.stations[3].ID, ts.stations[9].ID
	res, body = admin.do(t, http.MethodPut, path+"/stations", fmt.Sprintf(`{"station_ids":[%q,%q]}`, a, b))
	if got := decode[userAnswer](t, body); res.StatusCode != 200 || strings.Join(got.StationIDs, ",") != min(a, b)+","+max(a, b) {
		t.Fatalf("stations: %d %s", res.StatusCode, body)
	}
	res, body = admin.do(t, http.MethodPut, path+"/stations", fmt.Sprintf(`{"station_ids":[%q]}`, c))
	if got := decode[userAnswer](t, body); res.StatusCode != 200 || strings.Join(got.StationIDs, ",") != c {
		t.Fatalf("stations replaced: %d %s", res.StatusCode, body)
	}

	// Disabling ends the operator's sessions (TestLoginAnswersIdentical shows that logging in then
	// gets the answer of a wrong password). Five logins of one account are made below: the limit.
	op := newBrowser(ts, "127.0.0.2")
	op.login(t, "张伟", opPassword)
	res, body = admin.do(t, http.MethodPatch, path, `{"disabled":true}`)
	if got := decode[userAnswer](t, body); res.StatusCode != 200 || !got.Disabled || strings.Join(got.StationIDs, ",") != c {
		t.Fatalf("disable: %d %s", res.StatusCode, body)
	}
	res, body = op.do(t, http.MethodGet, "/api/v1/session", "")
	checkProblem(t, res, body, 401, "unauthenticated", "")
	if res, body := admin.do(t, http.MethodPatch, path, `{"disabled":false}`); res.StatusCode != 200 {
		t.Fatalf("enable: %d %s", res.StatusCode, body)
	}
	op.login(t, "张伟", opPassword)

	// A new password ends the sessions; the new password works, the old does not.
	if res, body := admin.do(t, http.MethodPatch, path, `{"password":"一个新的而且足够长的密码"}`); res.StatusCode != 200 {
		t.Fatalf("password: %d %s", res.StatusCode, body)
	}
	if res, _ := op.do(t, http.MethodGet, "/api/v1/session", ""); res.StatusCode != 401 {
		t.Fatalf("session after a password reset: %d", res.StatusCode)
	}
	if res, _ := op.do(t, http.MethodPost, "/api/v1/session", `{"username":"张伟","password":"`+opPassword+`"}`); res.StatusCode != 401 {
		t.Fatalf("old password: %d", res.StatusCode)
	}
	op.login(t, "张伟", "一个新的而且足够长的密码")

	// Promote the operator; then the first admin may step down, and the second may not.
	res, body = admin.do(t, http.MethodPatch, path, `{"role":"admin"}`)
	if got := decode[userAnswer](t, body); res.StatusCode != 200 || got.Role != "admin" || len(got.StationIDs) != 0 {
		t.Fatalf("promote: %d %s", res.StatusCode, body)
	}
	res, body = op.do(t, http.MethodGet, "/api/v1/session", "")
	if got := decode[sessionAnswer](t, body); res.StatusCode != 200 || got.User.Role != "admin" {
		t.Fatalf("the promoted user's session: %d %s", res.StatusCode, body)
	}
	if res, body := admin.do(t, http.MethodPatch, "/api/v1/admin/users/1", `{"role":"operator"}`); res.StatusCode != 200 {
		t.Fatalf("step down: %d %s", res.StatusCode, body)
	}
	// boss is an operator now, at once: the admin routes refuse the session it still has.
	res, body = admin.do(t, http.MethodGet, "/api/v1/admin/users", "")
	checkProblem(t, res, body, 403, "forbidden", "")
	res, body = op.do(t, http.MethodPatch, path, `{"disabled":true}`)
	checkProblem(t, res, body, 409, "last_admin", "")
	// An admin who sets their own password ends their own sessions too.
	if res, body := op.do(t, http.MethodPatch, path, `{"password":"my own new password"}`); res.StatusCode != 200 {
		t.Fatalf("own password: %d %s", res.StatusCode, body)
	}
	if res, _ := op.do(t, http.MethodGet, "/api/v1/session", ""); res.StatusCode != 401 {
		t.Fatalf("own session after own password change: %d", res.StatusCode)
	}
	op.login(t, "张伟", "my own new password")
	res, body = op.do(t, http.MethodGet, "/api/v1/admin/users", "")
	list := decode[struct{ Users []userAnswer }](t, body)
	if res.StatusCode != 200 || len(list.Users) != 2 || list.Users[0].Username != "boss" || list.Users[0].Role != "operator" ||
		list.Users[1].Role != "admin" || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("list: %d %s", res.StatusCode, body)
	}
}

// An unknown user, a wrong password and a disabled account get byte-identical answers.
func TestLoginAnswersIdentical(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	for _, u := range []string{"alice", "dora"} {
		if _, err := userCLI(t, ts, adminPassword, "add", u, "--role", "admin"); err != nil {
			t.Fatal(err)
		}
	}
	admin := newBrowser(ts, "127.0.0.1")
	admin.login(t, "alice", adminPassword)
	if res, body := admin.do(t, http.MethodPatch, "/api/v1/admin/users/2", `{"disabled":true}`); res.StatusCode != 200 {
		t.Fatalf("disable dora: %d %s", res.StatusCode, body)
	}
	for _, lang := range []string{"zh-CN", "en"} {
		var first []byte
		var firstHeader http.Header
		for i, login := range []string{
			`{"username":"nobody","password":"` + adminPassword + `"}`, // unknown
			`{"username":"alice","password":"wrong password!"}`,        // wrong password
			`{"username":"dora","password":"` + adminPassword + `"}`,   // disabled
		} {
			res, body := newBrowser(ts, fmt.Sprintf("127.0.1.%d", i+1)).do(t, http.MethodPost, "/api/v1/session", login, "Accept-Language", lang)
			checkProblem(t, res, body, 401, "unauthenticated", "")
			res.Header.Del("Date")
			body = withoutRequestID(t, res, body) // the one part that differs for every request
			if i == 0 {
				first, firstHeader = body, res.Header
				continue
			}
			if !bytes.Equal(body, first) || fmt.Sprint(res.Header) != fmt.Sprint(firstHeader) {
				t.Fatalf("%s: answer %d differs:\n%v %s\n%v %s", lang, i, firstHeader, first, res.Header, body)
			}
		}
	}
}

// With the default configuration, one client address gets api-burst requests to /api/v1 (plus what
// api-rate refills meanwhile), then 429 with Retry-After; another address is not held back, and
// /healthz is never limited.
func TestAPIRateLimitPerAddress(t *testing.T) {
	def := config.Defaults()
	ts := startServer(t, smallSeed(t), func(c *config.Config) { c.APIRate = def.APIRate })
	greedy := newBrowser(ts, "127.0.50.1")
	start := time.Now()
	allowed := 0
	for ; allowed <= 10*def.APIBurst; allowed++ {
		res, body := greedy.do(t, http.MethodGet, "/api/v1/stations/nearby?lat=41.8&lon=123.4", "")
		if res.StatusCode == 429 {
			checkProblem(t, res, body, 429, "rate_limited", "")
			if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs != 1 {
				t.Fatalf("Retry-After %q, want 1 (one token every 1/%d s)", res.Header.Get("Retry-After"), def.APIRate)
			}
			break
		} else if res.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", allowed+1, res.StatusCode, body)
		}
	}
	if most := def.APIBurst + int(time.Since(start).Seconds()*float64(def.APIRate)) + 1; allowed < def.APIBurst || allowed > most {
		t.Fatalf("%d requests allowed before the first 429, want %d to %d", allowed, def.APIBurst, most)
	}
	if res, body := newBrowser(ts, "127.0.50.2").do(t, http.MethodGet, "/api/v1/meta", ""); res.StatusCode != 200 {
		t.Fatalf("another address: %d %s", res.StatusCode, body)
	}
	if res, body := greedy.do(t, http.MethodGet, "/healthz", ""); res.StatusCode != 200 {
		t.Fatalf("healthz from the limited address: %d %s", res.StatusCode, body)
	}
}

// Logins are limited per account name, from whatever address, and per client address, whatever name;
// X-Forwarded-For does not change the address. Limited attempts are refused before the password is
// checked, so the right password gets 429 too.
func TestLoginRateLimits(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword, "add", "boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"boss", "nobody"} { // a real account and an unknown name alike
		for i := 0; i < api.DefaultLoginLimit.Burst; i++ {
			b := newBrowser(ts, fmt.Sprintf("127.0.%d.%d", len(name), i+1))
			res, body := b.do(t, http.MethodPost, "/api/v1/session", `{"username":"`+name+`","password":"guess number `+strconv.Itoa(i)+`"}`)
			checkProblem(t, res, body, 401, "unauthenticated", "")
		}
		b := newBrowser(ts, fmt.Sprintf("127.0.%d.100", len(name)))
		res, body := b.do(t, http.MethodPost, "/api/v1/session", `{"username":"`+strings.ToUpper(name)+`","password":"`+adminPassword+`"}`)
		checkProblem(t, res, body, 429, "rate_limited", "")
		if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 60 {
			t.Fatalf("%s: Retry-After %q", name, res.Header.Get("Retry-After"))
		}
	}

	from := newBrowser(ts, "127.0.9.9")
	started := time.Now()
	for i := 0; i < api.DefaultLoginAddressLimit.Burst; i++ {
		res, body := from.do(t, http.MethodPost, "/api/v1/session", fmt.Sprintf(`{"username":"user%d","password":"some password"}`, i),
			"X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i), "X-Real-IP", fmt.Sprintf("198.51.100.%d", i))
		checkProblem(t, res, body, 401, "unauthenticated", "")
	}
	// Each Every that the burst took to send gave the address one attempt back: on a slow machine
	// (argon2id under the race detector) those are still answered, and the next one is refused.
	for refilled := int(time.Since(started) / api.DefaultLoginAddressLimit.Every); refilled > 0; refilled-- {
		res, body := from.do(t, http.MethodPost, "/api/v1/session", `{"username":"refilled","password":"some password"}`)
		if res.StatusCode == 429 {
			break
		}
		checkProblem(t, res, body, 401, "unauthenticated", "")
	}
	res, body := from.do(t, http.MethodPost, "/api/v1/session", `{"username":"someone","password":"some password"}`,
		"X-Forwarded-For", "203.0.113.77", "X-Real-IP", "203.0.113.77")
	checkProblem(t, res, body, 429, "rate_limited", "")
	if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 10 {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
	// Another address is not held back.
	res, body = newBrowser(ts, "127.0.9.10").do(t, http.MethodPost, "/api/v1/session", `{"username":"someone","password":"some password"}`)
	checkProblem(t, res, body, 401, "unauthenticated", "")
}

// reliability.md §4 C: malformed logins are refused with a problem naming the field, spend no login
// attempt, and every kind of bad session cookie gets the same 401.
func TestLoginBadInput(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword, "add", "boss", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(ts, "127.0.0.1")
	valid := `{"username":"boss","password":"x"}`
	cases := []struct {
		name, contentType, body string
		status                  int
		code, field             string
	}{
		{"no content type", "", valid, 415, "unsupported_media_type", ""},
		{"form post", "application/x-www-form-urlencoded", "username=boss&password=x", 415, "unsupported_media_type", ""},
		{"multipart", "multipart/form-data; boundary=x", valid, 415, "unsupported_media_type", ""},
		{"text/plain", "text/plain", valid, 415, "unsupported_media_type", ""},
		{"json in GBK", "application/json; charset=gbk", valid, 415, "unsupported_media_type", ""},
		{"over 4 KB", "application/json", `{"username":"boss","password":"` + strings.Repeat("p", 5000) + `"}`, 413, "payload_too_large", ""},
		{"empty body", "application/json", "", 400, "invalid_parameter", ""},
		{"not JSON", "application/json", "username=boss", 400, "invalid_parameter", ""},
		{"array", "application/json", `[` + valid + `]`, 400, "invalid_parameter", ""},
		{"truncated", "application/json", `{"username":"boss"`, 400, "invalid_parameter", ""},
		{"two objects", "application/json", valid + valid, 400, "invalid_parameter", ""},
		{"invalid UTF-8", "application/json", "{\"username\":\"boss\xff\",\"password\":\"x\"}", 400, "invalid_parameter", ""},
		{"unknown member", "application/json", `{"username":"boss","password":"x","remember":true}`, 400, "invalid_parameter", "remember"},
		{"member in other case", "application/json", `{"Username":"boss","password":"x"}`, 400, "invalid_parameter", "Username"},
		{"repeated username", "application/json", `{"username":"nobody","username":"boss","password":"x"}`, 400, "duplicate_parameter", "username"},
		{"no username", "application/json", `{"password":"x"}`, 400, "missing_parameter", "username"},
		{"empty username", "application/json", `{"username":"","password":"x"}`, 400, "missing_parameter", "username"},
		{"no password", "application/json", `{"username":"boss"}`, 400, "missing_parameter", "password"},
		{"empty password", "application/json", `{"username":"boss","password":""}`, 400, "missing_parameter", "password"},
		{"null password", "application/json", `{"username":"boss","password":null}`, 400, "invalid_parameter", "password"},
		{"number password", "application/json", `{"username":"boss","password":12345678901234}`, 400, "invalid_parameter", "password"},
		{"object username", "application/json", `{"username":{"$ne":""},"password":"x"}`, 400, "invalid_parameter", "username"},
		{"SQL in username", "application/json", `{"username":"boss' OR '1'='1","password":"x' OR '1'='1"}`, 401, "unauthenticated", ""},
	}
	if len(cases) <= api.DefaultLoginAddressLimit.Burst {
		t.Fatal("test set-up: too few cases to show that refused input spends no attempt")
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.do(t, http.MethodPost, "/api/v1/session", tc.body, "Content-Type", tc.contentType)
			checkProblem(t, res, body, tc.status, tc.code, tc.field)
			if res.Header.Get("Set-Cookie") != "" {
				t.Fatalf("a refused login set a cookie")
			}
		})
	}
	s := b.login(t, "boss", adminPassword) // one SQL-injection attempt counted; the rest did not
	token := strings.TrimPrefix(b.cookie, "yizhan_session=")

	var want []byte
	for _, cookie := range []string{
		"", "yizhan_session=", "yizhan_session=" + token[:42], "yizhan_session=" + token + "A", "yizhan_session=" + token[:42] + "=",
		"yizhan_session=" + flip(token), "yizhan_session=" + strings.Repeat("A", 43), "yizhan_session=" + s.CSRFToken,
		"yizhan_session=../../etc/passwd", "yizhan_session=" + strings.Repeat("x", 4000), "yizhan_session=%00" + token,
		"other=" + token, "Yizhan_Session=" + token,
	} {
		anon := &browser{ts: ts, client: b.client, cookie: cookie}
		res, body := anon.do(t, http.MethodGet, "/api/v1/session", "")
		checkProblem(t, res, body, 401, "unauthenticated", "")
		body = withoutRequestID(t, res, body)
		if want == nil {
			want = body
		} else if !bytes.Equal(body, want) {
			t.Fatalf("cookie %.60q: %s, want %s", cookie, body, want)
		}
		if strings.Contains(string(body), "goroutine") || strings.Contains(string(body), ".go:") {
			t.Fatalf("stack trace in %s", body)
		}
	}
	if res, _ := b.do(t, http.MethodGet, "/api/v1/session", ""); res.StatusCode != 200 {
		t.Fatalf("the real session: %d", res.StatusCode)
	}
	if res, _ := b.do(t, http.MethodHead, "/api/v1/session", ""); res.StatusCode != 200 {
		t.Fatalf("HEAD session: %d", res.StatusCode)
	}
	res, body := b.do(t, http.MethodPut, "/api/v1/session", valid)
	checkProblem(t, res, body, 405, "method_not_allowed", "")
}

// smallSeed writes the first 40 stations of the seed file to a file of their own: these tests need
// only a few stations, and a small seed starts the server much faster under -race.
func smallSeed(t *testing.T) string {
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
	if err := codec.WriteCSV(out, station.Slice(sts[:40]), true); err != nil {
		t.Fatal(err)
	}
	return path
}

// flip changes the last character of a token, keeping it well-formed.
func flip(tok string) string {
	last := tok[len(tok)-1]
	next := byte('A')
	if last == 'A' {
		next = 'B'
	}
	return tok[:len(tok)-1] + string(next)
}

// withoutRequestID removes the request id, which every answer has its own of, from the header and the
// problem body, so that answers can be compared byte for byte.
func withoutRequestID(t *testing.T, res *http.Response, body []byte) []byte {
	t.Helper()
	id := res.Header.Get("X-Request-ID")
	if id == "" || !bytes.Contains(body, []byte(`"request_id":"`+id+`"`)) {
		t.Fatalf("answer without its request id: %q %s", id, body)
	}
	res.Header.Del("X-Request-ID")
	return bytes.Replace(body, []byte(`,"request_id":"`+id+`"`), nil, 1)
}
