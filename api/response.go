package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ok writes a single resource with its ETag.
func ok(c echo.Context, version int64, body any) error {
	setETag(c, version)
	return c.JSON(http.StatusOK, body)
}

// okJSON is ok for a resource that writes its own JSON (see writeJSON).
func okJSON(c echo.Context, version int64, body jsonAppender) error {
	setETag(c, version)
	return writeJSON(c, http.StatusOK, body)
}

// createdAt writes a new resource that has no row version with its
// Location: every 201 names what it created.
func createdAt(c echo.Context, location string, body any) error {
	c.Response().Header().Set(echo.HeaderLocation, location)
	return c.JSON(http.StatusCreated, body)
}

// created writes a new resource with its Location and ETag.
func created(c echo.Context, location string, version int64, body any) error {
	setETag(c, version)
	c.Response().Header().Set(echo.HeaderLocation, location)
	return c.JSON(http.StatusCreated, body)
}
