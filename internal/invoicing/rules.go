package invoicing

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// Violation is one broken EN 16931 (or Peppol) business rule.
type Violation struct {
	Rule    string
	Message string
}

// Rule is one business rule checked on a UBL document.
type Rule struct {
	ID    string
	Check func(u *UBL) []string // the messages of its violations
}

// Rules are the EN 16931 business rules the domain checks on every UBL
// document it produces, in the standard's order. The README lists them
// and those that cannot apply to what BuildUBL writes.
var Rules = []Rule{
	{"BR-01", func(u *UBL) []string {
		return need(u.CustomizationID == CustomizationID, "the specification identifier must be Peppol BIS Billing 3.0's")
	}},
	{"BR-02", func(u *UBL) []string { return need(u.ID != "", "an invoice shall have an invoice number") }},
	{"BR-03", func(u *UBL) []string {
		return need(isDate(u.IssueDate), "an invoice shall have an issue date (YYYY-MM-DD)")
	}},
	{"BR-04", func(u *UBL) []string {
		return need(u.InvoiceTypeCode == TypeCommercialInvoice && !u.CreditNote || u.CreditNoteTypeCode == TypeCreditNote && u.CreditNote,
			"an invoice shall have a type code (380, or 381 for a credit note)")
	}},
	{"BR-05", func(u *UBL) []string {
		return need(money.Currency(u.DocumentCurrencyCode).Valid(), "an invoice shall have a currency code (ISO 4217)")
	}},
	{"BR-06", func(u *UBL) []string {
		return need(u.Supplier.Party.LegalEntity.RegistrationName != "", "the seller's name is required")
	}},
	{"BR-07", func(u *UBL) []string {
		return need(u.Customer.Party.LegalEntity.RegistrationName != "", "the buyer's name is required")
	}},
	{"BR-08", func(u *UBL) []string {
		return need(u.Supplier.Party.Address != nil, "the seller's postal address is required")
	}},
	{"BR-09", func(u *UBL) []string {
		return need(hasCountry(u.Supplier.Party), "the seller's postal address needs a country code")
	}},
	{"BR-10", func(u *UBL) []string {
		return need(u.Customer.Party.Address != nil, "the buyer's postal address is required")
	}},
	{"BR-11", func(u *UBL) []string {
		return need(hasCountry(u.Customer.Party), "the buyer's postal address needs a country code")
	}},
	{"BR-12", func(u *UBL) []string {
		return need(u.MonetaryTotal.LineExtension.Value != "", "the sum of line net amounts is required")
	}},
	{"BR-13", func(u *UBL) []string {
		return need(u.MonetaryTotal.TaxExclusive.Value != "", "the total without VAT is required")
	}},
	{"BR-14", func(u *UBL) []string {
		return need(u.MonetaryTotal.TaxInclusive.Value != "", "the total with VAT is required")
	}},
	{"BR-15", func(u *UBL) []string {
		return need(u.MonetaryTotal.Payable.Value != "", "the amount due for payment is required")
	}},
	{"BR-16", func(u *UBL) []string {
		return need(len(u.documentLines()) > 0, "an invoice shall have at least one line")
	}},
	{"BR-21", eachLine(func(l DocumentLine) bool { return l.ID != "" }, "every line needs an identifier")},
	{"BR-22", eachLine(func(l DocumentLine) bool { return l.Quantity() != nil && l.Quantity().Value != "" }, "every line needs an invoiced quantity")},
	{"BR-23", eachLine(func(l DocumentLine) bool { return l.Quantity() != nil && l.Quantity().Unit != "" }, "every line's quantity needs a unit of measure code")},
	{"BR-24", eachLine(func(l DocumentLine) bool { return l.LineExtension.Value != "" }, "every line needs a net amount")},
	{"BR-25", eachLine(func(l DocumentLine) bool { return strings.TrimSpace(l.Item.Name) != "" }, "every line needs an item name")},
	{"BR-26", eachLine(func(l DocumentLine) bool { return l.Price.Amount.Value != "" }, "every line needs an item net price")},
	{"BR-27", eachLine(func(l DocumentLine) bool { return l.Price.Amount.minor >= 0 }, "an item net price shall not be negative")},
	{"BR-31", docAllowances(func(a AllowanceCharge) bool { return a.Amount.Value != "" }, "a document level allowance needs an amount")},
	{"BR-32", docAllowances(func(a AllowanceCharge) bool { return a.TaxCategory != nil && a.TaxCategory.ID != "" }, "a document level allowance needs a VAT category code")},
	{"BR-33", docAllowances(func(a AllowanceCharge) bool { return a.Reason != "" || a.ReasonCode != "" }, "a document level allowance needs a reason or reason code")},
	{"BR-36", docCharges(func(a AllowanceCharge) bool { return a.Amount.Value != "" }, "a document level charge needs an amount")},
	{"BR-37", docCharges(func(a AllowanceCharge) bool { return a.TaxCategory != nil && a.TaxCategory.ID != "" }, "a document level charge needs a VAT category code")},
	{"BR-38", docCharges(func(a AllowanceCharge) bool { return a.Reason != "" || a.ReasonCode != "" }, "a document level charge needs a reason or reason code")},
	{"BR-41", lineAC(false, func(a AllowanceCharge) bool { return a.Amount.Value != "" }, "a line allowance needs an amount")},
	{"BR-42", lineAC(false, func(a AllowanceCharge) bool { return a.Reason != "" || a.ReasonCode != "" }, "a line allowance needs a reason or reason code")},
	{"BR-43", lineAC(true, func(a AllowanceCharge) bool { return a.Amount.Value != "" }, "a line charge needs an amount")},
	{"BR-44", lineAC(true, func(a AllowanceCharge) bool { return a.Reason != "" || a.ReasonCode != "" }, "a line charge needs a reason or reason code")},
	{"BR-45", eachSubtotal(func(s TaxSubtotal) bool { return s.TaxableAmount.Value != "" }, "every VAT breakdown needs a taxable amount")},
	{"BR-46", eachSubtotal(func(s TaxSubtotal) bool { return s.TaxAmount.Value != "" }, "every VAT breakdown needs a VAT amount")},
	{"BR-47", eachSubtotal(func(s TaxSubtotal) bool { return s.Category.ID != "" }, "every VAT breakdown needs a VAT category code")},
	{"BR-48", eachSubtotal(func(s TaxSubtotal) bool { return s.Category.ID == "O" || s.Category.Percent != "" }, "every VAT breakdown needs a rate, except category O")},
	{"BR-49", func(u *UBL) []string {
		return eachMeans(u, func(p PaymentMeans) bool { return p.Code != "" }, "payment instructions need a payment means type code")
	}},
	{"BR-50", func(u *UBL) []string {
		return eachMeans(u, func(p PaymentMeans) bool { return !creditTransfer(p.Code) || p.Account != nil && p.Account.ID != "" },
			"a credit transfer needs the payee's account identifier")
	}},
	{"BR-55", func(u *UBL) []string {
		return need(u.BillingReference == nil || u.BillingReference.ID != "", "a preceding invoice reference needs the invoice's number")
	}},
	{"BR-61", func(u *UBL) []string {
		return eachMeans(u, func(p PaymentMeans) bool { return p.Code != "58" || p.Account != nil && p.Account.ID != "" },
			"a SEPA credit transfer needs the payee's IBAN")
	}},
	{"BR-62", func(u *UBL) []string {
		return schemeOK(u.Supplier.Party.EndpointID, "the seller's electronic address needs a scheme identifier")
	}},
	{"BR-63", func(u *UBL) []string {
		return schemeOK(u.Customer.Party.EndpointID, "the buyer's electronic address needs a scheme identifier")
	}},
	{"BR-CO-04", eachLine(func(l DocumentLine) bool { return l.Item.TaxCategory.ID != "" }, "every line needs a VAT category code")},
	{"BR-CO-09", func(u *UBL) []string {
		var out []string
		for _, p := range []UBLParty{u.Supplier.Party, u.Customer.Party} {
			if p.TaxScheme != nil && !vatPrefix.MatchString(p.TaxScheme.CompanyID) {
				out = append(out, fmt.Sprintf("VAT identifier %q must start with a country prefix such as SE", p.TaxScheme.CompanyID))
			}
		}
		return out
	}},
	{"BR-CO-10", func(u *UBL) []string {
		var sum int64
		for _, l := range u.documentLines() {
			sum += l.LineExtension.minor
		}
		return equal(u.MonetaryTotal.LineExtension.minor, sum, "the sum of line net amounts must equal the lines' net amounts")
	}},
	{"BR-CO-11", func(u *UBL) []string {
		return equal(optMinor(u.MonetaryTotal.AllowanceTotal), sumAC(u.AllowanceCharges, false), "the allowance total must equal the document level allowances")
	}},
	{"BR-CO-12", func(u *UBL) []string {
		return equal(optMinor(u.MonetaryTotal.ChargeTotal), sumAC(u.AllowanceCharges, true), "the charge total must equal the document level charges")
	}},
	{"BR-CO-13", func(u *UBL) []string {
		m := u.MonetaryTotal
		return equal(m.TaxExclusive.minor, m.LineExtension.minor-optMinor(m.AllowanceTotal)+optMinor(m.ChargeTotal),
			"the total without VAT must equal the line sum less allowances plus charges")
	}},
	{"BR-CO-14", func(u *UBL) []string {
		var sum int64
		for _, s := range u.TaxTotal.Subtotals {
			sum += s.TaxAmount.minor
		}
		return equal(u.TaxTotal.TaxAmount.minor, sum, "the VAT total must equal the sum of the VAT breakdown")
	}},
	{"BR-CO-15", func(u *UBL) []string {
		m := u.MonetaryTotal
		return equal(m.TaxInclusive.minor, m.TaxExclusive.minor+u.TaxTotal.TaxAmount.minor, "the total with VAT must equal the total without VAT plus the VAT total")
	}},
	{"BR-CO-16", func(u *UBL) []string {
		m := u.MonetaryTotal
		return equal(m.Payable.minor, m.TaxInclusive.minor-optMinor(m.Prepaid), "the amount due must equal the total with VAT less the paid amount")
	}},
	{"BR-CO-17", eachSubtotal(func(s TaxSubtotal) bool {
		want, err := money.MulDivRound(s.TaxableAmount.minor, int64(s.Category.rate), int64(money.Whole))
		return err == nil && want == s.TaxAmount.minor
	}, "a VAT category's tax amount must be its taxable amount times its rate, rounded once to the minor unit")},
	{"BR-CO-18", func(u *UBL) []string {
		return need(len(u.TaxTotal.Subtotals) > 0, "an invoice needs at least one VAT breakdown")
	}},
	{"BR-CO-25", func(u *UBL) []string {
		return need(u.MonetaryTotal.Payable.minor <= 0 || u.CreditNote || u.DueDate != "" || u.PaymentTerms != nil,
			"a positive amount due needs a due date or payment terms")
	}},
	{"BR-CO-26", func(u *UBL) []string {
		p := u.Supplier.Party
		return need(p.LegalEntity.CompanyID != "" || p.TaxScheme != nil, "the seller needs a legal registration or VAT identifier")
	}},
}

