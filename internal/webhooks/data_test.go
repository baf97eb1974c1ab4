package webhooks

import "testing"

func TestData(t *testing.T) {
	for _, tt := range []struct {
		name, object, payload, want string
	}{
		{"the record", `{"id":"a","n":1}`, `{"id":"a"}`, `{"id":"a","n":1}`},
		{"with the previous values", `{"id":"a","n":2}`, `{"id":"a","previous":{"n":1}}`, `{"id":"a","n":2,"previous":{"n":1}}`},
		{"previous null", `{"id":"a"}`, `{"previous":null}`, `{"id":"a"}`},
		{"an empty record", `{}`, `{"previous":{"n":1}}`, `{"previous":{"n":1}}`},
		{"no record: the payload", ``, `{"subscription_id":"s"}`, `{"subscription_id":"s"}`},
		{"nothing at all", ``, ``, `{}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Data([]byte(tt.object), []byte(tt.payload))); got != tt.want {
				t.Errorf("Data(%s, %s) = %s, want %s", tt.object, tt.payload, got, tt.want)
			}
		})
	}
}
