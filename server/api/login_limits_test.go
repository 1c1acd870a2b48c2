package api_test

import (
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

// limitedLoginServer serves the API over a fresh database with the admin "root" and small login
// limits (2 per account name, 4 per address, then one a minute each), under the fake clock clk.
func limitedLoginServer(t *testing.T) (*httptest.Server, *clock) {
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
	srv := httptest.NewServer(api.New(api.Deps{Users: db, Now: clk.Now, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		LoginLimit: api.RateLimit{Burst: 2, Every: time.Minute}, LoginAddressLimit: api.RateLimit{Burst: 4, Every: time.Minute}}))
	t.Cleanup(srv.Close)
	return srv, clk
}

// loginStatus sends one login and returns its status and Retry-After.
func loginStatus(t *testing.T, srv *httptest.Server, name, password string) (int, string) {
	t.Helper()
	res := send(t, srv.Client(), http.MethodPost, srv.URL+"/api/v1/session", fmt.Sprintf(`{"username":%q,"password":%q}`, name, password))
	return res.StatusCode, res.Header.Get("Retry-After")
}

// Login limits count failures, not sign-ins: signing in again and again is never refused, from one
// address or for one account; failures still end in 429 with Retry-After; a sign-in between failures
// is accepted but does not wipe them (limits.go says why).
func TestLoginLimitsCountFailures(t *testing.T) {
	t.Run("sign-ins in a row", func(t *testing.T) {
		t.Parallel()
		srv, _ := limitedLoginServer(t)
		for i := 0; i < 4+1; i++ { // past both bursts
			if status, _ := loginStatus(t, srv, "root", testPassword); status != 200 {
				t.Fatalf("sign-in %d: %d", i+1, status)
			}
		}
		// The buckets are still full: the account takes its 2 failures, then 429.
		for i := 0; i < 2; i++ {
			if status, _ := loginStatus(t, srv, "ROOT", "wrong "+strconv.Itoa(i)); status != 401 {
				t.Fatalf("failure %d after the sign-ins: %d", i+1, status)
			}
		}
		if status, after := loginStatus(t, srv, "root", testPassword); status != 429 || after != "60" {
			t.Fatalf("right password after 2 failures: %d, Retry-After %q", status, after)
		}
	})
	t.Run("a sign-in between failures does not reset them", func(t *testing.T) {
		t.Parallel()
		srv, clk := limitedLoginServer(t)
		for _, password := range []string{"wrong 1", testPassword, testPassword, "wrong 2"} {
			want := 401
			if password == testPassword {
				want = 200
			}
			if status, _ := loginStatus(t, srv, "root", password); status != want {
				t.Fatalf("%q: %d, want %d", password, status, want)
			}
		}
		status, after := loginStatus(t, srv, "root", testPassword)
		secs, _ := strconv.Atoi(after)
		if status != 429 || secs < 1 || secs > 60 {
			t.Fatalf("right password after 2 failures around 2 sign-ins: %d, Retry-After %q", status, after)
		}
		clk.Add(time.Duration(secs) * time.Second)
		if status, _ := loginStatus(t, srv, "root", testPassword); status != 200 {
			t.Fatalf("after Retry-After: %d", status)
		}
	})
	t.Run("per address: sign-ins between guesses at other names", func(t *testing.T) {
		t.Parallel()
		srv, _ := limitedLoginServer(t)
		for i := 0; i < 4; i++ {
			if status, _ := loginStatus(t, srv, "root", testPassword); status != 200 {
				t.Fatalf("sign-in %d: %d", i+1, status)
			}
			if status, _ := loginStatus(t, srv, "user"+strconv.Itoa(i), "a guess"); status != 401 {
				t.Fatalf("guess %d: %d", i+1, status)
			}
		}
		if status, after := loginStatus(t, srv, "user99", "a guess"); status != 429 || after != "60" {
			t.Fatalf("5th guess from the address: %d, Retry-After %q", status, after)
		}
	})
	t.Run("a refused attempt costs the address nothing", func(t *testing.T) {
		t.Parallel()
		srv, _ := limitedLoginServer(t)
		for i := 0; i < 2; i++ {
			loginStatus(t, srv, "root", "wrong")
		}
		for i := 0; i < 3; i++ { // the account is limited: no password is tried
			if status, _ := loginStatus(t, srv, "root", "wrong"); status != 429 {
				t.Fatalf("limited attempt %d: %d", i+1, status)
			}
		}
		for i := 0; i < 2; i++ { // 2 failures so far: the address has 2 more
			if status, _ := loginStatus(t, srv, "other"+strconv.Itoa(i), "a guess"); status != 401 {
				t.Fatalf("guess %d at another name: %d", i+1, status)
			}
		}
		if status, _ := loginStatus(t, srv, "other9", "a guess"); status != 429 {
			t.Fatalf("5th failure from the address: %d", status)
		}
	})
	t.Run("parallel guesses", func(t *testing.T) {
		t.Parallel()
		// Each attempt holds its token while the password is checked, so 6 guesses at once still get
		// only 2 tries.
		srv, _ := limitedLoginServer(t)
		statuses := make([]int, 6)
		var wg sync.WaitGroup
		for i := range statuses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Not send: t.Fatal belongs to the test's goroutine; a failed request shows as status 0.
				res, err := srv.Client().Post(srv.URL+"/api/v1/session", "application/json",
					strings.NewReader(`{"username":"root","password":"guess `+strconv.Itoa(i)+`"}`))
				if err == nil {
					statuses[i] = res.StatusCode
					res.Body.Close()
				}
			}()
		}
		wg.Wait()
		count := map[int]int{}
		for _, s := range statuses {
			count[s]++
		}
		if count[401] != 2 || count[429] != 4 {
			t.Fatalf("6 parallel guesses: %v", count)
		}
	})
}

// Issue 13, class 13: with the default limits on the real server, one account signs in from one
// address more often than the account's burst and every sign-in is accepted; failures still end in
// 429 for the right password.
func TestSignInsSpendNoLoginAttempts(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userAdd(ts, adminPassword, "boss", "admin"); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(ts, "127.0.13.1")
	for i := 0; i < api.DefaultLoginLimit.Burst+1; i++ {
		b.login(t, "boss", adminPassword) // fails the test on anything but 200
	}
	for i := 0; i < api.DefaultLoginLimit.Burst; i++ {
		res, body := b.do(t, http.MethodPost, "/api/v1/session", `{"username":"boss","password":"a wrong guess"}`)
		checkProblem(t, res, body, 401, "unauthenticated", "")
	}
	res, body := b.do(t, http.MethodPost, "/api/v1/session", `{"username":"boss","password":"`+adminPassword+`"}`)
	checkProblem(t, res, body, 429, "rate_limited", "")
	if res.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}
