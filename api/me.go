package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerMeRoutes(g routes) {
	g.GET("/me", s.me)
	g.POST("/me/password", s.changePassword)
	g.GET("/workspace", s.getWorkspace)
	g.PATCH("/workspace", s.updateWorkspace, requireAdmin)
}

// UpdateWorkspaceRequest changes the workspace's settings; absent fields stay.
type UpdateWorkspaceRequest struct {
	Name            *string `json:"name,omitempty" validate:"omitempty,min=1,max=200"`
	DefaultCurrency *string `json:"default_currency,omitempty" validate:"omitempty,iso4217" example:"SEK"`
	// FollowUpDays is how many days after creation an opportunity's follow-up task is due.
	FollowUpDays *int `json:"follow_up_days,omitempty" validate:"omitempty,gte=0,lte=365" example:"2"`
} // @name UpdateWorkspaceRequest

// getWorkspace godoc
//
//	@Summary	The caller's workspace and its settings
//	@Tags		me
//	@ID			getWorkspace
//	@Produce	json
//	@Security	BearerAuth
//	@Success	200	{object}	Workspace
//	@Router		/api/v1/workspace [get]
func (s *Server) getWorkspace(c echo.Context) error {
	ws, err := s.identity.Workspace(c.Request().Context())
	if err != nil {
		return err
	}
	return ok(c, ws.Version, toWorkspace(ws))
}

// updateWorkspace godoc
//
//	@Summary		Change the workspace's settings (admins)
//	@Description	The name, the default currency of new opportunities, and how many days after its creation an opportunity's follow-up task is due.
//	@Tags			me
//	@ID				updateWorkspace
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			If-Match	header		string					false	"ETag of the version you changed"
//	@Param			body		body		UpdateWorkspaceRequest	true	"Settings to change"
//	@Success		200			{object}	Workspace
//	@Failure		403			{object}	Problem	"Not an admin"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/workspace [patch]
func (s *Server) updateWorkspace(c echo.Context) error {
	var req UpdateWorkspaceRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	ws, err := s.identity.UpdateWorkspace(c.Request().Context(), identity.WorkspacePatch{Name: req.Name,
		DefaultCurrency: req.DefaultCurrency, FollowUpDays: req.FollowUpDays}, version)
	if err != nil {
		return err
	}
	return ok(c, ws.Version, toWorkspace(ws))
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
	return ok(c, u.Version, Me{User: toUser(u), Workspace: toWorkspace(ws)})
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
