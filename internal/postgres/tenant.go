package postgres

import (
	"context"
	"errors"
	"reflect"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"

	"github.com/acme/crm/internal/tenant"
)

// errNoTenant is returned when a query on a tenant table runs without a
// workspace in its context: a programming error, never a user error.
var errNoTenant = errors.New("postgres: query on a tenant table without a workspace in the context")

// registerTenantScope adds callbacks that scope every query, update and
// delete on a model with a WorkspaceID field to the context's workspace, and
// stamp that workspace on every created row. Raw SQL is not scoped: it must
// take the workspace from wsID explicitly.
func registerTenantScope(db *gorm.DB) error {
	cb := db.Callback()
	return errors.Join(
		cb.Query().Before("gorm:query").Register("tenant:query", scopeWhere),
		cb.Update().Before("gorm:update").Register("tenant:update", scopeWhere),
		cb.Delete().Before("gorm:delete").Register("tenant:delete", scopeWhere),
		cb.Row().Before("gorm:row").Register("tenant:row", scopeWhere),
		cb.Create().Before("gorm:create").Register("tenant:create", stampWorkspace),
	)
}

func tenantField(db *gorm.DB) *schema.Field {
	if db.Statement.Schema == nil {
		return nil
	}
	return db.Statement.Schema.LookUpField("WorkspaceID")
}

func scopeWhere(db *gorm.DB) {
	f := tenantField(db)
	if f == nil || tenant.IsSystem(db.Statement.Context) {
		return
	}
	ws, ok := tenant.From(db.Statement.Context)
	if !ok {
		_ = db.AddError(errNoTenant)
		return
	}
	db.Statement.AddClause(clause.Where{Exprs: []clause.Expression{
		clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: f.DBName}, Value: ws},
	}})
}

func stampWorkspace(db *gorm.DB) {
	f := tenantField(db)
	if f == nil {
		return
	}
	ctx := db.Statement.Context
	ws, ok := tenant.From(ctx)
	if !ok && !tenant.IsSystem(ctx) {
		_ = db.AddError(errNoTenant)
		return
	}
	rv := db.Statement.ReflectValue
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			stampOne(ctx, db, f, reflect.Indirect(rv.Index(i)), ws, ok)
		}
	case reflect.Struct:
		stampOne(ctx, db, f, rv, ws, ok)
	}
}

func stampOne(ctx context.Context, db *gorm.DB, f *schema.Field, rv reflect.Value, ws uuid.UUID, have bool) {
	v, zero := f.ValueOf(ctx, rv)
	if !have {
		if zero {
			_ = db.AddError(errNoTenant)
		}
		return
	}
	if zero {
		_ = db.AddError(f.Set(ctx, rv, ws))
		return
	}
	if id, _ := v.(uuid.UUID); id != ws {
		_ = db.AddError(errors.New("postgres: row names another workspace than the context"))
	}
}

// wsID returns the context's workspace for raw SQL, which is not scoped by
// the callbacks above.
func wsID(ctx context.Context) (uuid.UUID, error) {
	ws, ok := tenant.From(ctx)
	if !ok {
		return uuid.Nil, errNoTenant
	}
	return ws, nil
}
