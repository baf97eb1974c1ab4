package api

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/catalog"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/page"
	"github.com/acme/crm/internal/relations"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerExportRoutes(g routes) {
	g.GET("/organizations/export.csv", s.exportOrganizations)
	g.GET("/persons/export.csv", s.exportPersons)
	g.GET("/opportunities/export.csv", s.exportOpportunities)
	g.GET("/products/export.csv", s.exportProducts)
}

// exportPage is how many rows an export reads and writes at a time: its
// memory does not grow with the number of rows.
const exportPage = page.MaxLimit

// csvOut streams CSV rows to the response, flushing after each page.
type csvOut struct {
	c     echo.Context
	w     *csv.Writer
	rc    *http.ResponseController
	excel bool
}

// excelParam reads ?excel=.
func excelParam(c echo.Context) (bool, error) {
	v := c.QueryParam("excel")
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errs.Field("excel", "must be true or false")
	}
	return b, nil
}

// startCSV writes the headers and the header line.
func startCSV(c echo.Context, name string, excel bool, header []string) (*csvOut, error) {
	res := c.Response()
	res.Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	res.WriteHeader(http.StatusOK)
	out := &csvOut{c: c, w: csv.NewWriter(res), rc: http.NewResponseController(res.Writer), excel: excel}
	if excel {
		out.w.Comma = ';'
		out.w.UseCRLF = true
		if _, err := res.Write([]byte("\xEF\xBB\xBF")); err != nil {
			return nil, err
		}
	}
	return out, out.w.Write(header)
}

