package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/imports"
)

func (s *Server) registerImportRoutes(g routes) {
	g.POST("/imports", s.createImport)
	g.GET("/imports/:id", s.getImport)
}

// ImportRowError is a row that was not imported.
type ImportRowError struct {
	// Line is the file's line the row starts on (the header is line 1).
	Line int `json:"line"`
	// Column is the file's column to blame, when one is.
	Column string `json:"column,omitempty"`
	// Field is the field that column maps to.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
} // @name ImportRowError

// Import is a CSV import and its progress.
type Import struct {
	ID       uuid.UUID `json:"id"`
	Resource string    `json:"resource" enums:"organizations,persons,opportunities,products"`
	FileName string    `json:"file_name"`
	// DryRun: every row was checked and written, then rolled back.
	DryRun bool `json:"dry_run"`
	// Mapping maps the file's column names to fields.
	Mapping map[string]string `json:"mapping"`
	Status  string            `json:"status" enums:"queued,running,succeeded,failed"`
	// RowsTotal is the number of rows after the header (0 until counted);
	// RowsDone of them are done.
	RowsTotal int `json:"rows_total"`
	RowsDone  int `json:"rows_done"`
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	// Unchanged rows named a record whose fields all equal the row's.
	Unchanged  int `json:"unchanged"`
	ErrorCount int `json:"error_count"`
	// Errors are the first 1,000 row errors.
	Errors []ImportRowError `json:"errors"`
	// Failure says why a failed import stopped.
	Failure    string     `json:"failure,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at" extensions:"x-nullable"`
} // @name Import

func toImport(im imports.Import) Import {
	out := Import{ID: im.ID, Resource: string(im.Resource), FileName: im.FileName, DryRun: im.DryRun, Mapping: im.Mapping,
		Status: string(im.Status), RowsTotal: im.RowsTotal, RowsDone: im.RowsDone, Created: im.Created, Updated: im.Updated,
		Unchanged: im.Unchanged, ErrorCount: im.ErrorCount, Errors: make([]ImportRowError, len(im.Errors)),
		Failure: im.Failure, CreatedAt: im.CreatedAt.UTC(), FinishedAt: im.FinishedAt}
	if out.Mapping == nil {
		out.Mapping = map[string]string{}
	}
	for i, e := range im.Errors {
		out.Errors[i] = ImportRowError(e)
	}
	return out
}

// createImport godoc
//
//	@Summary		Import a CSV file
//	@Description	multipart/form-data: the file in the part file (up to the upload limit, 413 beyond), resource (organizations, persons, opportunities, or products for admins: 403 otherwise), optional mapping (JSON object from the file's column names to fields; other columns are read as the field of their own name, case ignored, and unknown ones are ignored) and dry_run (true: check and count every row, keep nothing). The file is UTF-8 with or without a BOM, separated by commas or semicolons (sniffed from the first line, which names the columns), with quoted fields; amounts may use a decimal comma and spaces between thousands (1 234,50). Products read code, name, description, unit, unit_price (major units), currency, vat_rate (percent) and active. Fields: id (the CRM's id: update that record), external_id (update the record with it, or create one with it), the resource's fields as in the API, address fields flat (street, postal_code, city, country), and on persons and opportunities organization, the name of an organization found (case ignored) or created. A row updates only what differs and leaves empty cells' fields as they are, so importing the same file again, or an export, changes nothing. Answers 202 at once; a background job reads the file (GET the Location for progress).
//	@Tags			imports
//	@ID				createImport
//	@Accept			multipart/form-data
//	@Produce		json
//	@Security		BearerAuth
//	@Param			file		formData	file	true	"The CSV file"
//	@Param			resource	formData	string	true	"organizations, persons, opportunities or products (admins)"
//	@Param			mapping		formData	string	false	"JSON object: file column name → field"
//	@Param			dry_run		formData	boolean	false	"Check only, keep nothing"
//	@Success		202			{object}	Import
//	@Header			202			{string}	Location	"The import's URL"
//	@Failure		403			{object}	Problem	"Products by a member"
//	@Failure		413			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/api/v1/imports [post]
func (s *Server) createImport(c echo.Context) error {
	in, err := readImportForm(c)
	if err != nil {
		return err
	}
	im, err := s.imports.Start(c.Request().Context(), in)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/imports/"+im.ID.String())
	return c.JSON(http.StatusAccepted, toImport(im))
}

// readImportForm reads the multipart parts in any order.
func readImportForm(c echo.Context) (imports.NewImport, error) {
	var in imports.NewImport
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return in, errs.New(errs.Unsupported, "send multipart/form-data with the file in a part named file")
	}
	haveFile := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, uploadError(err)
		}
		switch part.FormName() {
		case "file":
			if in.File, err = io.ReadAll(part); err != nil {
				return in, uploadError(err)
			}
			in.FileName, haveFile = part.FileName(), true
		case "resource", "mapping", "dry_run":
			v, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return in, uploadError(err)
			}
			if err := setImportField(&in, part.FormName(), string(v)); err != nil {
				return in, err
			}
		}
	}
	if !haveFile {
		return in, errs.Field("file", "is required")
	}
	return in, nil
}

func setImportField(in *imports.NewImport, name, v string) error {
	switch name {
	case "resource":
		in.Resource = v
	case "mapping":
		if err := json.Unmarshal([]byte(v), &in.Mapping); err != nil {
			return errs.Field("mapping", "must be a JSON object from column names to field names")
		}
	case "dry_run":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errs.Field("dry_run", "must be true or false")
		}
		in.DryRun = b
	}
	return nil
}

// getImport godoc
//
//	@Summary	An import's progress and row errors
//	@Tags		imports
//	@ID			getImport
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id	path		string	true	"Import id"	format(uuid)
//	@Success	200	{object}	Import
//	@Failure	404	{object}	Problem
//	@Router		/api/v1/imports/{id} [get]
func (s *Server) getImport(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	im, err := s.imports.Import(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, toImport(im))
}
