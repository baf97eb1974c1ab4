package postgres

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/quoting"
)

// QuoteLink makes a quote's customer link as a quote stores it: the hash
// of the token and the token sealed under the server's keys.
type QuoteLink func() (hash, sealed []byte, err error)

// benchQuoteEvery is how many seeded opportunities share one seeded quote.
const benchQuoteEvery = 20

// seedQuoted is a seeded opportunity that gets a quote.
type seedQuoted struct {
	id, owner uuid.UUID
	customer  string
	currency  string
	status    string // the opportunity's
	created   time.Time
}

type seedUser struct{ name, email string }

// benchProducts are the catalogue a seeded quote's lines come from.
var benchProducts = []struct {
	code, name, unit string
	price            int64 // minor units
	vat              money.BasisPoints
}{
	{"LIC-100", "Licence, per user and year", "st", 1_200_00, 2500},
	{"SUP-200", "Support agreement, 12 months", "st", 24_000_00, 2500},
	{"IMP-300", "Implementation", "h", 1_150_00, 2500},
	{"TRN-400", "Training, one day on site", "st", 9_500_00, 2500},
	{"BOK-500", "Handbook", "st", 450_00, 600},
}

// copyQuotes writes one quote version for each of opps, as the quote
// service would have made it from the opportunity: a snapshot with the
// customer, the salesperson, the company profile, texts, lines and
// totals; a link (when link is not nil); and a status that fits the
// opportunity's (open: draft, sent or viewed; won: signed; lost: rejected
// or expired). The numbers continue the workspace's counter of this year.
func copyQuotes(ctx context.Context, tx pgx.Tx, ws uuid.UUID, opps []seedQuoted, link QuoteLink, offset int) error {
	if len(opps) == 0 {
		return nil
	}
	users, template, err := quoteSeedRefs(ctx, tx, ws)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	var last int
	if err := tx.QueryRow(ctx, `INSERT INTO quote_counters (workspace_id, year, n) VALUES ($1, $2, $3)
		ON CONFLICT (workspace_id, year) DO UPDATE SET n = quote_counters.n + $3 RETURNING n`,
		ws, now.Year(), len(opps)).Scan(&last); err != nil {
		return fmt.Errorf("quote counter: %w", err)
	}
	first := last - len(opps) + 1
	rnd := rand.New(rand.NewPCG(uint64(offset), 7))
	cols := []string{"id", "workspace_id", "opportunity_id", "template_id", "number", "quote_version", "status",
		"valid_until", "snapshot", "currency", "total", "token_hash", "token_sealed", "document_sha256", "viewed_at",
		"last_viewed_at", "response", "sent_at", "sent_by", "sent_channel", "status_changed_at", "created_by",
		"version", "created_at", "updated_at"}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"quotes"}, cols, pgx.CopyFromSlice(len(opps), func(i int) ([]any, error) {
		o := opps[i]
		snap, err := benchSnapshot(rnd, o, users[o.owner])
		if err != nil {
			return nil, err
		}
		doc, err := json.Marshal(snap)
		if err != nil {
			return nil, err
		}
		var hash, sealed []byte
		if link != nil {
			if hash, sealed, err = link(); err != nil {
				return nil, err
			}
		}
		q := benchQuoteState(rnd, o, now)
		return []any{uuid.Must(uuid.NewV7()), ws, o.id, template, quoting.FormatNumber(now.Year(), first+i), int32(1),
			q.status, q.validUntil, doc, o.currency, snap.Totals.Total, hash, sealed, q.document, q.viewed, q.viewed,
			q.response, q.sent, q.sentBy, q.channel, q.changed, o.owner, int64(1), q.created, q.changed}, nil
	}))
	if err != nil {
		return fmt.Errorf("copy quotes: %w", err)
	}
	return nil
}

func quoteSeedRefs(ctx context.Context, tx pgx.Tx, ws uuid.UUID) (map[uuid.UUID]seedUser, *uuid.UUID, error) {
	users := map[uuid.UUID]seedUser{}
	rows, err := tx.Query(ctx, `SELECT id, name, email FROM users WHERE workspace_id = $1`, ws)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id uuid.UUID
		var u seedUser
		if err := rows.Scan(&id, &u.name, &u.email); err != nil {
			return nil, nil, err
		}
		users[id] = u
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var template *uuid.UUID
	err = tx.QueryRow(ctx, `SELECT id FROM quote_templates WHERE workspace_id = $1 ORDER BY is_default DESC, created_at LIMIT 1`, ws).
		Scan(&template)
	if err != nil && err != pgx.ErrNoRows {
		return nil, nil, fmt.Errorf("quote template: %w", err)
	}
	return users, template, nil
}

