// Package auth holds Yizhan's accounts: users and their roles, password hashing (argon2id), session and
// CSRF tokens, and the rule that says who may edit which station. It is pure: no HTTP, no SQL; the
// sqlite package stores what it defines and the api package applies it to requests.
package auth

import (
	"time"
)

// Error codes about accounts, carried by *station.Error. The HTTP layer maps each to a status. A user
// who is signed in but not allowed to do something gets station.CodeForbidden.
const (
	CodeUnauthenticated = "unauthenticated" // no valid session, or a failed login (401)
	CodeAlreadyExists   = "already_exists"  // the username is taken (409)
	CodeLastAdmin       = "last_admin"      // the change would leave no active admin (409)
	CodeNotOperator     = "not_operator"    // stations are assigned to operators only (409)
)

// Role is what a user may do: admins everything, operators their assigned stations.
type Role string

// The roles.
const (
	RoleAdmin    Role = "admin"
	RoleOperator Role = "operator"
)

// ParseRole returns the role named s (exactly "admin" or "operator").
func ParseRole(s string) (Role, bool) {
	switch r := Role(s); r {
	case RoleAdmin, RoleOperator:
		return r, true
	}
	return "", false
}

// User is an account. PasswordHash is the PHC string of HashPassword; it never leaves the server.
type User struct {
	ID           int64
	Username     string
	Role         Role
	Disabled     bool
	PasswordHash string
	Stations     []string // the ids of the stations an operator runs, sorted; admins have none
	DisplayName  string   // who the account belongs to, as people call them ("" when not given)
	Phone        string   // how to reach them (station.CheckPhone's rule; "" when not given)
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// UserChange is a change to an account; nil or empty fields stay as they are. Disabling a user or
// setting a password ends all of that user's sessions.
type UserChange struct {
	Role         *Role
	Disabled     *bool
	PasswordHash string // a new PHC string from HashPassword
	DisplayName  *string
	Phone        *string
}

// RevokesSessions reports whether the change ends the user's sessions.
func (ch UserChange) RevokesSessions() bool {
	return ch.PasswordHash != "" || ch.Disabled != nil && *ch.Disabled
}

// CanEdit reports whether u may edit the station with stationID: an admin any station, an operator
// only the stations assigned to them (assigned answers that), a disabled user none.
func CanEdit(u User, stationID string, assigned func(userID int64, stationID string) bool) bool {
	switch {
	case u.Disabled:
		return false
	case u.Role == RoleAdmin:
		return true
	case u.Role == RoleOperator:
		return assigned(u.ID, stationID)
	}
	return false
}
