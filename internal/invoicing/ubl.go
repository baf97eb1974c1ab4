package invoicing

import (
	"encoding/xml"
	"strings"

	"github.com/acme/crm/internal/money"
)

// The identifiers of Peppol BIS Billing 3.0 and the UBL 2.1 namespaces.
const (
	CustomizationID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
	ProfileID       = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
	nsInvoice       = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
	nsCreditNote    = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
	nsCAC           = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
	nsCBC           = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
)

// UNCL 1001 document type codes and UNCL 4461 payment means.
const (
	TypeCommercialInvoice = "380"
	TypeCreditNote        = "381"
	MeansCreditTransfer   = "30"
)

// UBL is an invoice or credit note as Peppol BIS Billing 3.0 UBL 2.1. Field
// order is the schema's element order. Names carry their cbc:/cac: prefix
// literally, declared on the root, which encoding/xml writes as it is.
// Fields of one document kind only are empty (and left out) on the other.
type UBL struct {
	XMLName         xml.Name
	XMLNS           string `xml:"xmlns,attr"`
	XMLNSCAC        string `xml:"xmlns:cac,attr"`
	XMLNSCBC        string `xml:"xmlns:cbc,attr"`
	CustomizationID string `xml:"cbc:CustomizationID"`
	ProfileID       string `xml:"cbc:ProfileID"`
	ID              string `xml:"cbc:ID"`
	IssueDate       string `xml:"cbc:IssueDate"`
	DueDate         string `xml:"cbc:DueDate,omitempty"` // invoices only
	// InvoiceTypeCode on invoices, CreditNoteTypeCode on credit notes.
	InvoiceTypeCode      string            `xml:"cbc:InvoiceTypeCode,omitempty"`
	CreditNoteTypeCode   string            `xml:"cbc:CreditNoteTypeCode,omitempty"`
	Note                 string            `xml:"cbc:Note,omitempty"`
	DocumentCurrencyCode string            `xml:"cbc:DocumentCurrencyCode"`
	BuyerReference       string            `xml:"cbc:BuyerReference,omitempty"`
	BillingReference     *BillingReference `xml:"cac:BillingReference"`
	Supplier             PartyRole         `xml:"cac:AccountingSupplierParty"`
	Customer             PartyRole         `xml:"cac:AccountingCustomerParty"`
	PaymentMeans         []PaymentMeans    `xml:"cac:PaymentMeans"`
	PaymentTerms         *Note             `xml:"cac:PaymentTerms"`
	AllowanceCharges     []AllowanceCharge `xml:"cac:AllowanceCharge"`
	TaxTotal             TaxTotal          `xml:"cac:TaxTotal"`
	MonetaryTotal        MonetaryTotal     `xml:"cac:LegalMonetaryTotal"`
	InvoiceLines         []DocumentLine    `xml:"cac:InvoiceLine"`
	CreditNoteLines      []DocumentLine    `xml:"cac:CreditNoteLine"`
	CreditNote           bool              `xml:"-"`
}

// BillingReference names the invoice a credit note credits (BG-3).
type BillingReference struct {
	ID        string `xml:"cac:InvoiceDocumentReference>cbc:ID"`
	IssueDate string `xml:"cac:InvoiceDocumentReference>cbc:IssueDate,omitempty"`
}

// PartyRole wraps the seller or the buyer.
type PartyRole struct {
	Party UBLParty `xml:"cac:Party"`
}

// UBLParty is a seller or buyer (BG-4, BG-7).
type UBLParty struct {
	EndpointID  *SchemeID       `xml:"cbc:EndpointID"`
	Name        string          `xml:"cac:PartyName>cbc:Name,omitempty"`
	Address     *PostalAddress  `xml:"cac:PostalAddress"`
	TaxScheme   *PartyTaxScheme `xml:"cac:PartyTaxScheme"`
	LegalEntity LegalEntity     `xml:"cac:PartyLegalEntity"`
	Contact     *Contact        `xml:"cac:Contact"`
}

// SchemeID is an identifier with its scheme.
type SchemeID struct {
	SchemeID string `xml:"schemeID,attr,omitempty"`
	Value    string `xml:",chardata"`
}

