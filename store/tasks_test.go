package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/kinerja/platform/store"
)

// TestInboxScopesFiltersAndPages: HR's shared tasks reach HR of the subject's subtree only, never
// about HR's own year; kind, unit, phase and overdue filter in SQL; pages continue by due date and
// id, with tasks without a due date last.
func TestInboxScopesFiltersAndPages(t *testing.T) {
	r := seedRegion(t)
	ctx := context.Background()
	hrNIP := r.nip(1) // works in dinas-a, HR of dinas-a's subtree
	if _, err := r.pool.Exec(ctx, `UPDATE employees SET is_hr = true, hr_scope_unit_id = 'dinas-a' WHERE nip = $1`, hrNIP); err != nil {
		t.Fatal(err)
	}
	task := func(subject int, kind string, due *time.Time) {
		t.Helper()
		if _, err := r.pool.Exec(ctx, `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_role, title, due_at)
			VALUES ($1, $2, $3, 'hr', 'Tugas HR', $4)`, r.cycle, r.nip(subject), kind, due); err != nil {
			t.Fatal(err)
		}
	}
	at := func(h int) *time.Time { v := r.now.Add(time.Duration(h) * time.Hour); return &v }
	task(1, "confirm_followup", at(5))  // HR's own year: never in HR's inbox
	task(2, "confirm_followup", at(-2)) // bidang-1, overdue, perencanaan
	task(3, "plan_overdue", at(-1))     // bidang-1, overdue, pelaksanaan
	task(10, "confirm_followup", at(3)) // dinas-a
	task(11, "plan_overdue", nil)       // bidang-1, no due date
	task(6, "confirm_followup", at(1))  // dinas-b: another subtree
	q := store.InboxQuery{NIP: hrNIP, HR: true, HRScope: "dinas-a", Now: r.now}

	nips := func(page store.InboxPage) []string {
		var out []string
		for _, t := range page.Tasks {
			if t.Role == "hr" {
				out = append(out, t.SubjectNIP)
			}
		}
		return out
	}
	all, err := r.st.Inbox(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := nips(all), []string{r.nip(2), r.nip(3), r.nip(10), r.nip(11)}; !equal(got, want) {
		t.Errorf("HR inbox = %v, want %v (earliest due first, no due date last)", got, want)
	}
	for name, tc := range map[string]struct {
		q    func(q store.InboxQuery) store.InboxQuery
		want []string
	}{
		"kind":    {func(q store.InboxQuery) store.InboxQuery { q.Kind = "plan_overdue"; return q }, []string{r.nip(3), r.nip(11)}},
		"overdue": {func(q store.InboxQuery) store.InboxQuery { q.Overdue = true; return q }, []string{r.nip(2), r.nip(3)}},
		"unit":    {func(q store.InboxQuery) store.InboxQuery { q.Unit = "bidang-1"; return q }, []string{r.nip(2), r.nip(3), r.nip(11)}},
		"phase":   {func(q store.InboxQuery) store.InboxQuery { q.Phase = "pelaksanaan"; return q }, []string{r.nip(3)}},
	} {
		page, err := r.st.Inbox(ctx, tc.q(q))
		if err != nil {
			t.Fatal(err)
		}
		if got := nips(page); !equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", name, got, tc.want)
		}
	}
	// Region-wide HR sees every subtree, its own year still excepted.
	region, _ := r.st.Inbox(ctx, store.InboxQuery{NIP: hrNIP, HR: true, Now: r.now})
	if len(nips(region)) != 5 {
		t.Errorf("region-wide inbox = %v", nips(region))
	}
	// Pages of one task each walk the whole inbox in order, past the task without a due date.
	var walked []string
	q.Limit = 1
	for range 10 {
		page, err := r.st.Inbox(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		walked = append(walked, nips(page)...)
		if page.Next == nil {
			break
		}
		q.After = page.Next
	}
	if !equal(walked, nips(all)) {
		t.Errorf("paged %v, want %v", walked, nips(all))
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