// benchSnapshot is a quote's frozen content with one to five lines.
func benchSnapshot(rnd *rand.Rand, o seedQuoted, seller seedUser) (quoting.Snapshot, error) {
	lines := make([]quoting.SnapshotLine, 1+rnd.IntN(len(benchProducts)))
	for i := range lines {
		p := benchProducts[(i+rnd.IntN(len(benchProducts)))%len(benchProducts)]
		qty, err := money.QuantityFromThousandths(int64(1+rnd.IntN(40)) * 1000)
		if err != nil {
			return quoting.Snapshot{}, err
		}
		lines[i] = quoting.SnapshotLine{ID: uuid.New(), Code: p.code, Name: p.name, Unit: p.unit, Quantity: qty,
			UnitPrice: p.price, Discount: money.BasisPoints(rnd.IntN(3) * 500), VATRate: p.vat}
	}
	return quoting.BuildSnapshot(quoting.Snapshot{
		Customer: quoting.Customer{Kind: quoting.CustomerOrganization, Name: o.customer, OrganizationNumber: "556677-8899",
			VATNumber: "SE556677889901", Email: "inkop@example.com", Phone: "+46 8 123 456 78",
			Address: quoting.Address{Lines: []string{"Storgatan 12"}, PostalCode: "111 22", City: "Stockholm", Country: "SE"}},
		Contact:     quoting.Contact{Name: "Anna Andersson", Email: "anna.andersson@example.com", Phone: "+46 70 123 45 67"},
		Salesperson: quoting.Salesperson{Name: seller.name, Email: seller.email},
		Company: quoting.Company{Name: "Bench AB", OrganizationNumber: "559000-0001", VATNumber: "SE559000000101",
			Email: "offert@bench.example", Phone: "+46 8 555 000 00", Website: "https://bench.example",
			Address: quoting.Address{Lines: []string{"Kungsgatan 1"}, PostalCode: "111 43", City: "Stockholm", Country: "SE"},
			Bank:    quoting.Bank{Name: "Bench Bank", Account: "Bankgiro 123-4567"}, PrimaryColor: "#1f6feb"},
		Texts: quoting.Texts{Intro: "Thank you for your interest. Here is our offer as discussed.",
			Terms:  "Payment within 30 days net. Prices exclude VAT. Delivery within four weeks of the order.",
			Footer: "Bench AB · Kungsgatan 1 · 111 43 Stockholm"},
		Language: "sv", Currency: money.Currency(o.currency), Lines: lines,
	})
}

// benchQuote is the state columns of a seeded quote.
type benchQuote struct {
	status            string
	created, changed  time.Time
	validUntil        time.Time
	sent, viewed      *time.Time
	sentBy            *uuid.UUID
	channel, document *string
	response          []byte
}

func benchQuoteState(rnd *rand.Rand, o seedQuoted, now time.Time) benchQuote {
	created := o.created.Add(time.Duration(1+rnd.IntN(14*24)) * time.Hour)
	if created.After(now) {
		created = now
	}
	q := benchQuote{status: "draft", created: created, changed: created, validUntil: created.AddDate(0, 0, 30).Truncate(24 * time.Hour)}
	switch o.status {
	case "open":
		q.status = [...]string{"draft", "sent", "viewed"}[rnd.IntN(3)]
		if q.status != "draft" {
			// Still valid: the server's expiry job would otherwise expire
			// them one by one during the load test.
			q.created = now.Add(-time.Duration(2+rnd.IntN(20*24)) * time.Hour)
			q.changed, q.validUntil = q.created, q.created.AddDate(0, 0, 30).Truncate(24*time.Hour)
			created = q.created
		}
	case "won":
		q.status = "signed"
	default:
		q.status = [...]string{"rejected", "expired"}[rnd.IntN(2)]
	}
	if q.status == "draft" {
		return q
	}
	sent, channel := created.Add(time.Hour), "link"
	sum := sha256.Sum256([]byte(o.id.String()))
	document := hex.EncodeToString(sum[:])
	q.sent, q.sentBy, q.channel, q.document, q.changed = &sent, &o.owner, &channel, &document, sent
	if q.status != "sent" && q.status != "expired" {
		viewed := sent.Add(26 * time.Hour)
		q.viewed, q.changed = &viewed, viewed
	}
	if q.status == "signed" || q.status == "rejected" {
		at := sent.Add(50 * time.Hour)
		r := quoting.Response{Kind: quoting.ResponseSigned, Name: "Anna Andersson", Email: "anna.andersson@example.com",
			Title: "Inköpschef", At: at, Channel: channel, EvidenceID: uuid.Must(uuid.NewV7())}
		if q.status == "rejected" {
			r.Kind, r.Title, r.Reason = quoting.ResponseRejected, "", "We chose another supplier this time."
		}
		q.response, _ = json.Marshal(r) // a struct of plain fields always encodes
		q.changed = at
	}
	if q.status == "expired" {
		q.changed = q.validUntil.AddDate(0, 0, 1)
	}
	if q.changed.After(now) {
		q.changed = now
	}
	return q
}
