// Package payroll runs the monthly TPP payroll over PostgreSQL: it loads one page of employees'
// inputs in bulk, computes each month with internal/pay (the pure rule engine), compares the
// result with what the ledger already paid, and writes new lines, or a reversal and new lines
// (rapel) with their cause, in one transaction per page. It also reads the ledger back for
// people (slips, explanations) and for the bank (exports).
package payroll

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/wib"
)

// LookBack is how many months before a run's month it recomputes when they were paid: a
// predikat, appeal or attendance corrected within it is paid as rapel by the next run.
const LookBack = 12

// DateOf is the first day of m, as the tables store months.
func DateOf(m pay.Month) time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC) }

// MonthOf is the month of a stored date.
func MonthOf(t time.Time) pay.Month { return pay.MonthOf(t.Year(), t.Month()) }

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// LoadVersions reads every stored policy version, oldest first.
func LoadVersions(ctx context.Context, q querier) (pay.Versions, error) {
	rows, err := q.Query(ctx, `SELECT policy FROM tpp_policies ORDER BY effective_from`)
	if err != nil {
		return nil, err
	}
	ps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (pay.Policy, error) {
		var raw []byte
		if err := r.Scan(&raw); err != nil {
			return pay.Policy{}, err
		}
		var p pay.Policy
		return p, json.Unmarshal(raw, &p)
	})
	if err != nil {
		return nil, err
	}
	return pay.NewVersions(ps...)
}

// employee is one employee's standing data for a page.
type employee struct {
	NIP, Name, Unit, Status string
	Basic                   int64
	BasicErr                error
	Salary, SalaryPPh21     int64
	PTKP                    pay.PTKP
}

// pageInputs is everything a page of employees' months depends on, loaded in a few queries.
type pageInputs struct {
	employees  []employee
	predikat   map[string][]periodResult    // nip → periods
	attendance map[string]map[string]attRow // nip → "2006-01-02" → row
	unexcused  map[string]map[pay.Month]int // nip → month → days absent without reason
	leaves     map[string][]leaveRow
	plt        map[string][]pltRow
	calendar   map[string]bool                       // "2006-01-02" → working, where it differs from Monday-Friday
	annual     map[string]map[int]appraisal.Predikat // nip → year → final annual predikat
	mutasi     map[string][]mutasiRow                // nip → mutasi in effect, by date
}

// mutasiRow is a mutasi that took effect (migration 0031): from the month of its date to the end
// of its cycle's year the employee is paid the basic TPP of the position it names.
type mutasiRow struct {
	From     pay.Month
	Year     int
	Basic    int64
	BasicErr error
}

type periodResult struct {
	Start, End time.Time
	Predikat   appraisal.Predikat
	DecidedAt  time.Time
	Note       string
}

type attRow struct {
	Kind           pay.DayKind
	Late, Early    int
	LeaveType      string
	MissedAssembly bool
	ImportedAt     time.Time
}

type leaveRow struct {
	First, Last time.Time
	Kind        pay.LeaveKind
	Months      int
}

type pltRow struct {
	Starts, Ends time.Time
	ActingBasic  int64
}

// scopeEmployees selects the employees of the run's scope ($1: unit, NULL for all) with NIP
// after $2 up to $3 (” for no bound), with their basic TPP (components when set, else the
// position's) and profile.
// positionBasic selects a position p's basic TPP components (pay.Components, in their order):
// those of position_tpp t when the position has them, else its one imported tpp_basic.
const positionBasic = `coalesce(t.beban_kerja, p.tpp_basic), coalesce(t.prestasi_kerja, 0), coalesce(t.kondisi_kerja, 0), coalesce(t.kelangkaan_profesi, 0)`

const scopeEmployees = `WITH RECURSIVE tree AS (
		SELECT id FROM org_units WHERE id = $1::text OR $1::text IS NULL
		UNION SELECT c.id FROM org_units c JOIN tree ON c.parent_id = tree.id
	)
	SELECT e.nip, e.name, e.unit_id, e.status, ` + positionBasic + `,
		coalesce(f.salary, 0), coalesce(f.salary_pph21, 0), coalesce(f.ptkp, 'TK/0')
	FROM employees e JOIN tree ON tree.id = e.unit_id JOIN positions p ON p.id = e.position_id
	LEFT JOIN position_tpp t ON t.position_id = p.id LEFT JOIN pay_profiles f ON f.nip = e.nip
	WHERE e.nip > $2 AND ($3 = '' OR e.nip <= $3) ORDER BY e.nip`

