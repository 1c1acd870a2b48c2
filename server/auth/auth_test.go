package auth_test

import (
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/station"
)

var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$`)

func TestHashRoundTrip(t *testing.T) {
	for _, pw := range []string{"correct horse battery staple", "驿站管理员的密码很长很长", "  spaces kept  ", strings.Repeat("密", 256)} {
		h := auth.HashPassword(pw)
		m := phc.FindStringSubmatch(h)
		if m == nil {
			t.Fatalf("%q is not the PHC string of the default parameters", h)
		}
		if ok, stale, err := auth.VerifyPassword(pw, h); !ok || stale || err != nil {
			t.Fatalf("%q: verify ok %v stale %v err %v", pw, ok, stale, err)
		}
		// A fresh salt every time: the same password never hashes alike.
		if h2 := auth.HashPassword(pw); h2 == h || phc.FindStringSubmatch(h2)[1] == m[1] {
			t.Fatalf("two hashes of %q share a salt: %s %s", pw, h, h2)
		}
	}
}

func TestWrongPassword(t *testing.T) {
	h := auth.HashPassword("correct horse battery staple")
	for _, pw := range []string{"", "correct horse battery stapl", "correct horse battery staple ", "Correct horse battery staple",
		"correct horse battery staple\x00"} {
		if ok, _, err := auth.VerifyPassword(pw, h); ok || err != nil {
			t.Errorf("%q accepted (err %v)", pw, err)
		}
	}
	auth.VerifyDummy("anything") // must not panic, and matches nothing
}

// A hash made with other parameters still verifies, and says it should be made again.
func TestStaleParameters(t *testing.T) {
	old := auth.Params{Memory: 8 << 10, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	h := old.Hash("an older password hash")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=8192,t=1,p=1$") {
		t.Fatalf("hash %s", h)
	}
	ok, stale, err := auth.VerifyPassword("an older password hash", h)
	if !ok || !stale || err != nil {
		t.Fatalf("ok %v stale %v err %v", ok, stale, err)
	}
	if ok, _, _ := auth.VerifyPassword("another password!", h); ok {
		t.Fatal("wrong password accepted")
	}
}

// Stored hashes that are not ours, or ask for absurd work, are errors, never a match.
func TestBadStoredHash(t *testing.T) {
	good := auth.HashPassword("a good password")
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	for _, h := range []string{
		"", "plain", good[1:], good + "$", strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		"$argon2id$v=19$m=4194304,t=2,p=1$" + salt + "$" + key, // 4 GiB
		"$argon2id$v=19$m=19456,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1,x=3$" + salt + "$" + key,
		"$argon2id$v=19$t=2,m=19456,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=019456,t=2,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "=$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key[:10],
		"$argon2id$v=19$m=19456,t=2,p=1$$" + key,
		"$argon2id$v=19$m=19456,t=2,p=1$" + base64.RawURLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0xf8, 0xf7, 0xf6, 0xf5}) + "$" + key,
	} {
		if ok, _, err := auth.VerifyPassword("a good password", h); ok || err == nil {
			t.Errorf("%q: ok %v err %v", h, ok, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		user, pw string
		code     string // "" = accepted
	}{
		{"alice", "twelve chars", ""},
		{"alice", "驿站驿站驿站驿站驿站驿站", ""},
		{"alice", strings.Repeat("x", 256), ""},
		{"alice", "  twelve with spaces  ", ""},
		{"alice", "eleven char", station.CodeOutOfRange},
		{"alice", "", station.CodeOutOfRange},
		{"alice", strings.Repeat("x", 257), station.CodeOutOfRange},
		{"alice", "tab\tinside password", station.CodeInvalidParameter},
		{"alice", "new\nline password", station.CodeInvalidParameter},
		{"alice", "nul\x00inside password", station.CodeInvalidParameter},
		{"alice", "del\x7finside password", station.CodeInvalidParameter},
		{"alice", "bad utf-8 \xff\xfe password", station.CodeInvalidParameter},
		{"longusername", "LongUserName", station.CodeInvalidParameter},
		{"longusername", " longusername ", station.CodeInvalidParameter},
	} {
		err := auth.CheckPassword(tc.user, tc.pw)
		if tc.code == "" && err != nil || tc.code != "" && (station.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), "password")) {
			t.Errorf("%q for %q: %v, want code %q", tc.pw, tc.user, err, tc.code)
		}
	}
	if g := auth.GeneratePassword(); auth.CheckPassword("alice", g) != nil || len(g) < 24 || g == auth.GeneratePassword() {
		t.Errorf("generated password %q", g)
	}
}

func TestCleanUsername(t *testing.T) {
	for _, name := range []string{"al", "alice", "Ops.Shenyang-01", "a_b@c", "张伟", strings.Repeat("a", 64)} {
		if got, err := auth.CleanUsername(name); err != nil || got != name {
			t.Errorf("%q: %q, %v", name, got, err)
		}
	}
	// Invisible characters go, as on every write path (station.Clean); what is left is checked.
	for in, want := range map[string]string{"tab\t": "tab", "null\x00": "null", "rtl\u202ename": "rtlname",
		"\u200b张伟\ufeff": "张伟", " alice\u00ad ": "alice", "a\u2060l": "al"} {
		if got, err := auth.CleanUsername(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, name := range []string{"", "a", "\u200ba\u200b", strings.Repeat("a", 65), "has space", "semi;colon", "quote'", "<b>",
		"ａｌｉｃｅ", "аlice", "\xff\xfe", "\u200b\u200c"} {
		if _, err := auth.CleanUsername(name); err == nil {
			t.Errorf("%q accepted", name)
		}
	}
}

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		tok := auth.NewToken()
		if len(tok) != 43 || !auth.WellFormedToken(tok) || seen[tok] {
			t.Fatalf("token %q (len %d, seen %v)", tok, len(tok), seen[tok])
		}
		seen[tok] = true
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q decodes to %d bytes: %v", tok, len(raw), err)
		}
	}
	tok := auth.NewToken()
	for _, bad := range []string{"", tok[:42], tok + "A", tok[:42] + "=", tok[:42] + "+", tok[:42] + "/", tok[:42] + "é"[:1], strings.Repeat(".", 43)} {
		if auth.WellFormedToken(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	h := auth.HashToken(tok)
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(h) || h == tok || h != auth.HashToken(tok) || h == auth.HashToken(auth.NewToken()) {
		t.Fatalf("hash %q of %q", h, tok)
	}
	if !auth.SameToken(tok, tok) || auth.SameToken(tok, auth.NewToken()) || auth.SameToken("", "") || auth.SameToken(tok[:42], tok) {
		t.Fatal("SameToken")
	}
}

func TestNewSession(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	l := auth.Lifetimes{Absolute: 3 * time.Hour, Idle: time.Hour}
	tok, s := l.NewSession(7, now)
	tok2, s2 := l.NewSession(7, now)
	if tok == tok2 || s.IDHash == s2.IDHash || s.CSRFToken == s2.CSRFToken || s.CSRFToken == tok {
		t.Fatal("two sessions share a token")
	}
	if s.IDHash != auth.HashToken(tok) || s.UserID != 7 || !s.CreatedAt.Equal(now) || !s.LastSeenAt.Equal(now) ||
		!s.ExpiresAt.Equal(now.Add(3*time.Hour)) || !auth.WellFormedToken(s.CSRFToken) {
		t.Fatalf("session %+v", s)
	}
	if d := (auth.Lifetimes{Idle: time.Minute}).OrDefault(); d.Absolute != 12*time.Hour || d.Idle != time.Minute {
		t.Fatalf("OrDefault %+v", d)
	}
}

func TestCanEdit(t *testing.T) {
	assigned := func(userID int64, stationID string) bool { return userID == 2 && stationID == "LN-1" }
	for _, tc := range []struct {
		u    auth.User
		id   string
		want bool
	}{
		{auth.User{ID: 1, Role: auth.RoleAdmin}, "LN-1", true},
		{auth.User{ID: 1, Role: auth.RoleAdmin}, "LN-2", true},
		{auth.User{ID: 1, Role: auth.RoleAdmin, Disabled: true}, "LN-1", false},
		{auth.User{ID: 2, Role: auth.RoleOperator}, "LN-1", true},
		{auth.User{ID: 2, Role: auth.RoleOperator}, "LN-2", false},
		{auth.User{ID: 3, Role: auth.RoleOperator}, "LN-1", false},
		{auth.User{ID: 2, Role: auth.RoleOperator, Disabled: true}, "LN-1", false},
		{auth.User{ID: 2, Role: "root"}, "LN-1", false},
	} {
		if got := auth.CanEdit(tc.u, tc.id, assigned); got != tc.want {
			t.Errorf("%+v on %s: %v, want %v", tc.u, tc.id, got, tc.want)
		}
	}
	for _, s := range []string{"admin", "operator"} {
		if r, ok := auth.ParseRole(s); !ok || string(r) != s {
			t.Errorf("ParseRole(%q)", s)
		}
	}
	for _, s := range []string{"", "Admin", "root", " admin"} {
		if _, ok := auth.ParseRole(s); ok {
			t.Errorf("ParseRole(%q) accepted", s)
		}
	}
}
