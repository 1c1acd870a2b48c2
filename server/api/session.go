package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/hours"
	"github.com/yizhan/yizhan/server/station"
)

// UserStore keeps accounts and sessions; *sqlite.DB is one. Errors are *station.Error with the codes
// named, or internal failures.
type UserStore interface {
	// CreateUser stores a new account with u's Username, Role, Disabled and Stations and returns it
	// with its ID: already_exists when the name is taken, not_operator when an admin is given
	// stations, invalid_parameter when a station does not exist.
	CreateUser(ctx context.Context, u auth.User, passwordHash string) (auth.User, error)
	// UserByName and UserByID return an account with its password hash and stations: not_found.
	UserByName(ctx context.Context, name string) (auth.User, error)
	UserByID(ctx context.Context, id int64) (auth.User, error)
	// Users returns every account in id order.
	Users(ctx context.Context) ([]auth.User, error)
	// UpdateUser applies ch and, when ch.RevokesSessions, ends the user's sessions in the same
	// transaction: not_found, last_admin.
	UpdateUser(ctx context.Context, id int64, ch auth.UserChange) (auth.User, error)
	// RehashPassword stores newHash while the stored hash is still oldHash; sessions stay.
	RehashPassword(ctx context.Context, id int64, oldHash, newHash string) error
	// SetUserStations replaces an operator's stations: not_found, not_operator, invalid_parameter.
	SetUserStations(ctx context.Context, id int64, stationIDs []string) (auth.User, error)
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s auth.Session) error
	// Session returns a live session (not past its end, used within idle, user enabled) and its
	// user: unauthenticated otherwise.
	Session(ctx context.Context, idHash string, now time.Time, idle time.Duration) (auth.Session, auth.User, error)
	// TouchSession records a use of the session at now.
	TouchSession(ctx context.Context, idHash string, now time.Time) error
	// DeleteSession ends a session; ending one that is gone is no error.
	DeleteSession(ctx context.Context, idHash string) error
	// DeleteExpiredSessions removes sessions that have ended.
	DeleteExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error)
}

// sessionCookieName holds the session token. It has no __Host- prefix because that requires Secure,
// and the server may be reached over plain HTTP on a local network; Secure is set whenever the
// request came over TLS.
const sessionCookieName = "yizhan_session"

// maxLoginBody fits a username and a 256-character password, every character a 6-byte \u escape.
const maxLoginBody = 4 << 10

// sessionBody is the answer to a login and to GET /session. The CSRF token is sent here, not in a
// cookie, so that only our own pages can read it and send it back in X-CSRF-Token.
type sessionBody struct {
	User      sessionUser `json:"user"`
	CSRFToken string      `json:"csrf_token"`
	ExpiresAt string      `json:"expires_at"` // the absolute end; the idle timeout may end it sooner
}

type sessionUser struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	Role     string `json:"role"`
}

func newSessionBody(u auth.User, s auth.Session) sessionBody {
	return sessionBody{
		User:      sessionUser{ID: u.ID, Username: u.Username, Role: string(u.Role)},
		CSRFToken: s.CSRFToken,
		ExpiresAt: s.ExpiresAt.In(codec.Shanghai).Format(time.RFC3339),
	}
}

// errBadLogin is the one answer for an unknown user, a wrong password and a disabled account, so that
// an answer does not tell which names exist (ASVS 6.3.8).
func errBadLogin() error {
	return station.Errorf(auth.CodeUnauthenticated, "", "the username or password is wrong, or the account is disabled")
}

