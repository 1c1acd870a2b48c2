package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// Session is a signed-in browser. The database keeps IDHash, the SHA-256 of the token in the cookie,
// never the token itself: a copy of the database does not let anyone act as a signed-in user.
// CSRFToken is sent back in X-CSRF-Token with every write.
type Session struct {
	IDHash     string
	UserID     int64
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time // CreatedAt + Lifetimes.Absolute
	LastSeenAt time.Time // the session ends Lifetimes.Idle after this
}

// Lifetimes bound a session: it ends Absolute after the login however busy it is, and Idle after its
// last use.
type Lifetimes struct {
	Absolute time.Duration
	Idle     time.Duration
}

// DefaultLifetimes: a working day (12 h) at most, and 2 h without a request.
var DefaultLifetimes = Lifetimes{Absolute: 12 * time.Hour, Idle: 2 * time.Hour}

// OrDefault fills zero fields from DefaultLifetimes.
func (l Lifetimes) OrDefault() Lifetimes {
	if l.Absolute <= 0 {
		l.Absolute = DefaultLifetimes.Absolute
	}
	if l.Idle <= 0 {
		l.Idle = DefaultLifetimes.Idle
	}
	return l
}

// NewSession starts a session for userID at now: it returns the token for the cookie and the session
// to store. Every call makes new random tokens, so every login gets a new session id.
func (l Lifetimes) NewSession(userID int64, now time.Time) (token string, s Session) {
	token = NewToken()
	return token, Session{
		IDHash: HashToken(token), UserID: userID, CSRFToken: NewToken(),
		CreatedAt: now, ExpiresAt: now.Add(l.Absolute), LastSeenAt: now,
	}
}

// tokenBytes is the randomness in a token: 256 bits, twice ASVS's minimum.
const tokenBytes = 32

// TokenLen is the length of a token's text.
var TokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// NewToken returns 32 random bytes from crypto/rand as unpadded base64url (43 characters).
func NewToken() string {
	b := make([]byte, tokenBytes)
	rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

// WellFormedToken reports whether s looks like a NewToken token, so that junk in a cookie is refused
// without a database lookup.
func WellFormedToken(s string) bool {
	if len(s) != TokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil
}

// HashToken is the key a session is stored under: the hex SHA-256 of its token. A plain hash is
// enough (no salt, no slow KDF) because the token is 256 random bits, not a guessable password.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SameToken compares a token sent by the client with the stored one in constant time; an empty token
// never matches.
func SameToken(sent, stored string) bool {
	return sent != "" && stored != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(stored)) == 1
}
