package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerAuthRoutes(g routes) {
	g.POST("/auth/signup", s.signup)
	g.POST("/auth/signup/confirm", s.confirmSignup)
	g.POST("/auth/login", s.login)
	g.POST("/auth/refresh", s.refresh)
	g.POST("/auth/logout", s.logout)
}

// SignupRequest creates a workspace and its first admin.
type SignupRequest struct {
	WorkspaceName string `json:"workspace_name" validate:"required,max=200" example:"Acme AB"`
	Name          string `json:"name" validate:"required,max=200" example:"Anna Svensson"`
	Email         string `json:"email" validate:"required,email,max=254" example:"anna@example.com"`
	Password      string `json:"password" validate:"required,min=10,max=200" example:"correct horse battery"`
	Currency      string `json:"currency,omitempty" validate:"omitempty,iso4217" example:"SEK"`
} // @name SignupRequest

// LoginRequest logs a user in.
type LoginRequest struct {
	Email    string `json:"email" validate:"required,max=254" example:"anna@example.com"`
	Password string `json:"password" validate:"required,max=200" example:"correct horse battery"`
} // @name LoginRequest

// RefreshRequest presents a refresh token.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=200"`
} // @name RefreshRequest

// SignupPending is the answer to every well-formed signup.
type SignupPending struct {
	Email     string    `json:"email" example:"anna@example.com"`
	ConfirmBy time.Time `json:"confirm_by" example:"2026-01-16T09:30:00Z"`
} // @name SignupPending

// ConfirmSignupRequest carries the code of the signup e-mail.
type ConfirmSignupRequest struct {
	Code string `json:"code" validate:"required,max=200" example:"dGhlIGNvZGUgZnJvbSB0aGUgZS1tYWls"`
} // @name ConfirmSignupRequest

// signup godoc
//
//	@Summary		Sign up: ask for a workspace and its first admin
//	@Description	Answers 202 to every well-formed signup, whether or not the address already has an account, so that the answer tells nothing about who has one. A new address gets an e-mail with a code that POST /api/v1/auth/signup/confirm exchanges for the workspace and a session within 24 hours; an address with an account gets an e-mail saying that someone tried to sign up with it. Rate limited like log-in, per client address and per e-mail address (429 with Retry-After).
//	@Tags			auth
//	@ID				signup
//	@Accept			json
//	@Produce		json
//	@Param			body	body		SignupRequest	true	"Workspace and admin"
//	@Success		202		{object}	SignupPending
//	@Router			/api/v1/auth/signup [post]
func (s *Server) signup(c echo.Context) error {
	var req SignupRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	p, err := s.identity.RequestSignup(c.Request().Context(), identity.SignupInput{
		WorkspaceName: req.WorkspaceName, Name: req.Name, Email: req.Email, Password: req.Password, Currency: req.Currency}, c.RealIP())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusAccepted, SignupPending{Email: p.Email, ConfirmBy: p.ConfirmBy})
}

// confirmSignup godoc
//
//	@Summary		Confirm a signup
//	@Description	Exchanges the code of the signup e-mail for the new workspace, its first admin and a session. A code works once and for 24 hours (422 on code otherwise); an address that got an account in the meantime is 409. Rate limited per client address (429 with Retry-After).
//	@Tags			auth
//	@ID				confirmSignup
//	@Accept			json
//	@Produce		json
//	@Param			body	body		ConfirmSignupRequest	true	"The code from the e-mail"
//	@Success		201		{object}	Session
//	@Failure		409		{object}	Problem	"The address got an account in the meantime"
//	@Router			/api/v1/auth/signup/confirm [post]
func (s *Server) confirmSignup(c echo.Context) error {
	var req ConfirmSignupRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	sess, err := s.identity.ConfirmSignup(c.Request().Context(), req.Code, c.RealIP())
	if err != nil {
		return err
	}
	return createdAt(c, "/api/v1/me", toSession(sess, time.Now()))
}

// login godoc
//
//	@Summary		Log in
//	@Description	Returns an access token (15 minutes) and a refresh token. Rate limited per address and account (429 with Retry-After).
//	@Tags			auth
//	@ID				login
//	@Accept			json
//	@Produce		json
//	@Param			body	body		LoginRequest	true	"Credentials"
//	@Success		200		{object}	Session
//	@Failure		401		{object}	Problem	"Wrong e-mail or password"
//	@Router			/api/v1/auth/login [post]
func (s *Server) login(c echo.Context) error {
	var req LoginRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	sess, err := s.identity.Login(c.Request().Context(), identity.LoginInput{Email: req.Email, Password: req.Password, IP: c.RealIP()})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSession(sess, time.Now()))
}

// refresh godoc
//
//	@Summary		Refresh a session
//	@Description	Spends the refresh token and returns a new pair. Presenting a spent token revokes every token of its log-in.
//	@Tags			auth
//	@ID				refreshSession
//	@Accept			json
//	@Produce		json
//	@Param			body	body		RefreshRequest	true	"Refresh token"
//	@Success		200		{object}	Session
//	@Failure		401		{object}	Problem	"Unknown, expired, revoked or reused refresh token"
//	@Router			/api/v1/auth/refresh [post]
func (s *Server) refresh(c echo.Context) error {
	var req RefreshRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	sess, err := s.identity.Refresh(c.Request().Context(), req.RefreshToken)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toSession(sess, time.Now()))
}

// logout godoc
//
//	@Summary		Log out
//	@Description	Revokes the refresh token and every token rotated from the same log-in. Unknown tokens are ignored.
//	@Tags			auth
//	@ID				logout
//	@Accept			json
//	@Param			body	body	RefreshRequest	true	"Refresh token"
//	@Success		204
//	@Router			/api/v1/auth/logout [post]
func (s *Server) logout(c echo.Context) error {
	var req RefreshRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	if err := s.identity.Logout(c.Request().Context(), req.RefreshToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
