package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// TestPanicIsAProblem: a panicking handler answers a 500 problem that
// shows nothing of the panic.
func TestPanicIsAProblem(t *testing.T) {
	t.Parallel()
	s := &Server{log: slog.New(slog.DiscardHandler), validator: newValidator()}
	s.metrics = newHTTPMetrics(prometheus.NewRegistry())
	e := echo.New()
	e.HTTPErrorHandler = s.handleError
	e.Use(s.recoverPanics, s.observe)
	e.GET("/boom", func(echo.Context) error { panic("secret internals: db password hunter2") })
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("got %d %q, want 500 problem+json", rec.Code, rec.Header().Get("Content-Type"))
	}
	if strings.Contains(rec.Body.String(), "hunter2") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatalf("the problem leaks internals: %s", rec.Body)
	}
	var p Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 500 || p.Title == "" {
		t.Fatalf("got %s, want a problem document", rec.Body)
	}
}
