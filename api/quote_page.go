package api

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
)

// Pages renders the customer's pages (internal/render through quotedoc,
// wired in internal/app). nonce authorises the page's own style and script
// under its Content-Security-Policy; base is the page's path.
type Pages interface {
	Quote(v quoting.Visit, base, nonce string, form *PageForm) ([]byte, error)
	NotFound(nonce string) ([]byte, error)
	TooMany(nonce string) ([]byte, error)
}

// PageForm is a refused form submission to show again: its values, the
// errors by field, and a message above the forms.
type PageForm struct {
	Values FormValues
	Errors map[string]string
	Error  string
}

// FormValues are the fields of the page's forms.
type FormValues struct {
	Name, Email, Title, Comment, Reason string
	// LineComments are the change form's comments by line id.
	LineComments map[string]string
}

// registerQuotePageRoutes adds the customer's quote page: server-rendered
// HTML that works without JavaScript (a small inline script only adds a
// signature pad), whose forms post to the same service calls as the JSON
// API and answer with a redirect back to the page (303), which then shows
// the outcome.
func (s *Server) registerQuotePageRoutes(g routes) {
	g.GET("/:token", s.quotePage)
	g.GET("/:token/pdf", s.quotePagePDF)
	g.POST("/:token/sign", s.quotePageSign)
	g.POST("/:token/change-request", s.quotePageChangeRequest)
	g.POST("/:token/reject", s.quotePageReject)
}

// htmlErrors answers a page for the errors a person may meet: no quote at
// the link (404, the same page for every token) and too many requests
// (429); everything else leaves as a problem document.
func (s *Server) htmlErrors(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		e, ok := errs.As(err)
		switch {
		case !ok:
			return err
		case e.Code == errs.NotFound:
			return writePage(c, http.StatusNotFound, s.pages.NotFound)
		case e.Code == errs.RateLimited:
			c.Response().Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
			return writePage(c, http.StatusTooManyRequests, s.pages.TooMany)
		}
		return err
	}
}

// writePage renders a customer page under a Content-Security-Policy that
// allows only the page's own style and script, by a fresh nonce.
func writePage(c echo.Context, status int, page func(nonce string) ([]byte, error)) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	nonce := hex.EncodeToString(b)
	html, err := page(nonce)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+nonce+
		"'; script-src 'nonce-"+nonce+"'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	return c.HTMLBlob(status, html)
}

// writeVisit renders the page of a visit: 410 for a gone version.
func (s *Server) writeVisit(c echo.Context, status int, v quoting.Visit, form *PageForm) error {
	if v.State.Gone() {
		status = http.StatusGone
	}
	base := "/q/" + c.Param("token")
	return writePage(c, status, func(nonce string) ([]byte, error) { return s.pages.Quote(v, base, nonce, form) })
}

// quotePage godoc
//
//	@Summary		The customer's quote page
//	@Description	A server-rendered page (no JavaScript needed; works at 360 px and prints well): the seller's profile and logo, the quote with its lines, discounts, VAT per rate and totals, what a revision changed, the validity, the salesperson's contact, a link to the PDF, and the forms to sign (name, e-mail, optional title, consent, optional drawn signature), ask for a change (with comments per line) or decline. The first view notifies the salesperson. Replaced, withdrawn and expired versions answer 410 with a page saying so; unknown tokens 404 with the same page whatever the token. No login: the token is the credential.
//	@Tags			public
//	@ID				quotePage
//	@Produce		html
//	@Param			token	path		string	true	"The link's token"
//	@Success		200		{string}	string	"The page"
//	@Failure		404		{string}	string	"No quote at this link"
//	@Failure		410		{string}	string	"Replaced, withdrawn or expired"
//	@Failure		429		{string}	string	"Too many requests"
//	@Router			/q/{token} [get]
func (s *Server) quotePage(c echo.Context) error {
	v, err := s.quoting.Open(c.Request().Context(), c.Param("token"), client(c))
	if err != nil {
		return err
	}
	return s.writeVisit(c, http.StatusOK, v, nil)
}

