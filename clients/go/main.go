// Command example drives the CRM API through the Go client that
// oapi-codegen generates from openapi.yaml (see README.md, "Clients"): it
// signs up, creates an opportunity with a new organization, adds a product
// line, moves the opportunity to another phase guarded by its ETag, sets a
// probability override and ends it with null, and reads the forecast.
//
//	CRM_URL=http://localhost:8080 CRM_SERVER_LOG=server.log go run .
//
// Signing up mails a code to the address; a server without SMTP writes
// that e-mail to its log, which CRM_SERVER_LOG names.
//
// It exits non-zero when any step does not answer as the API promises.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/oapi-codegen/nullable"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/acme/crm/clients/go/crm"
)

func main() {
	base := os.Getenv("CRM_URL")
	if base == "" {
		base = "http://localhost:8080"
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, base); err != nil {
		fmt.Fprintln(os.Stderr, "go client:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base string) error {
	anon, err := crm.NewClientWithResponses(base)
	if err != nil {
		return err
	}
	email := openapi_types.Email(fmt.Sprintf("go-client-%d@example.com", time.Now().UnixNano()))
	signup, err := anon.SignupWithResponse(ctx, crm.SignupRequest{WorkspaceName: "Go client AB", Name: "Gunnar Go",
		Email: email, Password: "a long enough password", Currency: ptr("SEK")})
	if err != nil {
		return err
	}
	if signup.JSON202 == nil {
		return unexpected("sign up", signup.HTTPResponse, signup.Body)
	}
	code, err := signupCode(os.Getenv("CRM_SERVER_LOG"), string(email))
	if err != nil {
		return err
	}
	confirmed, err := anon.ConfirmSignupWithResponse(ctx, crm.ConfirmSignupRequest{Code: code})
	if err != nil {
		return err
	}
	if confirmed.JSON201 == nil {
		return unexpected("confirm signup", confirmed.HTTPResponse, confirmed.Body)
	}
	token := confirmed.JSON201.AccessToken
	c, err := crm.NewClientWithResponses(base, crm.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}))
	if err != nil {
		return err
	}

	// An opportunity for an organization created in the same step.
	expected := openapi_types.Date{Time: time.Now().AddDate(0, 1, 0)}
	created, err := c.CreateOpportunityWithResponse(ctx, &crm.CreateOpportunityParams{IdempotencyKey: ptr("go-example-1")},
		crm.CreateOpportunityRequest{Title: "40 seats", ExpectedOrderDate: &expected,
			Organization: &crm.InlineOrganization{Name: "Nordic Widgets AB"}})
	if err != nil {
		return err
	}
	if created.JSON201 == nil {
		return unexpected("create opportunity", created.HTTPResponse, created.Body)
	}
	opp := created.JSON201
	fmt.Printf("created opportunity %s at %s\n", opp.Id, created.HTTPResponse.Header.Get("Location"))

	// A line of 12.5 units at 299.00 SEK with 10 % off: net 3 363.75 SEK.
	line, err := c.CreateLineWithResponse(ctx, opp.Id, &crm.CreateLineParams{},
		crm.CreateLineRequest{Name: ptr("CRM seat licence"), Quantity: 12.5, UnitPrice: ptr(int64(29900)),
			Discount: ptr(1000), VatRate: ptr(2500)})
	if err != nil {
		return err
	}
	if line.JSON201 == nil {
		return unexpected("add line", line.HTTPResponse, line.Body)
	}
	if line.JSON201.Net != 336375 {
		return fmt.Errorf("line net: got %d, want 336375", line.JSON201.Net)
	}

	// The line changed the amount, so read the opportunity's current ETag.
	got, err := c.GetOpportunityWithResponse(ctx, opp.Id)
	if err != nil {
		return err
	}
	if got.JSON200 == nil {
		return unexpected("get opportunity", got.HTTPResponse, got.Body)
	}
	etag := got.HTTPResponse.Header.Get("ETag")

	// Move it to the next open phase of its pipeline, guarded by the ETag.
	pipelines, err := c.ListPipelinesWithResponse(ctx, &crm.ListPipelinesParams{})
	if err != nil {
		return err
	}
	if pipelines.JSON200 == nil {
		return unexpected("list pipelines", pipelines.HTTPResponse, pipelines.Body)
	}
	next, err := nextOpenPhase(pipelines.JSON200.Data, got.JSON200)
	if err != nil {
		return err
	}
	moved, err := c.UpdateOpportunityWithResponse(ctx, opp.Id, &crm.UpdateOpportunityParams{IfMatch: &etag},
		crm.UpdateOpportunityRequest{PhaseId: &next.Id})
	if err != nil {
		return err
	}
	if moved.JSON200 == nil {
		return unexpected("move phase", moved.HTTPResponse, moved.Body)
	}
	stale, err := c.UpdateOpportunityWithResponse(ctx, opp.Id, &crm.UpdateOpportunityParams{IfMatch: &etag},
		crm.UpdateOpportunityRequest{Title: ptr("lost update")})
	if err != nil {
		return err
	}
	if stale.StatusCode() != http.StatusPreconditionFailed {
		return unexpected("stale If-Match (want 412)", stale.HTTPResponse, stale.Body)
	}
	fmt.Printf("moved to %s (%d %%); a stale If-Match answered 412\n", next.Name, moved.JSON200.Probability)

	// Override the probability, then end the override with an explicit null.
	etag = moved.HTTPResponse.Header.Get("ETag")
	over, err := c.UpdateOpportunityWithResponse(ctx, opp.Id, &crm.UpdateOpportunityParams{IfMatch: &etag},
		crm.UpdateOpportunityRequest{ProbabilityOverride: nullable.NewNullableWithValue(80)})
	if err != nil {
		return err
	}
	if over.JSON200 == nil || over.JSON200.Probability != 80 {
		return unexpected("set override to 80", over.HTTPResponse, over.Body)
	}
	etag = over.HTTPResponse.Header.Get("ETag")
	cleared, err := c.UpdateOpportunityWithResponse(ctx, opp.Id, &crm.UpdateOpportunityParams{IfMatch: &etag},
		crm.UpdateOpportunityRequest{ProbabilityOverride: nullable.NewNullNullable[int]()})
	if err != nil {
		return err
	}
	if cleared.JSON200 == nil {
		return unexpected("end override", cleared.HTTPResponse, cleared.Body)
	}
	if !cleared.JSON200.ProbabilityOverride.IsNull() || cleared.JSON200.Probability != next.Probability {
		return fmt.Errorf("after null: override %v, probability %d; want null and the phase's %d",
			cleared.JSON200.ProbabilityOverride, cleared.JSON200.Probability, next.Probability)
	}
	fmt.Printf("override 80 %% ended with null: back to %d %%\n", cleared.JSON200.Probability)

	// The forecast by month holds the opportunity: weighted = amount × probability.
	month := crm.ForecastParamsGroupByMonth
	forecast, err := c.ForecastWithResponse(ctx, &crm.ForecastParams{GroupBy: &month})
	if err != nil {
		return err
	}
	if forecast.JSON200 == nil {
		return unexpected("forecast", forecast.HTTPResponse, forecast.Body)
	}
	want := cleared.JSON200.WeightedAmount
	for _, row := range forecast.JSON200.Rows {
		if row.Currency == "SEK" && row.WeightedAmount == want && row.Amount == cleared.JSON200.EstimatedAmount {
			fmt.Printf("forecast %s: amount %d, weighted %d (minor units of %s)\n", row.Label, row.Amount, row.WeightedAmount, row.Currency)
			return nil
		}
	}
	return fmt.Errorf("forecast rows %+v lack the opportunity's amount %d weighted %d",
		forecast.JSON200.Rows, cleared.JSON200.EstimatedAmount, want)
}

