package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerUserRoutes(g routes) {
	g.GET("/users", s.listUsers)
	g.POST("/users", s.createUser, requireAdmin)
	g.GET("/users/:id", s.getUser)
	g.PATCH("/users/:id", s.updateUser, requireAdmin)
}

// CreateUserRequest adds a colleague with an initial password.
type CreateUserRequest struct {
	Email    string `json:"email" validate:"required,email,max=254" example:"erik@example.com"`
	Name     string `json:"name" validate:"required,max=200" example:"Erik Lund"`
	Password string `json:"password" validate:"required,min=10,max=200"`
	Role     string `json:"role,omitempty" validate:"omitempty,oneof=admin member" enums:"admin,member" example:"member"`
} // @name CreateUserRequest

// UpdateUserRequest changes a user; absent fields stay as they are.
type UpdateUserRequest struct {
	Name   *string `json:"name,omitempty" validate:"omitempty,min=1,max=200"`
	Role   *string `json:"role,omitempty" validate:"omitempty,oneof=admin member" enums:"admin,member"`
	Active *bool   `json:"active,omitempty"`
} // @name UpdateUserRequest

// listUsers godoc
//
//	@Summary	List the workspace's users
//	@Tags		users
//	@ID			listUsers
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		sort	query		string	false	"created_at, email or name; prefix - for descending"
//	@Success	200		{object}	UserList
//	@Router		/api/v1/users [get]
func (s *Server) listUsers(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "email", "name")
	if err != nil {
		return err
	}
	p, err := s.identity.ListUsers(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, UserList{Data: mapSlice(p.Items, toUser), NextCursor: s.nextCursor(req, p.Next)})
}

// createUser godoc
//
//	@Summary	Add a user (admins)
//	@Tags		users
//	@ID			createUser
//	@Accept		json
//	@Produce	json
//	@Security	BearerAuth
//	@Param		body	body		CreateUserRequest	true	"The new user"
//	@Success	201		{object}	User
//	@Failure	403		{object}	Problem	"Not an admin"
//	@Failure	409		{object}	Problem	"E-mail address taken"
//	@Router		/api/v1/users [post]
func (s *Server) createUser(c echo.Context) error {
	var req CreateUserRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	u, err := s.identity.CreateUser(c.Request().Context(), identity.NewUser{
		Email: req.Email, Name: req.Name, Password: req.Password, Role: identity.Role(req.Role)})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/users/"+u.ID.String(), u.Version, toUser(u))
}

// getUser godoc
//
//	@Summary	One user
//	@Tags		users
//	@ID			getUser
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"User id"	format(uuid)
//	@Success	200	{object}	User
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/users/{id} [get]
func (s *Server) getUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	u, err := s.identity.User(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, u.Version, toUser(u))
}

// updateUser godoc
//
//	@Summary		Change a user's name, role or active flag (admins)
//	@Description	Deactivating a user revokes their sessions. The workspace keeps at least one active admin (409).
//	@Tags			users
//	@ID				updateUser
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"User id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		UpdateUserRequest	true	"Fields to change"
//	@Success		200			{object}	User
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Would leave no active admin"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/users/{id} [patch]
func (s *Server) updateUser(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req UpdateUserRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	patch := identity.UserPatch{Name: req.Name, Active: req.Active}
	if req.Role != nil {
		r := identity.Role(*req.Role)
		patch.Role = &r
	}
	u, err := s.identity.UpdateUser(c.Request().Context(), id, patch, version)
	if err != nil {
		return err
	}
	return ok(c, u.Version, toUser(u))
}
