package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestBadConfigurationFailsClearly: each bad setting stops the start with
// one line naming it, before anything is opened.
func TestBadConfigurationFailsClearly(t *testing.T) {
	key := "k1:MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE"
	secret := "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad database url", map[string]string{"DATABASE_URL": "mysql://x"}, nil, "DATABASE_URL"},
		{"keys required with a database", map[string]string{"DATABASE_URL": "postgres://h/db"}, nil, "CRM_TOKEN_KEYS is required"},
		{"short key", map[string]string{"CRM_TOKEN_KEYS": "k1:c2hvcnQ"}, nil, "CRM_TOKEN_KEYS"},
		{"key without kid", map[string]string{"CRM_TOKEN_KEYS": "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE"}, nil, "CRM_TOKEN_KEYS"},
		{"bad address", map[string]string{"CRM_ADDR": "8080"}, nil, "CRM_ADDR"},
		{"bad metrics address", map[string]string{"CRM_METRICS_ADDR": "9090"}, nil, "CRM_METRICS_ADDR"},
		{"bad public url", map[string]string{"CRM_PUBLIC_URL": "ftp://x"}, nil, "CRM_PUBLIC_URL"},
		{"bad cors origin", map[string]string{"CRM_CORS_ORIGINS": "app.example.com"}, nil, "CRM_CORS_ORIGINS"},
		{"bad proxy", map[string]string{"CRM_TRUSTED_PROXIES": "10.0.0.0/99"}, nil, "CRM_TRUSTED_PROXIES"},
		{"bad smtp url", map[string]string{"SMTP_URL": "http://mail"}, nil, "SMTP_URL"},
		{"bad mail from", map[string]string{"CRM_MAIL_FROM": "Sales <sales@example.com>"}, nil, "CRM_MAIL_FROM"},
		{"bad replica url", map[string]string{"DATABASE_URL": "postgres://h/db", "CRM_TOKEN_KEYS": key, "DATABASE_REPLICA_URLS": "postgres://r/db, mysql://x"}, nil, "DATABASE_REPLICA_URLS"},
		{"replicas without primary", map[string]string{"DATABASE_REPLICA_URLS": "postgres://r/db"}, nil, "DATABASE_REPLICA_URLS needs DATABASE_URL"},
		{"bad replica lag", map[string]string{"CRM_REPLICA_MAX_LAG": "soon"}, nil, "CRM_REPLICA_MAX_LAG"},
		{"bad blob store", map[string]string{"CRM_BLOB_STORE": "s3"}, nil, "CRM_BLOB_STORE"},
		{"bad pool mode", map[string]string{"DATABASE_POOL_MODE": "statement"}, nil, "DATABASE_POOL_MODE"},
		{"bad log level", map[string]string{"CRM_LOG_LEVEL": "loud"}, nil, "CRM_LOG_LEVEL"},
		{"bad link limit", map[string]string{"CRM_PUBLIC_PER_TOKEN": "0"}, nil, "CRM_PUBLIC_PER_TOKEN"},
		{"bad address limit", map[string]string{"CRM_PUBLIC_PER_IP": "many"}, nil, "CRM_PUBLIC_PER_IP"},
		{"bad request limit", map[string]string{"CRM_RATE_LIMIT_PER_MINUTE": "0"}, nil, "CRM_RATE_LIMIT_PER_MINUTE"},
		{"short secret key", map[string]string{"CRM_SECRET_KEY": "c2hvcnQ="}, nil, "CRM_SECRET_KEY"},
		{"bad webhook exception", map[string]string{"CRM_WEBHOOK_ALLOW_PRIVATE": "10.0.0.0/99"}, nil, "CRM_WEBHOOK_ALLOW_PRIVATE"},
		{"unknown flag", nil, []string{"serve", "--nope"}, "flag provided but not defined"},
		{"unknown command", nil, []string{"launch"}, `unknown command "launch"`},
		{"migrate without action", nil, []string{"migrate"}, "want up, down or status"},
		{"secret key required with a database", map[string]string{"CRM_TOKEN_KEYS": key, "DATABASE_URL": "postgres://h/db"}, nil, "CRM_SECRET_KEY is required"},
		{"seed without what", map[string]string{"CRM_TOKEN_KEYS": key, "CRM_SECRET_KEY": secret, "DATABASE_URL": "postgres://h/db"}, []string{"seed"}, "say what to load"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			args := tt.args
			if args == nil {
				args = []string{"serve"}
			}
			err := run(context.Background(), args, getenv, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Count(err.Error(), "\n") > 3 {
				t.Fatalf("got %v, want a short error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := parseConfig("serve", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DataDir != "./data" || c.PublicURL != "http://localhost:8080" || c.DatabaseURL != "" ||
		c.PublicPerToken != 120 || c.PublicPerIP != 300 || c.MetricsAddr != "127.0.0.1:9090" {
		t.Errorf("got %+v", c)
	}
	c, err = parseConfig("serve", []string{"--addr", "127.0.0.1:9000", "--trusted-proxies", "10.0.0.1, 192.168.0.0/16"},
		func(k string) string { return map[string]string{"CRM_ADDR": ":1"}[k] }, io.Discard)
	if err != nil || c.Addr != "127.0.0.1:9000" || len(c.TrustedProxies) != 2 || c.TrustedProxies[0].String() != "10.0.0.1/32" {
		t.Errorf("flags over env: got %+v, %v", c, err)
	}
}
