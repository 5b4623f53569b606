package payroll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/pay"
)

// Kinds of ledger line a month's slip makes, in the order a slip lists them. NetKinds make the
// transfer; bpjs is the employer's share, shown only. annual_reward and annual_cut are what the
// policy's annual rule attaches to last year's final predikat (internal/pay), apart from the
// month's own TPP so each is posted once per (employee, month, kind). CarryKinds are not a
// month's pay: they move a negative run total to the next run.
var (
	Kinds      = []string{"tpp", "annual_reward", "annual_cut", "pph21_allowance", "pph21", "iwp", "bpjs"}
	NetKinds   = []string{"tpp", "annual_reward", "annual_cut", "pph21_allowance", "pph21", "iwp", "carry_out", "carry_in"}
	CarryKinds = []string{"carry_out", "carry_in"}
)

// Run states.
const (
	StateComputing        = "computing"
	StateAwaitingApproval = "awaiting_approval"
	StateApproved         = "approved"
	StateCancelled        = "cancelled"
)

// Engine runs pages of a payroll run.
type Engine struct {
	Pool *pgxpool.Pool
	// AfterCommit, when set, is called after a page's transaction commits: tests make a
	// crash there (the page is written, the caller never hears of it).
	AfterCommit func(runID int64, after string) error
}

// Page is what one page wrote.
type Page struct {
	After     string          `json:"after"`
	LastNIP   string          `json:"last_nip"`
	Employees int             `json:"employees"`
	Lines     int             `json:"lines"`
	Errors    []EmployeeError `json:"errors,omitempty"`
}

// EmployeeError is an employee's month that could not be computed: no line is written for it
// and the run shows why.
type EmployeeError struct {
	NIP     string `json:"nip"`
	Month   string `json:"month"`
	Message string `json:"message"`
}

// LineDetail is what the tpp line keeps of how it came about.
type LineDetail struct {
	Input pay.Input `json:"input"`
	Slip  pay.Slip  `json:"slip"`
	// PredikatNote and PredikatDecidedAt are from period_results, to name the cause of a rapel.
	PredikatDecidedAt *time.Time `json:"predikat_decided_at,omitempty"`
	PredikatNote      string     `json:"predikat_note,omitempty"`
}

// paidLine is a line of an approved run that no approved reversal has undone.
type paidLine struct {
	ID       int64
	NIP      string
	Period   pay.Month
	Kind     string
	Amount   int64
	PolicyID string
}

type newLine struct {
	NIP      string
	Period   time.Time
	Kind     string
	Entry    string
	Amount   int64
	PolicyID string
	Reverses *int64
	Carries  *int64
	Cause    string
	Detail   []byte
}

// Plan splits run runID's employees into pages of size (PlanPages).
func (e *Engine) Plan(ctx context.Context, runID int64, size int) ([]string, error) {
	var scope *string
	if err := e.Pool.QueryRow(ctx, `SELECT scope_unit_id FROM payroll_runs WHERE id = $1`, runID).Scan(&scope); err != nil {
		return nil, fmt.Errorf("run %d: %w", runID, err)
	}
	return PlanPages(ctx, e.Pool, scope, size)
}

