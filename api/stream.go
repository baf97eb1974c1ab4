package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/acme/crm/internal/changes"
	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/identity"
)

// Stream settings: defaults of Config.StreamHeartbeat, StreamPoll and
// StreamsPerUser.
const (
	defaultHeartbeat      = 25 * time.Second
	defaultStreamPoll     = 5 * time.Second
	defaultStreamsPerUser = 5
	// streamWriteWindow is how long one write to a stream may take; each
	// write moves the connection's write deadline, so a stream outlives the
	// server's WriteTimeout while a stalled client still times out.
	streamWriteWindow = 30 * time.Second
	// A notification can arrive before its change is listed (an older
	// transaction, of any database on the server, is still running), so
	// the stream reads again every notifyRetry for 2 s, then every
	// notifySlowRetry, until a change shows up or notifyPatience passes.
	notifyRetry     = 100 * time.Millisecond
	notifySlowRetry = 500 * time.Millisecond
	notifyPatience  = 30 * time.Second
)

// streamSlots counts the open streams of each user in this process.
type streamSlots struct {
	mu   sync.Mutex
	max  int
	open map[uuid.UUID]int
}

// newStreamSlots fills in the stream defaults of cfg and returns the
// counter of open streams.
func newStreamSlots(cfg *Config) *streamSlots {
	if cfg.StreamHeartbeat <= 0 {
		cfg.StreamHeartbeat = defaultHeartbeat
	}
	if cfg.StreamPoll <= 0 {
		cfg.StreamPoll = defaultStreamPoll
	}
	if cfg.StreamsPerUser <= 0 {
		cfg.StreamsPerUser = defaultStreamsPerUser
	}
	return &streamSlots{max: cfg.StreamsPerUser, open: map[uuid.UUID]int{}}
}

func (s *streamSlots) acquire(id uuid.UUID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[id] >= s.max {
		return false
	}
	s.open[id]++
	return true
}

func (s *streamSlots) release(id uuid.UUID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[id]--; s.open[id] <= 0 {
		delete(s.open, id)
	}
}

// stream godoc
//
//	@Summary		Live updates (Server-Sent Events)
//	@Description	The change feed as it happens, for the caller's workspace: one event per change, `event: change`, `id:` the change's feed cursor, `data:` a FeedChange as JSON (the same items as GET /api/v1/changes). Reconnecting with the Last-Event-ID header (browsers do it by themselves) or ?since= resumes after that change without losing any; without either the stream starts with changes from now on. A comment line (`: heartbeat`) every 25 seconds keeps proxies from closing the connection. At most 5 open streams per user and replica (429 beyond). Changes made through any replica arrive (PostgreSQL LISTEN/NOTIFY wakes the stream, which then reads the feed with the subscriber's rights).
//	@Tags			changes
//	@ID				streamChanges
//	@Produce		text/event-stream
//	@Security		BearerAuth
//	@Param			Last-Event-ID	header		string	false	"id of the last event received (a feed cursor)"
//	@Param			since			query		string	false	"a feed cursor to resume after (Last-Event-ID wins)"
//	@Param			types			query		string	false	"Comma-separated record types (default all)"
//	@Success		200				{object}	FeedChange	"A stream of events whose data is a FeedChange"
//	@Failure		400				{object}	Problem	"Malformed or tampered cursor"
//	@Failure		410				{object}	Problem	"The cursor is older than the retention (30 days)"
//	@Failure		422				{object}	Problem
//	@Failure		429				{object}	Problem	"Too many open streams"
//	@Router			/api/v1/stream [get]
func (s *Server) stream(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := identity.Caller(ctx)
	if err != nil {
		return err
	}
	types, err := changes.ParseTypes(c.QueryParam("types"))
	if err != nil {
		return err
	}
	since, field := c.Request().Header.Get("Last-Event-ID"), "Last-Event-ID"
	if since == "" {
		since, field = c.QueryParam("since"), "since"
	}
	pos, issued, err := s.changeCursor(since, field)
	if err != nil {
		return err
	}
	// Subscribe before the first read, so that no change falls between.
	wake, unsubscribe := s.changes.Subscribe(p.WorkspaceID)
	defer unsubscribe()
	if since == "" {
		if pos, err = s.changes.End(ctx); err != nil {
			return err
		}
	} else if _, err := s.changes.Read(ctx, pos, issued, types, 1); err != nil {
		return err // 410 before the stream starts
	}
	if !s.streams.acquire(p.ID) {
		e := errs.New(errs.RateLimited, "at most %d open streams per user: close one first", s.streams.max)
		e.RetryAfter = 5
		return e
	}
	defer s.streams.release(p.ID)
	return s.serveStream(c, pos, since != "", types, wake)
}

func (s *Server) serveStream(c echo.Context, pos changes.Position, resumed bool, types []changes.Type, wake <-chan struct{}) error {
	ctx := c.Request().Context()
	w := c.Response()
	rc := http.NewResponseController(w.Writer)
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer
	w.WriteHeader(http.StatusOK)
	write := func(text string) error {
		_ = rc.SetWriteDeadline(time.Now().Add(streamWriteWindow))
		if _, err := fmt.Fprint(w, text); err != nil {
			return err
		}
		return rc.Flush()
	}
	if err := write(": connected\n\n"); err != nil {
		return nil
	}
	heartbeat := time.NewTicker(s.cfg.StreamHeartbeat)
	defer heartbeat.Stop()
	poll := time.NewTimer(s.cfg.StreamPoll)
	defer poll.Stop()
	// woken is the last notification not yet followed by a change. A
	// resumed stream's connection counts as one: the changes the client
	// missed may not all be listable yet.
	var woken time.Time
	if resumed {
		woken = time.Now()
	}
	for {
		sent, next, err := s.sendChanges(c, pos, types, write)
		if err != nil {
			s.log.WarnContext(ctx, "stream ended", "err", err, "request_id", requestID(c))
			return nil
		}
		pos = next
		if sent {
			woken = time.Time{}
		}
		var retry <-chan time.Time
		if since := time.Since(woken); since < 2*time.Second {
			retry = time.After(notifyRetry)
		} else if since < notifyPatience {
			retry = time.After(notifySlowRetry)
		}
		poll.Reset(s.cfg.StreamPoll)
		select {
		case <-ctx.Done():
			return nil
		case <-s.cfg.StreamsDone:
			return nil
		case <-wake:
			woken = time.Now()
		case <-retry:
		case <-poll.C:
		case <-heartbeat.C:
			if err := write(": heartbeat\n\n"); err != nil {
				return nil
			}
		}
	}
}

// sendChanges writes every change after pos as an event and answers the
// position after them.
func (s *Server) sendChanges(c echo.Context, pos changes.Position, types []changes.Type, write func(string) error) (bool, changes.Position, error) {
	ctx := c.Request().Context()
	sent := false
	for {
		pg, err := s.changes.Read(ctx, pos, time.Time{}, types, 100)
		if err != nil {
			return sent, pos, err
		}
		items, err := s.changeItems(ctx, pg.Changes)
		if err != nil {
			return sent, pos, err
		}
		for _, it := range items {
			data, err := json.Marshal(it)
			if err != nil {
				return sent, pos, err
			}
			if err := write("id: " + it.Cursor + "\nevent: change\ndata: " + string(data) + "\n\n"); err != nil {
				return sent, pos, err
			}
			sent = true
		}
		pos = pg.Next
		if !pg.More {
			return sent, pos, nil
		}
	}
}
