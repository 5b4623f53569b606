package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
)

// The people of SeedCycle's small organisation.
const (
	NIPHR       = "198501012010012001" // region-wide HR
	NIPHead     = "197001011995031001" // atasan penilai
	NIPPenilai  = "198001012005011002" // pejabat penilai
	NIPEmployee = "199203152018011003" // a CPNS on a 5.000.000 basic TPP
)

// SeedCycle creates a small organisation, a cycle with deadlines an hour apart from now, and
// NIPEmployee's enrolment (workflow id "wf", no workflow started); it returns the cycle id.
func SeedCycle(t testing.TB, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	emp := func(nip, name, status, pos, sup string, hr bool) store.Employee {
		return store.Employee{NIP: nip, Name: name, Email: nip + "@contoh.go.id", Status: status, UnitID: "dinas",
			PositionID: pos, SuperiorNIP: sup, IsHR: hr}
	}
	err := st.ImportOrg(ctx, store.OrgImport{
		Units: []store.Unit{{ID: "dinas", Name: "Dinas"}},
		Positions: []store.Position{{ID: "kadis", Name: "Kepala Dinas", JenisJabatan: "jpt", KelasJabatan: 14, TPPBasic: 15_000_000},
			{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8, TPPBasic: 5_000_000}},
		Employees: []store.Employee{emp(NIPHead, "Hadi", "PNS", "kadis", "", false), emp(NIPPenilai, "Sari", "PNS", "kadis", NIPHead, false),
			emp(NIPEmployee, "Budi", "CPNS", "staf", NIPPenilai, false), emp(NIPHR, "Rina", "PNS", "staf", NIPHead, true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	dl := map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		dl[n] = time.Now().Add(time.Duration(i+1) * time.Hour)
	}
	id, err := st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: NIPHR})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enrol(ctx, store.Enrolment{CycleID: id, NIP: NIPEmployee, WorkflowID: "wf", PenilaiNIP: NIPPenilai,
		AtasanNIP: NIPHead, Phase: "perencanaan"}); err != nil {
		t.Fatal(err)
	}
	return id
}

// MonthlyCycleNow is a monthly cycle whose open month is rated within a test run now: its year
// (of the month open now), that month, and deadlines with planning due within hours and the
// annual evaluation after the year's last month closes.
func MonthlyCycleNow(t testing.TB) (year int, open period.Period, deadlines map[string]time.Time) {
	t.Helper()
	return MonthlyCycleNowUnder(t, period.DefaultCalendar)
}

// MonthlyCycleNowUnder is MonthlyCycleNow for a cycle with period calendar cal.
func MonthlyCycleNowUnder(t testing.TB, cal period.Calendar) (year int, open period.Period, deadlines map[string]time.Time) {
	t.Helper()
	now := time.Now().In(wib.Location)
	open, ok := period.OpenAt(period.Monthly, cal, now) // early January: last December
	if !ok {
		t.Fatal("no month open now")
	}
	year = open.Start.Year()
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, wib.Location) }
	return year, open, map[string]time.Time{
		"plan_due": now.Add(time.Hour), "monitoring_start": now.Add(2 * time.Hour), "monitoring_due": now.Add(3 * time.Hour),
		"evaluation_start": d(year+1, 2, 1), "evaluation_due": d(year+1, 2, 15), "dialog_due": d(year+1, 3, 1), "followup_due": d(year+1, 3, 15),
	}
}