// quotePagePDF godoc
//
//	@Summary		The quote's PDF, from the customer's page
//	@Description	The same document as GET /api/v1/public/quotes/{token}/pdf. Errors are the customer's page (text/html), as everywhere under /q/.
//	@Tags			public
//	@ID				quotePagePDF
//	@Produce		application/pdf,html
//	@Param			token	path		string	true	"The link's token"
//	@Success		200		{file}		file
//	@Failure		404		{string}	string	"No quote at this link"
//	@Failure		410		{string}	string	"Replaced, withdrawn or expired"
//	@Failure		429		{string}	string	"Too many requests"
//	@Router			/q/{token}/pdf [get]
func (s *Server) quotePagePDF(c echo.Context) error {
	v, pdf, err := s.quoting.Document(c.Request().Context(), c.Param("token"), client(c))
	if err != nil {
		return err
	}
	if v.State.Gone() {
		return s.writeVisit(c, http.StatusGone, v, nil)
	}
	return writePDF(c, quoting.DocumentName(v.Quote), pdf)
}

// formValues reads a form post of the page.
func formValues(c echo.Context) (FormValues, error) {
	if err := c.Request().ParseForm(); err != nil {
		return FormValues{}, errs.Wrap(err, errs.BadRequest, "malformed form")
	}
	f := c.Request().PostForm
	for k, vals := range f {
		if err := badText(k, k+strings.Join(vals, "")); err != nil {
			return FormValues{}, err
		}
	}
	v := FormValues{Name: f.Get("name"), Email: f.Get("email"), Title: f.Get("title"),
		Comment: f.Get("comment"), Reason: f.Get("reason"), LineComments: map[string]string{}}
	for k, vals := range f {
		if id, ok := strings.CutPrefix(k, "line_comment."); ok && len(vals) > 0 {
			v.LineComments[id] = vals[0]
		}
	}
	return v, nil
}

// afterAnswer finishes a form post: back to the page (303) after an answer,
// or the page again with the submission and what was wrong with it.
func (s *Server) afterAnswer(c echo.Context, values FormValues, err error) error {
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/q/"+c.Param("token"))
	}
	e, ok := errs.As(err)
	if !ok || e.Code == errs.NotFound || e.Code == errs.RateLimited {
		return err
	}
	status, ok := map[errs.Code]int{errs.Invalid: http.StatusUnprocessableEntity, errs.Conflict: http.StatusConflict,
		errs.Gone: http.StatusGone, errs.BadRequest: http.StatusBadRequest}[e.Code]
	if !ok {
		return err
	}
	v, openErr := s.quoting.Open(c.Request().Context(), c.Param("token"), client(c))
	if openErr != nil {
		return openErr
	}
	form := &PageForm{Values: values, Errors: map[string]string{}}
	for _, f := range e.Fields {
		form.Errors[f.Field] = f.Message
	}
	if len(e.Fields) == 0 {
		form.Error = e.Message
	}
	return s.writeVisit(c, status, v, form)
}

