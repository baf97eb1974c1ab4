package api

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
)

// etag renders a row version as a strong entity tag.
func etag(version int64) string { return fmt.Sprintf(`"%d"`, version) }

// setETag sets the ETag header of a single-resource response.
func setETag(c echo.Context, version int64) {
	c.Response().Header().Set("ETag", etag(version))
}

// ifMatch returns the version an If-Match header asks for, nil when the
// header is absent or "*". A tag that is not one of ours can never match,
// so it yields a version no row has.
func ifMatch(c echo.Context) (*int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return nil, nil
	}
	if strings.Contains(h, ",") {
		return nil, errs.New(errs.BadRequest, "If-Match must hold a single entity tag")
	}
	tag := strings.TrimPrefix(h, "W/")
	v, err := strconv.ParseInt(strings.Trim(tag, `"`), 10, 64)
	if err != nil || !strings.HasPrefix(tag, `"`) || !strings.HasSuffix(tag, `"`) {
		v = -1
	}
	return &v, nil
}