// text guards a text cell in Excel mode: a leading = + - @ would run as a
// formula, so such a cell gets a leading apostrophe (which the import
// removes again).
func (o *csvOut) text(v string) string {
	if o.excel && v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// amount writes minor units as major units, with a decimal comma for Excel.
func (o *csvOut) amount(minor int64) string {
	neg := ""
	if minor < 0 {
		neg, minor = "-", -minor
	}
	sep := "."
	if o.excel {
		sep = ","
	}
	return neg + strconv.FormatInt(minor/100, 10) + sep + leftPad(strconv.FormatInt(minor%100, 10))
}

func leftPad(s string) string {
	if len(s) < 2 {
		return "0" + s
	}
	return s
}

// flush sends what is buffered and moves the write deadline, so a long
// export outlives the server's WriteTimeout while a stalled client does
// not hold it forever.
func (o *csvOut) flush() error {
	o.w.Flush()
	if err := o.w.Error(); err != nil {
		return err
	}
	_ = o.rc.SetWriteDeadline(time.Now().Add(streamWriteWindow))
	return o.rc.Flush()
}

// exportRows streams every page of a list as CSV. The first page is read
// before the headers go out, so that its errors are still problems; list
// reads the page at req, row turns an item into the line's cells.
func exportRows[T any](s *Server, c echo.Context, name string, excel bool, header []string, req page.Request,
	list func(page.Request) (page.Page[T], error), row func(*csvOut, T) []string) error {
	req.Limit, req.Cursor = exportPage, nil
	p, err := list(req)
	if err != nil {
		return err
	}
	out, err := startCSV(c, name, excel, header)
	if err != nil {
		return s.abort(c, err)
	}
	for {
		for _, item := range p.Items {
			_ = out.w.Write(row(out, item))
		}
		if err := out.flush(); err != nil {
			return nil // the client left
		}
		if p.Next == nil {
			return nil
		}
		req.Cursor = p.Next
		if p, err = list(req); err != nil {
			return s.abort(c, err)
		}
	}
}

// abort ends a response whose headers are out: the client sees a cut
// connection, not a complete-looking file.
func (s *Server) abort(c echo.Context, err error) error {
	s.log.ErrorContext(c.Request().Context(), "export failed", "err", err, "request_id", requestID(c))
	panic(http.ErrAbortHandler)
}

func optionalText(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func idText(p *uuid.UUID) string {
	if p == nil {
		return ""
	}
	return p.String()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// exportOrganizations godoc
//
//	@Summary		Organizations as CSV
//	@Description	Every organization the list's filters match, streamed as CSV (UTF-8, comma-separated, a header line of field names), in the list's sort order. With excel=true: a BOM, semicolons, CRLF and a leading apostrophe on text cells that would start a formula, as Excel with Swedish settings opens it. The columns are the import's fields plus created_at and updated_at, so importing the file again changes nothing.
//	@Tags			organizations
//	@ID				exportOrganizations
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			q			query		string	false	"As on the list"
//	@Param			external_id	query		string	false	"As on the list"
//	@Param			sort		query		string	false	"As on the list"
//	@Param			excel		query		boolean	false	"Semicolons and a BOM for Excel"
//	@Success		200			{string}	string	"CSV"
//	@Header			200			{string}	Content-Disposition	"attachment; filename=\"organizations.csv\""
//	@Failure		422			{object}	Problem
//	@Router			/api/v1/organizations/export.csv [get]
func (s *Server) exportOrganizations(c echo.Context) error {
	req, err := s.pageRequest(c, relations.Sorts...)
	if err != nil {
		return err
	}
	ext, err := externalIDQuery(c)
	if err != nil {
		return err
	}
	f := relations.OrganizationFilter{Q: c.QueryParam("q"), ExternalID: ext}
	excel, err := excelParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return exportRows(s, c, "organizations", excel, []string{"id", "external_id", "name", "registration_number", "vat_number", "email",
		"phone", "website", "street", "postal_code", "city", "country", "created_at", "updated_at"}, req,
		func(req page.Request) (page.Page[relations.Organization], error) {
			return s.relations.ListOrganizations(ctx, f, req)
		},
		func(out *csvOut, o relations.Organization) []string {
			a := o.Address
			return []string{o.ID.String(), out.text(optionalText(o.ExternalID)), out.text(o.Name), out.text(o.RegistrationNumber),
				out.text(o.VATNumber), out.text(o.Email), out.text(o.Phone), out.text(o.Website), out.text(a.Street),
				out.text(a.PostalCode), out.text(a.City), a.Country, stamp(o.CreatedAt), stamp(o.UpdatedAt)}
		})
}

// exportPersons godoc
//
//	@Summary		Persons as CSV
//	@Description	As the organizations' export, for persons (organization_id names their organization).
//	@Tags			persons
//	@ID				exportPersons
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			q				query		string	false	"As on the list"
//	@Param			organization_id	query		string	false	"As on the list"	format(uuid)
//	@Param			external_id		query		string	false	"As on the list"
//	@Param			sort			query		string	false	"As on the list"
//	@Param			excel			query		boolean	false	"Semicolons and a BOM for Excel"
//	@Success		200				{string}	string	"CSV"
//	@Header			200				{string}	Content-Disposition	"attachment; filename=\"persons.csv\""
//	@Failure		422				{object}	Problem
//	@Router			/api/v1/persons/export.csv [get]
func (s *Server) exportPersons(c echo.Context) error {
	req, err := s.pageRequest(c, relations.Sorts...)
	if err != nil {
		return err
	}
	ext, err := externalIDQuery(c)
	if err != nil {
		return err
	}
	q := queryParams{c: c}
	f := relations.PersonFilter{Q: c.QueryParam("q"), ExternalID: ext, OrganizationID: q.uuid("organization_id")}
	if err := q.err(); err != nil {
		return err
	}
	excel, err := excelParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return exportRows(s, c, "persons", excel, []string{"id", "external_id", "first_name", "last_name", "email", "phone", "job_title",
		"organization_id", "created_at", "updated_at"}, req,
		func(req page.Request) (page.Page[relations.Person], error) {
			return s.relations.ListPersons(ctx, f, req)
		},
		func(out *csvOut, x relations.Person) []string {
			return []string{x.ID.String(), out.text(optionalText(x.ExternalID)), out.text(x.FirstName), out.text(x.LastName),
				out.text(x.Email), out.text(x.Phone), out.text(x.JobTitle), idText(x.OrganizationID), stamp(x.CreatedAt), stamp(x.UpdatedAt)}
		})
}

// exportOpportunities godoc
//
//	@Summary		Opportunities as CSV
//	@Description	As the organizations' export, for opportunities, with the list's filters. estimated_amount is in major units (a decimal comma with excel=true); pipeline_id, phase_id, status, probability, owner_id and the timestamps are for reading (the import ignores them).
//	@Tags			opportunities
//	@ID				exportOpportunities
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			pipeline_id		query		string	false	"As on the list"	format(uuid)
//	@Param			phase_id		query		string	false	"As on the list"	format(uuid)
//	@Param			status			query		string	false	"As on the list"	Enums(open, won, lost, expired)
//	@Param			owner_id		query		string	false	"As on the list (a user id or me)"
//	@Param			source_id		query		string	false	"As on the list"	format(uuid)
//	@Param			organization_id	query		string	false	"As on the list"	format(uuid)
//	@Param			person_id		query		string	false	"As on the list"	format(uuid)
//	@Param			expected_from	query		string	false	"As on the list"	format(date)
//	@Param			expected_to		query		string	false	"As on the list"	format(date)
//	@Param			q				query		string	false	"As on the list"
//	@Param			external_id		query		string	false	"As on the list"
//	@Param			sort			query		string	false	"As on the list"
//	@Param			excel			query		boolean	false	"Semicolons and a BOM for Excel"
//	@Success		200				{string}	string	"CSV"
//	@Header			200				{string}	Content-Disposition	"attachment; filename=\"opportunities.csv\""
//	@Failure		422				{object}	Problem
//	@Router			/api/v1/opportunities/export.csv [get]
func (s *Server) exportOpportunities(c echo.Context) error {
	req, err := s.pageRequest(c, "created_at", "updated_at", "expected_order_date", "estimated_amount")
	if err != nil {
		return err
	}
	f, err := opportunityFilter(c)
	if err != nil {
		return err
	}
	excel, err := excelParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return exportRows(s, c, "opportunities", excel, []string{"id", "external_id", "title", "organization_id", "estimated_amount", "currency",
		"expected_order_date", "description", "pipeline_id", "phase_id", "status", "probability", "owner_id", "created_at", "updated_at"}, req,
		func(req page.Request) (page.Page[sales.Opportunity], error) {
			return s.sales.Opportunities(ctx, f, req)
		},
		func(out *csvOut, o sales.Opportunity) []string {
			date := ""
			if o.ExpectedOrderDate != nil {
				date = o.ExpectedOrderDate.Format(time.DateOnly)
			}
			return []string{o.ID.String(), out.text(optionalText(o.ExternalID)), out.text(o.Title), idText(o.OrganizationID),
				out.amount(o.EstimatedAmount), o.Currency, date, out.text(o.Description), o.PipelineID.String(), o.PhaseID.String(),
				string(o.Status), strconv.Itoa(o.Probability), o.OwnerID.String(), stamp(o.CreatedAt), stamp(o.UpdatedAt)}
		})
}

// exportProducts godoc
//
//	@Summary		Products as CSV
//	@Description	As the organizations' export, for the catalogue, with the list's filters (inactive products only with include_inactive=true or active=false). unit_price is in major units and vat_rate in percent (a decimal comma with excel=true), as the import reads them.
//	@Tags			products
//	@ID				exportProducts
//	@Produce		text/csv
//	@Security		BearerAuth
//	@Param			q					query		string	false	"As on the list"
//	@Param			active				query		bool	false	"As on the list"
//	@Param			include_inactive	query		bool	false	"As on the list"
//	@Param			external_id			query		string	false	"As on the list"
//	@Param			sort				query		string	false	"As on the list"
//	@Param			excel				query		boolean	false	"Semicolons and a BOM for Excel"
//	@Success		200					{string}	string	"CSV"
//	@Header			200					{string}	Content-Disposition	"attachment; filename=\"products.csv\""
//	@Failure		422					{object}	Problem
//	@Router			/api/v1/products/export.csv [get]
func (s *Server) exportProducts(c echo.Context) error {
	req, f, err := s.productQuery(c)
	if err != nil {
		return err
	}
	excel, err := excelParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	return exportRows(s, c, "products", excel, []string{"id", "external_id", "code", "name", "description", "unit",
		"unit_price", "currency", "vat_rate", "active", "created_at", "updated_at"}, req,
		func(req page.Request) (page.Page[catalog.Product], error) { return s.catalog.Products(ctx, f, req) },
		func(out *csvOut, pr catalog.Product) []string {
			return []string{pr.ID.String(), out.text(optionalText(pr.ExternalID)), out.text(pr.Code), out.text(pr.Name),
				out.text(pr.Description), out.text(pr.Unit), out.amount(pr.UnitPrice), pr.Currency, out.amount(int64(pr.VATRate)),
				strconv.FormatBool(pr.Active), stamp(pr.CreatedAt), stamp(pr.UpdatedAt)}
		})
}
