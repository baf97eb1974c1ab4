package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/invoicing"
)

func (s *Server) registerInvoiceRoutes(g routes) {
	g.POST("/opportunities/:id/invoices", s.createInvoice)
	g.GET("/opportunities/:id/invoicing", s.invoicingProgress)
	g.GET("/invoices", s.listInvoices)
	g.GET("/invoices/:id", s.getInvoice)
	g.PATCH("/invoices/:id", s.updateInvoice)
	g.DELETE("/invoices/:id", s.deleteInvoice)
	g.PUT("/invoices/:id/lines", s.replaceInvoiceLines)
	g.POST("/invoices/:id/issue", s.issueInvoice)
	g.POST("/invoices/:id/payments", s.addPayment)
	g.DELETE("/invoices/:id/payments/:payment_id", s.deletePayment)
	g.POST("/invoices/:id/credit", s.creditInvoice)
	g.GET("/invoices/:id/pdf", s.invoicePDF)
	g.GET("/invoices/:id/ubl", s.invoiceUBL)
	g.POST("/invoices/:id/send", s.sendInvoice)
	g.GET("/reports/invoicing", s.invoicingReport)
}

// today is the workspace's date, for the derived overdue flag.
func (s *Server) today(ctx context.Context) (time.Time, error) {
	ws, err := s.identity.Workspace(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return invoicing.Today(time.Now(), ws.TimeZone), nil
}

// invoiceOK answers one invoice with its ETag.
func (s *Server) invoiceOK(c echo.Context, inv invoicing.Invoice) error {
	today, err := s.today(c.Request().Context())
	if err != nil {
		return err
	}
	return ok(c, inv.Version, toInvoice(inv, today))
}

// createInvoice godoc
//
//	@Summary		Make a draft invoice of a won opportunity
//	@Description	From the opportunity's product lines (source lines) or its signed quote's frozen lines (source quote, the default when there is one); lines names which lines and quantities to invoice for partial or staged invoicing, none invoices what remains of every line. What each line has invoiced is tracked (drafts count, credit notes take back; GET /opportunities/{id}/invoicing): invoicing more than was sold is 422 unless allow_over. An opportunity that is not won is 422. The draft has no number: the number is taken when it is issued, so a deleted draft leaves no gap.
//	@Tags			invoices
//	@ID				createInvoice
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string					true	"Opportunity id"	format(uuid)
//	@Param			body	body		CreateInvoiceRequest	true	"Source and lines (all optional)"
//	@Success		201		{object}	Invoice
//	@Failure		404		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/invoices [post]
func (s *Server) createInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CreateInvoiceRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	in := invoicing.NewInvoice{Lines: toLineRequests(req.Lines), AllowOver: req.AllowOver, TemplateID: req.TemplateID,
		BuyerReference: req.BuyerReference, Note: req.Note}
	if req.Source != nil {
		src := invoicing.Source(*req.Source)
		in.Source = &src
	}
	inv, err := s.invoicing.Create(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return created(c, "/api/v1/invoices/"+inv.ID.String(), inv.Version, toInvoice(inv, time.Time{}))
}

// invoicingProgress godoc
//
//	@Summary		What an opportunity has invoiced, per line
//	@Description	The basis new invoices take (the newest signed quote, else the product lines) and per line the quantity sold, invoiced (drafts included, credit notes taken off) and remaining (negative when over-invoiced).
//	@Tags			invoices
//	@ID				invoicingProgress
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Opportunity id"	format(uuid)
//	@Success		200	{object}	InvoicingProgress
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/opportunities/{id}/invoicing [get]
func (s *Server) invoicingProgress(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	b, lines, err := s.invoicing.Progress(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InvoicingProgress{OpportunityID: id, Source: string(b.Source), QuoteID: b.QuoteID,
		Lines: mapSlice(lines, func(l invoicing.LineStatus) InvoicingLineState {
			return InvoicingLineState{LineID: l.Line.ID, Name: l.Line.Name, Sold: thousandthsNumber(l.Sold),
				Invoiced: thousandthsNumber(l.Invoiced), Remaining: thousandthsNumber(l.Remaining)}
		})})
}

// listInvoices godoc
//
//	@Summary	List invoices and credit notes
//	@Tags		invoices
//	@ID			listInvoices
//	@Produce	json
//	@Security	BearerAuth
//	@Param		status			query		string	false	"Status"	Enums(draft,issued,partially_paid,paid,credited)
//	@Param		kind			query		string	false	"Kind"		Enums(invoice,credit_note)
//	@Param		organization_id	query		string	false	"The opportunity's organization"	format(uuid)
//	@Param		opportunity_id	query		string	false	"Opportunity"	format(uuid)
//	@Param		due_before		query		string	false	"Due before this date"	format(date)
//	@Param		overdue			query		bool	false	"Only overdue invoices (true) or only the others (false)"
//	@Param		ocr				query		string	false	"The OCR reference a payment quoted"
//	@Param		limit			query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor			query		string	false	"next_cursor of the previous page"
//	@Param		sort			query		string	false	"created_at, number, issue_date or due_date; prefix - for descending"
//	@Success	200				{object}	InvoiceList
//	@Router		/api/v1/invoices [get]
func (s *Server) listInvoices(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "number", "issue_date", "due_date")
	if err != nil {
		return err
	}
	q := queryParams{c: c}
	f := invoicing.Filter{OrganizationID: q.uuid("organization_id"), OpportunityID: q.uuid("opportunity_id"),
		DueBefore: q.date("due_before"), OCR: c.QueryParam("ocr")}
	if v := c.QueryParam("status"); v != "" {
		st := invoicing.Status(v)
		if !st.Valid() {
			q.fail("status", "must be one of: draft, issued, partially_paid, paid, credited")
		}
		f.Status = &st
	}
	if v := c.QueryParam("kind"); v != "" {
		k := invoicing.Kind(v)
		if k != invoicing.KindInvoice && k != invoicing.KindCreditNote {
			q.fail("kind", "must be one of: invoice, credit_note")
		}
		f.Kind = &k
	}
	switch v := c.QueryParam("overdue"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.Overdue = &b
	default:
		q.fail("overdue", "must be true or false")
	}
	if len(f.OCR) > 25 {
		q.fail("ocr", "must be at most 25 digits")
	}
	if err := q.err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.invoicing.Invoices(ctx, f, req)
	if err != nil {
		return err
	}
	today, err := s.today(ctx)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InvoiceList{NextCursor: s.nextCursor(req, p.Next),
		Data: mapSlice(p.Items, func(i invoicing.Invoice) Invoice { return toInvoice(i, today) })})
}

