package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Config tunes delivery and its safety rules.
type Config struct {
	// AllowHTTP names hosts that may be sent to over plain http (local
	// testing); every other URL must be https.
	AllowHTTP []string
	// AllowPrivate opens exceptions to the refused address ranges (tests,
	// on-premise receivers).
	AllowPrivate []netip.Prefix
	// Timeout bounds one attempt, connection to last byte (default 10 s).
	Timeout time.Duration
	// MaxResponse is how much of an answer is read (default 64 KiB).
	MaxResponse int64
	// Retries are the waits before the second, third… attempt; nil is
	// DefaultRetries. After the last, the message has failed.
	Retries []time.Duration
	// DisableAfter disables a subscription whose every attempt failed for
	// that long (default 5 days).
	DisableAfter time.Duration
	// Retention is how long events are kept for replay (default 30 days).
	Retention time.Duration
	Now       func() time.Time
}

// DefaultRetries spread twelve attempts over about three days, as Standard
// Webhooks suggests: 5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h.
var DefaultRetries = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour,
	5 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// ResponseExcerpt is how much of an answer the delivery log keeps.
const ResponseExcerpt = 1024

func (c Config) withDefaults() Config {
	if c.Timeout == 0 {
		c.Timeout = 10 * time.Second
	}
	if c.MaxResponse == 0 {
		c.MaxResponse = 64 << 10
	}
	if c.Retries == nil {
		c.Retries = DefaultRetries
	}
	if c.DisableAfter == 0 {
		c.DisableAfter = 5 * 24 * time.Hour
	}
	if c.Retention == 0 {
		c.Retention = 30 * 24 * time.Hour
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// CheckURL tells why u may not receive webhooks: not https (unless its
// host is in AllowHTTP), user-info, no host, or a literal address in a
// refused range. Host names are checked again at every connection.
func (c Config) CheckURL(raw string) error {
	if raw == "" {
		return errors.New("required")
	}
	if len(raw) > 2000 {
		return errors.New("at most 2000 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return errors.New("not an absolute URL")
	}
	if u.User != nil {
		return errors.New("must not contain user-info")
	}
	if u.Fragment != "" {
		return errors.New("must not contain a fragment")
	}
	host := strings.ToLower(u.Hostname())
	switch u.Scheme {
	case "https":
	case "http":
		if !slices.Contains(c.AllowHTTP, host) {
			return errors.New("must be https")
		}
	default:
		return errors.New("must be https")
	}
	if ip, err := netip.ParseAddr(host); err == nil && !c.allowed(ip) {
		return fmt.Errorf("%s is in a refused address range (loopback, private, link-local, multicast…)", ip)
	}
	return nil
}

// Refused reports whether ip is one webhooks never connect to: loopback,
// private (RFC 1918, IPv6 unique-local), link-local (with the cloud
// metadata address 169.254.169.254), multicast, unspecified, shared
// (100.64/10), reserved, broadcast and NAT64 (which can reach IPv4 inside).
func Refused(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range refusedRanges {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

var refusedRanges = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
}

func (c Config) allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range c.AllowPrivate {
		if p.Contains(ip) {
			return true
		}
	}
	return !Refused(ip)
}

// ErrRefusedAddress is the dial error for an address in a refused range.
var ErrRefusedAddress = errors.New("address refused: loopback, private, link-local or other internal range")

// control runs after DNS resolution, on the very address about to be
// dialled, so that a name that resolves differently later (DNS
// rebinding) is checked where it counts.
func (c Config) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, address)
	}
	if !c.allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, ap.Addr())
	}
	return nil
}

// Client answers the HTTP client deliveries use: addresses checked at dial
// time, no proxy, no redirects followed, Timeout per attempt.
func (c Config) Client() *http.Client {
	c = c.withDefaults()
	d := &net.Dialer{Timeout: c.Timeout, Control: c.control}
	t := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   c.Timeout,
		ResponseHeaderTimeout: c.Timeout,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: t, Timeout: c.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
