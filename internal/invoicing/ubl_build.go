package invoicing

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// BuildUBL returns an issued invoice or credit note as a Peppol BIS Billing
// 3.0 document. Amounts are written positive on both kinds, as UBL credit
// notes carry them; the document type says which way the money goes. A
// draft is errs.Conflict: only an issued document has a number and a
// frozen seller and buyer. The result is not checked: see Check.
func BuildUBL(inv Invoice) (*UBL, error) {
	if !inv.Issued() || inv.Snapshot == nil || inv.IssueDate == nil {
		return nil, errs.Conflictf("invoice is a draft: issue it first, the e-invoice needs its number")
	}
	s := inv.Snapshot
	c := inv.Currency
	amt := func(v int64) Amount { return amount(abs(v), c) }
	u := &UBL{XMLNS: nsInvoice, XMLNSCAC: nsCAC, XMLNSCBC: nsCBC, CustomizationID: CustomizationID,
		ProfileID: ProfileID, ID: inv.Number, IssueDate: date(*inv.IssueDate), Note: inv.Note,
		DocumentCurrencyCode: string(c), BuyerReference: inv.BuyerReference,
		Supplier: PartyRole{Party: party(s.Seller)}, Customer: PartyRole{Party: party(s.Buyer)},
		PaymentMeans: []PaymentMeans{paymentMeans(s.PaymentInfo, inv.OCR)}}
	u.XMLName = xml.Name{Local: "Invoice"}
	if inv.Kind == KindCreditNote {
		u.XMLName.Local, u.XMLNS, u.CreditNote, u.CreditNoteTypeCode = "CreditNote", nsCreditNote, true, TypeCreditNote
		if s.Credits != nil {
			u.BillingReference = &BillingReference{ID: s.Credits.Number, IssueDate: date(s.Credits.IssueDate)}
		}
	} else {
		u.InvoiceTypeCode = TypeCommercialInvoice
		if inv.DueDate != nil {
			u.DueDate = date(*inv.DueDate)
		}
		u.PaymentTerms = &Note{Note: paymentTermsText(s.PaymentInfo.TermsDays, inv.Language)}
	}
	if u.BuyerReference == "" {
		u.BuyerReference = inv.Number
	}
	lines, lineSum, byRate := docLines(inv, amt)
	if u.CreditNote {
		u.CreditNoteLines = lines
	} else {
		u.InvoiceLines = lines
	}
	var allowances int64
	for _, v := range inv.Totals.VAT {
		if off := byRate[v.Rate] - abs(v.Base); off > 0 {
			cat := taxCategory(v.Rate)
			u.AllowanceCharges = append(u.AllowanceCharges, AllowanceCharge{ReasonCode: "95", Reason: "Discount",
				Amount: amt(off), TaxCategory: &cat})
			allowances += off
		}
		u.TaxTotal.Subtotals = append(u.TaxTotal.Subtotals, TaxSubtotal{TaxableAmount: amt(v.Base),
			TaxAmount: amt(v.Amount), Category: taxCategory(v.Rate)})
	}
	u.TaxTotal.TaxAmount = amt(inv.Totals.VATTotal)
	u.MonetaryTotal = MonetaryTotal{LineExtension: amt(lineSum), TaxExclusive: amt(inv.Totals.Net),
		TaxInclusive: amt(inv.Totals.Total), Payable: amt(inv.Totals.Total)}
	if allowances > 0 {
		a := amt(allowances)
		u.MonetaryTotal.AllowanceTotal = &a
	}
	return u, nil
}

// docLines converts the lines and sums their nets, in total and per rate
// (positive amounts).
func docLines(inv Invoice, amt func(int64) Amount) ([]DocumentLine, int64, map[money.BasisPoints]int64) {
	out := make([]DocumentLine, len(inv.Lines))
	var sum int64
	byRate := map[money.BasisPoints]int64{}
	for i, l := range inv.Lines {
		net := abs(l.Net)
		sum += net
		byRate[l.VATRate] += net
		q := &Quantity{Unit: UnitCode(l.Unit), Value: l.Quantity.String()}
		dl := DocumentLine{ID: strconv.Itoa(l.Position), LineExtension: amt(net),
			Item:  Item{Description: l.Description, Name: l.Name, SellersID: l.Code, TaxCategory: taxCategory(l.VATRate)},
			Price: Price{Amount: amt(l.UnitPrice)}}
		if inv.Kind == KindCreditNote {
			dl.CreditedQuantity = q
		} else {
			dl.InvoicedQuantity = q
		}
		gross, err := money.LineNet(money.Line{Quantity: l.Quantity, UnitPrice: l.UnitPrice, VATRate: l.VATRate})
		if err == nil && gross > net {
			dl.AllowanceCharges = []AllowanceCharge{{ReasonCode: "95", Reason: "Discount", Amount: amt(gross - net)}}
		}
		out[i] = dl
	}
	return out, sum, byRate
}

