package identity

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/tenant"
)

// DefaultSessionCacheTTL is how long a replica trusts its copy of a user's
// session state without being told of a change: the worst-case delay for
// a session to end on a replica that missed the change's notification.
const DefaultSessionCacheTTL = 5 * time.Second

// revokedWindow is how far back revoked sessions matter: an access token
// lives 15 minutes (plus 30 s of leeway), so a session revoked earlier has
// no live token left.
const revokedWindow = 16 * time.Minute

// SessionState is what decides, on every request, whether a user's access
// tokens still work and with which role.
type SessionState struct {
	Role   Role
	Active bool
	// ValidAfter ends every token issued before it (password change,
	// deactivation).
	ValidAfter time.Time
	// Revoked are the sessions (refresh families) revoked lately: log-out,
	// a reused refresh token.
	Revoked map[uuid.UUID]bool
}

// sessionCache keeps each user's SessionState for ttl, so that checking a
// token costs no query. Invalidate drops a user's copy (the replica's own
// changes, and every replica's through NOTIFY); the epoch keeps a load
// that raced with an invalidation from storing what it read before it.
type sessionCache struct {
	mu    sync.Mutex
	ttl   time.Duration
	epoch uint64
	m     map[uuid.UUID]cachedState
}

type cachedState struct {
	st    SessionState
	until time.Time
}

func newSessionCache(ttl time.Duration) *sessionCache {
	if ttl <= 0 {
		ttl = DefaultSessionCacheTTL
	}
	return &sessionCache{ttl: ttl, m: map[uuid.UUID]cachedState{}}
}

func (c *sessionCache) get(id uuid.UUID, now time.Time) (SessionState, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[id]
	if !ok || now.After(e.until) {
		return SessionState{}, c.epoch, false
	}
	return e.st, c.epoch, true
}

func (c *sessionCache) put(id uuid.UUID, st SessionState, epoch uint64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if epoch != c.epoch {
		return // invalidated while loading: the next request loads again
	}
	if len(c.m) > 100_000 { // bound memory: drop everything rather than track age
		clear(c.m)
	}
	c.m[id] = cachedState{st: st, until: now.Add(c.ttl)}
}

func (c *sessionCache) invalidate(id uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	delete(c.m, id)
}

func (c *sessionCache) invalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	clear(c.m)
}

// SessionsChanged drops the cached session state of a user, so that the
// next request reads it again. The app calls it for every NOTIFY on
// crm_sessions (the database's triggers send one when a user's role,
// active flag, password or sessions change, or a session is revoked).
func (s *Service) SessionsChanged(userID uuid.UUID) { s.sessions.invalidate(userID) }

// AllSessionsChanged drops every cached session state: when the
// notifications may have been missed (the listener reconnected).
func (s *Service) AllSessionsChanged() { s.sessions.invalidateAll() }

var errSessionEnded = errs.New(errs.Unauthorized, "the session has ended; log in again")

// checkSession admits an access token's principal only while its session
// lives: the user active, the token issued after the user's
// sessions_valid_after and its session not revoked. The role is the
// user's current role, not the token's.
func (s *Service) checkSession(ctx context.Context, p Principal) (Principal, error) {
	st, err := s.sessionState(ctx, p.UserID)
	if errs.Is(err, errs.NotFound) {
		return Principal{}, errSessionEnded
	}
	if err != nil {
		return Principal{}, err
	}
	// Token times are whole seconds: a token issued in the very second the
	// sessions were ended passes this check (a new log-in right after a
	// password change must work), while one issued before the change in
	// that second fails the next, as the change revoked its session.
	if !st.Active || p.IssuedAt.Unix() < st.ValidAfter.Unix() || st.Revoked[p.SessionID] {
		return Principal{}, errSessionEnded
	}
	p.Role = st.Role
	return p, nil
}

func (s *Service) sessionState(ctx context.Context, userID uuid.UUID) (SessionState, error) {
	now := time.Now()
	st, epoch, ok := s.sessions.get(userID, now)
	if ok {
		return st, nil
	}
	st, err := s.store.SessionState(tenant.System(ctx), userID, s.now().Add(-revokedWindow))
	if err != nil {
		return SessionState{}, err
	}
	s.sessions.put(userID, st, epoch, now)
	return st, nil
}
