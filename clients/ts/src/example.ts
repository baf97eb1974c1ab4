// The CRM API through a client typed from openapi.yaml (openapi-typescript)
// and called with openapi-fetch (see README.md, "Clients"): sign up, create
// an opportunity with a new organization, add a product line, move the
// opportunity to another phase guarded by its ETag, set a probability
// override and end it with null, and read the forecast.
//
//   npm ci && npm run generate && npm run build && CRM_URL=http://localhost:8080 CRM_SERVER_LOG=server.log npm start
//
// Signing up mails a code to the address; a server without SMTP writes that
// e-mail to its log, which CRM_SERVER_LOG names.
//
// It exits non-zero when any step does not answer as the API promises.
import { readFileSync } from "node:fs";
import createClient from "openapi-fetch";
import type { components, paths } from "./schema.js";

type Opportunity = components["schemas"]["Opportunity"];
type Phase = components["schemas"]["Phase"];
type Pipeline = components["schemas"]["Pipeline"];

const api = createClient<paths>({ baseUrl: process.env.CRM_URL ?? "http://localhost:8080" });

function fail(step: string, response: Response, error: unknown): never {
  throw new Error(`${step}: ${response.status} ${JSON.stringify(error)}`);
}

function etagOf(step: string, response: Response): string {
  const tag = response.headers.get("ETag");
  if (tag === null) {
    throw new Error(`${step}: no ETag`);
  }
  return tag;
}

function nextOpenPhase(pipelines: Pipeline[], o: Opportunity): Phase {
  const phases = pipelines.find((p) => p.id === o.pipeline_id)?.phases ?? [];
  const at = phases.findIndex((ph) => ph.id === o.phase_id);
  const next = phases.slice(at + 1).find((ph) => ph.kind === "open");
  if (at < 0 || next === undefined) {
    throw new Error("no open phase after the opportunity's");
  }
  return next;
}

// signupCode reads the code of the signup e-mail to email from the server's
// JSON log (the account_mail line a server without SMTP writes); a real
// integration reads it from the mailbox.
function signupCode(logFile: string, email: string): string {
  let code = "";
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    if (!line.startsWith("{")) continue;
    const entry: unknown = JSON.parse(line);
    if (
      typeof entry === "object" && entry !== null &&
      "msg" in entry && entry.msg === "account_mail" &&
      "to" in entry && entry.to === email &&
      "text" in entry && typeof entry.text === "string"
    ) {
      code = /^([A-Za-z0-9_-]{43})$/m.exec(entry.text)?.[1] ?? code;
    }
  }
  if (code === "") throw new Error(`no signup code for ${email} in ${logFile}`);
  return code;
}

const email = `ts-client-${Date.now()}@example.com`;
const signup = await api.POST("/api/v1/auth/signup", {
  body: {
    workspace_name: "TypeScript client AB",
    name: "Tove Typescript",
    email,
    password: "a long enough password",
    currency: "SEK",
  },
});
if (signup.data === undefined) fail("sign up", signup.response, signup.error);
const confirmed = await api.POST("/api/v1/auth/signup/confirm", {
  body: { code: signupCode(process.env.CRM_SERVER_LOG ?? "server.log", email) },
});
if (confirmed.data === undefined) fail("confirm signup", confirmed.response, confirmed.error);
const token = confirmed.data.access_token;
api.use({
  onRequest({ request }) {
    request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
});

// An opportunity for an organization created in the same step.
const nextMonth = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 10);
const created = await api.POST("/api/v1/opportunities", {
  params: { header: { "Idempotency-Key": "ts-example-1" } },
  body: { title: "40 seats", expected_order_date: nextMonth, organization: { name: "Nordic Widgets AB" } },
});
if (created.data === undefined) fail("create opportunity", created.response, created.error);
const id = created.data.id;
console.log(`created opportunity ${id} at ${created.response.headers.get("Location")}`);

// A line of 12.5 units at 299.00 SEK with 10 % off: net 3 363.75 SEK.
const line = await api.POST("/api/v1/opportunities/{id}/lines", {
  params: { path: { id } },
  body: { name: "CRM seat licence", quantity: 12.5, unit_price: 29900, discount: 1000, vat_rate: 2500 },
});
if (line.data === undefined) fail("add line", line.response, line.error);
if (line.data.net !== 336375) throw new Error(`line net: got ${line.data.net}, want 336375`);

// The line changed the amount, so read the opportunity's current ETag.
const got = await api.GET("/api/v1/opportunities/{id}", { params: { path: { id } } });
if (got.data === undefined) fail("get opportunity", got.response, got.error);

// Move it to the next open phase of its pipeline, guarded by the ETag.
const pipelines = await api.GET("/api/v1/pipelines");
if (pipelines.data === undefined) fail("list pipelines", pipelines.response, pipelines.error);
const next = nextOpenPhase(pipelines.data.data, got.data);
const stale = etagOf("get opportunity", got.response);
const moved = await api.PATCH("/api/v1/opportunities/{id}", {
  params: { path: { id }, header: { "If-Match": stale } },
  body: { phase_id: next.id },
});
if (moved.data === undefined) fail("move phase", moved.response, moved.error);
const lost = await api.PATCH("/api/v1/opportunities/{id}", {
  params: { path: { id }, header: { "If-Match": stale } },
  body: { title: "lost update" },
});
if (lost.response.status !== 412) fail("stale If-Match (want 412)", lost.response, lost.error);
console.log(`moved to ${next.name} (${moved.data.probability} %); a stale If-Match answered 412`);

// Override the probability, then end the override with null.
const over = await api.PATCH("/api/v1/opportunities/{id}", {
  params: { path: { id }, header: { "If-Match": etagOf("move phase", moved.response) } },
  body: { probability_override: 80 },
});
if (over.data === undefined || over.data.probability !== 80) fail("set override to 80", over.response, over.error);
const cleared = await api.PATCH("/api/v1/opportunities/{id}", {
  params: { path: { id }, header: { "If-Match": etagOf("set override", over.response) } },
  body: { probability_override: null },
});
if (cleared.data === undefined) fail("end override", cleared.response, cleared.error);
if (cleared.data.probability_override !== null || cleared.data.probability !== next.probability) {
  throw new Error(`after null: ${JSON.stringify(cleared.data)}; want no override and ${next.probability} %`);
}
console.log(`override 80 % ended with null: back to ${cleared.data.probability} %`);

// The forecast by month holds the opportunity: weighted = amount × probability.
const forecast = await api.GET("/api/v1/forecast", { params: { query: { group_by: "month" } } });
if (forecast.data === undefined) fail("forecast", forecast.response, forecast.error);
const opp = cleared.data;
const row = forecast.data.rows.find(
  (r) => r.currency === "SEK" && r.amount === opp.estimated_amount && r.weighted_amount === opp.weighted_amount,
);
if (row === undefined) {
  throw new Error(`forecast rows ${JSON.stringify(forecast.data.rows)} lack ${opp.estimated_amount} weighted ${opp.weighted_amount}`);
}
console.log(`forecast ${row.label}: amount ${row.amount}, weighted ${row.weighted_amount} (minor units of ${row.currency})`);
