package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	swaggerFiles "github.com/swaggo/files/v2"

	"github.com/acme/crm/internal/errs"
)

func (s *Server) registerPlatformRoutes(e *echo.Echo) {
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.yaml", s.openapi)
	e.GET("/docs", s.docsIndex)
	// The Swagger UI's own files; not part of the API description.
	e.GET("/docs/*", echo.WrapHandler(http.StripPrefix("/docs/", http.FileServer(http.FS(swaggerFiles.FS)))))
}

// Health is the body of the health endpoints.
type Health struct {
	Status string `json:"status" example:"ok"`
} // @name Health

// healthz godoc
//
//	@Summary	Liveness: the process answers
//	@Tags		platform
//	@ID			healthz
//	@Produce	json
//	@Success	200	{object}	Health
//	@Router		/healthz [get]
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}

// readyz godoc
//
//	@Summary	Readiness: the database answers
//	@Tags		platform
//	@ID			readyz
//	@Produce	json
//	@Success	200	{object}	Health
//	@Failure	503	{object}	Problem	"Database unreachable"
//	@Router		/readyz [get]
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.ready(ctx); err != nil {
		return errs.Wrap(err, errs.Unavailable, "the database is unreachable")
	}
	return c.JSON(http.StatusOK, Health{Status: "ok"})
}

// openapi godoc
//
//	@Summary	This API's OpenAPI 3.0 document
//	@Tags		platform
//	@ID			openapi
//	@Produce	application/yaml
//	@Success	200	{string}	string	"openapi.yaml"
//	@Router		/openapi.yaml [get]
func (s *Server) openapi(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", s.cfg.OpenAPI)
}

// docsIndex godoc
//
//	@Summary	Swagger UI for this API
//	@Tags		platform
//	@ID			docs
//	@Produce	html
//	@Success	200	{string}	string	"HTML page"
//	@Router		/docs [get]
func (s *Server) docsIndex(c echo.Context) error {
	return c.HTML(http.StatusOK, docsPage)
}

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({url: "/openapi.yaml", dom_id: "#ui", presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"});</script>
</body></html>`
