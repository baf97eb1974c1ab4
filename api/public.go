package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
	"github.com/acme/crm/internal/ratelimit"
)

// registerPublicRoutes adds the customer's side of quotes: the JSON API
// under /api/v1/public and the HTML page under /q. Neither needs a login:
// the link's token is the credential. Both are rate-limited per token and
// per client address.
func (s *Server) registerPublicRoutes(e *echo.Echo) {
	g := routes{g: e.Group("/api/v1/public")}.with(s.limitPublic, s.publicIdempotent)
	g.GET("/quotes/:token", s.publicQuote)
	g.GET("/quotes/:token/pdf", s.publicQuotePDF)
	g.POST("/quotes/:token/sign", s.publicSign)
	g.POST("/quotes/:token/change-request", s.publicChangeRequest)
	g.POST("/quotes/:token/reject", s.publicReject)
	s.registerQuotePageRoutes(routes{g: e.Group("/q")}.with(s.htmlErrors, s.limitPublic))
}

// publicLimits are the per-minute limits of the customer's routes.
type publicLimits struct {
	perToken, perIP ratelimit.Limiter
}

// newPublicLimits makes the limits with limit (shared by the replicas),
// or in memory when limit is nil.
func newPublicLimits(perToken, perIP int, limit func(string, int, time.Duration) ratelimit.Limiter) publicLimits {
	if perToken <= 0 {
		perToken = 120
	}
	if perIP <= 0 {
		perIP = 300
	}
	if limit == nil {
		limit = func(_ string, max int, period time.Duration) ratelimit.Limiter { return ratelimit.New(max, period) }
	}
	return publicLimits{perToken: limit("public-token", perToken, time.Minute), perIP: limit("public-ip", perIP, time.Minute)}
}

// limitPublic answers 429 with Retry-After past either limit.
func (s *Server) limitPublic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, l := range []struct {
			w   ratelimit.Limiter
			key string
		}{{s.public.perIP, "ip:" + c.RealIP()}, {s.public.perToken, "tok:" + c.Param("token")}} {
			if ok, wait := l.w.Allow(l.key); !ok {
				e := errs.New(errs.RateLimited, "too many requests: try again in %d seconds", int(wait.Seconds())+1)
				e.RetryAfter = int(wait.Seconds()) + 1
				return e
			}
		}
		return next(c)
	}
}

// linkPrincipals namespaces the idempotency principal of a link.
var linkPrincipals = uuid.MustParse("5b1a8f0e-4a57-4c43-9a3e-2f1d8c6b7e90")

// publicIdempotent honours Idempotency-Key on the customer's POSTs, scoped
// to the link's workspace and to the link itself.
func (s *Server) publicIdempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !wantsIdempotency(c) {
			return next(c)
		}
		token := c.Param("token")
		ws, err := s.quoting.Resolve(c.Request().Context(), token)
		if err != nil {
			return next(c) // the handler answers the same 404 as without a key
		}
		return s.runIdempotently(c, next, ws, uuid.NewSHA1(linkPrincipals, quoting.HashToken(token)))
	}
}

// client is the evidence about who is calling: the address by the server's
// client-IP rule (never a header the client chose, unless a trusted proxy
// set it) and the user agent, shortened.
func client(c echo.Context) quoting.Client {
	// The user agent is evidence, kept as sent: bytes that are not UTF-8
	// become U+FFFD and NUL is dropped rather than refusing the customer.
	ua := strings.ReplaceAll(strings.ToValidUTF8(c.Request().UserAgent(), "\uFFFD"), "\x00", "")
	if len(ua) > 512 {
		ua = ua[:512]
		for !utf8.ValidString(ua) {
			ua = ua[:len(ua)-1]
		}
	}
	return quoting.Client{IP: c.RealIP(), UserAgent: ua}
}