// quotePageSign godoc
//
//	@Summary		Sign a quote from its page
//	@Description	The page's signing form (fields as in POST /api/v1/public/quotes/{token}/sign; consent is the checkbox value yes, signature_png the signature pad's data URL). Answers 303 back to the page, which shows the outcome; a refused submission answers the page again with its errors (422, or 409/410 when the quote can no longer be signed).
//	@Tags			public
//	@ID				quotePageSign
//	@Accept			x-www-form-urlencoded
//	@Produce		html
//	@Param			token			path		string	true	"The link's token"
//	@Param			name			formData	string	true	"Full name"
//	@Param			email			formData	string	true	"E-mail"
//	@Param			title			formData	string	false	"Job title"
//	@Param			consent			formData	string	true	"yes"
//	@Param			document_sha256	formData	string	true	"The document's SHA-256 as the page shows it"
//	@Param			signature_png	formData	string	false	"Drawn signature as a data URL"
//	@Success		303
//	@Failure		404	{string}	string	"No quote at this link"
//	@Failure		409	{string}	string	"Already answered or changed"
//	@Failure		410	{string}	string	"Replaced, withdrawn or expired"
//	@Failure		422	{string}	string	"The page with the fields to correct"
//	@Failure		429	{string}	string	"Too many requests"
//	@Router			/q/{token}/sign [post]
func (s *Server) quotePageSign(c echo.Context) error {
	values, err := formValues(c)
	if err != nil {
		return err
	}
	f := c.Request().PostForm
	sig, err := quoting.DecodeSignature(f.Get("signature_png"))
	if err == nil {
		_, err = s.quoting.Sign(c.Request().Context(), c.Param("token"), quoting.SignInput{Name: values.Name,
			Email: values.Email, Title: values.Title, Consent: f.Get("consent") == "yes",
			DocumentSHA256: f.Get("document_sha256"), SignaturePNG: sig}, client(c))
	}
	return s.afterAnswer(c, values, err)
}

// quotePageChangeRequest godoc
//
//	@Summary		Ask for a change from the quote's page
//	@Description	The page's change form: name, email, comment, and line_comment.<line id> per commented line. Answers like the signing form.
//	@Tags			public
//	@ID				quotePageChangeRequest
//	@Accept			x-www-form-urlencoded
//	@Produce		html
//	@Param			token	path		string	true	"The link's token"
//	@Param			name	formData	string	true	"Full name"
//	@Param			email	formData	string	true	"E-mail"
//	@Param			comment	formData	string	true	"What should change"
//	@Success		303
//	@Failure		404	{string}	string	"No quote at this link"
//	@Failure		409	{string}	string	"Already answered"
//	@Failure		410	{string}	string	"Replaced, withdrawn or expired"
//	@Failure		422	{string}	string	"The page with the fields to correct"
//	@Failure		429	{string}	string	"Too many requests"
//	@Router			/q/{token}/change-request [post]
func (s *Server) quotePageChangeRequest(c echo.Context) error {
	values, err := formValues(c)
	if err != nil {
		return err
	}
	in := quoting.ChangeRequestInput{Name: values.Name, Email: values.Email, Comment: values.Comment}
	for id, comment := range values.LineComments {
		if strings.TrimSpace(comment) == "" {
			continue
		}
		lineID, perr := uuid.Parse(id)
		if perr != nil {
			return s.afterAnswer(c, values, errs.Field("line_comments", "names a line that is not on the quote"))
		}
		in.LineComments = append(in.LineComments, quoting.LineComment{LineID: lineID, Comment: comment})
	}
	_, err = s.quoting.RequestChange(c.Request().Context(), c.Param("token"), in, client(c))
	return s.afterAnswer(c, values, err)
}

// quotePageReject godoc
//
//	@Summary		Decline a quote from its page
//	@Description	The page's decline form: name, email and an optional reason. Answers like the signing form.
//	@Tags			public
//	@ID				quotePageReject
//	@Accept			x-www-form-urlencoded
//	@Produce		html
//	@Param			token	path		string	true	"The link's token"
//	@Param			name	formData	string	true	"Full name"
//	@Param			email	formData	string	true	"E-mail"
//	@Param			reason	formData	string	false	"Why"
//	@Success		303
//	@Failure		404	{string}	string	"No quote at this link"
//	@Failure		409	{string}	string	"Already answered"
//	@Failure		410	{string}	string	"Replaced, withdrawn or expired"
//	@Failure		422	{string}	string	"The page with the fields to correct"
//	@Failure		429	{string}	string	"Too many requests"
//	@Router			/q/{token}/reject [post]
func (s *Server) quotePageReject(c echo.Context) error {
	values, err := formValues(c)
	if err != nil {
		return err
	}
	_, err = s.quoting.Reject(c.Request().Context(), c.Param("token"),
		quoting.RejectInput{Name: values.Name, Email: values.Email, Reason: values.Reason}, client(c))
	return s.afterAnswer(c, values, err)
}
