package webhooks_test

import (
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/acme/crm/internal/webhooks"
)

// listener counts the requests that reach it.
func listener(t *testing.T, addr string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
	}))
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &hits
}

// Every internal address is refused at dial time, whatever name leads to
// it, and nothing reaches the local listener.
func TestDialRefusesInternalAddresses(t *testing.T) {
	srv, hits := listener(t, "127.0.0.1:0")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	client := webhooks.Config{Timeout: 2 * time.Second}.Client()
	for _, host := range []string{
		"127.0.0.1", "localhost", "127.1.2.3", "10.1.2.3", "172.16.5.4", "172.31.255.1", "192.168.0.1",
		"169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250", "255.255.255.255",
		"198.18.0.1", "[::1]", "[::]", "[fe80::1]", "[fc00::1]", "[fd00:ec2::254]", "[ff02::1]",
		"[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[64:ff9b::7f00:1]",
	} {
		t.Run(host, func(t *testing.T) {
			res, err := client.Post("http://"+host+":"+port+"/", "application/json", strings.NewReader("{}"))
			if err == nil {
				res.Body.Close()
				t.Fatalf("got %d, want the dial refused", res.StatusCode)
			}
			if !errors.Is(err, webhooks.ErrRefusedAddress) {
				t.Fatalf("got %v, want %v", err, webhooks.ErrRefusedAddress)
			}
		})
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the local listener got %d requests, want 0", n)
	}
}

// A redirect is not followed: the receiver's 302 is its answer, and the
// internal address it points to gets nothing.
func TestDeliveryFollowsNoRedirect(t *testing.T) {
	internal, hits := listener(t, "127.0.0.2:0")
	outside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal.URL+"/admin", http.StatusFound)
	}))
	defer outside.Close()
	// The "outside" receiver is let through by an exception for its one
	// address; the internal one (127.0.0.2) stays refused.
	client := webhooks.Config{AllowPrivate: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}.Client()
	res, err := client.Post(outside.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusFound {
		t.Errorf("got %d, want the 302 itself", res.StatusCode)
	}
	if _, err := client.Get(internal.URL); !errors.Is(err, webhooks.ErrRefusedAddress) {
		t.Errorf("direct call to 127.0.0.2: got %v, want refused", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the internal listener got %d requests, want 0", n)
	}
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct {
		ip      string
		refused bool
	}{
		{"127.0.0.1", true}, {"10.0.0.1", true}, {"169.254.169.254", true}, {"::1", true}, {"fd12::1", true},
		{"::ffff:10.0.0.1", true}, {"100.100.100.200", true}, {"93.184.216.34", false}, {"2606:4700::1111", false},
		{"8.8.8.8", false},
	} {
		if got := webhooks.Refused(netip.MustParseAddr(tc.ip)); got != tc.refused {
			t.Errorf("Refused(%s) = %v, want %v", tc.ip, got, tc.refused)
		}
	}
}

func TestCheckURL(t *testing.T) {
	c := webhooks.Config{AllowHTTP: []string{"localhost"}}
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"https://hooks.example.com/crm", true},
		{"http://localhost:8080/hook", true},
		{"http://hooks.example.com/crm", false},
		{"https://user:pw@hooks.example.com/", false},
		{"https://10.0.0.5/", false},
		{"https://[::1]/", false},
		{"https://[fd00:ec2::254]/", false},
		{"file:///etc/passwd", false},
		{"hooks.example.com", false},
		{"", false},
	} {
		if err := c.CheckURL(tc.url); (err == nil) != tc.ok {
			t.Errorf("CheckURL(%q) = %v, want ok %v", tc.url, err, tc.ok)
		}
	}
}

// The signature matches the Standard Webhooks specification's published
// example.
func TestSignSpecificationVector(t *testing.T) {
	got, err := webhooks.Sign([]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}, "msg_p5jXN8AQM9LWM0D4loKWxJek",
		time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
