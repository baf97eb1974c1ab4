package main

import (
	"testing"

	"github.com/acme/crm/internal/mailtest"
)

// mailSink is the shared test SMTP server (internal/mailtest), accepting
// every message.
type mailSink struct{ *mailtest.Server }

// startMailSink starts the server and stops it when the test ends.
func startMailSink(t *testing.T) *mailSink {
	t.Helper()
	s, _ := mailtest.Start(t, mailtest.Options{})
	return &mailSink{s}
}

func (ms *mailSink) url() string { return ms.URL() }

// messages returns the accepted messages' data.
func (ms *mailSink) messages() [][]byte {
	var out [][]byte
	for _, m := range ms.Delivered() {
		out = append(out, m.Data)
	}
	return out
}
