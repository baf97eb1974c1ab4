package api

import (
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

// authenticate accepts "Authorization: Bearer <access token or API key>"
// or "X-API-Key: <key>" and puts the principal (and so the workspace) in
// the request context; anything else is 401 with WWW-Authenticate.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		cred := c.Request().Header.Get("X-API-Key")
		if cred == "" {
			scheme, token, ok := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
				return errs.New(errs.Unauthorized, "send an access token or API key as \"Authorization: Bearer <token>\"")
			}
			cred = strings.TrimSpace(token)
		}
		p, err := s.identity.Authenticate(c.Request().Context(), cred)
		if err != nil {
			return err
		}
		ctx := identity.WithPrincipal(c.Request().Context(), p)
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}

// requireAdmin refuses members with 403 before the handler runs.
func requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := identity.RequireAdmin(c.Request().Context()); err != nil {
			return err
		}
		return next(c)
	}
}

// pathID parses the path parameter name as a UUID; a malformed id is 404,
// as no such resource can exist.
func pathID(c echo.Context, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(c.Param(name))
	if err != nil {
		return uuid.Nil, errs.NotFoundf("no such %s", strings.TrimSuffix(name, "_id"))
	}
	return id, nil
}

func newUUID() uuid.UUID { return uuid.Must(uuid.NewV7()) }

func errsInternal() error { return errs.New(errs.Internal, "internal error") }