// getInvoice godoc
//
//	@Summary	One invoice or credit note, with its payments
//	@Tags		invoices
//	@ID			getInvoice
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Invoice id"	format(uuid)
//	@Success	200	{object}	Invoice
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/invoices/{id} [get]
func (s *Server) getInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	inv, err := s.invoicing.Invoice(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.invoiceOK(c, inv)
}

// updateInvoice godoc
//
//	@Summary		Change a draft invoice
//	@Description	Buyer reference, note, language and template (the seller's company profile). Anything but a draft is 409: an issued invoice never changes.
//	@Tags			invoices
//	@ID				updateInvoice
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string					true	"Invoice id"	format(uuid)
//	@Param			If-Match	header		string					false	"ETag of the version you changed"
//	@Param			body		body		UpdateInvoiceRequest	true	"The changes"
//	@Success		200			{object}	Invoice
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Not a draft"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/invoices/{id} [patch]
func (s *Server) updateInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req UpdateInvoiceRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	p := invoicing.Patch{BuyerReference: req.BuyerReference, Note: req.Note, Language: req.Language}
	if req.TemplateID.Set {
		p.Template = &invoicing.TemplateRef{ID: req.TemplateID.Value}
	}
	inv, err := s.invoicing.Update(c.Request().Context(), id, p, version)
	if err != nil {
		return err
	}
	return s.invoiceOK(c, inv)
}

