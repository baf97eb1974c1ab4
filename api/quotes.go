package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/quoting"
)

func (s *Server) registerQuoteRoutes(g routes) {
	g.POST("/opportunities/:id/quotes", s.createQuote)
	g.GET("/quotes", s.listQuotes)
	g.GET("/quotes/:id", s.getQuote)
	g.PATCH("/quotes/:id", s.updateQuote)
	g.PUT("/quotes/:id/lines", s.replaceQuoteLines)
	g.GET("/quotes/:id/preview", s.previewQuote)
	g.GET("/quotes/:id/pdf", s.quotePDF)
	g.POST("/quotes/:id/send", s.sendQuote)
	g.POST("/quotes/:id/revise", s.reviseQuote)
	g.POST("/quotes/:id/withdraw", s.withdrawQuote)
	g.GET("/quotes/:id/email-draft", s.quoteEmailDraft)
	g.GET("/quotes/:id/evidence", s.quoteEvidence)
}

// createQuote godoc
//
//	@Summary		Make a draft quote of an opportunity
//	@Description	Freezes a snapshot of the customer, contact, lines, offer discount, totals, currency, the template's texts and company profile, and the salesperson; later changes to the opportunity or the template do not touch it. template_id defaults to the workspace's default template, valid_until to today plus the template's validity_days. The number is {year}-{sequence}, gap-free per workspace and year. An opportunity without lines or a closed one is 422.
//	@Tags			quotes
//	@ID				createQuote
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"Opportunity id"	format(uuid)
//	@Param			body	body		CreateQuoteRequest	true	"Template and validity (both optional)"
//	@Success		201		{object}	Quote
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/quotes [post]
func (s *Server) createQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CreateQuoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	q, err := s.quoting.CreateQuote(c.Request().Context(), id,
		quoting.NewQuote{TemplateID: req.TemplateID, ValidUntil: req.ValidUntil.timePtr()})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/quotes/"+q.ID.String(), q.Version, toQuote(q))
}

// listQuotes godoc
//
//	@Summary	List quote versions
//	@Tags		quotes
//	@ID			listQuotes
//	@Produce	json
//	@Security	BearerAuth
//	@Param		opportunity_id	query		string	false	"Opportunity"	format(uuid)
//	@Param		status			query		string	false	"Status"		Enums(draft,sent,viewed,signed,change_requested,rejected,expired,withdrawn,superseded)
//	@Param		limit			query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor			query		string	false	"next_cursor of the previous page"
//	@Param		sort			query		string	false	"created_at or number; prefix - for descending"
//	@Success	200				{object}	QuoteList
//	@Router		/api/v1/quotes [get]
func (s *Server) listQuotes(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "number")
	if err != nil {
		return err
	}
	q := queryParams{c: c}
	f := quoting.QuoteFilter{OpportunityID: q.uuid("opportunity_id")}
	if v := c.QueryParam("status"); v != "" {
		st := quoting.Status(v)
		if !st.Valid() {
			q.fail("status", "must be one of: draft, sent, viewed, signed, change_requested, rejected, expired, withdrawn, superseded")
		}
		f.Status = &st
	}
	if err := q.err(); err != nil {
		return err
	}
	p, err := s.quoting.Quotes(c.Request().Context(), f, req)
	if err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, &quotePage{kept: s.quoteJSONs, items: p.Items, next: s.nextCursor(req, p.Next)})
}

// getQuote godoc
//
//	@Summary	One quote version
//	@Tags		quotes
//	@ID			getQuote
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Quote id"	format(uuid)
//	@Success	200	{object}	Quote
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/quotes/{id} [get]
func (s *Server) getQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q, err := s.quoting.Quote(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, q.Version, toQuote(q))
}

// updateQuote godoc
//
//	@Summary		Change a draft quote
//	@Description	Validity (today or later), texts, contact (null removes it) and offer discount; totals and the changes against the previous version are recomputed. Anything but a draft is 409 naming its state: revise a sent quote instead.
//	@Tags			quotes
//	@ID				updateQuote
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Quote id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you changed"
//	@Param			body		body		UpdateQuoteRequest	true	"The changes"
//	@Success		200			{object}	Quote
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Not a draft"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quotes/{id} [patch]
func (s *Server) updateQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req UpdateQuoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	q, err := s.quoting.UpdateQuote(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, q.Version, toQuote(q))
}

// replaceQuoteLines godoc
//
//	@Summary		Replace a draft quote's lines
//	@Description	All lines in order, validated like an opportunity's lines (name 1-200 characters, quantity > 0 with at most 3 decimals, prices and percentages in range); the totals are recomputed. product_id must name a product of the workspace; its article number is copied. Anything but a draft is 409.
//	@Tags			quotes
//	@ID				replaceQuoteLines
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string						true	"Quote id"	format(uuid)
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		ReplaceQuoteLinesRequest	true	"The lines"
//	@Success		200			{object}	Quote
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Not a draft"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quotes/{id}/lines [put]
func (s *Server) replaceQuoteLines(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req ReplaceQuoteLinesRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	q, err := s.quoting.ReplaceLines(c.Request().Context(), id, mapSlice(req.Lines, QuoteLineRequest.domain), version)
	if err != nil {
		return err
	}
	return ok(c, q.Version, toQuote(q))
}

