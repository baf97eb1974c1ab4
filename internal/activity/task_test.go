package activity

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/acme/crm/internal/errs"
	"github.com/acme/crm/internal/patch"
)

func TestApply(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	earlier := now.Add(-time.Hour)
	due, otherDue := now.Add(24*time.Hour), now.Add(48*time.Hour)
	anna, bo, actor := uuid.New(), uuid.New(), uuid.New()
	open := Task{ID: uuid.New(), Title: "Call", AssigneeID: anna, DueAt: &due, Status: StatusOpen, UpdatedAt: earlier}
	done := open
	done.Status, done.CompletedAt = StatusDone, &earlier
	st := func(s Status) *Status { return &s }
	str := func(s string) *string { return &s }

	for _, tc := range []struct {
		name          string
		task          Task
		patch         TaskPatch
		wantEvents    string
		wantStatus    Status
		wantCompleted *time.Time
		wantAssignee  uuid.UUID
		wantDue       *time.Time
	}{
		{"nothing", open, TaskPatch{}, "", StatusOpen, nil, anna, &due},
		{"complete", open, TaskPatch{Status: st(StatusDone)}, "completed", StatusDone, &now, anna, &due},
		{"complete a done task", done, TaskPatch{Status: st(StatusDone)}, "", StatusDone, &earlier, anna, &due},
		{"reopen", done, TaskPatch{Status: st(StatusOpen)}, "reopened", StatusOpen, nil, anna, &due},
		{"reopen an open task", open, TaskPatch{Status: st(StatusOpen)}, "", StatusOpen, nil, anna, &due},
		{"reassign", open, TaskPatch{AssigneeID: &bo}, "reassigned", StatusOpen, nil, bo, &due},
		{"reassign to the assignee", open, TaskPatch{AssigneeID: &anna}, "", StatusOpen, nil, anna, &due},
		{"move the due time", open, TaskPatch{DueAt: patch.Field[time.Time]{Set: true, Value: &otherDue}}, "due_changed", StatusOpen, nil, anna, &otherDue},
		{"same due time", open, TaskPatch{DueAt: patch.Field[time.Time]{Set: true, Value: &due}}, "", StatusOpen, nil, anna, &due},
		{"clear the due time", open, TaskPatch{DueAt: patch.Field[time.Time]{Set: true}}, "due_changed", StatusOpen, nil, anna, nil},
		{"title only", open, TaskPatch{Title: str("Visit")}, "", StatusOpen, nil, anna, &due},
		{"everything", open, TaskPatch{AssigneeID: &bo, Status: st(StatusDone), DueAt: patch.Field[time.Time]{Set: true}},
			"due_changed,reassigned,completed", StatusDone, &now, bo, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, events := tc.task.apply(tc.patch, actor, now)
			var kinds []string
			for _, e := range events {
				kinds = append(kinds, string(e.Kind))
				if e.TaskID != tc.task.ID || e.ActorID != actor || !e.At.Equal(now) {
					t.Errorf("%s event: got task %s, actor %s, at %s; want %s, %s, %s", e.Kind, e.TaskID, e.ActorID, e.At, tc.task.ID, actor, now)
				}
			}
			if strings.Join(kinds, ",") != tc.wantEvents {
				t.Errorf("events: got %q, want %q", strings.Join(kinds, ","), tc.wantEvents)
			}
			if got.Status != tc.wantStatus || !sameTime(got.CompletedAt, tc.wantCompleted) {
				t.Errorf("got status %s completed %v, want %s completed %v", got.Status, got.CompletedAt, tc.wantStatus, tc.wantCompleted)
			}
			if got.AssigneeID != tc.wantAssignee || !sameTime(got.DueAt, tc.wantDue) {
				t.Errorf("got assignee %s due %v, want %s due %v", got.AssigneeID, got.DueAt, tc.wantAssignee, tc.wantDue)
			}
			if !got.UpdatedAt.Equal(now) {
				t.Errorf("updated_at: got %s, want %s", got.UpdatedAt, now)
			}
		})
	}
}

