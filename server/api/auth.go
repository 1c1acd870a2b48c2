package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/station"
)

// csrfHeader carries the session's CSRF token on every write (synchroniser token pattern). A page of
// another site can make the browser send our cookie but cannot read the token; SameSite=Strict is
// the second line of defence.
const csrfHeader = "X-CSRF-Token"

// touchEvery is how stale a session's last use may be before a request records it again: the idle
// timeout does not need finer steps, and this keeps most signed-in reads from writing.
const touchEvery = time.Minute

// touchTimeout bounds how long a request waits to record its session's use.
const touchTimeout = 2 * time.Second

// Context keys for what signedIn found.
const (
	ctxUser    = "yizhan.user"
	ctxSession = "yizhan.session"
)

// errSignedOut is the one answer for a missing, malformed, unknown, expired or revoked session
// (reliability.md §4 C 22): none of them tells more than another.
func errSignedOut() error {
	return station.Errorf(auth.CodeUnauthenticated, "", "sign in first: there is no session, or it has ended")
}

// signedIn lets a request through only with a live session cookie: it answers 401 unauthenticated
// otherwise, and 403 forbidden for a write (anything but GET and HEAD) whose X-CSRF-Token is not the
// session's. It records the session's use and puts the user in the context for signedInUser.
// Answers behind it are personal and never cached.
func (s *server) signedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.Users == nil {
			return station.Errorf(station.CodeUnavailable, "", "this server has no accounts")
		}
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		cookie, err := c.Cookie(sessionCookieName)
		if err != nil || !auth.WellFormedToken(cookie.Value) {
			return errSignedOut()
		}
		now := s.Now()
		ctx := c.Request().Context()
		sess, u, err := s.Users.Session(ctx, auth.HashToken(cookie.Value), now, s.lifetimes.Idle)
		if station.ErrorCode(err) == auth.CodeUnauthenticated {
			return errSignedOut()
		}
		if err != nil {
			return err
		}
		if m := c.Request().Method; m != http.MethodGet && m != http.MethodHead &&
			!auth.SameToken(c.Request().Header.Get(csrfHeader), sess.CSRFToken) {
			return station.Errorf(station.CodeForbidden, csrfHeader,
				"send the csrf_token of your session in the %s header with every change", csrfHeader)
		}
		if now.Sub(sess.LastSeenAt) >= touchEvery {
			// Best effort: while a long import holds the one write connection, a read must not wait for
			// it just to move the idle clock. A missed touch is retried by the next request.
			tctx, cancel := context.WithTimeout(ctx, touchTimeout)
			err := s.Users.TouchSession(tctx, sess.IDHash, now)
			cancel()
			if err != nil {
				s.Log.Warn("recording a session's use failed", "user_id", u.ID, "err", err)
			} else {
				sess.LastSeenAt = now
			}
		}
		c.Set(ctxUser, u)
		c.Set(ctxSession, sess)
		return next(c)
	}
}

// adminOnly, after signedIn, lets only admins through: 403 forbidden for anyone else.
func (s *server) adminOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u, _ := signedInUser(c); u.Role != auth.RoleAdmin {
			return station.Errorf(station.CodeForbidden, "", "only admins may do this")
		}
		return next(c)
	}
}

// signedInUser is the user and session that signedIn found; zero values on a route without it.
func signedInUser(c echo.Context) (auth.User, auth.Session) {
	u, _ := c.Get(ctxUser).(auth.User)
	sess, _ := c.Get(ctxSession).(auth.Session)
	return u, sess
}