// PostalAddress is BG-5 or BG-8.
type PostalAddress struct {
	StreetName           string `xml:"cbc:StreetName,omitempty"`
	AdditionalStreetName string `xml:"cbc:AdditionalStreetName,omitempty"`
	CityName             string `xml:"cbc:CityName,omitempty"`
	PostalZone           string `xml:"cbc:PostalZone,omitempty"`
	Country              string `xml:"cac:Country>cbc:IdentificationCode"`
}

// PartyTaxScheme holds a VAT identifier (BT-31, BT-48).
type PartyTaxScheme struct {
	CompanyID string `xml:"cbc:CompanyID"`
	TaxScheme string `xml:"cac:TaxScheme>cbc:ID"`
}

// LegalEntity is the registered name and number (BT-27, BT-30, BT-44, BT-47).
type LegalEntity struct {
	RegistrationName string `xml:"cbc:RegistrationName"`
	CompanyID        string `xml:"cbc:CompanyID,omitempty"`
}

// Contact is a party's contact (BG-6, BG-9).
type Contact struct {
	Name  string `xml:"cbc:Name,omitempty"`
	Phone string `xml:"cbc:Telephone,omitempty"`
	Email string `xml:"cbc:ElectronicMail,omitempty"`
}

// PaymentMeans is BG-16: how to pay and the reference to quote.
type PaymentMeans struct {
	Code      string            `xml:"cbc:PaymentMeansCode"`
	PaymentID string            `xml:"cbc:PaymentID,omitempty"`
	Account   *FinancialAccount `xml:"cac:PayeeFinancialAccount"`
}

// FinancialAccount is BG-17: the payee's account.
type FinancialAccount struct {
	ID     string `xml:"cbc:ID"`
	Name   string `xml:"cbc:Name,omitempty"`
	Branch string `xml:"cac:FinancialInstitutionBranch>cbc:ID,omitempty"`
}

// Note is a text element such as the payment terms (BT-20).
type Note struct {
	Note string `xml:"cbc:Note"`
}

// AllowanceCharge is a document or line allowance (ChargeIndicator false)
// or charge (BG-20, BG-21, BG-27, BG-28).
type AllowanceCharge struct {
	ChargeIndicator bool         `xml:"cbc:ChargeIndicator"`
	ReasonCode      string       `xml:"cbc:AllowanceChargeReasonCode,omitempty"`
	Reason          string       `xml:"cbc:AllowanceChargeReason,omitempty"`
	Amount          Amount       `xml:"cbc:Amount"`
	TaxCategory     *TaxCategory `xml:"cac:TaxCategory"`
}

// Amount is a money amount with its currency.
type Amount struct {
	Currency string `xml:"currencyID,attr"`
	Value    string `xml:",chardata"`
	minor    int64
}

// Quantity is a quantity with its UN/ECE Recommendation 20 unit code.
type Quantity struct {
	Unit  string `xml:"unitCode,attr"`
	Value string `xml:",chardata"`
}

// TaxTotal is the VAT total and its breakdown (BT-110, BG-23).
type TaxTotal struct {
	TaxAmount Amount        `xml:"cbc:TaxAmount"`
	Subtotals []TaxSubtotal `xml:"cac:TaxSubtotal"`
}

// TaxSubtotal is the VAT of one category and rate.
type TaxSubtotal struct {
	TaxableAmount Amount      `xml:"cbc:TaxableAmount"`
	TaxAmount     Amount      `xml:"cbc:TaxAmount"`
	Category      TaxCategory `xml:"cac:TaxCategory"`
}

// TaxCategory is a VAT category code (UNCL 5305), its rate and scheme.
type TaxCategory struct {
	ID              string `xml:"cbc:ID"`
	Percent         string `xml:"cbc:Percent,omitempty"`
	ExemptionReason string `xml:"cbc:TaxExemptionReason,omitempty"`
	TaxScheme       string `xml:"cac:TaxScheme>cbc:ID"`
	rate            money.BasisPoints
}

// MonetaryTotal is BG-22.
type MonetaryTotal struct {
	LineExtension  Amount  `xml:"cbc:LineExtensionAmount"`
	TaxExclusive   Amount  `xml:"cbc:TaxExclusiveAmount"`
	TaxInclusive   Amount  `xml:"cbc:TaxInclusiveAmount"`
	AllowanceTotal *Amount `xml:"cbc:AllowanceTotalAmount"`
	ChargeTotal    *Amount `xml:"cbc:ChargeTotalAmount"`
	Prepaid        *Amount `xml:"cbc:PrepaidAmount"`
	Payable        Amount  `xml:"cbc:PayableAmount"`
}