func TestApplyRecordsFromAndTo(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	due, later := now.Add(time.Hour), now.Add(2*time.Hour)
	anna, bo := uuid.New(), uuid.New()
	task := Task{ID: uuid.New(), AssigneeID: anna, DueAt: &due, Status: StatusOpen}
	_, events := task.apply(TaskPatch{AssigneeID: &bo, DueAt: patch.Field[time.Time]{Set: true, Value: &later}}, anna, now)
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2", len(events))
	}
	moved, reassigned := events[0], events[1]
	if !sameTime(moved.FromDueAt, &due) || !sameTime(moved.ToDueAt, &later) {
		t.Errorf("due_changed: got %v → %v, want %s → %s", moved.FromDueAt, moved.ToDueAt, due, later)
	}
	if *reassigned.FromAssigneeID != anna || *reassigned.ToAssigneeID != bo {
		t.Errorf("reassigned: got %s → %s, want %s → %s", reassigned.FromAssigneeID, reassigned.ToAssigneeID, anna, bo)
	}
}

func TestCheckNewAndPatch(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("ä", 201)
	bad := Status("closed")
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"trimmed title", second(checkNew(NewTask{Title: "  Call  "})), ""},
		{"blank title", second(checkNew(NewTask{Title: " \t"})), "title"},
		{"200 characters", second(checkNew(NewTask{Title: strings.Repeat("ä", 200)})), ""},
		{"201 characters", second(checkNew(NewTask{Title: long})), "title"},
		{"long description", second(checkNew(NewTask{Title: "T", Description: strings.Repeat("x", 10001)})), "description"},
		{"both", second(checkNew(NewTask{Title: "", Description: strings.Repeat("x", 10001)})), "title,description"},
		{"patch blank title", second(checkPatch(TaskPatch{Title: ptr(" ")})), "title"},
		{"patch bad status", second(checkPatch(TaskPatch{Status: &bad})), "status"},
		{"patch long description", second(checkPatch(TaskPatch{Description: ptr(strings.Repeat("x", 10001))})), "description"},
		{"patch empty description", second(checkPatch(TaskPatch{Description: ptr("")})), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var fields []string
			if e, ok := errs.As(tc.err); ok {
				if e.Code != errs.Invalid {
					t.Fatalf("got code %s, want invalid", e.Code)
				}
				for _, f := range e.Fields {
					fields = append(fields, f.Field)
				}
			} else if tc.err != nil {
				t.Fatalf("got %v, want an *errs.Error", tc.err)
			}
			if strings.Join(fields, ",") != tc.want {
				t.Errorf("got fields %q, want %q", strings.Join(fields, ","), tc.want)
			}
		})
	}
	in, _ := checkNew(NewTask{Title: "  Call  ", DueAt: ptr(time.Date(2025, 1, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600)))})
	if in.Title != "Call" || !in.DueAt.Equal(time.Date(2025, 1, 1, 9, 0, 0, 123456000, time.UTC)) || in.DueAt.Location() != time.UTC {
		t.Errorf("normalised: got %q due %s, want %q due at the microsecond in UTC", in.Title, in.DueAt, "Call")
	}
}

func second[A any](_ A, err error) error { return err }

func ptr[T any](v T) *T { return &v }

func TestFollowUpTitle(t *testing.T) {
	t.Parallel()
	long := "Follow up: " + strings.Repeat("ö", 200)
	for _, tc := range []struct {
		in, want string
	}{
		{"Follow up: Chairs", "Follow up: Chairs"},
		{"Follow up: " + strings.Repeat("x", 189), "Follow up: " + strings.Repeat("x", 189)},
		{long, string([]rune(long)[:199]) + "…"},
	} {
		got := followUpTitle(tc.in)
		if got != tc.want || utf8.RuneCountInString(got) > 200 {
			t.Errorf("followUpTitle(%d characters): got %q (%d characters), want %q", utf8.RuneCountInString(tc.in), got,
				utf8.RuneCountInString(got), tc.want)
		}
	}
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	past, future := now.Add(-time.Second), now.Add(time.Second)
	for _, tc := range []struct {
		name string
		task Task
		want bool
	}{
		{"open, due before now", Task{Status: StatusOpen, DueAt: &past}, true},
		{"open, due now", Task{Status: StatusOpen, DueAt: &now}, false},
		{"open, due later", Task{Status: StatusOpen, DueAt: &future}, false},
		{"open, undated", Task{Status: StatusOpen}, false},
		{"done, due before now", Task{Status: StatusDone, DueAt: &past}, false},
	} {
		if got := tc.task.Overdue(now); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
