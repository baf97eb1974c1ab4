package app

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/activity"
)

func TestFeedEventTask(t *testing.T) {
	tests := []struct {
		name      string
		due       time.Time
		allDay    bool
		wantStart time.Time
		wantEnd   time.Time
	}{
		{"due at midnight UTC is all-day", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true,
			time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)},
		{"due at a time", time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), false,
			time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 14, 15, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		due := tt.due
		ev := feedEvent(activity.CalendarEntry{Start: due, Task: &activity.Task{ID: uuid.New(), Title: "Call", DueAt: &due}})
		if ev.AllDay != tt.allDay || !ev.Start.Equal(tt.wantStart) || !ev.End.Equal(tt.wantEnd) {
			t.Errorf("%s: got %v %v–%v, want %v %v–%v", tt.name, ev.AllDay, ev.Start, ev.End, tt.allDay, tt.wantStart, tt.wantEnd)
		}
	}
}