// nextOpenPhase is the open phase after the opportunity's in its pipeline.
func nextOpenPhase(pipelines []crm.Pipeline, o *crm.Opportunity) (crm.Phase, error) {
	for _, p := range pipelines {
		if p.Id != o.PipelineId {
			continue
		}
		for i, ph := range p.Phases {
			if ph.Id == o.PhaseId {
				for _, n := range p.Phases[i+1:] {
					if n.Kind == crm.PhaseKindOpen {
						return n, nil
					}
				}
			}
		}
	}
	return crm.Phase{}, errors.New("no open phase after the opportunity's")
}

func unexpected(step string, r *http.Response, body []byte) error {
	return fmt.Errorf("%s: %s %s", step, r.Status, body)
}

func ptr[T any](v T) *T { return &v }

var codeLine = regexp.MustCompile(`(?m)^([A-Za-z0-9_-]{43})$`)

// signupCode reads the code of the signup e-mail to email from the
// server's JSON log (the account_mail line a server without SMTP writes);
// a real integration reads it from the mailbox.
func signupCode(logFile, email string) (string, error) {
	b, err := os.ReadFile(logFile)
	if err != nil {
		return "", fmt.Errorf("signup code: set CRM_SERVER_LOG to the server's log: %w", err)
	}
	code := ""
	for _, line := range strings.Split(string(b), "\n") {
		var entry struct{ Msg, To, Text string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "account_mail" && entry.To == email {
			if m := codeLine.FindStringSubmatch(entry.Text); m != nil {
				code = m[1]
			}
		}
	}
	if code == "" {
		return "", fmt.Errorf("no signup code for %s in %s", email, logFile)
	}
	return code, nil
}
