package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
)

// pageRequest reads limit, cursor and sort. allowed lists the sortable
// fields (the first is the default); a leading "-" sorts descending. A
// cursor is only valid with the sort it was made for; a tampered cursor is
// 400 (cursors are signed).
func (s *Server) pageRequest(c echo.Context, allowed ...string) (page.Request, error) {
	req := page.Request{Limit: page.DefaultLimit, Sort: allowed[0]}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > page.MaxLimit {
			return req, errs.Field("limit", "must be an integer from 1 to 200")
		}
		req.Limit = n
	}
	if v := c.QueryParam("sort"); v != "" {
		req.Desc = strings.HasPrefix(v, "-")
		req.Sort = strings.TrimPrefix(v, "-")
		if !contains(allowed, req.Sort) {
			return req, errs.Field("sort", "must be one of: "+strings.Join(allowed, ", ")+" (prefix - to sort descending)")
		}
	}
	if v := c.QueryParam("cursor"); v != "" {
		cur, err := s.decodeCursor(v)
		if err != nil || cur.Sort != sortKey(req) {
			return req, errs.New(errs.BadRequest, "invalid cursor: use next_cursor from a list response with the same sort")
		}
		cur.Sort = req.Sort
		req.Cursor = &cur
	}
	return req, nil
}

func sortKey(r page.Request) string {
	if r.Desc {
		return "-" + r.Sort
	}
	return r.Sort
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// nextCursor encodes the cursor of the next page; nil on the last page.
func (s *Server) nextCursor(req page.Request, next *page.Cursor) *string {
	if next == nil {
		return nil
	}
	cur := *next
	cur.Sort = sortKey(req)
	body, _ := json.Marshal(cur)
	mac := hmac.New(sha256.New, s.cursorKey)
	mac.Write(body)
	out := base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
	return &out
}

func (s *Server) decodeCursor(v string) (page.Cursor, error) {
	var cur page.Cursor
	b64, sig, ok := strings.Cut(v, ".")
	body, err1 := base64.RawURLEncoding.DecodeString(b64)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err1 != nil || err2 != nil {
		return cur, errs.New(errs.BadRequest, "invalid cursor")
	}
	mac := hmac.New(sha256.New, s.cursorKey)
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)[:16]) {
		return cur, errs.New(errs.BadRequest, "invalid cursor")
	}
	if err := json.Unmarshal(body, &cur); err != nil {
		return cur, errs.New(errs.BadRequest, "invalid cursor")
	}
	return cur, nil
}