// publicAnswer writes an open or answered version as JSON, and a gone one
// as its 410.
func (s *Server) publicAnswer(c echo.Context, status int, v quoting.Visit) error {
	if v.State.Gone() {
		return writeGone(c, v)
	}
	return c.JSON(status, toPublicQuote(v, c.Param("token")))
}

func writeGone(c echo.Context, v quoting.Visit) error {
	sp := v.Quote.Snapshot.Salesperson
	e, _ := errs.As(quoting.GoneError(v))
	p := PublicGone{Type: "/problems/gone", Title: "Gone", Status: http.StatusGone, Detail: e.Message,
		RequestID: requestID(c), Reason: string(v.State), NewestURL: nonEmptyPtr(v.NewestURL), Number: v.Quote.Number,
		Salesperson: QuoteContact{Name: sp.Name, Email: sp.Email, Phone: sp.Phone}}
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	return c.JSON(http.StatusGone, p)
}

// publicQuote godoc
//
//	@Summary		A quote, as its customer sees it
//	@Description	The quote behind a customer's link, for a custom front end: the same content as the page at /q/{token}, only customer-safe fields, with status, allowed_actions and document_sha256 (of the PDF at pdf_url). A revision carries what changed against the version before. The first view moves a sent quote to viewed and notifies the salesperson (then at most once a day). A replaced, withdrawn or expired version answers 410 saying why (with the newest version's link once it is sent, and the salesperson's contact); an unknown token 404, the same for every token. No login: the token is the credential. Rate-limited per token and per client address (429 with Retry-After).
//	@Tags			public
//	@ID				publicQuote
//	@Produce		json
//	@Param			token	path		string	true	"The link's token"
//	@Success		200		{object}	PublicQuote
//	@Failure		404		{object}	Problem		"No quote at this link"
//	@Failure		410		{object}	PublicGone	"Replaced, withdrawn or expired"
//	@Failure		429		{object}	Problem		"Too many requests"
//	@Router			/api/v1/public/quotes/{token} [get]
func (s *Server) publicQuote(c echo.Context) error {
	v, err := s.quoting.Open(c.Request().Context(), c.Param("token"), client(c))
	if err != nil {
		return err
	}
	return s.publicAnswer(c, http.StatusOK, v)
}

// publicQuotePDF godoc
//
//	@Summary		The quote's PDF, as sent to the customer
//	@Description	Exactly the document whose SHA-256 is document_sha256; a signature signs it. Counts as a view. 410 and 404 as for the quote.
//	@Tags			public
//	@ID				publicQuotePDF
//	@Produce		application/pdf
//	@Param			token	path		string	true	"The link's token"
//	@Success		200		{file}		file
//	@Failure		404		{object}	Problem		"No quote at this link"
//	@Failure		410		{object}	PublicGone	"Replaced, withdrawn or expired"
//	@Failure		429		{object}	Problem		"Too many requests"
//	@Router			/api/v1/public/quotes/{token}/pdf [get]
func (s *Server) publicQuotePDF(c echo.Context) error {
	v, pdf, err := s.quoting.Document(c.Request().Context(), c.Param("token"), client(c))
	if err != nil {
		return err
	}
	if v.State.Gone() {
		return writeGone(c, v)
	}
	return writePDF(c, quoting.DocumentName(v.Quote), pdf)
}

