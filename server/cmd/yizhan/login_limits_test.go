package main

import (
	"net/http"
	"testing"

	"github.com/yizhan/yizhan/server/api"
)

// Issue 13, class 13: with the default limits on the real server, one account signs in from one
// address more often than the account's burst and every sign-in is accepted; failures still end in
// 429 for the right password.
func TestSignInsSpendNoLoginAttempts(t *testing.T) {
	ts := startServer(t, smallSeed(t))
	if _, err := userCLI(t, ts, adminPassword, "add", "boss", "--role", "admin"); err != nil {
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