// POST /api/v1/session {username, password}: log in. The attempt spends a token of the client
// address's and the account name's login limits before the password is checked and gets them back
// when the password is right (limits.go: failures count, sign-ins do not); an unknown name costs the
// same work as a known one.
func (s *server) login(c echo.Context) error {
	if s.Users == nil {
		return station.Errorf(station.CodeUnavailable, "", "this server has no accounts")
	}
	var username, password string
	given, err := readObject(c, maxLoginBody, map[string]any{"username": &username, "password": &password})
	if err != nil {
		return err
	}
	username = station.Clean(username) // as it was cleaned when the account was made
	for _, name := range []string{"username", "password"} {
		if !given[name] || name == "username" && username == "" || name == "password" && password == "" {
			return station.Errorf(station.CodeMissingParameter, name, "%s is required", name)
		}
	}
	now := s.Now()
	addr, account := clientKey(clientAddr(c)), accountKey(username)
	if err := limited(c, s.addrLimiter, addr, now, station.Msg("login attempts from this address")); err != nil {
		return err
	}
	if err := limited(c, s.loginLimiter, account, now, station.Msg("login attempts for this account")); err != nil {
		s.addrLimiter.giveBack(addr, now) // refused before any password was tried
		return err
	}

	ctx := c.Request().Context()
	u, err := s.Users.UserByName(ctx, username)
	if station.ErrorCode(err) == station.CodeNotFound {
		auth.VerifyDummy(password)
		return errBadLogin()
	}
	if err != nil {
		return err
	}
	ok, stale, err := auth.VerifyPassword(password, u.PasswordHash)
	if err != nil {
		return err
	}
	if !ok || u.Disabled {
		return errBadLogin()
	}
	s.addrLimiter.giveBack(addr, s.Now())
	s.loginLimiter.giveBack(account, s.Now())
	if stale {
		if err := s.Users.RehashPassword(ctx, u.ID, u.PasswordHash, auth.HashPassword(password)); err != nil {
			s.Log.Warn("login: storing the re-hashed password failed", "user_id", u.ID, "err", err)
		}
	}
	if _, err := s.Users.DeleteExpiredSessions(ctx, now, s.lifetimes.Idle); err != nil {
		s.Log.Warn("login: deleting expired sessions failed", "err", err)
	}
	// A session this browser had before ends: each login starts a new one (ASVS 7.2.4).
	if old, err := c.Cookie(sessionCookieName); err == nil && auth.WellFormedToken(old.Value) {
		if err := s.Users.DeleteSession(ctx, auth.HashToken(old.Value)); err != nil {
			return err
		}
	}
	token, sess := s.lifetimes.NewSession(u.ID, now)
	if err := s.Users.CreateSession(ctx, sess); err != nil {
		return err
	}
	c.SetCookie(s.sessionCookie(c, token, int(s.lifetimes.Absolute/time.Second)))
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, newSessionBody(u, sess))
}

// GET /api/v1/session: who is signed in, and the CSRF token to send with writes (a reloaded page has
// lost it).
func (s *server) currentSession(c echo.Context) error {
	u, sess := signedInUser(c)
	return c.JSON(http.StatusOK, newSessionBody(u, sess))
}

// DELETE /api/v1/session: log out. The session ends on the server, so the cookie is worthless even
// if a copy of it survives.
func (s *server) logout(c echo.Context) error {
	_, sess := signedInUser(c)
	if err := s.Users.DeleteSession(c.Request().Context(), sess.IDHash); err != nil {
		return err
	}
	c.SetCookie(s.sessionCookie(c, "", -1))
	return c.NoContent(http.StatusNoContent)
}

// sessionCookie is the session cookie with value; maxAge < 0 deletes it.
func (s *server) sessionCookie(c echo.Context, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: sessionCookieName, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.secure(c),
	}
}

// readObject reads a request body that must be one JSON object in UTF-8 of at most limit bytes, sent
// as application/json. Each member's value is decoded into members[name], which is a *string, *bool
// *float64 or *[]string; it returns which members were given. An unknown member, a repeated one, a null or a
// value of the wrong type is an error naming the member: encoding/json alone would match names
// without regard to case, let a repeated member win silently and turn invalid bytes into U+FFFD.
func readObject(c echo.Context, limit int64, members map[string]any) (map[string]bool, error) {
	req := c.Request()
	mt, params, err := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if err != nil || mt != echo.MIMEApplicationJSON || params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8") {
		return nil, station.Errorf(codeUnsupportedMediaType, "", "send the body as Content-Type: application/json (UTF-8)")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, station.Errorf(codePayloadTooLarge, "", "the body may have at most %d bytes", limit)
	case err != nil:
		return nil, station.Errorf(station.CodeInvalidParameter, "", "the body could not be read in full")
	case !utf8.Valid(body):
		return nil, station.Errorf(station.CodeInvalidParameter, "", "the body is not valid UTF-8")
	}
	names := strings.Join(slices.Sorted(maps.Keys(members)), ", ")
	notObject := station.Errorf(station.CodeInvalidParameter, "", "the body must be one JSON object with the members %s", names)
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, notObject
	}
	given := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notObject
		}
		name, _ := tok.(string)
		dst, ok := members[name]
		if !ok {
			return nil, station.Errorf(station.CodeInvalidParameter, name, "unknown member %.60q: the members are %s", name, names)
		}
		if given[name] {
			return nil, station.Errorf(station.CodeDuplicateParameter, name, "%s is given twice; give it once", name)
		}
		given[name] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, notObject
		}
		if err := json.Unmarshal(raw, dst); err != nil || string(raw) == "null" {
			kind := station.Msg("true or false")
			switch dst.(type) {
			case *string:
				kind = station.Msg("a string")
			case *[]string:
				kind = station.Msg("a list of strings")
			case *float64:
				kind = station.Msg("a number")
			case *[]hours.Day:
				kind = station.Msg("a list of days, each {\"date\": \"2027-02-06\", \"kind\": \"holiday\", \"name\": \"春节\"}")
			case *int64:
				kind = station.Msg("a whole number")
			}
			return nil, station.Errorf(station.CodeInvalidParameter, name, "%s must be %s", name, kind)
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, notObject
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, notObject // something follows the object
	}
	return given, nil
}
