package sqlite_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/sqlite"
	"github.com/yizhan/yizhan/server/station"
)

// A hash of the right shape; the store does not look inside.
const testHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

func mustUser(t *testing.T, db *sqlite.DB, name string, role auth.Role, stations ...string) auth.User {
	t.Helper()
	u, err := db.CreateUser(ctx, auth.User{Username: name, Role: role, Stations: stations}, testHash)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func countRows(t *testing.T, db *sqlite.DB, query string, args ...any) int {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAndGetUsers(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(4)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	if users, err := db.Users(ctx); err != nil || len(users) != 0 {
		t.Fatalf("a fresh database has users: %v %v", users, err)
	}
	before := time.Now().Add(-time.Millisecond)
	admin := mustUser(t, db, "Alice", auth.RoleAdmin)
	op := mustUser(t, db, "张伟", auth.RoleOperator, sts[2].ID, sts[0].ID)
	if admin.ID <= 0 || op.ID <= admin.ID || admin.Username != "Alice" || admin.Role != auth.RoleAdmin || admin.Disabled ||
		admin.PasswordHash != testHash || admin.CreatedAt.Before(before) || !admin.UpdatedAt.Equal(admin.CreatedAt) {
		t.Fatalf("admin %+v", admin)
	}
	if strings.Join(op.Stations, ",") != sts[0].ID+","+sts[2].ID {
		t.Fatalf("operator's stations %v", op.Stations)
	}
	for _, name := range []string{"alice", "ALICE", "Alice"} {
		u, err := db.UserByName(ctx, name)
		if err != nil || u.ID != admin.ID {
			t.Fatalf("by name %q: %+v %v", name, u, err)
		}
		_, err = db.CreateUser(ctx, auth.User{Username: name, Role: auth.RoleOperator}, testHash)
		if station.ErrorCode(err) != auth.CodeAlreadyExists {
			t.Fatalf("duplicate %q: %v", name, err)
		}
	}
	if u, err := db.UserByID(ctx, op.ID); err != nil || u.Username != "张伟" || len(u.Stations) != 2 {
		t.Fatalf("by id: %+v %v", u, err)
	}
	if _, err := db.UserByName(ctx, "bob"); station.ErrorCode(err) != station.CodeNotFound {
		t.Fatalf("unknown name: %v", err)
	}
	if _, err := db.UserByID(ctx, 999); station.ErrorCode(err) != station.CodeNotFound {
		t.Fatalf("unknown id: %v", err)
	}
	// Refused creations write nothing.
	if _, err := db.CreateUser(ctx, auth.User{Username: "carol", Role: auth.RoleAdmin, Stations: []string{sts[0].ID}}, testHash); station.ErrorCode(err) != auth.CodeNotOperator {
		t.Fatalf("admin with stations: %v", err)
	}
	if _, err := db.CreateUser(ctx, auth.User{Username: "carol", Role: auth.RoleOperator, Stations: []string{sts[0].ID, "LN-nope"}}, testHash); station.ErrorCode(err) != station.CodeInvalidParameter || !strings.Contains(err.Error(), "LN-nope") {
		t.Fatalf("unknown station: %v", err)
	}
	users, err := db.Users(ctx)
	if err != nil || len(users) != 2 || users[0].ID != admin.ID || users[1].ID != op.ID || len(users[0].Stations) != 0 || len(users[1].Stations) != 2 {
		t.Fatalf("users %+v %v", users, err)
	}
	// The table itself refuses what the code should never write.
	raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for _, q := range []string{
		`INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES ('x1', 'h', 'root', '', '')`,
		`INSERT INTO users (username, password_hash, role, disabled, created_at, updated_at) VALUES ('x2', 'h', 'admin', 2, '', '')`,
		`INSERT INTO users (username, password_hash, role, created_at, updated_at) VALUES ('ALICE', 'h', 'admin', '', '')`,
	} {
		if _, err := raw.Exec(q); err == nil {
			t.Errorf("accepted: %s", q)
		}
	}
}

func sessionAt(userID int64, now time.Time) (string, auth.Session) {
	return auth.Lifetimes{Absolute: 12 * time.Hour, Idle: 2 * time.Hour}.NewSession(userID, now)
}

func TestSessions(t *testing.T) {
	db := MustOpenDB(t)
	u := mustUser(t, db, "alice", auth.RoleAdmin)
	t0 := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	tok, s := sessionAt(u.ID, t0)
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	// The table holds the token's hash, never the token.
	if n := countRows(t, db, `SELECT count(*) FROM sessions WHERE id_hash = ?`, auth.HashToken(tok)); n != 1 {
		t.Fatalf("%d rows under the hash", n)
	}
	if n := countRows(t, db, `SELECT count(*) FROM sessions WHERE id_hash = ? OR instr(csrf_token, ?) > 0`, tok, tok); n != 0 {
		t.Fatal("the token itself is stored")
	}
	idle := 2 * time.Hour
	got, gotUser, err := db.Session(ctx, s.IDHash, t0.Add(time.Minute), idle)
	if err != nil || got.UserID != u.ID || got.CSRFToken != s.CSRFToken || !got.ExpiresAt.Equal(s.ExpiresAt) || gotUser.Username != "alice" || gotUser.Role != auth.RoleAdmin {
		t.Fatalf("session %+v user %+v: %v", got, gotUser, err)
	}
	refused := func(when time.Time, why string) {
		t.Helper()
		if _, _, err := db.Session(ctx, s.IDHash, when, idle); station.ErrorCode(err) != auth.CodeUnauthenticated {
			t.Fatalf("%s: %v", why, err)
		}
	}
	refused(t0.Add(idle), "idle for 2 h")
	refused(t0.Add(idle+time.Millisecond), "idle for over 2 h")
	// Use keeps it alive until the absolute end.
	for at := t0.Add(time.Hour); at.Before(t0.Add(12 * time.Hour)); at = at.Add(time.Hour) {
		if err := db.TouchSession(ctx, s.IDHash, at); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Session(ctx, s.IDHash, at.Add(time.Minute), idle); err != nil {
			t.Fatalf("at %v: %v", at, err)
		}
	}
	refused(t0.Add(12*time.Hour), "at the absolute end")
	if _, _, err := db.Session(ctx, auth.HashToken(auth.NewToken()), t0, idle); station.ErrorCode(err) != auth.CodeUnauthenticated {
		t.Fatalf("unknown session: %v", err)
	}

	// Cleaning up removes exactly the dead sessions.
	_, fresh := sessionAt(u.ID, t0.Add(11*time.Hour))
	if err := db.CreateSession(ctx, fresh); err != nil {
		t.Fatal(err)
	}
	if n, err := db.DeleteExpiredSessions(ctx, t0.Add(12*time.Hour), idle); err != nil || n != 1 {
		t.Fatalf("deleted %d: %v", n, err)
	}
	if _, _, err := db.Session(ctx, fresh.IDHash, t0.Add(12*time.Hour), idle); err != nil {
		t.Fatalf("live session deleted: %v", err)
	}
	if err := db.DeleteSession(ctx, fresh.IDHash); err != nil {
		t.Fatal(err)
	}
	refused(t0.Add(11*time.Hour), "deleted")
	if err := db.DeleteSession(ctx, fresh.IDHash); err != nil {
		t.Fatalf("deleting twice: %v", err)
	}
}

// Disabling a user or changing the password ends all of the user's sessions in the same
// transaction; a role change or re-enabling does not.
func TestUpdateUserRevokesSessions(t *testing.T) {
	db := MustOpenDB(t)
	admin := mustUser(t, db, "root", auth.RoleAdmin)
	op := mustUser(t, db, "op1", auth.RoleOperator)
	other := mustUser(t, db, "op2", auth.RoleOperator)
	now := time.Now()
	newSessions := func(u auth.User, n int) []auth.Session {
		var out []auth.Session
		for i := 0; i < n; i++ {
			_, s := sessionAt(u.ID, now)
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	live := func(ss []auth.Session) int {
		n := 0
		for _, s := range ss {
			if _, _, err := db.Session(ctx, s.IDHash, now, time.Hour); err == nil {
				n++
			}
		}
		return n
	}
	opSessions, otherSessions := newSessions(op, 3), newSessions(other, 2)
	admins := auth.RoleAdmin
	if u, err := db.UpdateUser(ctx, op.ID, auth.UserChange{Role: &admins}); err != nil || u.Role != auth.RoleAdmin || live(opSessions) != 3 {
		t.Fatalf("role change: %+v %v, %d live", u, err, live(opSessions))
	}
	yes, no := true, false
	if u, err := db.UpdateUser(ctx, op.ID, auth.UserChange{Disabled: &yes}); err != nil || !u.Disabled || live(opSessions) != 0 {
		t.Fatalf("disable: %+v %v, %d live", u, err, live(opSessions))
	}
	if n := countRows(t, db, `SELECT count(*) FROM sessions WHERE user_id = ?`, op.ID); n != 0 {
		t.Fatalf("%d session rows left", n)
	}
	if _, err := db.UpdateUser(ctx, op.ID, auth.UserChange{Disabled: &no}); err != nil || live(opSessions) != 0 {
		t.Fatal("re-enabling brought sessions back")
	}
	if live(otherSessions) != 2 {
		t.Fatal("another user's sessions ended")
	}
	if u, err := db.UpdateUser(ctx, other.ID, auth.UserChange{PasswordHash: testHash + "x"}); err != nil || u.PasswordHash != testHash+"x" || live(otherSessions) != 0 {
		t.Fatalf("password change: %+v %v, %d live", u, err, live(otherSessions))
	}
	adminSessions := newSessions(admin, 1)
	if err := db.RehashPassword(ctx, admin.ID, testHash, testHash+"y"); err != nil || live(adminSessions) != 1 {
		t.Fatalf("rehash: %v, %d live", err, live(adminSessions))
	}
	if u, _ := db.UserByID(ctx, admin.ID); u.PasswordHash != testHash+"y" {
		t.Fatalf("rehash not stored: %s", u.PasswordHash)
	}
	if err := db.RehashPassword(ctx, admin.ID, testHash, testHash+"z"); err != nil {
		t.Fatal(err)
	}
	if u, _ := db.UserByID(ctx, admin.ID); u.PasswordHash != testHash+"y" {
		t.Fatal("a rehash overwrote a newer hash")
	}
	if _, err := db.UpdateUser(ctx, 999, auth.UserChange{Disabled: &yes}); station.ErrorCode(err) != station.CodeNotFound {
		t.Fatalf("unknown user: %v", err)
	}
}

// The last enabled admin can be neither disabled nor demoted; once there is another, either works.
func TestLastAdmin(t *testing.T) {
	db := MustOpenDB(t)
	a := mustUser(t, db, "admin1", auth.RoleAdmin)
	yes := true
	operator, admin := auth.RoleOperator, auth.RoleAdmin
	for _, ch := range []auth.UserChange{{Disabled: &yes}, {Role: &operator}, {Disabled: &yes, Role: &operator}} {
		if _, err := db.UpdateUser(ctx, a.ID, ch); station.ErrorCode(err) != auth.CodeLastAdmin {
			t.Fatalf("%+v: %v", ch, err)
		}
	}
	if u, _ := db.UserByID(ctx, a.ID); u.Role != auth.RoleAdmin || u.Disabled {
		t.Fatalf("refused change written: %+v", u)
	}
	b := mustUser(t, db, "admin2", auth.RoleAdmin)
	bDisabled := true
	if _, err := db.UpdateUser(ctx, b.ID, auth.UserChange{Disabled: &bDisabled}); err != nil {
		t.Fatal(err)
	}
	// A disabled admin does not count.
	if _, err := db.UpdateUser(ctx, a.ID, auth.UserChange{Role: &operator}); station.ErrorCode(err) != auth.CodeLastAdmin {
		t.Fatalf("with only a disabled second admin: %v", err)
	}
	bEnabled := false
	if _, err := db.UpdateUser(ctx, b.ID, auth.UserChange{Disabled: &bEnabled}); err != nil {
		t.Fatal(err)
	}
	if u, err := db.UpdateUser(ctx, a.ID, auth.UserChange{Role: &operator}); err != nil || u.Role != auth.RoleOperator {
		t.Fatalf("demote with another admin: %+v %v", u, err)
	}
	if _, err := db.UpdateUser(ctx, b.ID, auth.UserChange{Disabled: &yes}); station.ErrorCode(err) != auth.CodeLastAdmin {
		t.Fatalf("b is now the last: %v", err)
	}
	if _, err := db.UpdateUser(ctx, a.ID, auth.UserChange{Role: &admin}); err != nil {
		t.Fatal(err)
	}
}

func TestSetUserStations(t *testing.T) {
	db := MustOpenDB(t)
	sts := sample(5)
	if _, err := db.Upsert(ctx, sts, time.Now(), station.UpsertOptions{}); err != nil {
		t.Fatal(err)
	}
	op := mustUser(t, db, "op", auth.RoleOperator, sts[0].ID)
	u, err := db.SetUserStations(ctx, op.ID, []string{sts[3].ID, sts[1].ID})
	if err != nil || strings.Join(u.Stations, ",") != sts[1].ID+","+sts[3].ID {
		t.Fatalf("%+v %v", u, err)
	}
	for _, tc := range []struct {
		ids  []string
		code string
	}{
		{[]string{sts[2].ID, "LN-000000-0000"}, station.CodeInvalidParameter},
		{[]string{""}, station.CodeInvalidParameter},
	} {
		if _, err := db.SetUserStations(ctx, op.ID, tc.ids); station.ErrorCode(err) != tc.code {
			t.Fatalf("%v: %v", tc.ids, err)
		}
	}
	if u, _ := db.UserByID(ctx, op.ID); strings.Join(u.Stations, ",") != sts[1].ID+","+sts[3].ID {
		t.Fatalf("a refused change was written: %v", u.Stations)
	}
	if u, err := db.SetUserStations(ctx, op.ID, nil); err != nil || len(u.Stations) != 0 {
		t.Fatalf("clearing: %+v %v", u, err)
	}
	admin := mustUser(t, db, "adm", auth.RoleAdmin)
	if _, err := db.SetUserStations(ctx, admin.ID, []string{sts[0].ID}); station.ErrorCode(err) != auth.CodeNotOperator {
		t.Fatalf("admin: %v", err)
	}
	if _, err := db.SetUserStations(ctx, admin.ID, nil); err != nil {
		t.Fatalf("clearing an admin's (empty) list: %v", err)
	}
	if _, err := db.SetUserStations(ctx, 999, nil); station.ErrorCode(err) != station.CodeNotFound {
		t.Fatalf("unknown user: %v", err)
	}
	// Promoting an operator drops the assignments.
	if _, err := db.SetUserStations(ctx, op.ID, []string{sts[4].ID}); err != nil {
		t.Fatal(err)
	}
	role := auth.RoleAdmin
	if u, err := db.UpdateUser(ctx, op.ID, auth.UserChange{Role: &role}); err != nil || len(u.Stations) != 0 ||
		countRows(t, db, `SELECT count(*) FROM user_stations WHERE user_id = ?`, op.ID) != 0 {
		t.Fatalf("promoted: %+v %v", u, err)
	}
}
