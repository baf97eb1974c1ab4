package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	lru "github.com/hashicorp/golang-lru/v2"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/quoting"
)

// Quoting is the repository of quote templates and quotes.
type Quoting struct {
	db *DB
	// snapshots keeps the decoded snapshots the quote list read last (see
	// listSnapshot).
	snapshots *lru.Cache[quoteVersion, quoting.Snapshot]
}

// quoteVersion names a quote row's content: any change to a quote bumps
// its row version.
type quoteVersion struct {
	id      uuid.UUID
	version int64
}

// listedSnapshots is how many decoded snapshots the quote list keeps: a
// few pages for each of many users, a few MiB.
const listedSnapshots = 2048

// NewQuoting returns the quoting repository.
func NewQuoting(db *DB) *Quoting {
	c, _ := lru.New[quoteVersion, quoting.Snapshot](listedSnapshots) // only a size below 1 fails
	return &Quoting{db: db, snapshots: c}
}

// WithTx implements quoting.Store.
func (r *Quoting) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type quoteTemplateRow struct {
	ID                  uuid.UUID `gorm:"primaryKey"`
	WorkspaceID         uuid.UUID
	Name                string
	IsDefault           bool
	CompanyName         string
	Address             string
	PostalCode          string
	City                string
	Country             string
	RegistrationNumber  string
	VATNumber           string `gorm:"column:vat_number"`
	Email               string
	Phone               string
	Website             string
	BankName            string
	BankAccount         string
	IBAN                string `gorm:"column:iban"`
	BIC                 string `gorm:"column:bic"`
	PrimaryColor        string
	LogoMime            *string
	IntroText           string
	TermsText           string
	FooterText          string
	ValidityDays        int
	Language            string
	EmailSubject        string
	EmailBody           string
	InvoiceEmailSubject string
	InvoiceEmailBody    string
	Version             int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (quoteTemplateRow) TableName() string { return "quote_templates" }

func (t quoteTemplateRow) domain() quoting.Template {
	return quoting.Template{ID: t.ID, Name: t.Name, IsDefault: t.IsDefault, HasLogo: t.LogoMime != nil,
		Company: quoting.Company{Name: t.CompanyName,
			Address:            quoting.Address{Lines: splitNonEmpty(t.Address), PostalCode: t.PostalCode, City: t.City, Country: t.Country},
			OrganizationNumber: t.RegistrationNumber, VATNumber: t.VATNumber, Email: t.Email, Phone: t.Phone,
			Website: t.Website, PrimaryColor: t.PrimaryColor,
			Bank: quoting.Bank{Name: t.BankName, Account: t.BankAccount, IBAN: t.IBAN, BIC: t.BIC}},
		Texts: quoting.TemplateTexts{Texts: quoting.Texts{Intro: t.IntroText, Terms: t.TermsText, Footer: t.FooterText},
			EmailSubject: t.EmailSubject, EmailBody: t.EmailBody, InvoiceSubject: t.InvoiceEmailSubject,
			InvoiceBody: t.InvoiceEmailBody},
		ValidityDays: t.ValidityDays, Language: t.Language, Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func toTemplateRow(t quoting.Template) quoteTemplateRow {
	c := t.Company
	return quoteTemplateRow{ID: t.ID, Name: t.Name, IsDefault: t.IsDefault, CompanyName: c.Name,
		Address: strings.Join(c.Address.Lines, "\n"), PostalCode: c.Address.PostalCode, City: c.Address.City,
		Country: c.Address.Country, RegistrationNumber: c.OrganizationNumber, VATNumber: c.VATNumber, Email: c.Email,
		Phone: c.Phone, Website: c.Website, BankName: c.Bank.Name, BankAccount: c.Bank.Account, IBAN: c.Bank.IBAN,
		BIC: c.Bank.BIC, PrimaryColor: c.PrimaryColor, IntroText: t.Texts.Intro, TermsText: t.Texts.Terms,
		FooterText: t.Texts.Footer, ValidityDays: t.ValidityDays, Language: t.Language, EmailSubject: t.Texts.EmailSubject,
		EmailBody: t.Texts.EmailBody, InvoiceEmailSubject: t.Texts.InvoiceSubject, InvoiceEmailBody: t.Texts.InvoiceBody,
		Version: t.Version, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func splitNonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// templateColumns are every column but the logo image, which only the
// renderers read.
const templateColumns = "id, workspace_id, name, is_default, company_name, address, postal_code, city, country, " +
	"registration_number, vat_number, email, phone, website, bank_name, bank_account, iban, bic, primary_color, " +
	"logo_mime, intro_text, terms_text, footer_text, validity_days, language, email_subject, email_body, " +
	"invoice_email_subject, invoice_email_body, " +
	"version, created_at, updated_at"

var templateSorts = map[string]sortCol{
	"name":       {"name", "text"},
	"created_at": {"created_at", "timestamptz"},
}

func (r *Quoting) templates(ctx context.Context) *gorm.DB {
	return r.db.conn(ctx).Model(&quoteTemplateRow{}).Select(templateColumns)
}

// Templates implements quoting.Store.
func (r *Quoting) Templates(ctx context.Context, req page.Request) (page.Page[quoting.Template], error) {
	q, err := keyset(r.templates(ctx), req, templateSorts)
	if err != nil {
		return page.Page[quoting.Template]{}, err
	}
	var rows []quoteTemplateRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[quoting.Template]{}, translate(err)
	}
	return pageOf(rows, req, quoteTemplateRow.domain, func(t quoteTemplateRow) (uuid.UUID, string) {
		if req.Sort == "name" {
			return t.ID, t.Name
		}
		return t.ID, cursorText(t.CreatedAt)
	}), nil
}

// Template implements quoting.Store.
func (r *Quoting) Template(ctx context.Context, id uuid.UUID) (quoting.Template, error) {
	var row quoteTemplateRow
	if err := r.templates(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return quoting.Template{}, translate(err)
	}
	return row.domain(), nil
}

// LockTemplate implements quoting.Store.
func (r *Quoting) LockTemplate(ctx context.Context, id uuid.UUID) (quoting.Template, error) {
	var row quoteTemplateRow
	err := r.templates(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error
	if err != nil {
		return quoting.Template{}, translate(err)
	}
	return row.domain(), nil
}

// DefaultTemplate implements quoting.Store.
func (r *Quoting) DefaultTemplate(ctx context.Context) (quoting.Template, error) {
	var row quoteTemplateRow
	if err := r.templates(ctx).Take(&row, "is_default").Error; err != nil {
		return quoting.Template{}, translate(err)
	}
	return row.domain(), nil
}

// TemplateLogo implements quoting.Store.
func (r *Quoting) TemplateLogo(ctx context.Context, id uuid.UUID) (quoting.Logo, error) {
	var row struct {
		Logo     []byte
		LogoMime *string
	}
	err := r.db.conn(ctx).Model(&quoteTemplateRow{}).Select("logo, logo_mime").Where("id = ?", id).Take(&row).Error
	if err != nil {
		return quoting.Logo{}, translate(err)
	}
	if row.LogoMime == nil {
		return quoting.Logo{}, nil
	}
	return quoting.Logo{MIME: *row.LogoMime, Data: row.Logo}, nil
}

// CreateTemplate implements quoting.Store.
func (r *Quoting) CreateTemplate(ctx context.Context, t quoting.Template) error {
	row := toTemplateRow(t)
	row.Version = 1
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// SaveTemplate implements quoting.Store.
func (r *Quoting) SaveTemplate(ctx context.Context, t quoting.Template) (quoting.Template, error) {
	updates := templateUpdates(toTemplateRow(t))
	var out quoteTemplateRow
	if err := updateVersioned(r.db.conn(ctx), &out, t.ID, nil, updates); err != nil {
		return quoting.Template{}, err
	}
	return r.Template(ctx, t.ID)
}

// templateUpdates names every column SaveTemplate writes, so that empty
// strings and false are written too.
func templateUpdates(t quoteTemplateRow) map[string]any {
	return map[string]any{
		"name": t.Name, "is_default": t.IsDefault, "company_name": t.CompanyName, "address": t.Address,
		"postal_code": t.PostalCode, "city": t.City, "country": t.Country,
		"registration_number": t.RegistrationNumber, "vat_number": t.VATNumber, "email": t.Email,
		"phone": t.Phone, "website": t.Website, "bank_name": t.BankName, "bank_account": t.BankAccount,
		"iban": t.IBAN, "bic": t.BIC, "primary_color": t.PrimaryColor, "intro_text": t.IntroText,
		"terms_text": t.TermsText, "footer_text": t.FooterText, "validity_days": t.ValidityDays,
		"language": t.Language, "email_subject": t.EmailSubject, "email_body": t.EmailBody,
		"invoice_email_subject": t.InvoiceEmailSubject, "invoice_email_body": t.InvoiceEmailBody,
		"updated_at": t.UpdatedAt,
	}
}

// SetTemplateLogo implements quoting.Store.
func (r *Quoting) SetTemplateLogo(ctx context.Context, id uuid.UUID, logo quoting.Logo, at time.Time) (quoting.Template, error) {
	cols := map[string]any{"logo": nil, "logo_mime": nil, "updated_at": at}
	if len(logo.Data) > 0 {
		cols["logo"], cols["logo_mime"] = logo.Data, logo.MIME
	}
	var out quoteTemplateRow
	if err := updateVersioned(r.db.conn(ctx), &out, id, nil, cols); err != nil {
		return quoting.Template{}, err
	}
	return r.Template(ctx, id)
}

// ClearDefaultTemplate implements quoting.Store.
func (r *Quoting) ClearDefaultTemplate(ctx context.Context) error {
	return translate(r.db.conn(ctx).Model(&quoteTemplateRow{}).Where("is_default").
		Updates(map[string]any{"is_default": false, "version": gorm.Expr("version + 1")}).Error)
}

// DeleteTemplate implements quoting.Store.
func (r *Quoting) DeleteTemplate(ctx context.Context, id uuid.UUID) error {
	return deleteVersioned[quoteTemplateRow](r.db.conn(ctx), id, nil)
}
