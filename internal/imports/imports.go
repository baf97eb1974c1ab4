// Package imports reads CSV files into the CRM: organizations, persons and
// opportunities, as people export them from spreadsheets and other CRMs.
// An import is stored with its file and worked by a background job in
// chunks, each row in a savepoint so that a bad row is reported (with its
// line and field) and the others go in. Rows that carry the CRM's id or an
// external_id update that record, and only when a field differs, so a
// re-run of the same file, or of an export, changes nothing.
package imports

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

// Resource is what an import creates.
type Resource string

// The resources a file can hold.
const (
	Organizations Resource = "organizations"
	Persons       Resource = "persons"
	Opportunities Resource = "opportunities"
	Products      Resource = "products" // admins only
)

// Fields are the columns each resource reads: the field names of the
// API, flattened (street, postal_code, city, country for the address), and
// organization, the name of an organization found or created on person and
// opportunity rows (organization_id, as exports write it, wins over it).
// id is the CRM's id of a record to update.
var Fields = map[Resource][]string{
	Organizations: {"id", "external_id", "name", "registration_number", "vat_number", "email", "phone", "website",
		"street", "postal_code", "city", "country"},
	Persons: {"id", "external_id", "first_name", "last_name", "email", "phone", "job_title", "organization", "organization_id"},
	Opportunities: {"id", "external_id", "title", "organization", "organization_id", "estimated_amount", "currency",
		"expected_order_date", "description"},
	Products: {"id", "external_id", "code", "name", "description", "unit", "unit_price", "currency", "vat_rate", "active"},
}

// required lists, per resource, columns of which at least one must be
// mapped.
var required = map[Resource][]string{
	Organizations: {"name", "id", "external_id"},
	Persons:       {"first_name", "last_name", "id", "external_id"},
	Opportunities: {"title", "id", "external_id"},
	Products:      {"name", "id", "external_id"},
}

// MaxErrors is how many row errors an import keeps; the count goes on.
const MaxErrors = 1000

// chunk is how many rows one transaction writes.
const chunk = 200

// Status is where an import is.
type Status string

// The states of an import.
const (
	Queued    Status = "queued"
	Running   Status = "running"
	Succeeded Status = "succeeded"
	Failed    Status = "failed"
)

// Outcome is what writing a row did.
type Outcome int

// The outcomes of a row.
const (
	Created Outcome = iota
	Updated
	Unchanged
)

// RowError is a row that was not imported.
type RowError struct {
	Line    int
	Column  string // the file's column, when one is to blame
	Field   string // the field it maps to
	Message string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s %s", e.Line, e.Column, e.Message) }

// Import is one file being read in.
type Import struct {
	ID          uuid.UUID
	WorkspaceID uuid.UUID
	Resource    Resource
	FileName    string
	DryRun      bool
	// Mapping maps the file's column names to fields; columns not in it
	// are read as the field of the same name.
	Mapping    map[string]string
	Status     Status
	RowsTotal  int
	RowsDone   int
	Created    int
	Updated    int
	Unchanged  int
	ErrorCount int
	Errors     []RowError
	Failure    string
	CreatedBy  uuid.UUID // the acting user, whom the job runs as
	CreatedAt  time.Time
	FinishedAt *time.Time
}

// Row is one record of a file as field → value; only mapped, non-empty
// columns are present (an empty cell leaves the field as it is).
type Row map[string]string

// Store keeps imports and their files.
type Store interface {
	WithTx(ctx context.Context, fn func(ctx context.Context) error) error
	Savepoint(ctx context.Context, fn func(ctx context.Context) error) error
	CreateImport(ctx context.Context, im Import, file []byte) error
	Import(ctx context.Context, id uuid.UUID) (Import, error)
	File(ctx context.Context, id uuid.UUID) ([]byte, error)
	// SaveImport writes the state and counts; a finished import drops its
	// file.
	SaveImport(ctx context.Context, im Import) error
}

// Queue runs imports in the background.
type Queue interface {
	// EnqueueImport adds the job in the transaction in ctx.
	EnqueueImport(ctx context.Context, workspaceID, importID uuid.UUID) error
}

// Writer writes one row of a resource: creates it, or updates the record
// the row names by id or external_id when a field differs. Errors are
// errs.Invalid naming fields, or errs.NotFound for an id.
type Writer interface {
	WriteRow(ctx context.Context, r Resource, row Row) (Outcome, error)
}

// Service starts and runs imports.
type Service struct {
	store  Store
	queue  Queue
	writer Writer
	now    func() time.Time
}

// NewService returns the import service.
func NewService(store Store, queue Queue, writer Writer, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, queue: queue, writer: writer, now: now}
}

