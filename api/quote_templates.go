package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/quoting"
)

func (s *Server) registerQuoteTemplateRoutes(g routes) {
	g.GET("/quote-templates", s.listQuoteTemplates)
	g.POST("/quote-templates", s.createQuoteTemplate)
	g.GET("/quote-templates/:id", s.getQuoteTemplate)
	g.PATCH("/quote-templates/:id", s.updateQuoteTemplate)
	g.DELETE("/quote-templates/:id", s.deleteQuoteTemplate)
	g.GET("/quote-templates/:id/logo", s.getQuoteTemplateLogo)
	g.PUT("/quote-templates/:id/logo", s.putQuoteTemplateLogo)
	g.DELETE("/quote-templates/:id/logo", s.deleteQuoteTemplateLogo)
}

// QuoteTemplate is a quote template: the company profile printed on quotes,
// their texts, validity and language, and the e-mail that sends them.
type QuoteTemplate struct {
	ID                 uuid.UUID `json:"id"`
	Name               string    `json:"name" example:"Standard"`
	IsDefault          bool      `json:"is_default"`
	CompanyName        string    `json:"company_name" example:"Nordljus Programvara AB"`
	Address            string    `json:"address" example:"Sveavägen 44"`
	PostalCode         string    `json:"postal_code" example:"111 34"`
	City               string    `json:"city" example:"Stockholm"`
	Country            string    `json:"country" example:"SE"`
	RegistrationNumber string    `json:"registration_number" example:"556677-8899"`
	VATNumber          string    `json:"vat_number" example:"SE556677889901"`
	Email              string    `json:"email" example:"offert@nordljus.se"`
	Phone              string    `json:"phone"`
	Website            string    `json:"website"`
	BankName           string    `json:"bank_name" example:"Bankgiro"`
	BankAccount        string    `json:"bank_account" example:"123-4567"`
	IBAN               string    `json:"iban"`
	BIC                string    `json:"bic"`
	PrimaryColor       string    `json:"primary_color" example:"#1F4E79"`
	HasLogo            bool      `json:"has_logo"`
	IntroText          string    `json:"intro_text"`
	TermsText          string    `json:"terms_text"`
	FooterText         string    `json:"footer_text"`
	ValidityDays       int       `json:"validity_days" example:"30"`
	Language           string    `json:"language" enums:"en,sv"`
	EmailSubject       string    `json:"email_subject" example:"Quote {{quote_number}} from {{company_name}}"`
	EmailBody          string    `json:"email_body"`
	// InvoiceEmailSubject and InvoiceEmailBody send invoices (empty: the
	// default texts of the invoice's language), with the placeholders
	// {{invoice_number}}, {{company_name}}, {{customer_name}},
	// {{contact_name}}, {{amount_due}}, {{due_date}} and {{ocr}}.
	InvoiceEmailSubject string    `json:"invoice_email_subject" example:"Invoice {{invoice_number}} from {{company_name}}"`
	InvoiceEmailBody    string    `json:"invoice_email_body"`
	Version             int64     `json:"version"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
} // @name QuoteTemplate

// QuoteTemplateList is a page of quote templates.
type QuoteTemplateList struct {
	Data       []QuoteTemplate `json:"data"`
	NextCursor *string         `json:"next_cursor" extensions:"x-nullable"`
} // @name QuoteTemplateList

// QuoteTemplateRequest creates a template (name required) or changes one
// (absent fields stay). E-mail subject and body may use the placeholders
// {{customer_name}}, {{contact_name}}, {{quote_number}}, {{link}},
// {{valid_until}}, {{sender}}, {{company_name}} and {{total}}.
type QuoteTemplateRequest struct {
	Name               *string `json:"name,omitempty" validate:"omitempty,min=1,max=200" example:"Standard"`
	IsDefault          *bool   `json:"is_default,omitempty"`
	CompanyName        *string `json:"company_name,omitempty" validate:"omitempty,max=200"`
	Address            *string `json:"address,omitempty" validate:"omitempty,max=500"`
	PostalCode         *string `json:"postal_code,omitempty" validate:"omitempty,max=20"`
	City               *string `json:"city,omitempty" validate:"omitempty,max=100"`
	Country            *string `json:"country,omitempty" validate:"omitempty,max=100"`
	RegistrationNumber *string `json:"registration_number,omitempty" validate:"omitempty,max=50"`
	VATNumber          *string `json:"vat_number,omitempty" validate:"omitempty,max=50"`
	Email              *string `json:"email,omitempty" validate:"omitempty,email,max=254"`
	Phone              *string `json:"phone,omitempty" validate:"omitempty,max=50"`
	Website            *string `json:"website,omitempty" validate:"omitempty,max=500"`
	BankName           *string `json:"bank_name,omitempty" validate:"omitempty,max=100"`
	BankAccount        *string `json:"bank_account,omitempty" validate:"omitempty,max=100"`
	IBAN               *string `json:"iban,omitempty" validate:"omitempty,max=50"`
	BIC                *string `json:"bic,omitempty" validate:"omitempty,max=20"`
	PrimaryColor       *string `json:"primary_color,omitempty" validate:"omitempty,hexcolor,len=7" example:"#1F4E79"`
	IntroText          *string `json:"intro_text,omitempty" validate:"omitempty,max=10000"`
	TermsText          *string `json:"terms_text,omitempty" validate:"omitempty,max=10000"`
	FooterText         *string `json:"footer_text,omitempty" validate:"omitempty,max=1000"`
	ValidityDays       *int    `json:"validity_days,omitempty" validate:"omitempty,gte=1,lte=365" example:"30"`
	Language           *string `json:"language,omitempty" validate:"omitempty,oneof=en sv" enums:"en,sv"`
	EmailSubject       *string `json:"email_subject,omitempty" validate:"omitempty,max=300"`
	EmailBody          *string `json:"email_body,omitempty" validate:"omitempty,max=10000"`
	// InvoiceEmailSubject and InvoiceEmailBody send invoices; see QuoteTemplate.
	InvoiceEmailSubject *string `json:"invoice_email_subject,omitempty" validate:"omitempty,max=300"`
	InvoiceEmailBody    *string `json:"invoice_email_body,omitempty" validate:"omitempty,max=10000"`
} // @name QuoteTemplateRequest

func (r QuoteTemplateRequest) domain() quoting.TemplatePatch {
	return quoting.TemplatePatch{Name: r.Name, IsDefault: r.IsDefault, CompanyName: r.CompanyName, Address: r.Address,
		PostalCode: r.PostalCode, City: r.City, Country: r.Country, RegistrationNumber: r.RegistrationNumber,
		VATNumber: r.VATNumber, Email: r.Email, Phone: r.Phone, Website: r.Website, BankName: r.BankName,
		BankAccount: r.BankAccount, IBAN: r.IBAN, BIC: r.BIC, PrimaryColor: r.PrimaryColor, IntroText: r.IntroText,
		TermsText: r.TermsText, FooterText: r.FooterText, EmailSubject: r.EmailSubject, EmailBody: r.EmailBody,
		InvoiceSubject: r.InvoiceEmailSubject, InvoiceBody: r.InvoiceEmailBody, ValidityDays: r.ValidityDays, Language: r.Language}
}

func toQuoteTemplate(t quoting.Template) QuoteTemplate {
	c := t.Company
	return QuoteTemplate{ID: t.ID, Name: t.Name, IsDefault: t.IsDefault, CompanyName: c.Name,
		Address: strings.Join(c.Address.Lines, "\n"), PostalCode: c.Address.PostalCode, City: c.Address.City,
		Country: c.Address.Country, RegistrationNumber: c.OrganizationNumber, VATNumber: c.VATNumber, Email: c.Email,
		Phone: c.Phone, Website: c.Website, BankName: c.Bank.Name, BankAccount: c.Bank.Account, IBAN: c.Bank.IBAN,
		BIC: c.Bank.BIC, PrimaryColor: c.PrimaryColor, HasLogo: t.HasLogo, IntroText: t.Texts.Intro,
		TermsText: t.Texts.Terms, FooterText: t.Texts.Footer, ValidityDays: t.ValidityDays, Language: t.Language,
		EmailSubject: t.Texts.EmailSubject, EmailBody: t.Texts.EmailBody, InvoiceEmailSubject: t.Texts.InvoiceSubject,
		InvoiceEmailBody: t.Texts.InvoiceBody, Version: t.Version,
		CreatedAt: utc(t.CreatedAt), UpdatedAt: utc(t.UpdatedAt)}
}

// listQuoteTemplates godoc
//
//	@Summary	List quote templates
//	@Tags		quote-templates
//	@ID			listQuoteTemplates
//	@Produce	json
//	@Security	BearerAuth
//	@Param		limit	query		int		false	"Page size (1-200, default 50)"
//	@Param		cursor	query		string	false	"next_cursor of the previous page"
//	@Param		sort	query		string	false	"name or created_at; prefix - for descending"
//	@Success	200		{object}	QuoteTemplateList
//	@Router		/api/v1/quote-templates [get]
func (s *Server) listQuoteTemplates(c echo.Context) error {
	req, err := s.pageRequest(c, "name", "created_at")
	if err != nil {
		return err
	}
	p, err := s.quoting.Templates(c.Request().Context(), req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, QuoteTemplateList{Data: mapSlice(p.Items, toQuoteTemplate), NextCursor: s.nextCursor(req, p.Next)})
}

// createQuoteTemplate godoc
//
//	@Summary		Create a quote template (admins)
//	@Description	name is required. Defaults: validity_days 30, language en, and the default texts and e-mail of the language. is_default true makes it the workspace's default in place of the previous one. Unknown placeholders in email_subject or email_body are 422.
//	@Tags			quote-templates
//	@ID				createQuoteTemplate
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			body	body		QuoteTemplateRequest	true	"The template"
//	@Success		201		{object}	QuoteTemplate
//	@Failure		403		{object}	Problem
//	@Router			/api/v1/quote-templates [post]
func (s *Server) createQuoteTemplate(c echo.Context) error {
	var req QuoteTemplateRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	if req.Name == nil {
		return errs.Field("name", "is required")
	}
	t, err := s.quoting.CreateTemplate(c.Request().Context(), req.domain())
	if err != nil {
		return err
	}
	return created(c, "/api/v1/quote-templates/"+t.ID.String(), t.Version, toQuoteTemplate(t))
}

// getQuoteTemplate godoc
//
//	@Summary	One quote template
//	@Tags		quote-templates
//	@ID			getQuoteTemplate
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Template id"	format(uuid)
//	@Success	200	{object}	QuoteTemplate
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/quote-templates/{id} [get]
func (s *Server) getQuoteTemplate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	t, err := s.quoting.Template(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return ok(c, t.Version, toQuoteTemplate(t))
}

// updateQuoteTemplate godoc
//
//	@Summary		Change a quote template (admins)
//	@Description	Absent fields stay. is_default true makes it the default in place of the previous one; is_default false on the default is 422 (make another template the default instead). Quotes already made keep their snapshots.
//	@Tags			quote-templates
//	@ID				updateQuoteTemplate
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string					true	"Template id"	format(uuid)
//	@Param			If-Match	header		string					false	"ETag of the version you changed"
//	@Param			body		body		QuoteTemplateRequest	true	"The changes"
//	@Success		200			{object}	QuoteTemplate
//	@Failure		403			{object}	Problem
//	@Failure		404			{object}	Problem
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quote-templates/{id} [patch]
func (s *Server) updateQuoteTemplate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var req QuoteTemplateRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	t, err := s.quoting.UpdateTemplate(c.Request().Context(), id, req.domain(), version)
	if err != nil {
		return err
	}
	return ok(c, t.Version, toQuoteTemplate(t))
}

// deleteQuoteTemplate godoc
//
//	@Summary		Delete a quote template (admins)
//	@Description	The default template cannot be deleted (409): make another one the default first. Quotes made from it keep their snapshots.
//	@Tags			quote-templates
//	@ID				deleteQuoteTemplate
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Template id"	format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the version you deleted"
//	@Success		204
//	@Failure		403	{object}	Problem
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"The default template"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/quote-templates/{id} [delete]
func (s *Server) deleteQuoteTemplate(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.quoting.DeleteTemplate(c.Request().Context(), id, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
