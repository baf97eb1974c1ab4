package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerMeRoutes(g routes) {
	g.GET("/me", s.me)
	g.PATCH("/me", s.updateMe)
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
	// TimeZone is an IANA time zone: quotes are valid through the end of
	// their last day there.
	TimeZone *string `json:"time_zone,omitempty" validate:"omitempty,max=64" example:"Europe/Stockholm"`
	// ExpireOpportunities moves an opportunity whose current quote expired
	// to its pipeline's expired phase.
	ExpireOpportunities *bool `json:"expire_opportunities,omitempty" example:"true"`
	// InvoiceNumberFormat writes invoice numbers: {year} or {yy}, and {seq}
	// (at least 4 digits) or {seq:N}; letters, digits, space and . _ / # -
	// around them. Numbers already issued keep their form.
	InvoiceNumberFormat *string `json:"invoice_number_format,omitempty" validate:"omitempty,max=40" example:"F{yy}-{seq:5}"`
	// PaymentTermsDays is the days to pay an invoice unless the customer
	// organization has its own terms.
	PaymentTermsDays *int `json:"payment_terms_days,omitempty" validate:"omitempty,gte=0,lte=365" example:"30"`
} // @name UpdateWorkspaceRequest

// UpdateMeRequest changes the caller's own settings; absent fields stay.
type UpdateMeRequest struct {
	Name *string `json:"name,omitempty" validate:"omitempty,min=1,max=200" example:"Anna Svensson"`
	// Language is the language of the product's e-mails to you.
	Language *string `json:"language,omitempty" enums:"en,sv"`
	// EmailNotifications turns notification e-mails on or off.
	EmailNotifications *bool `json:"email_notifications,omitempty" example:"false"`
} // @name UpdateMeRequest

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
//	@Description	The name, the default currency of new opportunities, how many days after its creation an opportunity's follow-up task is due, the time zone quotes expire and invoices fall due in, whether an opportunity whose current quote expired moves to the expired phase, the invoice number format and the default payment terms.
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
		DefaultCurrency: req.DefaultCurrency, FollowUpDays: req.FollowUpDays, TimeZone: req.TimeZone,
		ExpireOpportunities: req.ExpireOpportunities, InvoiceNumberFormat: req.InvoiceNumberFormat,
		PaymentTermsDays: req.PaymentTermsDays}, version)
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
//	@Summary		The caller and their workspace
//	@Description	With the count of the caller's unread notifications.
//	@Tags			me
//	@ID				getMe
//	@Produce		json
//	@Security		BearerAuth
//	@Success		200	{object}	Me
//	@Router			/api/v1/me [get]
func (s *Server) me(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.identity.Me(ctx)
	if err != nil {
		return err
	}
	setETag(c, p.User.Version)
	out := Me{User: toUser(p.User), Workspace: toWorkspace(p.Workspace), UnreadNotifications: p.UnreadNotifications}
	return writeJSON(c, http.StatusOK, &out)
}

// updateMe godoc
//
//	@Summary		Change your own settings
//	@Description	Your name, the language of the product's e-mails to you (en or sv), and whether notifications also come by e-mail. API keys have no settings (403).
//	@Tags			me
//	@ID				updateMe
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			If-Match	header		string			false	"ETag of GET /me"
//	@Param			body		body		UpdateMeRequest	true	"Settings to change"
//	@Success		200			{object}	User
//	@Failure		403			{object}	Problem	"API keys have no settings"
//	@Failure		412			{object}	Problem	"Changed elsewhere"
//	@Router			/api/v1/me [patch]
func (s *Server) updateMe(c echo.Context) error {
	var req UpdateMeRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	u, err := s.identity.UpdateMe(c.Request().Context(), identity.MePatch{Name: req.Name, Language: req.Language,
		EmailNotifications: req.EmailNotifications}, version)
	if err != nil {
		return err
	}
	return ok(c, u.Version, toUser(u))
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