// NewImport is what a caller sends.
type NewImport struct {
	Resource string
	FileName string
	File     []byte
	Mapping  map[string]string
	DryRun   bool
}

// Start checks the file's header and the mapping, stores the import and
// queues it. Errors are errs.Invalid naming resource, mapping or file.
func (s *Service) Start(ctx context.Context, in NewImport) (Import, error) {
	p, err := identity.Caller(ctx)
	if err != nil {
		return Import{}, err
	}
	res := Resource(in.Resource)
	fields, ok := Fields[res]
	if !ok {
		return Import{}, errs.Field("resource", "must be organizations, persons, opportunities or products")
	}
	if res == Products {
		if err := identity.RequireAdmin(ctx); err != nil {
			return Import{}, err
		}
	}
	for col, f := range in.Mapping {
		if !slices.Contains(fields, f) {
			return Import{}, errs.Field("mapping", fmt.Sprintf("column %q maps to %q, which %s do not have; fields: %s", col, f, res, strings.Join(fields, ", ")))
		}
	}
	r, err := NewReader(in.File)
	if err != nil {
		return Import{}, err
	}
	cols := columns(r.Header(), in.Mapping, fields)
	if !slices.ContainsFunc(required[res], func(f string) bool { return slices.Contains(cols, f) }) {
		return Import{}, errs.Field("file", fmt.Sprintf("no column maps to %s: name the columns in the first line or send a mapping",
			strings.Join(required[res], " or ")))
	}
	im := Import{ID: uuid.Must(uuid.NewV7()), WorkspaceID: p.WorkspaceID, Resource: res, FileName: in.FileName, DryRun: in.DryRun,
		Mapping: in.Mapping, Status: Queued, CreatedBy: p.UserID, CreatedAt: s.now().UTC(), Errors: []RowError{}}
	if im.Mapping == nil {
		im.Mapping = map[string]string{}
	}
	err = s.store.WithTx(ctx, func(ctx context.Context) error {
		if err := s.store.CreateImport(ctx, im, in.File); err != nil {
			return err
		}
		return s.queue.EnqueueImport(ctx, p.WorkspaceID, im.ID)
	})
	return im, err
}

// Import answers an import of the caller's workspace.
func (s *Service) Import(ctx context.Context, id uuid.UUID) (Import, error) {
	return s.store.Import(ctx, id)
}

// columns answers the field each header column is read as ("" for none).
func columns(header []string, mapping map[string]string, fields []string) []string {
	out := make([]string, len(header))
	for i, h := range header {
		if f, ok := mapping[h]; ok {
			out[i] = f
		} else if slices.Contains(fields, strings.ToLower(h)) {
			out[i] = strings.ToLower(h)
		}
	}
	return out
}

// errDryRun rolls back a dry run's chunk.
var errDryRun = errors.New("dry run")

