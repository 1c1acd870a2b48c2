package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/yizhan/yizhan/server/auth"
	"github.com/yizhan/yizhan/server/codec"
	"github.com/yizhan/yizhan/server/station"
)

// maxUserBody fits a new account: a username, a 256-character password, a display name and a phone,
// each character a 6-byte \u escape.
const maxUserBody = 4 << 10

// maxStationsBody fits the ids of every station in Liaoning several times over.
const maxStationsBody = 1 << 20

// maxStationIDLen bounds one station id in an assignment list.
const maxStationIDLen = 64

// userBody is an account as the admin endpoints show it; the password hash never leaves the server.
type userBody struct {
	ID          int64    `json:"id"`
	Username    string   `json:"username"`
	Role        string   `json:"role"`
	Disabled    bool     `json:"disabled"`
	DisplayName string   `json:"display_name"` // "" when not given
	Phone       string   `json:"phone"`        // "" when not given
	StationIDs  []string `json:"station_ids"`  // the stations an operator runs; always a list
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
}

func newUserBody(u auth.User) userBody {
	ids := u.Stations
	if ids == nil {
		ids = []string{}
	}
	return userBody{
		ID: u.ID, Username: u.Username, Role: string(u.Role), Disabled: u.Disabled, StationIDs: ids,
		DisplayName: u.DisplayName, Phone: u.Phone,
		CreatedAt: u.CreatedAt.In(codec.Shanghai).Format(time.RFC3339),
		UpdatedAt: u.UpdatedAt.In(codec.Shanghai).Format(time.RFC3339),
	}
}

// GET /api/v1/admin/users: every account, in id order.
func (s *server) listUsers(c echo.Context) error {
	users, err := s.Users.Users(c.Request().Context())
	if err != nil {
		return err
	}
	out := struct {
		Users []userBody `json:"users"`
	}{Users: make([]userBody, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, newUserBody(u))
	}
	return c.JSON(http.StatusOK, out)
}

// POST /api/v1/admin/users {username, password, role, display_name?, phone?}: a new account, 201.
func (s *server) createUser(c echo.Context) error {
	var username, password, role, displayName, phone string
	given, err := readObject(c, maxUserBody, map[string]any{"username": &username, "password": &password, "role": &role,
		"display_name": &displayName, "phone": &phone})
	if err != nil {
		return err
	}
	for _, name := range []string{"username", "password", "role"} {
		if !given[name] {
			return station.Errorf(station.CodeMissingParameter, name, "%s is required", name)
		}
	}
	if username, err = auth.CleanUsername(username); err != nil {
		return err
	}
	r, ok := auth.ParseRole(role)
	if !ok {
		return station.Errorf(station.CodeInvalidParameter, "role", "role %.40q is not admin or operator", role)
	}
	if err := auth.CheckPassword(username, password); err != nil {
		return err
	}
	if displayName, err = auth.CleanDisplayName(displayName); err != nil {
		return err
	}
	if phone, err = auth.CleanPhone(phone); err != nil {
		return err
	}
	u, err := s.Users.CreateUser(c.Request().Context(), auth.User{Username: username, Role: r, DisplayName: displayName, Phone: phone},
		auth.HashPassword(password))
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/admin/users/"+strconv.FormatInt(u.ID, 10))
	return c.JSON(http.StatusCreated, newUserBody(u))
}

// PATCH /api/v1/admin/users/:id {disabled?, role?, password?, display_name?, phone?}: disable or enable
// an account, change its role, set a new password, or change who it belongs to and their phone ("" clears). Disabling and a new password end the user's sessions (the admin's own,
// when they change their own password); the last enabled admin can be neither disabled nor demoted.
func (s *server) updateUser(c echo.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	var disabled bool
	var role, password, displayName, phone string
	given, err := readObject(c, maxUserBody, map[string]any{"disabled": &disabled, "role": &role, "password": &password,
		"display_name": &displayName, "phone": &phone})
	if err != nil {
		return err
	}
	if len(given) == 0 {
		return station.Errorf(station.CodeMissingParameter, "", "give at least one of disabled, role, password, display_name and phone")
	}
	var ch auth.UserChange
	if given["display_name"] {
		if displayName, err = auth.CleanDisplayName(displayName); err != nil {
			return err
		}
		ch.DisplayName = &displayName
	}
	if given["phone"] {
		if phone, err = auth.CleanPhone(phone); err != nil {
			return err
		}
		ch.Phone = &phone
	}
	if given["disabled"] {
		ch.Disabled = &disabled
	}
	if given["role"] {
		r, ok := auth.ParseRole(role)
		if !ok {
			return station.Errorf(station.CodeInvalidParameter, "role", "role %.40q is not admin or operator", role)
		}
		ch.Role = &r
	}
	ctx := c.Request().Context()
	if given["password"] {
		u, err := s.Users.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if err := auth.CheckPassword(u.Username, password); err != nil {
			return err
		}
		ch.PasswordHash = auth.HashPassword(password)
	}
	u, err := s.Users.UpdateUser(ctx, id, ch)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newUserBody(u))
}

// PUT /api/v1/admin/users/:id/stations {station_ids}: the stations an operator runs, replacing the
// previous list (empty: none). Every id must be a station's, and given once.
func (s *server) setUserStations(c echo.Context) error {
	id, err := userID(c)
	if err != nil {
		return err
	}
	var ids []string
	given, err := readObject(c, maxStationsBody, map[string]any{"station_ids": &ids})
	if err != nil {
		return err
	}
	if !given["station_ids"] {
		return station.Errorf(station.CodeMissingParameter, "station_ids", "station_ids is required (an empty list removes all)")
	}
	seen := make(map[string]bool, len(ids))
	for i, sid := range ids {
		sid = station.Fold(sid)
		ids[i] = sid
		if e := station.CheckText("station_ids", sid, maxStationIDLen); e != nil {
			return e
		}
		if seen[sid] {
			return station.Errorf(station.CodeDuplicateParameter, "station_ids", "station %q is listed twice", sid)
		}
		seen[sid] = true
	}
	u, err := s.Users.SetUserStations(c.Request().Context(), id, ids)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, newUserBody(u))
}

// userID reads the :id of an admin user route: a positive decimal number without sign or leading
// zeros; anything else names no user.
func userID(c echo.Context) (int64, error) {
	p := c.Param("id")
	id, err := strconv.ParseInt(p, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != p {
		return 0, station.Errorf(station.CodeNotFound, "id", "no user has id %.40q", p)
	}
	return id, nil
}
