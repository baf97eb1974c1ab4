// Package sales holds the sales pipeline's rules as plain code: pipelines and
// their phases, the opportunity's phase and probability state, and the
// forecast arithmetic. Services wrap these rules with persistence.
package sales

import (
	"time"

	"github.com/google/uuid"
)

// PhaseKind says whether a phase is open or which final outcome it records.
type PhaseKind string

// The phase kinds. Won, lost and expired are final: entering one closes the
// opportunity.
const (
	KindOpen    PhaseKind = "open"
	KindWon     PhaseKind = "won"
	KindLost    PhaseKind = "lost"
	KindExpired PhaseKind = "expired"
)

// Valid reports whether k is one of the known kinds.
func (k PhaseKind) Valid() bool {
	switch k {
	case KindOpen, KindWon, KindLost, KindExpired:
		return true
	}
	return false
}

// Final reports whether entering a phase of this kind closes the opportunity.
func (k PhaseKind) Final() bool { return k == KindWon || k == KindLost || k == KindExpired }

// Status is the opportunity status that a phase of this kind implies.
// Unknown kinds map to StatusOpen; ValidatePhases keeps them out of storage.
func (k PhaseKind) Status() Status {
	switch k {
	case KindWon:
		return StatusWon
	case KindLost:
		return StatusLost
	case KindExpired:
		return StatusExpired
	}
	return StatusOpen
}

// Status is an opportunity's status. It always follows its phase's kind.
type Status string

// The opportunity statuses.
const (
	StatusOpen    Status = "open"
	StatusWon     Status = "won"
	StatusLost    Status = "lost"
	StatusExpired Status = "expired"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusOpen, StatusWon, StatusLost, StatusExpired:
		return true
	}
	return false
}

// Phase is one step of a pipeline. Position orders the phases of a pipeline;
// the helpers in this package keep positions at 0..n-1.
type Phase struct {
	ID          uuid.UUID
	PipelineID  uuid.UUID
	Name        string
	Probability int // percent, 0..100
	Kind        PhaseKind
	Color       string // #RRGGBB
	Position    int
}

// Pipeline is a named sequence of phases. QuoteSentPhaseID and
// QuoteSignedPhaseID, when set, name the open phases an opportunity moves to
// when a quote is sent and when the customer signs it.
type Pipeline struct {
	ID                 uuid.UUID
	WorkspaceID        uuid.UUID
	Name               string
	IsDefault          bool
	QuoteSentPhaseID   *uuid.UUID
	QuoteSignedPhaseID *uuid.UUID
	Phases             []Phase // in position order when loaded
	Version            int64   // optimistic-lock version, kept by storage
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Phase returns the pipeline's phase with the id.
func (p Pipeline) Phase(id uuid.UUID) (Phase, bool) {
	for _, ph := range p.Phases {
		if ph.ID == id {
			return ph, true
		}
	}
	return Phase{}, false
}

// FirstOfKind returns the pipeline's first phase of kind k in position order:
// the phase a new opportunity starts in (KindOpen), or the phase a
// salesperson's "mark as lost" moves to (KindLost).
func (p Pipeline) FirstOfKind(k PhaseKind) (Phase, bool) {
	for _, ph := range sortedPhases(p.Phases) {
		if ph.Kind == k {
			return ph, true
		}
	}
	return Phase{}, false
}
