package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/yizhan/yizhan/server/auth"
)

type contactUser struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Phone       string `json:"phone"`
}

// An account carries a display name and a phone: given at creation, changed and cleared with PATCH,
// listed, kept across a restart; a phone that breaks the station phone rule and a display name too
// long are refused at their field, and nothing changes.
func TestUserDisplayNameAndPhone(t *testing.T) {
	h := newHarness(t)
	admin := h.signedIn("contactadmin", auth.RoleAdmin)

	status, _, body := admin.do(http.MethodPost, "/api/v1/admin/users",
		`{"username":"wangli","password":"a long enough pass phrase","role":"operator","display_name":"  王丽 · 和平区总工会 ","phone":"０２４-８８８８６６６６"}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	u := decode[contactUser](t, body)
	if u.DisplayName != "王丽 · 和平区总工会" || u.Phone != "024-88886666" {
		t.Fatalf("created %+v: want the name cleaned and the phone folded", u)
	}
	path := "/api/v1/admin/users/" + strconv.FormatInt(u.ID, 10)

	for _, bad := range []struct{ body, field string }{
		{`{"phone":"打电话给我"}`, "phone"},
		{`{"phone":"123"}`, "phone"},
		{`{"display_name":"` + strings.Repeat("名", 65) + `"}`, "display_name"},
	} {
		status, _, body := admin.do(http.MethodPatch, path, bad.body)
		if status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", bad.body, status, body)
		}
		p := decode[struct {
			Code, Field string
		}](t, body)
		if p.Field != bad.field {
			t.Fatalf("%s: field %q, want %q (%s)", bad.body, p.Field, bad.field, body)
		}
	}
	status, _, body = admin.do(http.MethodPost, "/api/v1/admin/users",
		`{"username":"badphone","password":"a long enough pass phrase","role":"operator","phone":"call me"}`)
	if status != http.StatusBadRequest || h.count(t, `SELECT count(*) FROM users WHERE username = 'badphone'`) != 0 {
		t.Fatalf("bad phone at creation: %d %s", status, body)
	}
	if got := h.count(t, `SELECT count(*) FROM users WHERE id = ? AND phone = '024-88886666' AND display_name = '王丽 · 和平区总工会'`, u.ID); got != 1 {
		t.Fatal("a refused change changed the account")
	}

	status, _, body = admin.do(http.MethodPatch, path, `{"phone":"13912345678","display_name":"王丽"}`)
	if status != http.StatusOK {
		t.Fatalf("patch: %d %s", status, body)
	}
	if u = decode[contactUser](t, body); u.Phone != "13912345678" || u.DisplayName != "王丽" {
		t.Fatalf("patched %+v", u)
	}
	// The password still works: changing the contact keeps the sessions and the password.
	newBrowser(h, "127.0.0.41").login(t, "wangli", "a long enough pass phrase")

	h = reopened(t, h)
	admin = h.signedIn("contactadmin2", auth.RoleAdmin)
	status, _, body = admin.do(http.MethodGet, "/api/v1/admin/users", "")
	if status != http.StatusOK {
		t.Fatalf("list: %d %s", status, body)
	}
	var found bool
	for _, x := range decode[struct{ Users []contactUser }](t, body).Users {
		if x.Username == "wangli" {
			found = x.Phone == "13912345678" && x.DisplayName == "王丽"
		}
	}
	if !found {
		t.Fatalf("the list after a restart lacks wangli's name and phone: %s", body)
	}

	status, _, body = admin.do(http.MethodPatch, path, `{"phone":"","display_name":""}`)
	if u = decode[contactUser](t, body); status != http.StatusOK || u.Phone != "" || u.DisplayName != "" {
		t.Fatalf("clearing: %d %s", status, body)
	}
}
