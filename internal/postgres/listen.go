package postgres

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
)

// changesChannel is the NOTIFY channel of the record_change trigger; its
// payload is the workspace id.
const changesChannel = "crm_changes"

// Listener holds one LISTEN connection per process and wakes the
// subscribers of the workspace each notification names. After a lost
// connection it reconnects and wakes everyone, since notifications sent in
// between are lost.
type Listener struct {
	ctx    context.Context
	cancel context.CancelFunc
	start  sync.Once
	db     *DB
	log    *slog.Logger
	mu     sync.Mutex
	subs   map[uuid.UUID]map[chan struct{}]struct{}
}

// NewListener returns a listener on db; the first subscription starts it.
func NewListener(db *DB, log *slog.Logger) *Listener {
	ctx, cancel := context.WithCancel(context.Background())
	return &Listener{ctx: ctx, cancel: cancel, db: db, log: log, subs: map[uuid.UUID]map[chan struct{}]struct{}{}}
}

// Close stops listening.
func (l *Listener) Close() { l.cancel() }

// Subscribe implements changes.Notifier.
func (l *Listener) Subscribe(ws uuid.UUID) (<-chan struct{}, func()) {
	l.start.Do(func() { go l.run(l.ctx) })
	ch := make(chan struct{}, 1)
	l.mu.Lock()
	if l.subs[ws] == nil {
		l.subs[ws] = map[chan struct{}]struct{}{}
	}
	l.subs[ws][ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		delete(l.subs[ws], ch)
		if len(l.subs[ws]) == 0 {
			delete(l.subs, ws)
		}
		l.mu.Unlock()
	}
}

func (l *Listener) wake(ws uuid.UUID, all bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for w, set := range l.subs {
		if !all && w != ws {
			continue
		}
		for ch := range set {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// run listens until ctx ends. Behind a pooler in transaction mode there is
// no session to LISTEN on: run returns at once and streams poll.
func (l *Listener) run(ctx context.Context) {
	if l.db.Pooled() {
		return
	}
	for ctx.Err() == nil {
		err := l.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("change listener lost its connection; reconnecting", "err", err)
		l.wake(uuid.Nil, true)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func (l *Listener) listen(ctx context.Context) error {
	pc, err := l.db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The session's LISTEN must not go back to the pool.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+changesChannel); err != nil {
		return err
	}
	// Changes committed while the connection was being made would have
	// been missed.
	l.wake(uuid.Nil, true)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		ws, err := uuid.Parse(n.Payload)
		if err != nil {
			continue
		}
		l.wake(ws, false)
	}
}

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