// previewQuote godoc
//
//	@Summary		Preview a quote as an HTML page
//	@Description	A self-contained page (inline CSS in the template's colour, the logo inline, everything escaped) showing what the PDF shows.
//	@Tags			quotes
//	@ID				previewQuote
//	@Produce		html
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Quote id"	format(uuid)
//	@Success		200	{string}	string	"The page"
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/quotes/{id}/preview [get]
func (s *Server) previewQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	html, err := s.quoting.Preview(c.Request().Context(), id)
	if err != nil {
		return err
	}
	// The page carries its own inline styles and a data: logo; nothing else
	// may load.
	c.Response().Header().Set("Content-Security-Policy",
		"default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'")
	return c.HTMLBlob(http.StatusOK, html)
}

// quotePDF godoc
//
//	@Summary		A quote as an A4 PDF
//	@Tags			quotes
//	@ID				quotePDF
//	@Produce		application/pdf
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Quote id"	format(uuid)
//	@Success		200	{file}		file
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/quotes/{id}/pdf [get]
func (s *Server) quotePDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q, pdf, err := s.quoting.PDF(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return writePDF(c, quoting.DocumentName(q), pdf)
}

// sendQuote godoc
//
//	@Summary		Send a draft quote
//	@Description	The document the customer will read is rendered and kept (document_sha256); the quote becomes sent, with who sent it, when and how; the opportunity moves to its pipeline's quote_sent_phase_id when one is set (recorded in its phase history; never backwards); quote.sent is published and attested in the evidence log. link, direct and email answer the customer's page (public_url): direct is for opening it on the spot, and the customer's answer then records that it was given in the salesperson's presence. email also writes an e-mail to the outbox (From the configured address with the salesperson's name, Reply-To the salesperson) with the link and, unless attach_pdf is false, the PDF (filed on the opportunity as an attachment); without SMTP_URL it waits there with status not_configured and the quote is still sent. download answers the PDF's address (pdf_url). A draft without lines, more than 10 recipients, an invalid address or a line break in the subject is 422; anything but a draft 409 naming its state.
//	@Tags			quotes
//	@ID				sendQuote
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Quote id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you sent"
//	@Param			body		body		SendQuoteRequest	true	"The channel, and the e-mail for channel email"
//	@Success		200			{object}	SentQuote
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Not a draft"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quotes/{id}/send [post]
func (s *Server) sendQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req SendQuoteRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	sent, err := s.quoting.Send(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, sent.Quote.Version, SentQuote{Quote: toQuote(sent.Quote), PublicURL: nonEmptyPtr(sent.PublicURL),
		PDFURL: nonEmptyPtr(sent.PDFURL), EmailID: sent.EmailID})
}

func (r SendQuoteRequest) domain() quoting.SendInput {
	return quoting.SendInput{Channel: quoting.Channel(r.Channel), Email: quoting.EmailInput{To: r.To, Cc: r.Cc,
		Subject: r.Subject, Body: r.Body, AttachPDF: r.AttachPDF == nil || *r.AttachPDF}}
}

// quoteEmailDraft godoc
//
//	@Summary		The e-mail that sends a quote, to edit
//	@Description	The quote template's subject and body in the quote's language (the default texts when the template is gone) with the placeholders filled in: customer, contact, quote number, valid until, total, salesperson and the customer's link (the link opens once the quote is sent). To is the contact person's address, else the customer's. Edit it and send it with POST /quotes/{id}/send and channel email.
//	@Tags			quotes
//	@ID				quoteEmailDraft
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Quote id"	format(uuid)
//	@Success		200	{object}	EmailDraft
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/quotes/{id}/email-draft [get]
func (s *Server) quoteEmailDraft(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.quoting.EmailDraft(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EmailDraft{To: d.To, Cc: d.Cc, Subject: d.Subject, Body: d.Body, Link: d.Link})
}

// quoteEvidence godoc
//
//	@Summary		The evidence log of a quote version
//	@Description	Every customer action (view, sign, change request, reject) and every salesperson action (send, revise, withdraw), and expiry, oldest first, each with its hash in the workspace's append-only hash chain. chain_valid is recomputed on every call: it is false when any of these records, or a neighbour in the chain, was changed after it was written.
//	@Tags			quotes
//	@ID				quoteEvidence
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Quote id"	format(uuid)
//	@Success		200	{object}	QuoteEvidence
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/quotes/{id}/evidence [get]
func (s *Server) quoteEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	records, valid, err := s.quoting.Evidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, QuoteEvidence{QuoteID: id, ChainValid: valid, Records: mapSlice(records, toEvidenceRecord)})
}

// reviseQuote godoc
//
//	@Summary		Revise a quote into a new draft version
//	@Description	Copies a sent, viewed, change-requested, rejected or expired version into a new draft version of the same number and marks the old one superseded. The new version's changes list what it changes against the old one as it is edited. Other states are 409 naming the state.
//	@Tags			quotes
//	@ID				reviseQuote
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Quote id"	format(uuid)
//	@Success		201	{object}	Quote
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/quotes/{id}/revise [post]
func (s *Server) reviseQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	q, err := s.quoting.Revise(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/quotes/"+q.ID.String(), q.Version, toQuote(q))
}

// withdrawQuote godoc
//
//	@Summary		Withdraw a quote
//	@Description	A draft, or a version still open with the customer, is withdrawn; its number stays taken (quotes are never deleted). Other states are 409 naming the state.
//	@Tags			quotes
//	@ID				withdrawQuote
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string	true	"Quote id"	format(uuid)
//	@Param			If-Match	header		string	false	"ETag of the version you withdrew"
//	@Success		200			{object}	Quote
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quotes/{id}/withdraw [post]
func (s *Server) withdrawQuote(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	q, err := s.quoting.Withdraw(c.Request().Context(), id, version)
	if err != nil {
		return err
	}
	return ok(c, q.Version, toQuote(q))
}

func nonEmptyPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
