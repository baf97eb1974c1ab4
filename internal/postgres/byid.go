package postgres

import (
	"github.com/google/uuid"
	"gorm.io/gorm"
)

// rowsByID reads the rows of R, a tenant table's row, whose id is one of
// ids, with one query (id = ANY($ids)) scoped to the context's workspace
// by the tenant callbacks, like the single reads by id. The rows come in no
// particular order; ids missing or of another workspace are skipped, and a
// duplicate id is read once.
func rowsByID[R any](conn *gorm.DB, ids []uuid.UUID) ([]R, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []R
	if err := conn.Where("id = ANY(?::uuid[])", uuidArray(ids)).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return rows, nil
}

// byID is rowsByID with each row converted by domain.
func byID[R, T any](conn *gorm.DB, ids []uuid.UUID, domain func(R) T) ([]T, error) {
	rows, err := rowsByID[R](conn, ids)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i, row := range rows {
		out[i] = domain(row)
	}
	return out, nil
}

// uuidArray renders ids as a PostgreSQL array literal, one parameter
// (cast to uuid[]) that GORM does not expand into a list.
func uuidArray(ids []uuid.UUID) string {
	b := make([]byte, 0, len(ids)*37+2)
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, id.String()...)
	}
	return string(append(b, '}'))
}