// RunPage computes and writes the page of run runID of the NIPs after `after` up to `upto` (”
// for no bound), in one transaction. A page already written is not computed again: its stored
// result is returned.
func (e *Engine) RunPage(ctx context.Context, runID int64, after, upto string) (Page, error) {
	var page Page
	err := pgx.BeginFunc(ctx, e.Pool, func(tx pgx.Tx) error {
		var errs []byte
		err := tx.QueryRow(ctx, `SELECT last_nip, employees, lines, errors FROM payroll_run_pages WHERE run_id = $1 AND after_nip = $2`,
			runID, after).Scan(&page.LastNIP, &page.Employees, &page.Lines, &errs)
		if err == nil {
			page.After = after
			return json.Unmarshal(errs, &page.Errors)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var month time.Time
		var scope *string
		var state string
		if err := tx.QueryRow(ctx, `SELECT month, scope_unit_id, state FROM payroll_runs WHERE id = $1 FOR SHARE`, runID).Scan(&month, &scope, &state); err != nil {
			return fmt.Errorf("run %d: %w", runID, err)
		}
		if state != StateComputing {
			return fmt.Errorf("run %d is %s, not computing", runID, state)
		}
		page, err = computePage(ctx, tx, runID, MonthOf(month), scope, after, upto)
		if err != nil {
			return err
		}
		errsJSON, err := json.Marshal(append([]EmployeeError{}, page.Errors...))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO payroll_run_pages (run_id, after_nip, last_nip, employees, lines, errors) VALUES ($1, $2, $3, $4, $5, $6)`,
			runID, after, page.LastNIP, page.Employees, page.Lines, errsJSON)
		return err
	})
	if err != nil {
		return Page{}, err
	}
	if e.AfterCommit != nil {
		if err := e.AfterCommit(runID, after); err != nil {
			return Page{}, err
		}
	}
	return page, nil
}

func computePage(ctx context.Context, tx pgx.Tx, runID int64, month pay.Month, scope *string, after, upto string) (Page, error) {
	page := Page{After: after}
	versions, err := LoadVersions(ctx, tx)
	if err != nil {
		return page, err
	}
	from := month.AddMonths(-LookBack)
	in, err := loadPage(ctx, tx, scope, after, upto, from, month)
	if err != nil {
		return page, err
	}
	page.Employees = len(in.employees)
	if len(in.employees) == 0 {
		page.LastNIP = after
		return page, nil
	}
	page.LastNIP = in.employees[len(in.employees)-1].NIP
	nips := make([]string, len(in.employees))
	for i, e := range in.employees {
		nips[i] = e.NIP
	}
	paid, err := loadPaid(ctx, tx, nips, from, month)
	if err != nil {
		return page, err
	}
	unpaid, err := loadUnpaid(ctx, tx, nips, from, month)
	if err != nil {
		return page, err
	}
	carried, err := loadCarried(ctx, tx, nips)
	if err != nil {
		return page, err
	}
	elsewhere, err := loadInOtherOpenRuns(ctx, tx, runID, nips)
	if err != nil {
		return page, err
	}

	var lines []newLine
	var changed []paidLine // the paid tpp lines of months that change, for their causes
	type pending struct {
		at    int // index in lines of the new month's first line
		old   paidLine
		input pay.Input
	}
	var causes []pending
	for _, e := range in.employees {
		if other, ok := elsewhere[e.NIP]; ok {
			// Moved between two open runs' scopes: the other run pays them; this one lists them
			// so HR excludes them before approval.
			page.Errors = append(page.Errors, EmployeeError{NIP: e.NIP, Month: month.String(),
				Message: fmt.Sprintf("pegawai ini sudah dihitung dalam penggajian #%d yang belum diputuskan (pindah unit); kecualikan dari penggajian ini", other)})
			continue
		}
		first := len(lines)
		// The run's month, and every earlier month it looks back on that was paid, or that an
		// approved run could not pay (it is paid late once it computes).
		months := []pay.Month{month}
		for m := range paid[e.NIP] {
			if m != month {
				months = append(months, m)
			}
		}
		for m := range unpaid[e.NIP] {
			if _, ok := paid[e.NIP][m]; !ok && m != month {
				months = append(months, m)
			}
		}
		slices.SortFunc(months, func(a, b pay.Month) int { return DateOf(a).Compare(DateOf(b)) })
		for _, m := range months {
			x, err := in.input(e, m)
			var slip pay.Slip
			var p pay.Policy
			if err == nil {
				p, err = versions.InForce(m)
			}
			if err == nil && m.Month == 12 {
				x.TaxYear = taxYear(e, paid[e.NIP], m)
			}
			if err == nil {
				slip, err = pay.Compute(p, x)
			}
			if err != nil {
				page.Errors = append(page.Errors, EmployeeError{NIP: e.NIP, Month: m.String(), Message: describeErr(err)})
				continue
			}
			amounts := slipAmounts(slip)
			old := paid[e.NIP][m]
			if sameLines(old, amounts, p.ID) {
				continue
			}
			d := LineDetail{Input: x, Slip: slip}
			if r, ok := in.predikatOf(e.NIP, m); ok {
				d.PredikatDecidedAt, d.PredikatNote = &r.DecidedAt, r.Note
			}
			detail, err := json.Marshal(d)
			if err != nil {
				return page, err
			}
			if len(old) > 0 {
				for _, k := range Kinds {
					if l, ok := old[k]; ok {
						id := l.ID
						lines = append(lines, newLine{NIP: e.NIP, Period: DateOf(m), Kind: k, Entry: "reversal", Amount: -l.Amount,
							PolicyID: l.PolicyID, Reverses: &id})
					}
				}
				changed = append(changed, old["tpp"])
				causes = append(causes, pending{at: len(lines), old: old["tpp"], input: x})
			}
			late := ""
			if why, ok := unpaid[e.NIP][m]; ok && len(old) == 0 {
				late = "dibayar susulan; sebelumnya tidak dapat dihitung: " + why
			}
			for _, k := range Kinds {
				if a, ok := amounts[k]; ok {
					nl := newLine{NIP: e.NIP, Period: DateOf(m), Kind: k, Entry: "line", Amount: a, PolicyID: p.ID, Cause: late}
					if k == "tpp" {
						nl.Detail = detail
					}
					lines = append(lines, nl)
				}
			}
		}
		lines = carry(lines, first, e.NIP, month, carried[e.NIP])
	}

	// The cause of each correction: what changed between the paid line's inputs and now.
	if len(changed) > 0 {
		olds, err := loadDetails(ctx, tx, changed)
		if err != nil {
			return page, err
		}
		for _, c := range causes {
			cause := Cause(olds[c.old.ID], c.input, c.old.PolicyID, lines[c.at].PolicyID)
			for i := c.at; i < len(lines) && lines[i].NIP == c.old.NIP && MonthOf(lines[i].Period) == c.old.Period && lines[i].Entry == "line" && !slices.Contains(CarryKinds, lines[i].Kind); i++ {
				lines[i].Cause = cause
			}
			for i := c.at - 1; i >= 0 && lines[i].Entry == "reversal" && lines[i].NIP == c.old.NIP && MonthOf(lines[i].Period) == c.old.Period; i-- {
				lines[i].Cause = cause
			}
		}
	}
	page.Lines = len(lines)
	return page, writeLines(ctx, tx, runID, lines)
}

// carried is a carry_out of an approved run that no run has taken back yet.
type carried struct {
	ID       int64
	Amount   int64
	PolicyID string
	RunMonth pay.Month
}

// carry takes back what an earlier run carried (carry_in, one a run) and, when the employee's
// lines of this run (from index first) still add up to less than zero, carries the shortfall to
// the next run (carry_out), so a run never transfers a negative amount.
func carry(lines []newLine, first int, nip string, month pay.Month, owed []carried) []newLine {
	if len(owed) > 0 {
		o := owed[0]
		id := o.ID
		lines = append(lines, newLine{NIP: nip, Period: DateOf(month), Kind: "carry_in", Entry: "line", Amount: -o.Amount, PolicyID: o.PolicyID,
			Carries: &id, Cause: fmt.Sprintf("kekurangan penggajian %s (%s) diperhitungkan bulan ini", o.RunMonth, pay.Rupiah(o.Amount))})
	}
	var total int64
	policy := ""
	for _, l := range lines[first:] {
		if l.Kind != "bpjs" {
			total += l.Amount
		}
		policy = l.PolicyID
	}
	if total < 0 {
		lines = append(lines, newLine{NIP: nip, Period: DateOf(month), Kind: "carry_out", Entry: "line", Amount: -total, PolicyID: policy,
			Cause: fmt.Sprintf("jumlah penggajian %s kurang dari nol (%s): tidak ditransfer, diperhitungkan pada penggajian berikutnya", month, pay.Rupiah(total))})
	}
	return lines
}

// loadCarried reads, by employee, the carry_out lines of approved runs that no approved or open
// run has taken back, oldest first.
func loadCarried(ctx context.Context, q querier, nips []string) (map[string][]carried, error) {
	rows, err := q.Query(ctx, `SELECT l.nip, l.id, l.amount, l.policy_id, r.month
		FROM pay_lines l JOIN payroll_runs r ON r.id = l.run_id AND r.state = 'approved'
		WHERE l.kind = 'carry_out' AND l.nip = ANY($1)
		AND NOT EXISTS (SELECT 1 FROM pay_lines x JOIN payroll_runs xr ON xr.id = x.run_id AND xr.state <> 'cancelled' WHERE x.carries_id = l.id)
		ORDER BY l.id`, nips)
	if err != nil {
		return nil, err
	}
	out := map[string][]carried{}
	for rows.Next() {
		var nip string
		var c carried
		var m time.Time
		if err := rows.Scan(&nip, &c.ID, &c.Amount, &c.PolicyID, &m); err != nil {
			rows.Close()
			return nil, err
		}
		c.RunMonth = MonthOf(m)
		out[nip] = append(out[nip], c)
	}
	return out, rows.Err()
}

// loadInOtherOpenRuns finds employees of the page that another open run (computing or awaiting
// approval) already wrote lines for: open runs' scopes are disjoint, but an employee may have
// moved between them. Two pages committing at the same instant can still miss each other.
func loadInOtherOpenRuns(ctx context.Context, q querier, runID int64, nips []string) (map[string]int64, error) {
	// Driven by the open runs (usually none): each is probed by its (run_id, nip, …) key.
	rows, err := q.Query(ctx, `SELECT DISTINCT ON (n.nip) n.nip, r.id FROM payroll_runs r CROSS JOIN unnest($1::text[]) n (nip)
		WHERE r.state IN ('computing', 'awaiting_approval') AND r.id <> $2
		AND EXISTS (SELECT 1 FROM pay_lines l WHERE l.run_id = r.id AND l.nip = n.nip)
		ORDER BY n.nip, r.id`, nips, runID)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for rows.Next() {
		var nip string
		var id int64
		if err := rows.Scan(&nip, &id); err != nil {
			rows.Close()
			return nil, err
		}
		out[nip] = id
	}
	return out, rows.Err()
}

// slipAmounts are the ledger lines of a slip, signed as they reach the employee; a tax, IWP or
// BPJS line of 0 is left out.
func slipAmounts(s pay.Slip) map[string]int64 {
	out := map[string]int64{"tpp": s.TPP}
	for _, l := range s.Lines {
		switch l.Code {
		case "annual_reward", "annual_cut":
			out[l.Code] += l.Amount
			out["tpp"] -= l.Amount
		case "pph21_allowance":
			out[l.Code] += l.Amount
		case "pph21", "iwp":
			out[l.Code] -= l.Amount
		case "bpjs":
			out[l.Code] += l.Amount
		}
	}
	for k, v := range out {
		if v == 0 && k != "tpp" {
			delete(out, k)
		}
	}
	return out
}

func sameLines(old map[string]paidLine, amounts map[string]int64, policy string) bool {
	if len(old) != len(amounts) {
		return false
	}
	for k, a := range amounts {
		l, ok := old[k]
		if !ok || l.Amount != a || l.PolicyID != policy {
			return false
		}
	}
	return true
}

// taxYear is what December's Pasal 17 recomputation needs: the salary of January-November from
// the profile, the TPP paid for those months from the ledger.
func taxYear(e employee, paid map[pay.Month]map[string]paidLine, dec pay.Month) *pay.TaxYear {
	y := &pay.TaxYear{GrossJanNov: 11 * e.Salary, WithheldJanNov: 11 * e.SalaryPPh21}
	for m, ls := range paid {
		if m.Year != dec.Year || m.Month == 12 {
			continue
		}
		y.GrossJanNov += ls["tpp"].Amount + ls["annual_reward"].Amount + ls["annual_cut"].Amount + ls["pph21_allowance"].Amount
		y.WithheldJanNov -= ls["pph21"].Amount
	}
	return y
}

// loadPaid reads the lines in force (approved, not reversed) of months from..to.
func loadPaid(ctx context.Context, q querier, nips []string, from, to pay.Month) (map[string]map[pay.Month]map[string]paidLine, error) {
	rows, err := q.Query(ctx, `SELECT l.id, l.nip, l.period, l.kind, l.amount, l.policy_id
		FROM pay_lines l JOIN payroll_runs r ON r.id = l.run_id AND r.state = 'approved'
		WHERE l.nip = ANY($1) AND l.period >= $2 AND l.period <= $3 AND l.entry = 'line' AND l.kind <> ALL($4)
		AND NOT EXISTS (SELECT 1 FROM pay_lines x JOIN payroll_runs xr ON xr.id = x.run_id AND xr.state = 'approved' WHERE x.reverses_id = l.id)`,
		nips, DateOf(from), DateOf(to), CarryKinds)
	if err != nil {
		return nil, err
	}
	out := map[string]map[pay.Month]map[string]paidLine{}
	for rows.Next() {
		var l paidLine
		var period time.Time
		if err := rows.Scan(&l.ID, &l.NIP, &period, &l.Kind, &l.Amount, &l.PolicyID); err != nil {
			rows.Close()
			return nil, err
		}
		l.Period = MonthOf(period)
		if out[l.NIP] == nil {
			out[l.NIP] = map[pay.Month]map[string]paidLine{}
		}
		if out[l.NIP][l.Period] == nil {
			out[l.NIP][l.Period] = map[string]paidLine{}
		}
		out[l.NIP][l.Period][l.Kind] = l
	}
	return out, rows.Err()
}

// loadUnpaid reads the months from..to (before `to`) that an approved run listed as errors, by
// employee, with the error.
func loadUnpaid(ctx context.Context, q querier, nips []string, from, to pay.Month) (map[string]map[pay.Month]string, error) {
	rows, err := q.Query(ctx, `SELECT e->>'nip', e->>'month', e->>'message'
		FROM payroll_run_pages p JOIN payroll_runs r ON r.id = p.run_id AND r.state = 'approved'
		CROSS JOIN LATERAL jsonb_array_elements(p.errors) e
		WHERE r.month >= $2 AND r.month < $3 AND p.errors <> '[]' AND e->>'nip' = ANY($1)`, nips, DateOf(from), DateOf(to))
	if err != nil {
		return nil, err
	}
	out := map[string]map[pay.Month]string{}
	for rows.Next() {
		var nip, month, msg string
		if err := rows.Scan(&nip, &month, &msg); err != nil {
			rows.Close()
			return nil, err
		}
		var m pay.Month
		if err := m.UnmarshalText([]byte(month)); err != nil || m.Before(from) {
			continue
		}
		if out[nip] == nil {
			out[nip] = map[pay.Month]string{}
		}
		out[nip][m] = msg
	}
	return out, rows.Err()
}

func loadDetails(ctx context.Context, q querier, ls []paidLine) (map[int64]LineDetail, error) {
	ids := make([]int64, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	rows, err := q.Query(ctx, `SELECT id, detail FROM pay_lines WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := map[int64]LineDetail{}
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			rows.Close()
			return nil, err
		}
		var d LineDetail
		if raw != nil {
			if err := json.Unmarshal(raw, &d); err != nil {
				rows.Close()
				return nil, err
			}
		}
		out[id] = d
	}
	return out, rows.Err()
}

// writeLines copies the page's lines into the ledger. A page is written once: its progress row
// is inserted in the same transaction (RunPage returns it instead of computing again), and the
// key (run, employee, month, kind, entry) refuses any line twice.
func writeLines(ctx context.Context, tx pgx.Tx, runID int64, lines []newLine) error {
	if len(lines) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"pay_lines"},
		[]string{"run_id", "nip", "period", "kind", "entry", "amount", "policy_id", "reverses_id", "carries_id", "cause", "detail"},
		pgx.CopyFromSlice(len(lines), func(i int) ([]any, error) {
			l := lines[i]
			var detail any
			if l.Detail != nil {
				detail = string(l.Detail)
			}
			return []any{runID, l.NIP, l.Period, l.Kind, l.Entry, l.Amount, l.PolicyID, l.Reverses, l.Carries, l.Cause, detail}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy lines: %w", err)
	}
	return nil
}

// Cause says, in Bahasa Indonesia, why a paid month is paid again: every input that changed
// between the paid line and now.
func Cause(old LineDetail, now pay.Input, oldPolicy, newPolicy string) string {
	var why []string
	o := old.Input
	if o.Predikat != now.Predikat {
		why = append(why, fmt.Sprintf("predikat %s menjadi %s", predikatName(o.Predikat), predikatName(now.Predikat)))
	}
	if o.BasicTPP != now.BasicTPP {
		why = append(why, "TPP dasar "+pay.Rupiah(o.BasicTPP)+" menjadi "+pay.Rupiah(now.BasicTPP))
	}
	if o.Status != now.Status {
		why = append(why, fmt.Sprintf("status %s menjadi %s", o.Status, now.Status))
	}
	if (o.Plt == nil) != (now.Plt == nil) || (o.Plt != nil && *o.Plt != *now.Plt) {
		why = append(why, "penugasan Plt berubah")
	}
	if (o.Leave == nil) != (now.Leave == nil) || (o.Leave != nil && *o.Leave != *now.Leave) {
		why = append(why, "cuti panjang berubah")
	}
	if o.AnnualPredikat != now.AnnualPredikat {
		why = append(why, fmt.Sprintf("predikat tahunan %d %s menjadi %s", now.Month.Year-1, predikatName(o.AnnualPredikat), predikatName(now.AnnualPredikat)))
	}
	if o.LadderCut != now.LadderCut {
		why = append(why, "hukuman disiplin PP 94/2021 berubah")
	}
	var days []string
	oldDays := map[int]pay.Day{}
	for _, d := range o.Attendance.Days {
		oldDays[d.Day] = d
	}
	for _, d := range now.Attendance.Days {
		if od, ok := oldDays[d.Day]; !ok || od != d {
			days = append(days, fmt.Sprint(d.Day))
		}
	}
	if len(days) > 0 {
		why = append(why, "kehadiran dikoreksi pada tanggal "+strings.Join(days, ", "))
	}
	if o.Salary != now.Salary || o.SalaryPPh21 != now.SalaryPPh21 || o.PTKP != now.PTKP {
		why = append(why, "data gaji/PTKP berubah")
	}
	if oldPolicy != newPolicy {
		why = append(why, fmt.Sprintf("kebijakan %s menjadi %s", oldPolicy, newPolicy))
	}
	if len(why) == 0 {
		return "perhitungan ulang"
	}
	return strings.Join(why, "; ")
}

func predikatName(p interface{ Label() string }) string {
	if s := p.Label(); s != "" {
		return s
	}
	return "belum ada"
}
