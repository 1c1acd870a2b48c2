package api_test

import (
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
