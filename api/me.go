package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

func (s *Server) registerMeRoutes(g routes) {
	g.GET("/me", s.me)
	g.POST("/me/password", s.changePassword)
}

// ChangePasswordRequest replaces the caller's password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=200"`
	NewPassword     string `json:"new_password" validate:"required,min=10,max=200"`
} // @name ChangePasswordRequest

// me godoc
//
//	@Summary	The caller and their workspace
//	@Tags		me
//	@ID			getMe
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	Me
//	@Router		/api/v1/me [get]
func (s *Server) me(c echo.Context) error {
	u, ws, err := s.identity.Me(c.Request().Context())
	if err != nil {
		return err
	}
	setETag(c, u.Version)
	return c.JSON(http.StatusOK, Me{User: toUser(u), Workspace: toWorkspace(ws)})
}

// changePassword godoc
//
//	@Summary		Change the caller's password
//	@Description	Checks the current password, sets the new one and revokes the caller's refresh tokens (other devices log in again).
//	@Tags			me
//	@ID				changePassword
//	@Accept			json
//	@Security		BearerAuth
//	@Param			body	body	ChangePasswordRequest	true	"Current and new password"
//	@Success		204
//	@Failure		403	{object}	Problem	"API keys have no password"
//	@Router			/api/v1/me/password [post]
func (s *Server) changePassword(c echo.Context) error {
	var req ChangePasswordRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	if err := s.identity.ChangePassword(c.Request().Context(), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