// deleteInvoice godoc
//
//	@Summary		Delete a draft invoice
//	@Description	Its lines count as invoiced no more. Issued invoices and credit notes are never deleted (409): a credit note is the way back.
//	@Tags			invoices
//	@ID				deleteInvoice
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Invoice id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"Not a draft"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/invoices/{id} [delete]
func (s *Server) deleteInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.invoicing.Delete(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// replaceInvoiceLines godoc
//
//	@Summary		Replace a draft's lines
//	@Description	The sold lines and quantities to invoice, under the same rules as creating a draft (this draft's own lines do not count as invoiced): over-invoicing is 422 unless allow_over. Anything but a draft is 409.
//	@Tags			invoices
//	@ID				replaceInvoiceLines
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string						true	"Invoice id"	format(uuid)
//	@Param			If-Match	header		string						false	"ETag of the version you changed"
//	@Param			body		body		ReplaceInvoiceLinesRequest	true	"The lines"
//	@Success		200			{object}	Invoice
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Not a draft"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/invoices/{id}/lines [put]
func (s *Server) replaceInvoiceLines(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req ReplaceInvoiceLinesRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	inv, err := s.invoicing.ReplaceLines(c.Request().Context(), id, toLineRequests(req.Lines), req.AllowOver, version)
	if err != nil {
		return err
	}
	return s.invoiceOK(c, inv)
}

// issueInvoice godoc
//
//	@Summary		Issue a draft invoice
//	@Description	Takes the next number of the workspace's invoice series for the issue year (an issue date after today is 422) (gap-free, separate from quotes, written in the workspace's invoice_number_format), the OCR reference (Luhn check digit), issue_date (default today in the workspace's time zone), due_date (issue date plus the organization's payment terms, else the workspace's, else 30 days), and freezes the seller (the template's company profile), the buyer with address and VAT number, lines, VAT per rate, totals and payment details. Publishes invoice.issued. From then on the invoice never changes. A draft without lines is 422; anything but a draft 409.
//	@Tags			invoices
//	@ID				issueInvoice
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Invoice id"	format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the version you issued"
//	@Param			body		body		IssueInvoiceRequest	false	"The issue date (optional)"
//	@Success		200			{object}	Invoice
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"Not a draft"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/invoices/{id}/issue [post]
func (s *Server) issueInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req IssueInvoiceRequest
	if c.Request().ContentLength != 0 {
		if err := s.decode(c, &req); err != nil {
			return err
		}
	}
	inv, err := s.invoicing.Issue(c.Request().Context(), id, invoicing.IssueInput{IssueDate: req.IssueDate.timePtr()}, version)
	if err != nil {
		return err
	}
	return s.invoiceOK(c, inv)
}

// addPayment godoc
//
//	@Summary		Record a payment on an issued invoice
//	@Description	The invoice becomes partially_paid, or paid once nothing is due (publishing invoice.paid). More than is due is 422 unless allow_overpayment. A draft, a credit note or a credited invoice is 409. Answers the invoice with its payments.
//	@Tags			invoices
//	@ID				addPayment
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"Invoice id"	format(uuid)
//	@Param			body	body		PaymentRequest	true	"The payment"
//	@Success		200		{object}	Invoice
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"Not payable"
//	@Router			/api/v1/invoices/{id}/payments [post]
func (s *Server) addPayment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req PaymentRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	in := invoicing.NewPayment{Amount: req.Amount, Method: invoicing.PaymentMethod(req.Method), Reference: req.Reference,
		AllowOverpayment: req.AllowOverpayment}
	if req.Date != nil {
		in.Date = req.Date.Time
	}
	inv, _, err := s.invoicing.AddPayment(c.Request().Context(), id, in)
	if err != nil {
		return err
	}
	return s.invoiceOK(c, inv)
}

// deletePayment godoc
//
//	@Summary		Reverse a payment entered by mistake
//	@Description	The payment is deleted and the invoice's status follows what is paid without it. Answers the invoice.
//	@Tags			invoices
//	@ID				deletePayment
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string	true	"Invoice id"	format(uuid)
//	@Param			payment_id	path		string	true	"Payment id"	format(uuid)
//	@Success		200			{object}	Invoice
//	@Failure		404			{object}	Problem
//	@Router			/api/v1/invoices/{id}/payments/{payment_id} [delete]
func (s *Server) deletePayment(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pid, err := pathID(c, "payment_id")
	if err != nil {
		return err
	}
	inv, err := s.invoicing.DeletePayment(c.Request().Context(), id, pid)
	if err != nil {
		return err
	}
	return s.invoiceOK(c, inv)
}

// creditInvoice godoc
//
//	@Summary		Credit an issued invoice
//	@Description	Issues a credit note at once for the named lines and quantities, or everything not credited yet: its own number in the same series, the original referenced, negative totals; a line whose last part is credited takes what remains of its net, so an invoice credited in full sums back to zero. The invoice's amount due drops by the credit, and it becomes credited when every line is credited in full. Publishes invoice.credited. Crediting more than was invoiced is 422; a draft, a credit note or a fully credited invoice 409.
//	@Tags			invoices
//	@ID				creditInvoice
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string			true	"Invoice id"	format(uuid)
//	@Param			body	body		CreditRequest	true	"Lines and reason (optional)"
//	@Success		201		{object}	Invoice	"The credit note"
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"Not creditable"
//	@Router			/api/v1/invoices/{id}/credit [post]
func (s *Server) creditInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CreditRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	note, err := s.invoicing.Credit(c.Request().Context(), id, invoicing.CreditInput{Lines: toLineRequests(req.Lines), Reason: req.Reason})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/invoices/"+note.ID.String(), note.Version, toInvoice(note, time.Time{}))
}