// CountScope counts the employees a run for scope (nil: the whole region) pays.
func CountScope(ctx context.Context, q querier, scope *string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `WITH RECURSIVE tree AS (
			SELECT id FROM org_units WHERE id = $1::text OR $1::text IS NULL
			UNION SELECT c.id FROM org_units c JOIN tree ON c.parent_id = tree.id
		) SELECT count(*) FROM employees e JOIN tree ON tree.id = e.unit_id`, scope).Scan(&n)
	return n, err
}

// PlanPages splits the scope's employees into pages of size by NIP: page i holds the NIPs after
// bounds[i] up to bounds[i+1] (the last: every NIP after it). Employees added later fall into
// a page by their NIP, so pages never overlap.
func PlanPages(ctx context.Context, q querier, scope *string, size int) ([]string, error) {
	rows, err := q.Query(ctx, `WITH RECURSIVE tree AS (
			SELECT id FROM org_units WHERE id = $1::text OR $1::text IS NULL
			UNION SELECT c.id FROM org_units c JOIN tree ON c.parent_id = tree.id
		) SELECT nip FROM (SELECT e.nip, row_number() OVER (ORDER BY e.nip) AS n FROM employees e JOIN tree ON tree.id = e.unit_id) s
		WHERE n % $2 = 0 ORDER BY nip`, scope, size)
	if err != nil {
		return nil, err
	}
	bounds, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return append([]string{""}, bounds...), err
}

