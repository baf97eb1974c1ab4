package api

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
)

// getQuoteTemplateLogo godoc
//
//	@Summary	A quote template's logo image
//	@Tags		quote-templates
//	@ID			getQuoteTemplateLogo
//	@Produce	png
//	@Produce	jpeg
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Template id"	format(uuid)
//	@Success	200	{file}		file
//	@Failure	404	{object}	Problem	"No such template, or it has no logo"
//	@Router		/api/v1/quote-templates/{id}/logo [get]
func (s *Server) getQuoteTemplateLogo(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	l, err := s.quoting.TemplateLogo(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, l.MIME, l.Data)
}

// putQuoteTemplateLogo godoc
//
//	@Summary		Upload a quote template's logo (admins)
//	@Description	The image as the raw body (Content-Type image/png or image/jpeg) or as multipart/form-data in a part named logo. At most 1 MiB (413). Only PNG and JPEG are accepted, checked from the bytes (415 for another media type, 422 for bytes that are not such an image).
//	@Tags			quote-templates
//	@ID				putQuoteTemplateLogo
//	@Accept			png
//	@Accept			jpeg
//	@Accept			mpfd
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string	true	"Template id"	format(uuid)
//	@Param			If-Match	header		string	false	"ETag of the version you changed"
//	@Param			logo		formData	file	true	"The PNG or JPEG image (as a multipart part, or the whole body with Content-Type image/png or image/jpeg)"
//	@Success		200			{object}	QuoteTemplate
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quote-templates/{id}/logo [put]
func (s *Server) putQuoteTemplateLogo(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	// A missing template is 404 whatever the body, as for every route.
	if _, err := s.quoting.Template(c.Request().Context(), id); err != nil {
		return err
	}
	data, err := readLogo(c.Request())
	if err != nil {
		return err
	}
	t, err := s.quoting.SetTemplateLogo(c.Request().Context(), id, data, version)
	if err != nil {
		return err
	}
	return ok(c, t.Version, toQuoteTemplate(t))
}

// readLogo reads the image from a raw or multipart body, at most
// quoting.MaxLogoBytes (413 beyond).
func readLogo(r *http.Request) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil {
		mt = ""
	}
	var src io.Reader = r.Body
	switch mt {
	case "image/png", "image/jpeg":
	case "multipart/form-data":
		part, err := logoPart(r)
		if err != nil {
			return nil, err
		}
		src = part
	default:
		return nil, errs.New(errs.Unsupported, "send the logo as image/png or image/jpeg, or as multipart/form-data in a part named logo")
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.LimitReader(src, quoting.MaxLogoBytes+1)); err != nil {
		return nil, logoReadError(err)
	}
	if buf.Len() > quoting.MaxLogoBytes {
		return nil, errs.New(errs.TooLarge, "the logo is larger than %d bytes", quoting.MaxLogoBytes)
	}
	if buf.Len() == 0 {
		return nil, errs.Field("logo", "is required")
	}
	return buf.Bytes(), nil
}

// logoPart finds the part named logo.
func logoPart(r *http.Request) (io.Reader, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errs.New(errs.BadRequest, "malformed multipart body")
	}
	for {
		part, err := nextPart(mr)
		if errors.Is(err, io.EOF) {
			return nil, errs.Field("logo", "is required")
		}
		if err != nil {
			return nil, logoReadError(err)
		}
		if part.FormName() == "logo" {
			return part, nil
		}
	}
}

// logoReadError turns a body over the limit into 413 and a broken body
// into 400.
func logoReadError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errs.New(errs.TooLarge, "the logo is larger than %d bytes", quoting.MaxLogoBytes)
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	return errs.Wrap(err, errs.BadRequest, "malformed body")
}

// deleteQuoteTemplateLogo godoc
//
//	@Summary	Remove a quote template's logo (admins)
//	@Tags		quote-templates
//	@ID			deleteQuoteTemplateLogo
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id			path		string	true	"Template id"	format(uuid)
//	@Param		If-Match	header		string	false	"ETag of the version you changed"
//	@Success	200			{object}	QuoteTemplate
//	@Failure	403			{object}	Problem
//	@Failure	404			{object}	Problem
//	@Failure	412			{object}	Problem	"Changed by someone else"
//	@Router		/api/v1/quote-templates/{id}/logo [delete]
func (s *Server) deleteQuoteTemplateLogo(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	t, err := s.quoting.DeleteTemplateLogo(c.Request().Context(), id, version)
	if err != nil {
		return err
	}
	return ok(c, t.Version, toQuoteTemplate(t))
}