// Run works an import: counts its rows, then writes them in chunks, each
// chunk in a transaction that also records the progress (so that a retry
// resumes after the last committed chunk), each row in a savepoint. A dry
// run does the same and rolls every chunk back. ctx carries the import's
// workspace and creator as the principal.
func (s *Service) Run(ctx context.Context, id uuid.UUID) error {
	im, err := s.store.Import(ctx, id)
	if err != nil {
		return err
	}
	if im.Status == Succeeded || im.Status == Failed {
		return nil
	}
	file, err := s.store.File(ctx, id)
	if err != nil {
		return err
	}
	if im.RowsTotal == 0 {
		if im.RowsTotal, err = countRows(file); err != nil {
			return s.fail(ctx, im, err)
		}
	}
	im.Status = Running
	if err := s.store.SaveImport(ctx, im); err != nil {
		return err
	}
	r, err := NewReader(file)
	if err != nil {
		return s.fail(ctx, im, err)
	}
	cols := columns(r.Header(), im.Mapping, Fields[im.Resource])
	for skipped := 0; skipped < im.RowsDone; skipped++ { // resume
		if _, _, err := r.Next(); errors.Is(err, io.EOF) {
			break
		}
	}
	for done := false; !done; {
		next := im
		err := s.store.WithTx(ctx, func(ctx context.Context) error {
			next = im
			next.Errors = slices.Clone(im.Errors)
			done = s.runChunk(ctx, r, cols, &next)
			if next.DryRun {
				return errDryRun
			}
			return s.store.SaveImport(ctx, next)
		})
		if err != nil && !errors.Is(err, errDryRun) {
			return fmt.Errorf("import %s: %w", id, err)
		}
		im = next
		if im.DryRun {
			if err := s.store.SaveImport(ctx, im); err != nil {
				return err
			}
		}
	}
	now := s.now().UTC()
	im.Status, im.FinishedAt = Succeeded, &now
	return s.store.SaveImport(ctx, im)
}

// runChunk writes up to chunk rows into im's counts; it reports whether
// the file has ended.
func (s *Service) runChunk(ctx context.Context, r *Reader, cols []string, im *Import) bool {
	for range chunk {
		line, rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return true
		}
		im.RowsDone++
		if err != nil {
			im.addError(err, line, nil)
			continue
		}
		row := Row{}
		for i, v := range rec {
			if v = cell(v); i < len(cols) && cols[i] != "" && v != "" {
				row[cols[i]] = v
			}
		}
		var out Outcome
		err = s.store.Savepoint(ctx, func(ctx context.Context) error {
			var err error
			out, err = s.writer.WriteRow(ctx, im.Resource, row)
			return err
		})
		if err != nil {
			im.addError(err, line, columnsOf(r.Header(), cols))
			continue
		}
		switch out {
		case Created:
			im.Created++
		case Updated:
			im.Updated++
		default:
			im.Unchanged++
		}
	}
	return false
}

// cell trims a value and removes the apostrophe that exports for Excel put
// before a leading = + - @ (so that it is not run as a formula).
func cell(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@", rune(v[1])) {
		return v[1:]
	}
	return v
}

// columnsOf maps fields back to the file's column names.
func columnsOf(header, cols []string) map[string]string {
	m := make(map[string]string, len(cols))
	for i, f := range cols {
		if f != "" {
			m[f] = header[i]
		}
	}
	return m
}

// addError records a failed row: one error per field the domain named.
func (im *Import) addError(err error, line int, cols map[string]string) {
	var re *RowError
	if errors.As(err, &re) {
		im.push(*re)
		return
	}
	e, ok := errs.As(err)
	if !ok || e.Code == errs.Internal {
		im.push(RowError{Line: line, Message: "could not be written"})
		return
	}
	if len(e.Fields) == 0 {
		im.push(RowError{Line: line, Message: e.Message})
		return
	}
	for _, f := range e.Fields {
		// The domain names address fields address.city…; the file has
		// them flat.
		field := strings.TrimPrefix(f.Field, "address.")
		im.push(RowError{Line: line, Field: field, Column: cols[field], Message: f.Message})
	}
}

func (im *Import) push(e RowError) {
	im.ErrorCount++
	if len(im.Errors) < MaxErrors {
		im.Errors = append(im.Errors, e)
	}
}

func (s *Service) fail(ctx context.Context, im Import, cause error) error {
	now := s.now().UTC()
	im.Status, im.FinishedAt, im.Failure = Failed, &now, cause.Error()
	if e, ok := errs.As(cause); ok {
		im.Failure = e.Message
	}
	return s.store.SaveImport(ctx, im)
}

// countRows counts the records after the header.
func countRows(file []byte) (int, error) {
	r, err := NewReader(file)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		var re *RowError
		if err != nil && !errors.As(err, &re) {
			return n, err
		}
		n++
	}
}
