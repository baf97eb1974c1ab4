package postgres

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
)

// sortCol is a column a list may be sorted by; cast is its SQL type, used
// to read the cursor's text value back.
type sortCol struct {
	expr string
	cast string
}

// keyset orders q by the requested sort and the id that breaks ties, starts
// just after the cursor, and asks for one row more than the page holds so
// that pageOf can tell whether a next page exists.
func keyset(q *gorm.DB, req page.Request, sorts map[string]sortCol) (*gorm.DB, error) {
	col, ok := sorts[req.Sort]
	if !ok {
		return nil, errs.Field("sort", fmt.Sprintf("cannot sort by %q", req.Sort))
	}
	dir, op := "ASC", ">"
	if req.Desc {
		dir, op = "DESC", "<"
	}
	if c := req.Cursor; c != nil {
		if c.Value == nil {
			return nil, errs.New(errs.BadRequest, "invalid cursor")
		}
		q = q.Where(fmt.Sprintf("(%s, %s.id) %s (CAST(? AS %s), ?)", col.expr, tableOf(q), op, col.cast), *c.Value, c.ID)
	}
	return q.Order(fmt.Sprintf("%s %s, %s.id %s", col.expr, dir, tableOf(q), dir)).Limit(req.Limit + 1), nil
}

// sqlArgs collects the arguments of a hand-built statement.
type sqlArgs []any

// add appends v and returns its placeholder.
func (a *sqlArgs) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// keysetSQL is keyset for a hand-built statement on table: the cursor's
// condition (empty without a cursor) and the ORDER BY and LIMIT clauses.
func keysetSQL(table string, req page.Request, sorts map[string]sortCol, a *sqlArgs) (cond, tail string, err error) {
	col, ok := sorts[req.Sort]
	if !ok {
		return "", "", errs.Field("sort", fmt.Sprintf("cannot sort by %q", req.Sort))
	}
	dir, op := "ASC", ">"
	if req.Desc {
		dir, op = "DESC", "<"
	}
	if c := req.Cursor; c != nil {
		if c.Value == nil {
			return "", "", errs.New(errs.BadRequest, "invalid cursor")
		}
		cond = fmt.Sprintf("(%s, %s.id) %s (CAST(%s AS %s), %s)", col.expr, table, op, a.add(*c.Value), col.cast, a.add(pgUUID(c.ID)))
	}
	tail = fmt.Sprintf(" ORDER BY %s %s, %s.id %s LIMIT %d", col.expr, dir, table, dir, req.Limit+1)
	return cond, tail, nil
}

func tableOf(q *gorm.DB) string {
	if q.Statement.Table != "" {
		return q.Statement.Table
	}
	if t, ok := q.Statement.Model.(interface{ TableName() string }); ok {
		return t.TableName()
	}
	return "id"
}

// pageOf cuts rows to the page size and builds the next cursor from the last
// row kept; key returns a row's id and its sort value as cursor text.
func pageOf[R, T any](rows []R, req page.Request, conv func(R) T, key func(R) (uuid.UUID, string)) page.Page[T] {
	cut := cutPage(rows, req, key)
	items := make([]T, len(cut.Items))
	for i, r := range cut.Items {
		items[i] = conv(r)
	}
	return page.Page[T]{Items: items, Next: cut.Next}
}

// cutPage is pageOf for rows that are already the items: the page keeps
// rows' array instead of copying it.
func cutPage[T any](rows []T, req page.Request, key func(T) (uuid.UUID, string)) page.Page[T] {
	var next *page.Cursor
	if len(rows) > req.Limit {
		rows = rows[:req.Limit]
		id, v := key(rows[len(rows)-1])
		next = &page.Cursor{Sort: req.Sort, Value: &v, ID: id}
	}
	return page.Page[T]{Items: rows, Next: next}
}

// cursorText renders a sort value as text that PostgreSQL casts back exactly.
func cursorText(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case *time.Time:
		if x == nil {
			return "infinity"
		}
		return x.UTC().Format(time.RFC3339Nano)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

func toLower(s string) string { return strings.ToLower(s) }
