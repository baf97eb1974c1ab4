package invoicing

import "time"

// Snapshot is what an issued document freezes: who sells to whom, the
// payment details, and for a credit note the invoice it credits. Lines and
// totals are frozen in the invoice itself, which never changes once issued.
// It is stored as one jsonb document; its tags are that format.
type Snapshot struct {
	Seller      Party       `json:"seller"`
	Buyer       Party       `json:"buyer"`
	Contact     string      `json:"contact,omitempty"`     // the buyer's contact person
	Salesperson string      `json:"salesperson,omitempty"` // our reference
	PaymentInfo PaymentInfo `json:"payment"`
	Footer      string      `json:"footer,omitempty"`
	// Logo names the seller's logo among the kept files (its SHA-256), ""
	// without one; LogoMIME is its type.
	Logo     string `json:"logo,omitempty"`
	LogoMIME string `json:"logo_mime,omitempty"`
	// Credits is the credited invoice of a credit note.
	Credits *Reference `json:"credits,omitempty"`
	// Opportunity is the opportunity's title, for documents and mails.
	Opportunity string `json:"opportunity,omitempty"`
}

// Party is the seller or the buyer as the document prints them.
type Party struct {
	Name               string   `json:"name"`
	Address            []string `json:"address,omitempty"` // street lines
	PostalCode         string   `json:"postal_code,omitempty"`
	City               string   `json:"city,omitempty"`
	Country            string   `json:"country,omitempty"` // ISO 3166-1 alpha-2 when known
	OrganizationNumber string   `json:"organization_number,omitempty"`
	VATNumber          string   `json:"vat_number,omitempty"`
	Email              string   `json:"email,omitempty"`
	Phone              string   `json:"phone,omitempty"`
	Website            string   `json:"website,omitempty"`
}

// PaymentInfo is how the buyer pays: the seller's accounts and the
// reference to quote.
type PaymentInfo struct {
	BankName    string `json:"bank_name,omitempty"`
	BankAccount string `json:"bank_account,omitempty"` // e.g. "Bankgiro 123-4567"
	IBAN        string `json:"iban,omitempty"`
	BIC         string `json:"bic,omitempty"`
	OCR         string `json:"ocr"`
	TermsDays   int    `json:"terms_days"`
}

// Reference names another document.
type Reference struct {
	Number    string    `json:"number"`
	IssueDate time.Time `json:"issue_date"`
}