// invoicePDF godoc
//
//	@Summary		An invoice or credit note as an A4 PDF
//	@Description	In the invoice's language: seller and buyer, number, dates, lines, VAT per rate, totals, amount due, OCR reference and bank details; a credit note says what it credits. A draft is marked as one and shows today's seller and buyer.
//	@Tags			invoices
//	@ID				invoicePDF
//	@Produce		application/pdf
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Invoice id"	format(uuid)
//	@Success		200	{file}		file
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/invoices/{id}/pdf [get]
func (s *Server) invoicePDF(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	pdf, name, err := s.invoicing.PDF(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}

// invoiceUBL godoc
//
//	@Summary		An issued invoice or credit note as a Peppol BIS Billing 3.0 e-invoice
//	@Description	UBL 2.1 XML (Invoice, or CreditNote for a credit note) checked against the EN 16931 business rules the domain enforces (see the README): a document that breaks one — a seller without a VAT number, a party without a country, … — is 422 listing each rule (errors[].field is the rule id). A draft is 409.
//	@Tags			invoices
//	@ID				invoiceUBL
//	@Produce		application/xml
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Invoice id"	format(uuid)
//	@Success		200	{file}		file
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"A draft"
//	@Router			/api/v1/invoices/{id}/ubl [get]
func (s *Server) invoiceUBL(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	xml, name, err := s.invoicing.UBL(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/xml", xml)
}

// sendInvoice godoc
//
//	@Summary		Send an issued invoice or credit note by e-mail
//	@Description	Through the outbox (From as configured, Reply-To the sender) with the PDF and, with attach_ubl, the e-invoice attached; both are filed on the opportunity and the e-mail shows on its timeline. Subject and body default to the template's invoice texts (else the default texts) in the invoice's language, to to the contact's (else the customer's) address. Sets sent_at and publishes invoice.sent. A draft is 409; bad recipients, a line break in the subject and an e-invoice that breaks a rule are 422.
//	@Tags			invoices
//	@ID				sendInvoice
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"Invoice id"	format(uuid)
//	@Param			body	body		SendInvoiceRequest	true	"The e-mail (all optional)"
//	@Success		200		{object}	SentInvoice
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"A draft"
//	@Router			/api/v1/invoices/{id}/send [post]
func (s *Server) sendInvoice(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req SendInvoiceRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	ctx := c.Request().Context()
	inv, emailID, err := s.invoicing.Send(ctx, id, invoicing.SendInput{To: req.To, Cc: req.Cc, Subject: req.Subject,
		Body: req.Body, AttachUBL: req.AttachUBL})
	if err != nil {
		return err
	}
	today, err := s.today(ctx)
	if err != nil {
		return err
	}
	return ok(c, inv.Version, SentInvoice{Invoice: toInvoice(inv, today), EmailID: emailID})
}

// invoicingReport godoc
//
//	@Summary		Invoicing report
//	@Description	Issued invoices and credit notes with an issue date in [from, to] (default: the last twelve months through today), grouped by the issue month, the opportunity's organization or its owner, per currency, computed in the database: invoiced, credited, their net, paid, outstanding and overdue, VAT included.
//	@Tags			reports
//	@ID				invoicingReport
//	@Produce		json
//	@Security		BearerAuth
//	@Param			group_by	query		string	false	"Grouping (default month)"	Enums(month,organization,owner)
//	@Param			from		query		string	false	"First issue date"	format(date)
//	@Param			to			query		string	false	"Last issue date"	format(date)
//	@Success		200			{object}	InvoicingReport
//	@Router			/api/v1/reports/invoicing [get]
func (s *Server) invoicingReport(c echo.Context) error {
	q := queryParams{c: c}
	rq := invoicing.ReportQuery{GroupBy: invoicing.GroupBy(c.QueryParam("group_by"))}
	if rq.GroupBy == "" {
		rq.GroupBy = invoicing.ByMonth
	}
	if from := q.date("from"); from != nil {
		rq.From = *from
	}
	if to := q.date("to"); to != nil {
		rq.To = *to
	}
	if err := q.err(); err != nil {
		return err
	}
	rows, used, err := s.invoicing.Report(c.Request().Context(), rq)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InvoicingReport{GroupBy: string(used.GroupBy), From: Date{used.From}, To: Date{used.To},
		Rows: mapSlice(rows, func(r invoicing.ReportRow) InvoicingRow {
			return InvoicingRow{Key: nonEmptyPtr(r.Key), Label: r.Label, Currency: r.Currency, Count: r.Count,
				Invoiced: r.Invoiced, Credited: r.Credited, Net: r.Net, Paid: r.Paid, Outstanding: r.Outstanding,
				Overdue: r.Overdue}
		})})
}
