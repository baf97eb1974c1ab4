package auth

import (
	"sync"
	"time"

	"github.com/acme/crm/internal/identity"
)

// maxVerified bounds the verified-token cache: about one entry per active
// session of the last 15 minutes on a replica.
const maxVerified = 10_000

// verifiedTokens remembers tokens that passed Verify until they expire, so
// that a client's next requests with the same token skip the signature
// check and the claims' parsing (a quarter of a GET by id's CPU). Only a
// byte-identical token string finds an entry, so a forged or altered token
// is always verified in full. A token signed with a key since removed from
// the keyring keeps working until it expires or the process restarts
// (removing a key means a restart with the new configuration anyway).
type verifiedTokens struct {
	mu sync.RWMutex
	m  map[string]verifiedToken
}

type verifiedToken struct {
	p   identity.Principal
	exp time.Time // the token's expiry plus the leeway
}

func (v *verifiedTokens) get(s string, now time.Time) (identity.Principal, bool) {
	v.mu.RLock()
	e, ok := v.m[s]
	v.mu.RUnlock()
	if !ok || !now.Before(e.exp) {
		return identity.Principal{}, false
	}
	return e.p, true
}

func (v *verifiedTokens) put(s string, p identity.Principal, exp, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string]verifiedToken{}
	}
	if len(v.m) >= maxVerified {
		for k, e := range v.m {
			if !now.Before(e.exp) {
				delete(v.m, k)
			}
		}
		if len(v.m) >= maxVerified {
			clear(v.m)
		}
	}
	v.m[s] = verifiedToken{p: p, exp: exp}
}