// party converts a frozen party. The electronic address is the Swedish
// organisation number (EAS 0007), else the VAT number (EAS 9955 for
// Swedish ones), else the e-mail address (EAS EM).
func party(p Party) UBLParty {
	out := UBLParty{Name: p.Name, LegalEntity: LegalEntity{RegistrationName: p.Name, CompanyID: p.OrganizationNumber},
		Address: &PostalAddress{CityName: p.City, PostalZone: p.PostalCode, Country: CountryCode(p.Country)}}
	if len(p.Address) > 0 {
		out.Address.StreetName = p.Address[0]
	}
	if len(p.Address) > 1 {
		out.Address.AdditionalStreetName = strings.Join(p.Address[1:], ", ")
	}
	if p.VATNumber != "" {
		out.TaxScheme = &PartyTaxScheme{CompanyID: strings.ReplaceAll(p.VATNumber, " ", ""), TaxScheme: "VAT"}
	}
	if p.Email != "" || p.Phone != "" {
		out.Contact = &Contact{Email: p.Email, Phone: p.Phone}
	}
	switch digits := onlyDigits(p.OrganizationNumber); {
	case len(digits) == 10 && (out.Address.Country == "SE" || out.Address.Country == ""):
		out.EndpointID = &SchemeID{SchemeID: "0007", Value: digits}
	case strings.HasPrefix(strings.ToUpper(p.VATNumber), "SE"):
		out.EndpointID = &SchemeID{SchemeID: "9955", Value: strings.ToUpper(strings.ReplaceAll(p.VATNumber, " ", ""))}
	case p.Email != "":
		out.EndpointID = &SchemeID{SchemeID: "EM", Value: p.Email}
	}
	return out
}

// paymentMeans is a credit transfer to the seller's bankgiro, plusgiro or
// IBAN, with the OCR reference as the payment id.
func paymentMeans(pi PaymentInfo, ocr string) PaymentMeans {
	pm := PaymentMeans{Code: MeansCreditTransfer, PaymentID: ocr}
	acct := strings.ToLower(strings.TrimSpace(pi.BankName + " " + pi.BankAccount))
	switch {
	case strings.Contains(acct, "bankgiro") || strings.HasPrefix(acct, "bg"):
		pm.Account = &FinancialAccount{ID: onlyDigits(pi.BankAccount), Branch: "SE:BANKGIRO"}
	case strings.Contains(acct, "plusgiro") || strings.HasPrefix(acct, "pg"):
		pm.Account = &FinancialAccount{ID: onlyDigits(pi.BankAccount), Branch: "SE:PLUSGIRO"}
	case pi.IBAN != "":
		pm.Code = "58" // SEPA credit transfer
		pm.Account = &FinancialAccount{ID: strings.ReplaceAll(pi.IBAN, " ", ""), Branch: pi.BIC}
	case pi.BankAccount != "":
		pm.Account = &FinancialAccount{ID: pi.BankAccount, Name: pi.BankName}
	}
	return pm
}

// taxCategory is S (standard rate) for rates above zero, Z (zero rated)
// for zero.
func taxCategory(rate money.BasisPoints) TaxCategory {
	id := "S"
	if rate == 0 {
		id = "Z"
	}
	return TaxCategory{ID: id, Percent: percent(rate), TaxScheme: "VAT", rate: rate}
}

func paymentTermsText(days int, lang string) string {
	if lang == "sv" {
		return fmt.Sprintf("Betalning inom %d dagar", days)
	}
	return fmt.Sprintf("Payment within %d days", days)
}

// amount writes minor units as a decimal in the currency's exponent.
func amount(minor int64, c money.Currency) Amount {
	return Amount{Currency: string(c), Value: decimalString(minor, c.Exponent()), minor: minor}
}

func decimalString(minor int64, exp int) string {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	s := strconv.FormatInt(minor, 10)
	if exp == 0 {
		return sign + s
	}
	for len(s) <= exp {
		s = "0" + s
	}
	return sign + s[:len(s)-exp] + "." + s[len(s)-exp:]
}

// percent writes basis points as a percentage: 2500 → "25", 1250 → "12.5".
func percent(bp money.BasisPoints) string {
	s := decimalString(int64(bp), 2)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "" {
		return "0"
	}
	return s
}

func date(t time.Time) string { return t.Format(time.DateOnly) }

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