// DocumentLine is an invoice line (BG-25) or credit note line.
type DocumentLine struct {
	ID string `xml:"cbc:ID"`
	// InvoicedQuantity on invoices, CreditedQuantity on credit notes.
	InvoicedQuantity *Quantity         `xml:"cbc:InvoicedQuantity"`
	CreditedQuantity *Quantity         `xml:"cbc:CreditedQuantity"`
	LineExtension    Amount            `xml:"cbc:LineExtensionAmount"`
	AllowanceCharges []AllowanceCharge `xml:"cac:AllowanceCharge"`
	Item             Item              `xml:"cac:Item"`
	Price            Price             `xml:"cac:Price"`
}

// Quantity returns the line's quantity, whichever element holds it.
func (l DocumentLine) Quantity() *Quantity {
	if l.InvoicedQuantity != nil {
		return l.InvoicedQuantity
	}
	return l.CreditedQuantity
}

// Item is BG-31.
type Item struct {
	Description string      `xml:"cbc:Description,omitempty"`
	Name        string      `xml:"cbc:Name"`
	SellersID   string      `xml:"cac:SellersItemIdentification>cbc:ID,omitempty"`
	TaxCategory TaxCategory `xml:"cac:ClassifiedTaxCategory"`
}

// Price is BG-29: the item's net price.
type Price struct {
	Amount Amount `xml:"cbc:PriceAmount"`
}

// documentLines returns the lines of whichever kind the document has.
func (u *UBL) documentLines() []DocumentLine {
	if u.CreditNote {
		return u.CreditNoteLines
	}
	return u.InvoiceLines
}

// Marshal writes u as an indented XML document with its declaration.
func (u *UBL) Marshal() ([]byte, error) {
	out, err := xml.MarshalIndent(u, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

// unitCodes maps the units people type to UN/ECE Recommendation 20 codes;
// anything else is a piece ("C62", one).
var unitCodes = map[string]string{
	"h": "HUR", "hour": "HUR", "hours": "HUR", "tim": "HUR", "timme": "HUR", "timmar": "HUR",
	"day": "DAY", "days": "DAY", "dag": "DAY", "dagar": "DAY",
	"month": "MON", "months": "MON", "mån": "MON", "månad": "MON", "månader": "MON",
	"year": "ANN", "years": "ANN", "år": "ANN",
	"kg": "KGM", "g": "GRM", "m": "MTR", "km": "KMT", "l": "LTR", "m2": "MTK", "m²": "MTK",
	"pcs": "H87", "pc": "H87", "st": "H87", "styck": "H87", "piece": "H87", "pieces": "H87",
	"licence": "C62", "license": "C62", "seat": "C62", "user": "C62",
}

// UnitCode returns the Recommendation 20 code of a unit as typed.
func UnitCode(unit string) string {
	if c, ok := unitCodes[strings.ToLower(strings.TrimSpace(unit))]; ok {
		return c
	}
	return "C62"
}

// countryNames maps country names as people type them to ISO 3166 codes.
var countryNames = map[string]string{
	"sweden": "SE", "sverige": "SE", "norway": "NO", "norge": "NO", "denmark": "DK", "danmark": "DK",
	"finland": "FI", "suomi": "FI", "germany": "DE", "tyskland": "DE", "deutschland": "DE",
	"united kingdom": "GB", "storbritannien": "GB", "netherlands": "NL", "nederländerna": "NL",
	"france": "FR", "frankrike": "FR", "spain": "ES", "spanien": "ES", "italy": "IT", "italien": "IT",
	"poland": "PL", "polen": "PL", "estonia": "EE", "estland": "EE", "iceland": "IS", "island": "IS",
}

// CountryCode returns the ISO 3166-1 alpha-2 code of a country as typed
// ("SE", "se", "Sweden", "Sverige" → "SE"), "" when unknown.
func CountryCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 2 && isLetters(s) {
		return strings.ToUpper(s)
	}
	return countryNames[strings.ToLower(s)]
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}
