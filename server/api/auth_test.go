package api_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/api"
	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/sqlite"
)

// clock is a fake time source that tests move forward instead of sleeping.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testPassword = "a long enough password"

// authServer serves the API on loopback over a fresh database with one admin, "root", under the fake
// clock clk.
func authServer(t *testing.T, tlsServer bool, l auth.Lifetimes) (*httptest.Server, *clock) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "y.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.CreateUser(t.Context(), auth.User{Username: "root", Role: auth.RoleAdmin}, auth.HashPassword(testPassword)); err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)}
	h := api.New(api.Deps{Users: db, Sessions: l, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var srv *httptest.Server
	if tlsServer {
		srv = httptest.NewTLSServer(h)
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, clk
}

func send(t *testing.T, client *http.Client, method, url, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// loginCookie logs root in and returns the "name=value" of the session cookie.
func loginCookie(t *testing.T, srv *httptest.Server) (*http.Cookie, string) {
	t.Helper()
	res := send(t, srv.Client(), http.MethodPost, srv.URL+"/api/v1/session", `{"username":"root","password":"`+testPassword+`"}`)
	if res.StatusCode != 200 || len(res.Cookies()) != 1 {
		t.Fatalf("login: %d, cookies %v", res.StatusCode, res.Cookies())
	}
	c := res.Cookies()[0]
	return c, c.Name + "=" + c.Value
}

// A session ends at its absolute lifetime however busy it is.
func TestSessionAbsoluteLifetime(t *testing.T) {
	srv, clk := authServer(t, false, auth.Lifetimes{Absolute: 3 * time.Hour, Idle: 30 * time.Minute})
	c, cookie := loginCookie(t, srv)
	if c.MaxAge != 3*3600 {
		t.Fatalf("Max-Age %d, want the lifetime", c.MaxAge)
	}
	for i := 0; i < 8; i++ { // a request every 20 minutes up to 2 h 40
		clk.Add(20 * time.Minute)
		if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", cookie); res.StatusCode != 200 {
			t.Fatalf("after %v: %d", time.Duration(i+1)*20*time.Minute, res.StatusCode)
		}
	}
	clk.Add(19*time.Minute + 59*time.Second)
	if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", cookie); res.StatusCode != 200 {
		t.Fatalf("a second before the end: %d", res.StatusCode)
	}
	clk.Add(time.Second)
	if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", cookie); res.StatusCode != 401 {
		t.Fatalf("at the end: %d", res.StatusCode)
	}
}

// A session unused for the idle timeout ends; every use restarts the count.
func TestSessionIdleTimeout(t *testing.T) {
	srv, clk := authServer(t, false, auth.Lifetimes{Absolute: 12 * time.Hour, Idle: 30 * time.Minute})
	_, cookie := loginCookie(t, srv)
	for i := 0; i < 4; i++ {
		clk.Add(29 * time.Minute)
		if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", cookie); res.StatusCode != 200 {
			t.Fatalf("used again after 29 min (round %d): %d", i, res.StatusCode)
		}
	}
	clk.Add(30 * time.Minute)
	if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", cookie); res.StatusCode != 401 {
		t.Fatalf("after 30 idle minutes: %d", res.StatusCode)
	}
	// A new login works, and the old cookie stays dead.
	_, fresh := loginCookie(t, srv)
	if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", fresh); res.StatusCode != 200 {
		t.Fatalf("new session: %d", res.StatusCode)
	}
	if res := send(t, srv.Client(), http.MethodGet, srv.URL+"/api/v1/session", "", "Cookie", cookie); res.StatusCode != 401 {
		t.Fatalf("old session after a new login: %d", res.StatusCode)
	}
}

// The login limit is a delay, not a lockout: after Retry-After the account may try again.
func TestLoginLimitRefills(t *testing.T) {
	srv, clk := authServer(t, false, auth.Lifetimes{})
	wrong := `{"username":"root","password":"not the password"}`
	for i := 0; i < api.DefaultLoginLimit.Burst; i++ {
		if res := send(t, srv.Client(), http.MethodPost, srv.URL+"/api/v1/session", wrong); res.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i+1, res.StatusCode)
		}
	}
	res := send(t, srv.Client(), http.MethodPost, srv.URL+"/api/v1/session", `{"username":"ROOT","password":"`+testPassword+`"}`)
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if res.StatusCode != 429 || err != nil || secs < 1 || secs > 60 {
		t.Fatalf("over the limit: %d, Retry-After %q", res.StatusCode, res.Header.Get("Retry-After"))
	}
	clk.Add(time.Duration(secs) * time.Second)
	if _, cookie := loginCookie(t, srv); cookie == "" {
		t.Fatal("no cookie")
	}
}

// Over TLS the cookie is Secure as well.
func TestSecureCookieOverTLS(t *testing.T) {
	srv, _ := authServer(t, true, auth.Lifetimes{})
	res := send(t, srv.Client(), http.MethodPost, srv.URL+"/api/v1/session", `{"username":"root","password":"`+testPassword+`"}`)
	raw := res.Header.Get("Set-Cookie")
	for _, want := range []string{"yizhan_session=", "Path=/", "Max-Age=43200", "HttpOnly", "Secure", "SameSite=Strict"} {
		if !strings.Contains(raw, want) {
			t.Fatalf("Set-Cookie %q lacks %s", raw, want)
		}
	}
}

// Logout ends the session on the server: the old cookie is worthless afterwards.
func TestLogoutRevokes(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
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
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, err := userAdd(ts, opPassword, "op1", "operator", ts.stations[0].ID); err != nil {
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
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
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
		if _, err := userAdd(ts, adminPassword, u, "admin"); err != nil {
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
	ts := startServer(t, smallSeed(t), func(d *api.Deps) { d.APILimit = api.RateLimit{} }) // the default limit
	def := api.DefaultAPILimit
	rate := int(time.Second / def.Every)
	greedy := newBrowser(ts, "127.0.50.1")
	start := time.Now()
	allowed := 0
	for ; allowed <= 10*def.Burst; allowed++ {
		res, body := greedy.do(t, http.MethodGet, "/api/v1/stations/nearby?lat=41.8&lon=123.4", "")
		if res.StatusCode == 429 {
			checkProblem(t, res, body, 429, "rate_limited", "")
			if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs != 1 {
				t.Fatalf("Retry-After %q, want 1 (one token every 1/%d s)", res.Header.Get("Retry-After"), rate)
			}
			break
		} else if res.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", allowed+1, res.StatusCode, body)
		}
	}
	if most := def.Burst + int(time.Since(start).Seconds()*float64(rate)) + 1; allowed < def.Burst || allowed > most {
		t.Fatalf("%d requests allowed before the first 429, want %d to %d", allowed, def.Burst, most)
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
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
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
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
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
		anon := &browser{h: ts, client: b.client, cookie: cookie}
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
