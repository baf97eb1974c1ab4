package api

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/activity"
	"github.com/acme/crm/internal/errs"
)

func (s *Server) registerAttachmentRoutes(g routes) {
	g.GET("/opportunities/:id/attachments", s.listAttachments)
	g.POST("/opportunities/:id/attachments", s.uploadAttachment)
	g.GET("/attachments/:id", s.getAttachment)
	g.GET("/attachments/:id/content", s.attachmentContent)
}

// Attachment is a file on an opportunity.
type Attachment struct {
	ID            uuid.UUID `json:"id"`
	OpportunityID uuid.UUID `json:"opportunity_id"`
	FileName      string    `json:"file_name" example:"Offer 2026-014.pdf"`
	// ContentType is sniffed from the content.
	ContentType string `json:"content_type" example:"application/pdf"`
	Size        int64  `json:"size" example:"48213"`
	SHA256      string `json:"sha256" example:"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`
	// UploadedBy is the uploading user; null for documents the product
	// filed itself (source quote or signed_quote).
	UploadedBy *uuid.UUID `json:"uploaded_by" extensions:"x-nullable"`
	// Source is upload, quote (a quote's PDF as sent by e-mail) or
	// signed_quote (the signed PDF with its certificate page).
	Source string `json:"source" enums:"upload,quote,signed_quote,invoice"`
	// QuoteID is the quote version of a quote document.
	QuoteID   *uuid.UUID `json:"quote_id" extensions:"x-nullable"`
	CreatedAt time.Time  `json:"created_at"`
} // @name Attachment

// AttachmentList is a page of attachments, newest first.
type AttachmentList struct {
	Data       []Attachment `json:"data"`
	NextCursor *string      `json:"next_cursor" extensions:"x-nullable"`
} // @name AttachmentList

func toAttachment(a activity.Attachment) Attachment {
	return Attachment{ID: a.ID, OpportunityID: a.OpportunityID, FileName: a.FileName, ContentType: a.ContentType,
		Size: a.Size, SHA256: a.SHA256, UploadedBy: a.UploadedBy, Source: string(a.Source), QuoteID: a.QuoteID,
		CreatedAt: utc(a.CreatedAt)}
}

// listAttachments godoc
//
//	@Summary	An opportunity's attachments, newest first
//	@Tags		attachments
//	@ID			listAttachments
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Opportunity id"	format(uuid)
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Success	200		{object}	AttachmentList
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/opportunities/{id}/attachments [get]
func (s *Server) listAttachments(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	req, err := s.pageRequest(c, "created_at")
	if err != nil {
		return err
	}
	p, err := s.attachments.List(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AttachmentList{Data: mapSlice(p.Items, toAttachment), NextCursor: s.nextCursor(req, p.Next)})
}

// uploadAttachment godoc
//
//	@Summary		Attach a file to an opportunity
//	@Description	multipart/form-data with the file in the part named file. The size limit is configured (default 25 MiB; 413 beyond). The type is sniffed from the content, the file name sanitized, and the SHA-256 stored.
//	@Tags			attachments
//	@ID				uploadAttachment
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string	true	"Opportunity id"	format(uuid)
//	@Param			file	formData	file	true	"The file"
//	@Success		201		{object}	Attachment
//	@Failure		404		{object}	Problem
//	@Failure		413		{object}	Problem
//	@Failure		415		{object}	Problem
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/attachments [post]
func (s *Server) uploadAttachment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// A missing opportunity answers 404 before the body is read.
	if err := s.attachments.CheckOpportunity(ctx, id); err != nil {
		return err
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return errs.New(errs.Unsupported, "send the file as multipart/form-data in a part named file")
	}
	for {
		part, err := nextPart(mr)
		if errors.Is(err, io.EOF) {
			return errs.Field("file", "is required")
		}
		if err != nil {
			return err
		}
		if part.FormName() != "file" {
			continue
		}
		a, err := s.attachments.Upload(ctx, id, part.FileName(), part)
		if err != nil {
			return uploadError(err)
		}
		return created(c, "/api/v1/attachments/"+a.ID.String(), 1, toAttachment(a))
	}
}

// uploadError turns a body over the limit into 413 and a malformed
// multipart body into 400.
func uploadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.New(errs.TooLarge, "the file is larger than %d bytes", mbe.Limit)
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	return multipartError(err)
}

// getAttachment godoc
//
//	@Summary	One attachment's details
//	@Tags		attachments
//	@ID			getAttachment
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Attachment id"	format(uuid)
//	@Success	200	{object}	Attachment
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/attachments/{id} [get]
func (s *Server) getAttachment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, err := s.attachments.Attachment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, 1, toAttachment(a))
}

// attachmentContent godoc
//
//	@Summary		Download an attachment
//	@Description	Streams the file with its sniffed type, Content-Disposition: attachment and X-Content-Type-Options: nosniff.
//	@Tags			attachments
//	@ID				attachmentContent
//	@Produce		*/*
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Attachment id"	format(uuid)
//	@Success		200	{file}		file
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/attachments/{id}/content [get]
func (s *Server) attachmentContent(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, rc, err := s.attachments.Open(c.Request().Context(), id)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": a.FileName}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set(echo.HeaderContentLength, strconv.FormatInt(a.Size, 10))
	h.Set("ETag", `"`+a.SHA256+`"`)
	return c.Stream(http.StatusOK, a.ContentType, rc)
}