// Check runs every rule on u and returns the violations, none for a valid
// document.
func Check(u *UBL) []Violation {
	var out []Violation
	for _, r := range Rules {
		for _, m := range r.Check(u) {
			out = append(out, Violation{Rule: r.ID, Message: m})
		}
	}
	out = append(out, checkCategory(u)...)
	slices.SortStableFunc(out, func(a, b Violation) int { return strings.Compare(a.Rule, b.Rule) })
	return out
}

// Invalid returns the violations as an errs.Invalid error, nil without any.
func Invalid(vs []Violation) error {
	fe := make([]errs.FieldError, len(vs))
	for i, v := range vs {
		fe[i] = errs.FieldError{Field: v.Rule, Message: v.Message}
	}
	return errs.Fields("the invoice breaks EN 16931 business rules", fe...)
}

var vatPrefix = regexp.MustCompile(`^[A-Z]{2}[0-9A-Za-z+*.]{2,13}$`)

func need(ok bool, msg string) []string {
	if ok {
		return nil
	}
	return []string{msg}
}

func equal(got, want int64, msg string) []string {
	return need(got == want, fmt.Sprintf("%s (%d, want %d minor units)", msg, got, want))
}

func isDate(s string) bool { return regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`).MatchString(s) }

func hasCountry(p UBLParty) bool { return p.Address != nil && len(p.Address.Country) == 2 }

func eachLine(ok func(DocumentLine) bool, msg string) func(*UBL) []string {
	return func(u *UBL) []string {
		var out []string
		for i, l := range u.documentLines() {
			if !ok(l) {
				out = append(out, fmt.Sprintf("line %d: %s", i+1, msg))
			}
		}
		return out
	}
}

func eachSubtotal(ok func(TaxSubtotal) bool, msg string) func(*UBL) []string {
	return func(u *UBL) []string {
		var out []string
		for _, s := range u.TaxTotal.Subtotals {
			if !ok(s) {
				out = append(out, fmt.Sprintf("VAT %s %s: %s", s.Category.ID, s.Category.Percent, msg))
			}
		}
		return out
	}
}

func docAC(charge bool, ok func(AllowanceCharge) bool, msg string) func(*UBL) []string {
	return func(u *UBL) []string {
		var out []string
		for _, a := range u.AllowanceCharges {
			if a.ChargeIndicator == charge && !ok(a) {
				out = append(out, msg)
			}
		}
		return out
	}
}

func docAllowances(ok func(AllowanceCharge) bool, msg string) func(*UBL) []string {
	return docAC(false, ok, msg)
}

func docCharges(ok func(AllowanceCharge) bool, msg string) func(*UBL) []string {
	return docAC(true, ok, msg)
}

func lineAC(charge bool, ok func(AllowanceCharge) bool, msg string) func(*UBL) []string {
	return func(u *UBL) []string {
		var out []string
		for i, l := range u.documentLines() {
			for _, a := range l.AllowanceCharges {
				if a.ChargeIndicator == charge && !ok(a) {
					out = append(out, fmt.Sprintf("line %d: %s", i+1, msg))
				}
			}
		}
		return out
	}
}

func eachMeans(u *UBL, ok func(PaymentMeans) bool, msg string) []string {
	var out []string
	for _, p := range u.PaymentMeans {
		if !ok(p) {
			out = append(out, msg)
		}
	}
	return out
}

func creditTransfer(code string) bool { return code == "30" || code == "58" }

func schemeOK(id *SchemeID, msg string) []string {
	return need(id == nil || id.Value == "" || id.SchemeID != "", msg)
}

func optMinor(a *Amount) int64 {
	if a == nil {
		return 0
	}
	return a.minor
}

func sumAC(acs []AllowanceCharge, charge bool) int64 {
	var sum int64
	for _, a := range acs {
		if a.ChargeIndicator == charge {
			sum += a.Amount.minor
		}
	}
	return sum
}

// checkCategory checks the rules of the standard rated category (BR-S-01…
// BR-S-10) and, with the same shape, the zero rated one (BR-Z-01…BR-Z-10).
func checkCategory(u *UBL) []Violation {
	var out []Violation
	add := func(rule, msg string) { out = append(out, Violation{Rule: rule, Message: msg}) }
	for _, cat := range []string{"S", "Z"} {
		p := "BR-" + cat + "-"
		var lines, subs int
		lineSums := map[string]int64{} // per rate text
		for i, l := range u.documentLines() {
			if l.Item.TaxCategory.ID != cat {
				continue
			}
			lines++
			lineSums[l.Item.TaxCategory.Percent] += l.LineExtension.minor
			if !rateOK(cat, l.Item.TaxCategory) {
				add(p+"05", fmt.Sprintf("line %d: the VAT rate of category %s %s", i+1, cat, rateRule(cat)))
			}
		}
		var allowances, charges int
		for _, a := range u.AllowanceCharges {
			if a.TaxCategory == nil || a.TaxCategory.ID != cat {
				continue
			}
			if a.ChargeIndicator {
				charges++
			} else {
				allowances++
			}
			sign := int64(-1)
			n, rule := "06", "allowance"
			if a.ChargeIndicator {
				sign, n, rule = 1, "07", "charge"
			}
			lineSums[a.TaxCategory.Percent] += sign * a.Amount.minor
			if !rateOK(cat, *a.TaxCategory) {
				add(p+n, fmt.Sprintf("a document level %s's VAT rate of category %s %s", rule, cat, rateRule(cat)))
			}
		}
		seller := u.Supplier.Party.TaxScheme != nil && u.Supplier.Party.TaxScheme.CompanyID != ""
		for n, count := range map[string]int{"02": lines, "03": allowances, "04": charges} {
			if count > 0 && !seller {
				add(p+n, "a document with VAT category "+cat+" (lines, allowances or charges) needs the seller's VAT identifier")
			}
		}
		seen := map[string]bool{}
		for _, s := range u.TaxTotal.Subtotals {
			if s.Category.ID != cat {
				continue
			}
			subs++
			seen[s.Category.Percent] = true
			if s.TaxableAmount.minor != lineSums[s.Category.Percent] {
				add(p+"08", fmt.Sprintf("the taxable amount of %s %s%% must be the sum of its lines less allowances plus charges (%d, want %d)",
					cat, s.Category.Percent, s.TaxableAmount.minor, lineSums[s.Category.Percent]))
			}
			want, _ := money.MulDivRound(s.TaxableAmount.minor, int64(s.Category.rate), int64(money.Whole))
			if cat == "Z" {
				want = 0
			}
			if s.TaxAmount.minor != want {
				add(p+"09", fmt.Sprintf("the VAT of %s %s%% must be its taxable amount times its rate (%d, want %d)",
					cat, s.Category.Percent, s.TaxAmount.minor, want))
			}
			if s.Category.ExemptionReason != "" {
				add(p+"10", "a VAT breakdown of category "+cat+" shall have no exemption reason")
			}
		}
		if lines > 0 && subs == 0 {
			add(p+"01", "lines of VAT category "+cat+" need a VAT breakdown of that category")
		}
		rates := make([]string, 0, len(lineSums))
		for r := range lineSums {
			rates = append(rates, r)
		}
		slices.Sort(rates)
		for _, r := range rates {
			if !seen[r] {
				add(p+"08", fmt.Sprintf("VAT category %s at %s%% has lines but no VAT breakdown", cat, r))
			}
		}
	}
	return out
}

func rateOK(cat string, tc TaxCategory) bool {
	if cat == "Z" {
		return tc.rate == 0
	}
	return tc.rate > 0
}

func rateRule(cat string) string {
	if cat == "Z" {
		return "must be 0"
	}
	return "must be greater than zero"
}
