package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/changes"
	"github.com/acme/crm/internal/errs"
)

func (s *Server) registerChangeRoutes(g routes) {
	g.GET("/changes", s.listChanges)
	g.GET("/stream", s.stream)
}

// FeedChange is one created, updated or deleted record of the change feed.
type FeedChange struct {
	// Type of the record.
	Type string    `json:"type" enums:"opportunity,organization,person,product,task,note,appointment,quote"`
	ID   uuid.UUID `json:"id"`
	// Cursor is the feed position right after this change: pass it as
	// since (or Last-Event-ID) to continue from here.
	Cursor string `json:"cursor"`
	// ChangedAt is when the transaction that made the change started.
	ChangedAt time.Time `json:"changed_at"`
	// DeletedAt is set, and record absent, when the record was deleted (a
	// tombstone).
	DeletedAt *time.Time `json:"deleted_at,omitempty"`
	// Record is the record's current representation, exactly as GET on
	// its URL answers it (e.g. /api/v1/opportunities/{id} for type
	// opportunity); absent in a tombstone.
	Record any `json:"record,omitempty" swaggertype:"object"`
} // @name FeedChange

// FeedPage is a page of the change feed.
type FeedPage struct {
	Data []FeedChange `json:"data"`
	// NextCursor is where to continue: store it and pass it as since on
	// the next call, also when data is empty.
	NextCursor string `json:"next_cursor"`
	// HasMore says that more changes are waiting: call again at once.
	HasMore bool `json:"has_more"`
} // @name FeedPage

// listChanges godoc
//
//	@Summary		Changes since a cursor (mobile sync)
//	@Description	Every created, updated or deleted record of the workspace after the cursor, in the order they became visible, each as its current representation or as a tombstone {type, id, deleted_at}. A record changed several times within a page appears once, at its last change; a record deleted since its change is left out (its tombstone follows). Transactions that commit out of the order they started cannot be missed: a change is only listed once every transaction that started before it has ended. Without since the feed starts at the oldest change kept; changes are kept 30 days, and a cursor issued longer ago answers 410 (resync from the lists, then follow the new cursor).
//	@Tags			changes
//	@ID				listChanges
//	@Produce		json
//	@Security		BearerAuth
//	@Param			since	query		string	false	"next_cursor (or an item's cursor) of an earlier call"
//	@Param			types	query		string	false	"Comma-separated record types (default all): opportunity, organization, person, product, task, note, appointment, quote"
//	@Param			limit	query		int		false	"Changes per page (1-200, default 100)"
//	@Success		200		{object}	FeedPage
//	@Failure		400		{object}	Problem	"Malformed or tampered cursor"
//	@Failure		410		{object}	Problem	"The cursor is older than the retention (30 days)"
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/changes [get]
func (s *Server) listChanges(c echo.Context) error {
	types, err := changes.ParseTypes(c.QueryParam("types"))
	if err != nil {
		return err
	}
	limit := 100
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return errs.Field("limit", "must be an integer from 1 to 200")
		}
		limit = n
	}
	pos, issued, err := s.changeCursor(c.QueryParam("since"), "since")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.changes.Read(ctx, pos, issued, types, limit)
	if err != nil {
		return err
	}
	data, err := s.changeItems(ctx, p.Changes)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, FeedPage{Data: data, NextCursor: s.encodeChangeCursor(p.Next), HasMore: p.More})
}

// changeCursor is the signed form of a feed position and the time it was
// issued (for the retention check).
type changeCursor struct {
	XID    int64 `json:"x"`
	Seq    int64 `json:"s"`
	Issued int64 `json:"t"`
}

// changeCursorDomain keeps feed cursors and list cursors apart, though one
// key signs both.
const changeCursorDomain = "changes\x00"

func (s *Server) encodeChangeCursor(p changes.Position) string {
	body, _ := json.Marshal(changeCursor{XID: p.XID, Seq: p.Seq, Issued: s.changes.Now().Unix()})
	mac := hmac.New(sha256.New, s.cursorKey)
	mac.Write([]byte(changeCursorDomain))
	mac.Write(body)
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// changeCursor reads a feed cursor; empty is the start of the feed. A
// malformed or tampered one is 400.
func (s *Server) changeCursor(v, field string) (changes.Position, time.Time, error) {
	if v == "" {
		return changes.Position{}, time.Time{}, nil
	}
	bad := errs.New(errs.BadRequest, "invalid %s: use a cursor from the change feed or the stream", field)
	b64, sig, found := strings.Cut(v, ".")
	body, err1 := base64.RawURLEncoding.DecodeString(b64)
	got, err2 := base64.RawURLEncoding.DecodeString(sig)
	if !found || err1 != nil || err2 != nil {
		return changes.Position{}, time.Time{}, bad
	}
	mac := hmac.New(sha256.New, s.cursorKey)
	mac.Write([]byte(changeCursorDomain))
	mac.Write(body)
	var cur changeCursor
	if !hmac.Equal(got, mac.Sum(nil)[:16]) || json.Unmarshal(body, &cur) != nil || cur.Issued <= 0 {
		return changes.Position{}, time.Time{}, bad
	}
	return changes.Position{XID: cur.XID, Seq: cur.Seq}, time.Unix(cur.Issued, 0), nil
}
