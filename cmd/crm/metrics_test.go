package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsListener (finding 7): /metrics is not on the API's address;
// it is served on CRM_METRICS_ADDR, and there it counts the API's
// requests.
func TestMetricsListener(t *testing.T) {
	metrics := freeAddr(t)
	c := startCluster(t, 1, map[string]string{"DATABASE_URL": emptyDatabase(t, adminURL()), "CRM_METRICS_ADDR": metrics})
	res, err := http.Get(c.replicas[0].base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /metrics on the API's address: got %d, want 404", res.StatusCode)
	}
	res, err = http.Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `crm_http_requests_total{method="GET",route="/readyz",status="200"}`) {
		t.Errorf("GET /metrics on CRM_METRICS_ADDR: got %d\n%.400s", res.StatusCode, body)
	}
}
