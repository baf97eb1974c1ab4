package postgres

import (
	"context"
	"time"
)

// SessionsChannel is the NOTIFY channel on which the database's triggers
// announce a change to a user's sessions; the payload is the user's id.
const SessionsChannel = "crm_sessions"

// Listen holds one connection of the pool with LISTEN channel and calls
// notify with each payload until ctx ends. Whenever the connection is
// (re)established, reset is called first: notifications sent while no
// connection listened are lost, so whatever depends on them must start
// over. A broken connection is replaced after a second. Behind PgBouncer
// in transaction mode (Options.Pooled) LISTEN cannot work: Listen returns
// false at once and callers rely on their own expiry.
func (db *DB) Listen(ctx context.Context, channel string, notify func(payload string), reset func()) bool {
	if db.pooled {
		return false
	}
	go func() {
		for ctx.Err() == nil {
			db.listenOnce(ctx, channel, notify, reset)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
	return true
}

func (db *DB) listenOnce(ctx context.Context, channel string, notify func(string), reset func()) {
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return
	}
	// The connection carries LISTEN state: it never goes back to the pool.
	defer func() {
		_ = conn.Conn().Close(context.WithoutCancel(ctx))
		conn.Release()
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+quoteIdent(channel)); err != nil {
		return
	}
	reset()
	for {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			return
		}
		notify(n.Payload)
	}
}

func quoteIdent(s string) string { return `"` + s + `"` }
