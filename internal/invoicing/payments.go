package invoicing

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
)

// NewPayment is a payment to record. A zero Date is today.
type NewPayment struct {
	Amount           int64
	Date             time.Time
	Method           PaymentMethod
	Reference        string
	AllowOverpayment bool
}

// CheckPayment answers why p cannot be recorded on inv: a draft, a credit
// note or a credited invoice is errs.Conflict; a bad amount, method or
// reference, and an amount above what is due without AllowOverpayment,
// errs.Invalid on the field.
func CheckPayment(inv Invoice, p NewPayment) error {
	switch {
	case inv.Kind != KindInvoice:
		return errs.Conflictf("payments are recorded on invoices, not on credit notes")
	case inv.Status == StatusDraft:
		return errs.Conflictf("invoice is a draft: issue it before recording payments")
	case inv.Status == StatusCredited:
		return errs.Conflictf("invoice %s is credited in full: nothing is due", inv.Number)
	}
	var fe []errs.FieldError
	add := func(f, m string) { fe = append(fe, errs.FieldError{Field: f, Message: m}) }
	if p.Amount <= 0 || p.Amount > money.MaxAmount {
		add("amount", "must be greater than 0 minor units")
	} else if due := inv.AmountDue(); p.Amount > due && !p.AllowOverpayment {
		add("amount", "overpayment: "+money.Format(p.Amount, inv.Currency, "en")+" is more than the "+
			money.Format(max(due, 0), inv.Currency, "en")+" due; set allow_overpayment to record it anyway")
	}
	if !p.Method.Valid() {
		add("method", "must be one of: bank_transfer, bankgiro, plusgiro, card, cash, other")
	}
	if utf8.RuneCountInString(p.Reference) > 100 || strings.ContainsAny(p.Reference, "\x00\r\n") {
		add("reference", "must be one line of at most 100 characters")
	}
	return errs.Fields("invalid payment", fe...)
}

// PaidStatus is the status of an issued invoice with paid received and
// credited taken off by credit notes: paid once nothing is due, partially
// paid once something came in, issued otherwise. A fully credited invoice
// stays credited.
func PaidStatus(inv Invoice) Status {
	if inv.Status == StatusCredited || inv.Status == StatusDraft || inv.Kind != KindInvoice {
		return inv.Status
	}
	switch {
	case inv.Totals.Total-inv.Credited-inv.Paid <= 0 && inv.Paid > 0:
		return StatusPaid
	case inv.Paid > 0:
		return StatusPartiallyPaid
	}
	return StatusIssued
}
