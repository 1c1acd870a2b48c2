package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/yizhan/yizhan/server/station"
)

// Params are argon2id's cost settings. Memory is in KiB.
type Params struct {
	Memory  uint32
	Time    uint32
	Threads uint8
	SaltLen int
	KeyLen  int
}

// DefaultParams follow the OWASP Password Storage Cheat Sheet's first choice: argon2id with 19 MiB,
// two passes, one thread (about 30 ms on one core), a 16-byte salt and a 32-byte hash. The smaller of
// OWASP's memory settings keeps a burst of logins on a small server from taking much memory; at most
// hashSlots hashes run at once on top of that.
var DefaultParams = Params{Memory: 19 << 10, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on what a stored hash may ask for: a corrupt or planted row must not make one login take
// gigabytes or minutes.
const (
	maxMemory  = 256 << 10 // KiB
	maxTime    = 16
	maxThreads = 16
)

// hashSlots bounds how many argon2 computations run at once, and so their memory (19 MiB each): the
// rest wait their turn.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

func idKey(password string, salt []byte, p Params) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(p.KeyLen))
}

var b64 = base64.RawStdEncoding.Strict()

// Hash hashes password with a fresh random salt and returns the PHC string
// $argon2id$v=19$m=<KiB>,t=<passes>,p=<threads>$<salt>$<hash> (base64 without padding).
func (p Params) Hash(password string) string {
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails (crypto/rand documents it)
	key := idKey(password, salt, p)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// HashPassword hashes password with DefaultParams. The caller checks it with CheckPassword first.
func HashPassword(password string) string { return DefaultParams.Hash(password) }

// errBadHash is returned for a stored hash that is not one of ours: a storage fault, not bad input.
var errBadHash = errors.New("auth: the stored password hash is not an argon2id PHC string within limits")

// parsePHC reads a PHC string written by Hash.
func parsePHC(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	var threads uint32
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads); err != nil || n != 3 ||
		parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, threads) {
		return p, nil, nil, errBadHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil {
		return p, nil, nil, errBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil {
		return p, nil, nil, errBadHash
	}
	p.Threads, p.SaltLen, p.KeyLen = uint8(threads), len(salt), len(key)
	if p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory || p.Time < 1 || p.Time > maxTime ||
		threads < 1 || threads > maxThreads || len(salt) < 8 || len(salt) > 64 || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// VerifyPassword reports whether password matches encoded (a PHC string from Hash), comparing in
// constant time. stale is true when encoded was made with parameters other than DefaultParams, so the
// caller should store HashPassword(password) once the login has succeeded. It returns an error only
// when encoded is not a PHC string it can use.
func VerifyPassword(password, encoded string) (ok, stale bool, err error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	got := idKey(password, salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, p != DefaultParams, nil
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// VerifyDummy does the work of VerifyPassword against a hash that matches no password. A login for an
// unknown user calls it, so that its answer takes as long as a wrong password for a real one.
func VerifyDummy(password string) {
	dummyOnce.Do(func() { dummyHash = HashPassword(rand.Text()) })
	VerifyPassword(password, dummyHash)
}

// GeneratePassword returns a random password of 26 characters (A-Z, 2-7: 130 bits), for accounts
// created without one.
func GeneratePassword() string { return rand.Text() }

// Password rules (ASVS 6.2): long enough, no composition rules, no truncation.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

// CheckPassword checks a new password for the account username: 12 to 256 characters of valid UTF-8,
// no control characters, and not the username itself (ignoring case). Spaces count like any other
// character and are kept: the password is used exactly as given. It returns an invalid_parameter or
// out_of_range *station.Error about the field "password".
func CheckPassword(username, password string) error {
	if !utf8.ValidString(password) {
		return station.Errorf(station.CodeInvalidParameter, "password", "the password is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
		return station.Errorf(station.CodeOutOfRange, "password", "a password must have %d to %d characters; this one has %d",
			MinPasswordLen, MaxPasswordLen, n)
	}
	for _, r := range password {
		if unicode.IsControl(r) {
			return station.Errorf(station.CodeInvalidParameter, "password", "the password contains the control character U+%04X", r)
		}
	}
	if strings.EqualFold(strings.TrimSpace(password), username) {
		return station.Errorf(station.CodeInvalidParameter, "password", "the password must not be the username")
	}
	return nil
}

// Username rules.
const (
	MinUsernameLen = 2
	MaxUsernameLen = 64
)

// CleanUsername cleans a new account's name as every write path cleans text (station.Clean: invisible
// characters go) and checks it: 2 to 64 characters, each an ASCII letter or digit, one of . _ - @, or
// a Chinese character. Names compare without regard to ASCII case. It returns the cleaned name, or an
// invalid_parameter or out_of_range *station.Error about the field "username".
func CleanUsername(name string) (string, error) {
	name = station.Clean(name)
	return name, checkUsername(name)
}

func checkUsername(name string) error {
	if !utf8.ValidString(name) {
		return station.Errorf(station.CodeInvalidParameter, "username", "the username is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(name); n < MinUsernameLen || n > MaxUsernameLen {
		return station.Errorf(station.CodeOutOfRange, "username", "a username must have %d to %d characters; this one has %d",
			MinUsernameLen, MaxUsernameLen, n)
	}
	for _, r := range name {
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-@", r)):
		case unicode.Is(unicode.Han, r):
		default:
			return station.Errorf(station.CodeInvalidParameter, "username",
				"the username may hold letters a-z, digits, Chinese characters and . _ - @; not %q", r)
		}
	}
	return nil
}

// MaxDisplayNameLen bounds an account's display name ("王丽 · 和平区总工会").
const MaxDisplayNameLen = 64

// CleanDisplayName cleans an account's display name as every write path cleans text and checks its
// length: the cleaned name, or an *station.Error about the field "display_name".
func CleanDisplayName(name string) (string, error) {
	name = station.Clean(name)
	if e := station.CheckText("display_name", name, MaxDisplayNameLen); e != nil {
		return "", e
	}
	return name, nil
}

// CleanPhone reads an account's phone number the way a station's is read (folded: full-width digits
// become ASCII) and checks it with the station phone rule; "" means none.
func CleanPhone(phone string) (string, error) {
	phone = station.Fold(phone)
	if e := station.CheckPhone(phone); e != nil {
		return "", e
	}
	return phone, nil
}
