package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/page"
)

// Catalog is the catalog.Store over PostgreSQL.
type Catalog struct{ db *DB }

// NewCatalog returns the product repository.
func NewCatalog(db *DB) *Catalog { return &Catalog{db: db} }

// WithTx implements catalog.Store.
func (r *Catalog) WithTx(ctx context.Context, fn func(context.Context) error) error {
	return r.db.WithTx(ctx, fn)
}

type productRow struct {
	ID          uuid.UUID `gorm:"primaryKey"`
	WorkspaceID uuid.UUID
	Code        string
	Name        string
	Description string
	Unit        string
	UnitPrice   int64
	Currency    string
	VATRate     int `gorm:"column:vat_rate"`
	Active      bool
	ExternalID  *string
	Version     int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (productRow) TableName() string { return "products" }

func (p productRow) domain() catalog.Product {
	return catalog.Product{ID: p.ID, Code: p.Code, Name: p.Name, Description: p.Description, Unit: p.Unit,
		UnitPrice: p.UnitPrice, Currency: p.Currency, VATRate: money.BasisPoints(p.VATRate), Active: p.Active,
		ExternalID: p.ExternalID, Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// Product implements catalog.Store.
func (r *Catalog) Product(ctx context.Context, id uuid.UUID) (catalog.Product, error) {
	var row productRow
	if err := r.db.conn(ctx).Take(&row, "id = ?", id).Error; err != nil {
		return catalog.Product{}, translate(err)
	}
	return row.domain(), nil
}

// ProductsByID implements catalog.Store.
func (r *Catalog) ProductsByID(ctx context.Context, ids []uuid.UUID) ([]catalog.Product, error) {
	return byID(r.db.conn(ctx), ids, productRow.domain)
}

// LockProduct implements catalog.Store.
func (r *Catalog) LockProduct(ctx context.Context, id uuid.UUID) (catalog.Product, error) {
	var row productRow
	if err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "id = ?", id).Error; err != nil {
		return catalog.Product{}, translate(err)
	}
	return row.domain(), nil
}

// CreateProduct implements catalog.Store.
func (r *Catalog) CreateProduct(ctx context.Context, p catalog.Product) error {
	row := productRow{ID: p.ID, Code: p.Code, Name: p.Name, Description: p.Description, Unit: p.Unit,
		UnitPrice: p.UnitPrice, Currency: p.Currency, VATRate: int(p.VATRate), Active: p.Active, ExternalID: p.ExternalID, Version: 1,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	return translate(r.db.conn(ctx).Create(&row).Error)
}

// SaveProduct implements catalog.Store: every mutable column by name, so
// that zero values (a 0 price, inactive) are written too.
func (r *Catalog) SaveProduct(ctx context.Context, p catalog.Product) error {
	res := r.db.conn(ctx).Model(&productRow{}).Where("id = ?", p.ID).Updates(map[string]any{
		"code": p.Code, "name": p.Name, "description": p.Description, "unit": p.Unit, "unit_price": p.UnitPrice,
		"currency": p.Currency, "vat_rate": int(p.VATRate), "active": p.Active, "external_id": p.ExternalID, "updated_at": p.UpdatedAt,
		"version": gorm.Expr("version + 1"),
	})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return translate(errNoRows)
	}
	return nil
}

// DeleteProduct implements catalog.Store.
func (r *Catalog) DeleteProduct(ctx context.Context, id uuid.UUID, ifVersion *int64) error {
	return deleteVersioned[productRow](r.db.conn(ctx), id, ifVersion)
}

// Savepoint implements catalog.Store.
func (r *Catalog) Savepoint(ctx context.Context, fn func(context.Context) error) error {
	return r.db.Savepoint(ctx, fn)
}

// ProductByExternalID implements catalog.Store.
func (r *Catalog) ProductByExternalID(ctx context.Context, externalID string) (catalog.Product, error) {
	var row productRow
	err := r.db.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).Take(&row, "external_id = ?", externalID).Error
	if err != nil {
		return catalog.Product{}, translate(err)
	}
	return row.domain(), nil
}

var productSorts = map[string]sortCol{
	"name":       {"products.name", "text"},
	"code":       {"products.code", "text"},
	"unit_price": {"products.unit_price", "bigint"},
	"created_at": {"products.created_at", "timestamptz"},
	"updated_at": {"products.updated_at", "timestamptz"},
}

// ListProducts implements catalog.Store. With a query it runs the type-ahead
// (searchProducts) and ignores req.Sort.
func (r *Catalog) ListProducts(ctx context.Context, f catalog.Filter, req page.Request) (page.Page[catalog.Product], error) {
	if f.Query != "" {
		return r.searchProducts(ctx, f, req)
	}
	q := r.db.reader(ctx).Model(&productRow{})
	if f.ExternalID != "" {
		q = q.Where("products.external_id = ?", f.ExternalID)
		if f.Active == nil {
			f.IncludeInactive = true
		}
	}
	if cond, ok := activeCond(f); ok {
		q = q.Where(cond)
	}
	q, err := keyset(q, req, productSorts)
	if err != nil {
		return page.Page[catalog.Product]{}, err
	}
	var rows []productRow
	if err := q.Find(&rows).Error; err != nil {
		return page.Page[catalog.Product]{}, translate(err)
	}
	return pageOf(rows, req, productRow.domain, func(p productRow) (uuid.UUID, string) {
		return p.ID, cursorText(map[string]any{"name": p.Name, "code": p.Code, "unit_price": p.UnitPrice,
			"created_at": p.CreatedAt, "updated_at": p.UpdatedAt}[req.Sort])
	}), nil
}

// activeCond is the SQL condition on the active flag, if any.
func activeCond(f catalog.Filter) (string, bool) {
	switch {
	case f.Active != nil && *f.Active:
		return "active", true
	case f.Active != nil:
		return "NOT active", true
	case f.IncludeInactive:
		return "", false
	}
	return "active", true
}

// rankedProductRow is a type-ahead match; the row is a named field because
// GORM ignores unexported embedded structs.
type rankedProductRow struct {
	Row     productRow `gorm:"embedded"`
	Rank    int
	SortKey string
}

// searchProducts is the type-ahead. Each rank is its own index-driven
// branch (exact code by the unique index; code and name prefixes by range
// scans of the "C"-collated btrees, read in order; word prefixes by the GIN
// index), and the branches exclude each other's matches so that no product
// appears twice. They run one after the other, best rank first, each asked
// only for what the page still lacks, and stop once the page is full: the
// costly word-prefix branch runs only when the prefixes leave room. The
// cursor holds "rank:sort key" and the id.
func (r *Catalog) searchProducts(ctx context.Context, f catalog.Filter, req page.Request) (page.Page[catalog.Product], error) {
	branches, args, err := typeAheadSQL(ctx, f, req)
	if err != nil {
		return page.Page[catalog.Product]{}, err
	}
	var rows []rankedProductRow
	for _, sql := range branches {
		args["n"] = req.Limit + 1 - len(rows)
		var part []rankedProductRow
		if err := r.db.reader(ctx).Raw(sql, args).Scan(&part).Error; err != nil {
			return page.Page[catalog.Product]{}, translate(err)
		}
		if rows = append(rows, part...); len(rows) > req.Limit {
			break
		}
	}
	return pageOf(rows, req, func(p rankedProductRow) catalog.Product { return p.Row.domain() },
		func(p rankedProductRow) (uuid.UUID, string) { return p.Row.ID, strconv.Itoa(p.Rank) + ":" + p.SortKey }), nil
}

const (
	codeKey = `lower(code) COLLATE "C"`
	nameKey = `lower(name) COLLATE "C"`
)

// TypeAheadSQL returns the type-ahead's statements, best rank first, and
// their named arguments ("n" is each statement's limit), for the benchmark
// that runs them beside the service.
func TypeAheadSQL(ctx context.Context, f catalog.Filter, req page.Request) ([]string, map[string]any, error) {
	return typeAheadSQL(ctx, f, req)
}

func typeAheadSQL(ctx context.Context, f catalog.Filter, req page.Request) ([]string, map[string]any, error) {
	ws, err := wsID(ctx)
	if err != nil {
		return nil, nil, err
	}
	curRank, curKey, curID, err := typeAheadCursor(req.Cursor)
	if err != nil {
		return nil, nil, err
	}
	q := strings.ToLower(f.Query)
	lo, hi := q, q+"\U0010FFFF" // every string starting with q sorts in [lo, hi) byte-wise
	starts := func(key string) string { return "(" + key + " >= @lo AND " + key + " < @hi)" }
	common := "workspace_id = @ws"
	if cond, ok := activeCond(f); ok {
		common += " AND " + cond
	}
	branches := []struct{ key, where string }{
		{codeKey, "lower(code) = @q"},
		{codeKey, starts(codeKey) + " AND lower(code) <> @q"},
		{nameKey, starts(nameKey) + " AND NOT " + starts(codeKey)},
	}
	args := map[string]any{"ws": ws, "q": q, "lo": lo, "hi": hi, "n": req.Limit + 1, "ck": curKey, "cid": curID}
	if words := catalog.SearchWords(q); len(words) > 0 && utf8.RuneCountInString(q) >= catalog.MinWordPrefix {
		args["tsq"] = tsPrefixQuery(words)
		branches = append(branches, struct{ key, where string }{nameKey,
			"to_tsvector('simple', name) @@ to_tsquery('simple', @tsq) AND NOT " + starts(nameKey) + " AND NOT " + starts(codeKey)})
	}
	var parts []string
	for rank, b := range branches {
		if rank < curRank {
			continue // the cursor is past this rank
		}
		where := common + " AND " + b.where
		if rank == curRank {
			where += fmt.Sprintf(" AND (%s, id) > (@ck COLLATE \"C\", @cid)", b.key)
		}
		order := b.key
		if rank == int(catalog.RankWordPrefix) {
			// Sorting the GIN matches costs what they number; walking the
			// name index in order and testing every row's words would read
			// the whole catalogue when few active rows match (or none).
			order += " || ''"
		}
		parts = append(parts, fmt.Sprintf("SELECT *, %d AS rank, %s AS sort_key FROM products WHERE %s ORDER BY %s, id LIMIT @n",
			rank, b.key, where, order))
	}
	return parts, args, nil
}

// tsPrefixQuery makes "every word is the prefix of a word": 'wi':* & 'ro':*.
// SearchWords keeps only letters and digits, so nothing needs escaping.
func tsPrefixQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = "'" + w + "':*"
	}
	return strings.Join(parts, " & ")
}

// typeAheadCursor reads "rank:key"; no cursor starts at rank -1.
func typeAheadCursor(c *page.Cursor) (int, string, uuid.UUID, error) {
	if c == nil {
		return -1, "", uuid.Nil, nil
	}
	if c.Value == nil {
		return 0, "", uuid.Nil, errs.New(errs.BadRequest, "invalid cursor")
	}
	r, key, ok := strings.Cut(*c.Value, ":")
	rank, err := strconv.Atoi(r)
	if !ok || err != nil || rank < 0 {
		return 0, "", uuid.Nil, errs.New(errs.BadRequest, "invalid cursor")
	}
	return rank, key, c.ID, nil
}
