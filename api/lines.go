package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/money"
	"github.com/acme/crm/internal/sales"
)

func (s *Server) registerLineRoutes(g routes) {
	g.GET("/opportunities/:id/lines", s.listLines)
	g.POST("/opportunities/:id/lines", s.createLine)
	g.PUT("/opportunities/:id/lines/order", s.reorderLines)
	g.GET("/opportunities/:id/lines/:line_id", s.getLine)
	g.PATCH("/opportunities/:id/lines/:line_id", s.updateLine)
	g.DELETE("/opportunities/:id/lines/:line_id", s.deleteLine)
}

// Line is a product line of an opportunity.
type Line struct {
	ID            uuid.UUID   `json:"id"`
	OpportunityID uuid.UUID   `json:"opportunity_id"`
	ProductID     *uuid.UUID  `json:"product_id" extensions:"x-nullable"`
	Name          string      `json:"name" example:"CRM seat licence"`
	Unit          string      `json:"unit" example:"month"`
	Description   string      `json:"description"`
	Quantity      json.Number `json:"quantity" swaggertype:"number" example:"1.5"`
	UnitPrice     int64       `json:"unit_price" example:"29900"`
	Discount      int         `json:"discount" example:"1000"`
	VATRate       int         `json:"vat_rate" example:"2500"`
	Position      int         `json:"position"`
	Net           int64       `json:"net" example:"40365"` // quantity × unit price × (1 − discount), rounded
	Version       int64       `json:"version"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
} // @name Line

// VATAmount is the VAT of one rate: on the base after the offer discount,
// rounded once per rate.
type VATAmount struct {
	Rate   int   `json:"rate" example:"2500"`
	Base   int64 `json:"base" example:"100000"`
	Amount int64 `json:"amount" example:"25000"`
} // @name VATAmount

// Totals are the figures of an opportunity's lines in minor units; they tie
// out: subtotal − offer_discount_amount = net = Σ vat.base, total = net +
// vat_total.
type Totals struct {
	Subtotal            int64       `json:"subtotal"`
	OfferDiscountAmount int64       `json:"offer_discount_amount"`
	Net                 int64       `json:"net"`
	VAT                 []VATAmount `json:"vat"`
	VATTotal            int64       `json:"vat_total"`
	Total               int64       `json:"total"`
	Currency            string      `json:"currency" example:"SEK"`
} // @name Totals

// LineList is all lines of an opportunity, in order, with their totals.
type LineList struct {
	Data   []Line `json:"data"`
	Totals Totals `json:"totals"`
} // @name LineList

// CreateLineRequest adds a line. With product_id, name, unit, unit_price and
// vat_rate default to the product's; without it they are required (unit
// excepted).
type CreateLineRequest struct {
	ProductID   *uuid.UUID `json:"product_id,omitempty"`
	Name        *string    `json:"name,omitempty" validate:"omitempty,min=1,max=200"`
	Unit        *string    `json:"unit,omitempty" validate:"omitempty,max=20"`
	Description string     `json:"description,omitempty" validate:"max=5000"`
	Quantity    *Quantity  `json:"quantity" validate:"required" swaggertype:"number" example:"1.5"`
	UnitPrice   *int64     `json:"unit_price,omitempty" validate:"omitempty,gte=0"`
	Discount    int        `json:"discount,omitempty" validate:"gte=0,lte=10000"`
	VATRate     *int       `json:"vat_rate,omitempty" validate:"omitempty,gte=0,lte=10000"`
	Position    *int       `json:"position,omitempty" validate:"omitempty,gte=0"`
} // @name CreateLineRequest

// UpdateLineRequest changes a line; absent fields stay. A new product_id
// copies the product's name, unit, unit_price and vat_rate unless given;
// null makes a free line.
type UpdateLineRequest struct {
	ProductID   OptionalUUID `json:"product_id" swaggertype:"string" format:"uuid" extensions:"x-nullable"`
	Name        *string      `json:"name,omitempty" validate:"omitempty,min=1,max=200"`
	Unit        *string      `json:"unit,omitempty" validate:"omitempty,max=20"`
	Description *string      `json:"description,omitempty" validate:"omitempty,max=5000"`
	Quantity    *Quantity    `json:"quantity,omitempty" swaggertype:"number"`
	UnitPrice   *int64       `json:"unit_price,omitempty" validate:"omitempty,gte=0"`
	Discount    *int         `json:"discount,omitempty" validate:"omitempty,gte=0,lte=10000"`
	VATRate     *int         `json:"vat_rate,omitempty" validate:"omitempty,gte=0,lte=10000"`
	Position    *int         `json:"position,omitempty" validate:"omitempty,gte=0"`
} // @name UpdateLineRequest

// ReorderLinesRequest is the new order of all the opportunity's lines.
type ReorderLinesRequest struct {
	LineIDs []uuid.UUID `json:"line_ids" validate:"required"`
} // @name ReorderLinesRequest

func toLine(l sales.Line) Line {
	net, _ := money.LineNet(l.Money()) // stored lines are valid: they were computed when saved
	return Line{ID: l.ID, OpportunityID: l.OpportunityID, ProductID: l.ProductID, Name: l.Name, Unit: l.Unit,
		Description: l.Description, Quantity: json.Number(l.Quantity.String()), UnitPrice: l.UnitPrice,
		Discount: int(l.Discount), VATRate: int(l.VATRate), Position: l.Position, Net: net, Version: l.Version,
		CreatedAt: utc(l.CreatedAt), UpdatedAt: utc(l.UpdatedAt)}
}

func toTotals(t money.Totals) Totals {
	vat := make([]VATAmount, len(t.VAT))
	for i, v := range t.VAT {
		vat[i] = VATAmount{Rate: int(v.Rate), Base: v.Base, Amount: v.Amount}
	}
	return Totals{Subtotal: t.Subtotal, OfferDiscountAmount: t.OfferDiscountAmount, Net: t.Net, VAT: vat,
		VATTotal: t.VATTotal, Total: t.Total, Currency: string(t.Currency)}
}

func toTotalsPtr(t *money.Totals) *Totals {
	if t == nil {
		return nil
	}
	out := toTotals(*t)
	return &out
}

// Quantity is a line quantity in a request: a JSON number (a string is
// 400) greater than 0 with at most 3 decimals (422 on quantity otherwise).
type Quantity struct{ money.Quantity }

// UnmarshalJSON implements json.Unmarshaler.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && (b[0] == '"' || string(b) == "null") {
		e := errs.New(errs.BadRequest, "field quantity must be a number")
		e.Fields = []errs.FieldError{{Field: "quantity", Message: "must be a number"}}
		return e
	}
	v, err := money.ParseQuantity(string(b))
	if e, ok := errs.As(err); ok {
		return errs.Field("quantity", e.Message)
	}
	q.Quantity = v
	return err
}

func lineIDs(c echo.Context) (uuid.UUID, uuid.UUID, error) {
	id, err := pathID(c, "id")
	if err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	lineID, err := pathID(c, "line_id")
	return id, lineID, err
}

// listLines godoc
//
//	@Summary		An opportunity's product lines with their totals
//	@Description	Lines in position order. totals: line nets summed per VAT rate, each base reduced by the opportunity's offer_discount and rounded, VAT per rate on its base rounded once (EN 16931 BR-CO-17); all zeros without lines.
//	@Tags			opportunities
//	@ID				listLines
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id	path		string	true	"Opportunity id"	format(uuid)
//	@Success		200	{object}	LineList
//	@Failure		404	{object}	Problem
//	@Router			/api/v1/opportunities/{id}/lines [get]
func (s *Server) listLines(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	set, err := s.sales.Lines(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LineList{Data: mapSlice(set.Lines, toLine), Totals: toTotals(set.Totals)})
}

// createLine godoc
//
//	@Summary		Add a product line
//	@Description	With product_id, the product's name, unit, unit_price and vat_rate are copied unless given; the product must be active and priced in the opportunity's currency (422 on product_id: prices are not converted). Without product_id (a free line) name, unit_price and vat_rate are required. quantity is a number > 0 with at most 3 decimals. The opportunity's estimated_amount becomes the lines' net total and its version moves on. A closed opportunity's lines cannot change (409).
//	@Tags			opportunities
//	@ID				createLine
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"Opportunity id"	format(uuid)
//	@Param			body	body		CreateLineRequest	true	"The line"
//	@Success		201		{object}	Line
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"The opportunity is closed"
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/lines [post]
func (s *Server) createLine(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req CreateLineRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	if req.Quantity == nil {
		return errs.Field("quantity", "is required")
	}
	l, err := s.sales.AddLine(c.Request().Context(), id, sales.NewLine{ProductID: req.ProductID, Name: req.Name,
		Unit: req.Unit, Description: req.Description, Quantity: req.Quantity.Quantity, UnitPrice: req.UnitPrice,
		Discount: money.BasisPoints(req.Discount), VATRate: bpPtr(req.VATRate), Position: req.Position})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/opportunities/"+id.String()+"/lines/"+l.ID.String(), l.Version, toLine(l))
}

// getLine godoc
//
//	@Summary	One product line
//	@Tags		opportunities
//	@ID			getLine
//	@Produce	json
//	@Security	BearerAuth
//	@Param		id		path		string	true	"Opportunity id"	format(uuid)
//	@Param		line_id	path		string	true	"Line id"			format(uuid)
//	@Success	200		{object}	Line
//	@Failure	404		{object}	Problem
//	@Router		/api/v1/opportunities/{id}/lines/{line_id} [get]
func (s *Server) getLine(c echo.Context) error {
	id, lineID, err := lineIDs(c)
	if err != nil {
		return err
	}
	l, err := s.sales.Line(c.Request().Context(), id, lineID)
	if err != nil {
		return err
	}
	return ok(c, l.Version, toLine(l))
}

// updateLine godoc
//
//	@Summary		Change a product line
//	@Description	The line has its own ETag: with If-Match, a concurrent change is 412 and never lost. The opportunity's estimated_amount follows in the same transaction. A closed opportunity's lines cannot change (409).
//	@Tags			opportunities
//	@ID				updateLine
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string				true	"Opportunity id"	format(uuid)
//	@Param			line_id		path		string				true	"Line id"			format(uuid)
//	@Param			If-Match	header		string				false	"ETag of the line version you changed"
//	@Param			body		body		UpdateLineRequest	true	"Fields to change"
//	@Success		200			{object}	Line
//	@Failure		404			{object}	Problem
//	@Failure		409			{object}	Problem	"The opportunity is closed"
//	@Failure		412			{object}	Problem	"Changed by someone else"
//	@Failure		422			{object}	Problem
//	@Router			/api/v1/opportunities/{id}/lines/{line_id} [patch]
func (s *Server) updateLine(c echo.Context) error {
	id, lineID, err := lineIDs(c)
	if err != nil {
		return err
	}
	var req UpdateLineRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	patch := sales.LinePatch{ProductID: req.ProductID.Field(),
		Name: req.Name, Unit: req.Unit, Description: req.Description, UnitPrice: req.UnitPrice,
		Discount: bpPtr(req.Discount), VATRate: bpPtr(req.VATRate), Position: req.Position}
	if req.Quantity != nil {
		patch.Quantity = &req.Quantity.Quantity
	}
	l, err := s.sales.UpdateLine(c.Request().Context(), id, lineID, patch, version)
	if err != nil {
		return err
	}
	return ok(c, l.Version, toLine(l))
}

// deleteLine godoc
//
//	@Summary		Remove a product line
//	@Description	Removing the last line leaves estimated_amount as it was, and editable by hand again.
//	@Tags			opportunities
//	@ID				deleteLine
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Opportunity id"	format(uuid)
//	@Param			line_id		path	string	true	"Line id"			format(uuid)
//	@Param			If-Match	header	string	false	"ETag of the line version you deleted"
//	@Success		204
//	@Failure		404	{object}	Problem
//	@Failure		409	{object}	Problem	"The opportunity is closed"
//	@Failure		412	{object}	Problem	"Changed by someone else"
//	@Router			/api/v1/opportunities/{id}/lines/{line_id} [delete]
func (s *Server) deleteLine(c echo.Context) error {
	id, lineID, err := lineIDs(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.sales.DeleteLine(c.Request().Context(), id, lineID, version); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// reorderLines godoc
//
//	@Summary		Reorder the product lines (drag and drop)
//	@Description	line_ids must name every line of the opportunity exactly once (422 otherwise, also when a line was added or removed meanwhile); positions become 0, 1, 2… in that order.
//	@Tags			opportunities
//	@ID				reorderLines
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"Opportunity id"	format(uuid)
//	@Param			body	body		ReorderLinesRequest	true	"All line ids in the new order"
//	@Success		200		{object}	LineList
//	@Failure		404		{object}	Problem
//	@Failure		409		{object}	Problem	"The opportunity is closed"
//	@Failure		422		{object}	Problem
//	@Router			/api/v1/opportunities/{id}/lines/order [put]
func (s *Server) reorderLines(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req ReorderLinesRequest
	if err := s.decode(c, &req); err != nil {
		return err
	}
	set, err := s.sales.ReorderLines(c.Request().Context(), id, req.LineIDs)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, LineList{Data: mapSlice(set.Lines, toLine), Totals: toTotals(set.Totals)})
}
