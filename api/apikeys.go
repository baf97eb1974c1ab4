package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/identity"
)

func (s *Server) registerAPIKeyRoutes(g routes) {
	g.GET("/api-keys", s.listAPIKeys, requireAdmin)
	g.POST("/api-keys", s.createAPIKey, requireAdmin)
	g.DELETE("/api-keys/:id", s.revokeAPIKey, requireAdmin)
}

// CreateAPIKeyRequest names a new integration key.
type CreateAPIKeyRequest struct {
	Name string `json:"name" validate:"required,max=200" example:"Accounting sync"`
	Role string `json:"role,omitempty" validate:"omitempty,oneof=admin member" enums:"admin,member" example:"member"`
	// RateLimitPerMinute caps the key's requests a minute (429 beyond);
	// absent: the server's default.
	RateLimitPerMinute *int `json:"rate_limit_per_minute,omitempty" validate:"omitempty,min=1,max=1000000" example:"600"`
} // @name CreateAPIKeyRequest

// listAPIKeys godoc
//
//	@Summary	List API keys (admins)
//	@Tags		api-keys
//	@ID			listAPIKeys
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		sort	query		string	false	"created_at or name; prefix - for descending"
//	@Success	200		{object}	APIKeyList
//	@Failure	403		{object}	Problem	"Not an admin"
//	@Router		/api/v1/api-keys [get]
func (s *Server) listAPIKeys(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "name")
	if err != nil {
		return err
	}
	p, err := s.identity.ListAPIKeys(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, APIKeyList{Data: mapSlice(p.Items, toAPIKey), NextCursor: s.nextCursor(req, p.Next)})
}

// createAPIKey godoc
//
//	@Summary		Create an API key (admins)
//	@Description	The key's secret is in this response only; store it safely. Send it as "Authorization: Bearer <key>" or "X-API-Key: <key>".
//	@Tags			api-keys
//	@ID				createAPIKey
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		CreateAPIKeyRequest	true	"Name and role"
//	@Success		201		{object}	CreatedAPIKey
//	@Failure		403		{object}	Problem	"Not an admin"
//	@Router			/api/v1/api-keys [post]
func (s *Server) createAPIKey(c echo.Context) error {
	var req CreateAPIKeyRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	k, secret, err := s.identity.CreateAPIKey(c.Request().Context(), identity.NewAPIKey{Name: req.Name, Role: identity.Role(req.Role),
		RateLimitPerMinute: req.RateLimitPerMinute})
	if err != nil {
		return err
	}
	return createdAt(c, "/api/v1/api-keys/"+k.ID.String(), CreatedAPIKey{APIKey: toAPIKey(k), Key: secret})
}

// revokeAPIKey godoc
//
//	@Summary	Revoke an API key (admins)
//	@Tags		api-keys
//	@ID			revokeAPIKey
//	@Security	BearerAuth
//	@Param		id	path	string	true	"API key id"	format(uuid)
//	@Success	204
//	@Failure	403	{object}	Problem	"Not an admin"
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/api-keys/{id} [delete]
func (s *Server) revokeAPIKey(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.identity.RevokeAPIKey(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