func writePDF(c echo.Context, name string, pdf []byte) error {
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	c.Response().Header().Set("Content-Length", strconv.Itoa(len(pdf)))
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// publicSign godoc
//
//	@Summary		Sign a quote
//	@Description	Signs the version once, in one transaction: it becomes signed; an evidence record (signer, client address, user agent, time to the millisecond, channel, consent text and version, document hash, the link's id — never the token) joins the workspace's hash-chained evidence log; the signed PDF (the sent document plus a certificate page) is filed on the opportunity; the opportunity moves to its pipeline's quote-signed phase with the customer as the actor (it stays when the pipeline has none); the salesperson is notified. consent must be true. A document_sha256 other than the version's is 409 (the quote changed: reload); a version already answered is 409 naming its state; a replaced, withdrawn or expired one 410. A retry with the same Idempotency-Key replays the first answer.
//	@Tags			public
//	@ID				publicSign
//	@Accept			json
//	@Produce		json
//	@Param			token			path		string				true	"The link's token"
//	@Param			Idempotency-Key	header		string				false	"Makes a retry safe"
//	@Param			body			body		SignQuoteRequest	true	"The signature"
//	@Success		200				{object}	PublicQuote
//	@Failure		404				{object}	Problem	"No quote at this link"
//	@Failure		409				{object}	Problem	"Already answered, or the document changed"
//	@Failure		410				{object}	Problem	"Replaced, withdrawn or expired"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/public/quotes/{token}/sign [post]
func (s *Server) publicSign(c echo.Context) error {
	var req SignQuoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	sig, err := quoting.DecodeSignature(req.SignaturePNG)
	if err != nil {
		return err
	}
	v, err := s.quoting.Sign(c.Request().Context(), c.Param("token"), quoting.SignInput{Name: req.Name, Email: req.Email,
		Title: req.Title, Consent: req.Consent, DocumentSHA256: req.DocumentSHA256, SignaturePNG: sig}, client(c))
	if err != nil {
		return err
	}
	return s.publicAnswer(c, http.StatusOK, v)
}

// publicChangeRequest godoc
//
//	@Summary		Ask for a change to a quote
//	@Description	The version becomes change_requested with the comment (1–5,000 characters) and optional comments on lines of this version (their ids from lines[].id); the salesperson is notified and revises it into a new version, whose sending makes this link say it was replaced. 409 and 410 as for signing.
//	@Tags			public
//	@ID				publicChangeRequest
//	@Accept			json
//	@Produce		json
//	@Param			token			path		string					true	"The link's token"
//	@Param			Idempotency-Key	header		string					false	"Makes a retry safe"
//	@Param			body			body		ChangeRequestRequest	true	"The request"
//	@Success		200				{object}	PublicQuote
//	@Failure		404				{object}	Problem	"No quote at this link"
//	@Failure		409				{object}	Problem	"Already answered"
//	@Failure		410				{object}	Problem	"Replaced, withdrawn or expired"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/public/quotes/{token}/change-request [post]
func (s *Server) publicChangeRequest(c echo.Context) error {
	var req ChangeRequestRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	v, err := s.quoting.RequestChange(c.Request().Context(), c.Param("token"), req.domain(), client(c))
	if err != nil {
		return err
	}
	return s.publicAnswer(c, http.StatusOK, v)
}

// publicReject godoc
//
//	@Summary		Decline a quote
//	@Description	The version becomes rejected with the optional reason; the salesperson is notified. The opportunity is not closed: the salesperson decides. 409 and 410 as for signing.
//	@Tags			public
//	@ID				publicReject
//	@Accept			json
//	@Produce		json
//	@Param			token			path		string				true	"The link's token"
//	@Param			Idempotency-Key	header		string				false	"Makes a retry safe"
//	@Param			body			body		RejectQuoteRequest	true	"Who declines, and why"
//	@Success		200				{object}	PublicQuote
//	@Failure		404				{object}	Problem	"No quote at this link"
//	@Failure		409				{object}	Problem	"Already answered"
//	@Failure		410				{object}	Problem	"Replaced, withdrawn or expired"
//	@Failure		429				{object}	Problem	"Too many requests"
//	@Router			/api/v1/public/quotes/{token}/reject [post]
func (s *Server) publicReject(c echo.Context) error {
	var req RejectQuoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	v, err := s.quoting.Reject(c.Request().Context(), c.Param("token"),
		quoting.RejectInput{Name: req.Name, Email: req.Email, Reason: req.Reason}, client(c))
	if err != nil {
		return err
	}
	return s.publicAnswer(c, http.StatusOK, v)
}