// loadPage reads the page's employees and every input of months from..to.
func loadPage(ctx context.Context, q querier, scope *string, after, upto string, from, to pay.Month) (*pageInputs, error) {
	in := &pageInputs{predikat: map[string][]periodResult{}, attendance: map[string]map[string]attRow{},
		unexcused: map[string]map[pay.Month]int{}, leaves: map[string][]leaveRow{}, plt: map[string][]pltRow{}, calendar: map[string]bool{},
		annual: map[string]map[int]appraisal.Predikat{}, mutasi: map[string][]mutasiRow{}}
	rows, err := q.Query(ctx, scopeEmployees, scope, after, upto)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e employee
		var c pay.Components
		var ptkp string
		if err := rows.Scan(&e.NIP, &e.Name, &e.Unit, &e.Status, &c.BebanKerja, &c.PrestasiKerja, &c.KondisiKerja, &c.KelangkaanProfesi,
			&e.Salary, &e.SalaryPPh21, &ptkp); err != nil {
			rows.Close()
			return nil, err
		}
		e.PTKP = pay.PTKP(ptkp)
		e.Basic, e.BasicErr = c.Basic()
		in.employees = append(in.employees, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(in.employees) == 0 {
		return in, nil
	}
	nips := make([]string, len(in.employees))
	for i, e := range in.employees {
		nips[i] = e.NIP
	}
	start, end := DateOf(from), DateOf(to.AddMonths(1))

	rows, err = q.Query(ctx, `SELECT nip, period_start, period_end, predikat, decided_at, note FROM period_results
		WHERE nip = ANY($1) AND period_start < $3 AND period_end >= $2 ORDER BY nip, period_start`, nips, start, end)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nip string
		var r periodResult
		if err := rows.Scan(&nip, &r.Start, &r.End, &r.Predikat, &r.DecidedAt, &r.Note); err != nil {
			rows.Close()
			return nil, err
		}
		in.predikat[nip] = append(in.predikat[nip], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Attendance rows of the months computed; unexcused days from January of the year before
	// the first of them, for the PP 94/2021 ladder (a cut can run into the next year).
	ladderFrom := time.Date(from.Year-1, 1, 1, 0, 0, 0, 0, time.UTC)
	rows, err = q.Query(ctx, `SELECT nip, day, kind, late_minutes, early_minutes, leave_type, missed_assembly, imported_at
		FROM attendance_days WHERE nip = ANY($1) AND day >= $2 AND day < $3 AND (day >= $4 OR kind = 'absent_unexcused')`,
		nips, ladderFrom, end, start)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nip string
		var day time.Time
		var r attRow
		if err := rows.Scan(&nip, &day, &r.Kind, &r.Late, &r.Early, &r.LeaveType, &r.MissedAssembly, &r.ImportedAt); err != nil {
			rows.Close()
			return nil, err
		}
		if r.Kind == pay.DayAbsentUnexcused {
			if in.unexcused[nip] == nil {
				in.unexcused[nip] = map[pay.Month]int{}
			}
			in.unexcused[nip][MonthOf(day)]++
		}
		if !day.Before(start) {
			if in.attendance[nip] == nil {
				in.attendance[nip] = map[string]attRow{}
			}
			in.attendance[nip][day.Format(time.DateOnly)] = r
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = q.Query(ctx, `SELECT nip, first_month, last_month, kind, months FROM pay_leaves
		WHERE nip = ANY($1) AND first_month < $3 AND last_month >= $2`, nips, start, end)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nip string
		var r leaveRow
		if err := rows.Scan(&nip, &r.First, &r.Last, &r.Kind, &r.Months); err != nil {
			rows.Close()
			return nil, err
		}
		in.leaves[nip] = append(in.leaves[nip], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// A mutasi naming a position of the org data pays that position from the month of its date
	// (WIB) within its cycle's year, ahead of the org data catching up; later ones win.
	rows, err = q.Query(ctx, `SELECT m.nip, m.effective_at, c.year, `+positionBasic+`
		FROM mutasi m JOIN cycles c ON c.id = m.cycle_id JOIN positions p ON p.id = m.position_id
		LEFT JOIN position_tpp t ON t.position_id = p.id
		WHERE m.nip = ANY($1) AND m.applied_at IS NOT NULL AND c.year BETWEEN $2 AND $3
		ORDER BY m.nip, m.effective_at, m.id`, nips, from.Year, to.Year)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nip string
		var at time.Time
		var r mutasiRow
		var c pay.Components
		if err := rows.Scan(&nip, &at, &r.Year, &c.BebanKerja, &c.PrestasiKerja, &c.KondisiKerja, &c.KelangkaanProfesi); err != nil {
			rows.Close()
			return nil, err
		}
		at = at.In(wib.Location)
		r.From = pay.MonthOf(at.Year(), at.Month())
		r.Basic, r.BasicErr = c.Basic()
		in.mutasi[nip] = append(in.mutasi[nip], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// A Plt is paid for the months its delegation covers whole; the acting post's basic TPP is
	// the principal's.
	rows, err = q.Query(ctx, `SELECT d.delegate_nip, d.starts_at, least(d.ends_at, coalesce(d.revoked_at, d.ends_at)),
			coalesce(t.beban_kerja + t.prestasi_kerja + t.kondisi_kerja + t.kelangkaan_profesi, p.tpp_basic)
		FROM delegations d JOIN employees pe ON pe.nip = d.principal_nip JOIN positions p ON p.id = pe.position_id
		LEFT JOIN position_tpp t ON t.position_id = p.id
		WHERE d.kind = 'plt' AND d.delegate_nip = ANY($1) AND d.starts_at < $3 AND d.ends_at > $2`, nips, start, end)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nip string
		var r pltRow
		if err := rows.Scan(&nip, &r.Starts, &r.Ends, &r.ActingBasic); err != nil {
			rows.Close()
			return nil, err
		}
		in.plt[nip] = append(in.plt[nip], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// The final annual result (after any appeal) of each year before a month computed; of two
	// cycles in a year the later one counts.
	rows, err = q.Query(ctx, `SELECT DISTINCT ON (ec.nip, c.year) ec.nip, c.year, ec.predikat
		FROM employee_cycles ec JOIN cycles c ON c.id = ec.cycle_id
		WHERE ec.nip = ANY($1) AND ec.result_final AND ec.predikat IS NOT NULL AND c.year BETWEEN $2 AND $3
		ORDER BY ec.nip, c.year, c.id DESC`, nips, from.Year-1, to.Year-1)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var nip string
		var year int
		var p appraisal.Predikat
		if err := rows.Scan(&nip, &year, &p); err != nil {
			rows.Close()
			return nil, err
		}
		if in.annual[nip] == nil {
			in.annual[nip] = map[int]appraisal.Predikat{}
		}
		in.annual[nip][year] = p
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	rows, err = q.Query(ctx, `SELECT day, working FROM work_calendar WHERE day >= $1 AND day < $2`, start, end)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var day time.Time
		var w bool
		if err := rows.Scan(&day, &w); err != nil {
			rows.Close()
			return nil, err
		}
		in.calendar[day.Format(time.DateOnly)] = w
	}
	return in, rows.Err()
}

// workingDays lists m's working days: Monday-Friday unless the calendar says otherwise.
func (in *pageInputs) workingDays(m pay.Month) []int {
	var out []int
	for d := 1; d <= m.Days(); d++ {
		t := time.Date(m.Year, m.Month, d, 0, 0, 0, 0, time.UTC)
		working := t.Weekday() != time.Saturday && t.Weekday() != time.Sunday
		if w, ok := in.calendar[t.Format(time.DateOnly)]; ok {
			working = w
		}
		if working {
			out = append(out, d)
		}
	}
	return out
}

// predikatOf is the predikat of the period covering month m, if any.
func (in *pageInputs) predikatOf(nip string, m pay.Month) (periodResult, bool) {
	first, last := DateOf(m), DateOf(m.AddMonths(1)).AddDate(0, 0, -1)
	for _, r := range in.predikat[nip] {
		if !r.Start.After(first) && !r.End.Before(last) {
			return r, true
		}
	}
	return periodResult{}, false
}

// ladderCut tells whether a PP 94/2021 cut covers m, from the unexcused days of m's year and
// the year before.
func (in *pageInputs) ladderCut(nip string, m pay.Month) (bool, error) {
	for _, y := range []int{m.Year - 1, m.Year} {
		var counts [12]int
		any := false
		for i := range counts {
			counts[i] = in.unexcused[nip][pay.MonthOf(y, time.Month(i+1))]
			any = any || counts[i] > 0
		}
		if !any {
			continue
		}
		cuts, err := pay.LadderCuts(y, counts)
		if err != nil {
			return false, err
		}
		if pay.CutInForce(cuts, m) {
			return true, nil
		}
	}
	return false, nil
}

// input builds employee e's pay.Input for month m.
func (in *pageInputs) input(e employee, m pay.Month) (pay.Input, error) {
	basic, basicErr := e.Basic, e.BasicErr
	for _, r := range in.mutasi[e.NIP] {
		if r.Year == m.Year && !m.Before(r.From) {
			basic, basicErr = r.Basic, r.BasicErr
		}
	}
	if basicErr != nil {
		return pay.Input{}, basicErr
	}
	x := pay.Input{Month: m, Status: pay.Status(e.Status), BasicTPP: basic, Salary: e.Salary, SalaryPPh21: e.SalaryPPh21, PTKP: e.PTKP}
	if r, ok := in.predikatOf(e.NIP, m); ok {
		x.Predikat = r.Predikat
	}
	x.AnnualPredikat = in.annual[e.NIP][m.Year-1]
	first, next := DateOf(m), DateOf(m.AddMonths(1))
	for _, l := range in.leaves[e.NIP] {
		if !l.First.After(first) && !l.Last.Before(first) {
			x.Leave = &pay.Leave{Kind: l.Kind, Months: l.Months}
		}
	}
	for _, p := range in.plt[e.NIP] {
		if !p.Starts.After(first) && !p.Ends.Before(next) {
			x.Plt = &pay.Plt{ActingBasicTPP: p.ActingBasic}
		}
	}
	att := in.attendance[e.NIP]
	for _, d := range in.workingDays(m) {
		day := pay.Day{Day: d, Kind: pay.DayPresent}
		if r, ok := att[time.Date(m.Year, m.Month, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)]; ok {
			day = pay.Day{Day: d, Kind: r.Kind, LateMinutes: r.Late, EarlyMinutes: r.Early, LeaveType: r.LeaveType, MissedAssembly: r.MissedAssembly}
		}
		x.Attendance.Days = append(x.Attendance.Days, day)
	}
	cut, err := in.ladderCut(e.NIP, m)
	if err != nil {
		return pay.Input{}, err
	}
	x.LadderCut = cut
	return x, nil
}

func describeErr(err error) string {
	if fe, ok := err.(pay.FieldError); ok {
		return fmt.Sprintf("%s: %s", fe.Field, fe.Message)
	}
	return err.Error()
}
