package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/payroll"
)

// PolicyVersion is a stored TPP policy version.
type PolicyVersion struct {
	Policy    pay.Policy `json:"policy"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	// Used: some paid line was computed under it; it can no longer change.
	Used bool `json:"used"`
}

// PolicyError is a policy HR may not store, naming the field (internal/pay.FieldError).
type PolicyError struct{ pay.FieldError }

// AddPolicy validates p (internal/pay) and stores it as a new version. It must take effect after
// the latest month any run has paid or is computing, so no month ever changes its version.
func (s *Store) AddPolicy(ctx context.Context, p pay.Policy, by string, at time.Time) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		// One writer at a time: the check below and the insert must see the same ledger.
		if _, err := tx.Exec(ctx, `LOCK TABLE tpp_policies IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		versions, err := payroll.LoadVersions(ctx, tx)
		if err != nil {
			return err
		}
		var last *time.Time
		if err := tx.QueryRow(ctx, `SELECT max(r.month) FROM payroll_runs r WHERE r.state <> 'cancelled'`).Scan(&last); err != nil {
			return err
		}
		var lastPaid pay.Month
		if last != nil {
			lastPaid = payroll.MonthOf(*last)
		}
		if _, err := versions.Add(p, lastPaid); err != nil {
			var fe pay.FieldError
			if errors.As(err, &fe) {
				return PolicyError{fe}
			}
			return err
		}
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO tpp_policies (id, effective_from, policy, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			p.ID, payroll.DateOf(p.EffectiveFrom), raw, by, at)
		return err
	})
}

// Policies lists the stored versions, oldest first.
func (s *Store) Policies(ctx context.Context) ([]PolicyVersion, error) {
	rows, err := s.Pool.Query(ctx, `SELECT policy, created_by, created_at, EXISTS (SELECT 1 FROM pay_lines l WHERE l.policy_id = p.id)
		FROM tpp_policies p ORDER BY effective_from`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (PolicyVersion, error) {
		var v PolicyVersion
		var raw []byte
		if err := r.Scan(&raw, &v.CreatedBy, &v.CreatedAt, &v.Used); err != nil {
			return v, err
		}
		return v, json.Unmarshal(raw, &v.Policy)
	})
}

// PeriodResult is the predikat of a period inside a cycle (a month or a quarter): the contract
// between the period work, which writes it, and the payroll, which reads it for every month
// the period covers.
type PeriodResult struct {
	CycleID     int64     `json:"cycle_id"`
	NIP         string    `json:"nip"`
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
	Predikat    string    `json:"predikat"`
	DecidedAt   time.Time `json:"decided_at"`
	Note        string    `json:"note"`
}

// SetPeriodResult writes (or corrects) a period's predikat. A correction after payment is paid
// by the next run as reversal and rapel, with Note as its cause.
func (s *Store) SetPeriodResult(ctx context.Context, r PeriodResult) error {
	return WritePeriodResult(ctx, s.Pool, r)
}

// WritePeriodResult is SetPeriodResult inside the caller's transaction (the workflow's step that
// rates a period writes it with the rating).
func WritePeriodResult(ctx context.Context, db interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}, r PeriodResult) error {
	_, err := db.Exec(ctx, `INSERT INTO period_results (cycle_id, nip, period_start, period_end, predikat, decided_at, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (cycle_id, nip, period_start) DO UPDATE SET period_end = EXCLUDED.period_end, predikat = EXCLUDED.predikat,
			decided_at = EXCLUDED.decided_at, note = EXCLUDED.note`,
		r.CycleID, r.NIP, r.PeriodStart, r.PeriodEnd, r.Predikat, r.DecidedAt, r.Note)
	return err
}

// PayProfile is what the TPP's deductions and the bank transfer need of an employee.
type PayProfile struct {
	NIP         string `json:"nip"`
	Salary      int64  `json:"salary"`
	SalaryPPh21 int64  `json:"salary_pph21"`
	PTKP        string `json:"ptkp"`
	BankName    string `json:"bank_name"`
	BankAccount string `json:"bank_account"`
}

// SetPayProfile writes an employee's pay profile.
func (s *Store) SetPayProfile(ctx context.Context, p PayProfile) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO pay_profiles (nip, salary, salary_pph21, ptkp, bank_name, bank_account) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (nip) DO UPDATE SET salary = EXCLUDED.salary, salary_pph21 = EXCLUDED.salary_pph21, ptkp = EXCLUDED.ptkp,
			bank_name = EXCLUDED.bank_name, bank_account = EXCLUDED.bank_account`,
		p.NIP, p.Salary, p.SalaryPPh21, p.PTKP, p.BankName, p.BankAccount)
	return err
}

// AttendanceRow is one imported day of one employee.
type AttendanceRow struct {
	NIP            string `json:"nip"`
	Day            string `json:"day"` // YYYY-MM-DD
	Kind           string `json:"kind"`
	LateMinutes    int    `json:"late_minutes"`
	EarlyMinutes   int    `json:"early_minutes"`
	LeaveType      string `json:"leave_type"`
	MissedAssembly bool   `json:"missed_assembly"`
}

// ImportAttendance checks every row (internal/pay's rules for a day, and that the NIP exists)
// and, only when all are right, writes them: a day imported again replaces the earlier record
// (a correction, paid as rapel by the next run). On any error nothing is written and the
// ImportError lists every row at fault (Sheet "attendance", Row 1-based).
func (s *Store) ImportAttendance(ctx context.Context, rows []AttendanceRow, by string, at time.Time) (int, error) {
	var errs []RowError
	bad := func(i int, field, msg string) {
		errs = append(errs, RowError{Sheet: "attendance", Row: i + 1, Field: field, Message: msg})
	}
	days := make([]time.Time, len(rows))
	seen := map[string]int{}
	nips := map[string]bool{}
	for i, r := range rows {
		nips[r.NIP] = true
		d, err := time.Parse(time.DateOnly, r.Day)
		if err != nil {
			bad(i, "day", fmt.Sprintf("tanggal harus berbentuk YYYY-MM-DD, bukan %q", r.Day))
			continue
		}
		days[i] = d
		m := payroll.MonthOf(d)
		a := pay.Attendance{Days: []pay.Day{{Day: d.Day(), Kind: pay.DayKind(r.Kind), LateMinutes: r.LateMinutes, EarlyMinutes: r.EarlyMinutes,
			LeaveType: r.LeaveType, MissedAssembly: r.MissedAssembly}}}
		if !m.Valid() {
			bad(i, "day", "tahun di luar 2000-2200")
		} else if err := a.Validate(m); err != nil {
			var fe pay.FieldError
			if errors.As(err, &fe) {
				bad(i, strings.TrimPrefix(fe.Field, "attendance.days[0]."), fe.Message)
			} else {
				bad(i, "day", err.Error())
			}
		}
		key := r.NIP + "/" + r.Day
		if j, dup := seen[key]; dup {
			bad(i, "day", fmt.Sprintf("pegawai dan tanggal ini sudah ada di baris %d", j+1))
		}
		seen[key] = i
	}
	list := make([]string, 0, len(nips))
	for n := range nips {
		list = append(list, n)
	}
	known := map[string]bool{}
	qr, err := s.Pool.Query(ctx, `SELECT nip FROM employees WHERE nip = ANY($1)`, list)
	if err != nil {
		return 0, err
	}
	found, err := pgx.CollectRows(qr, pgx.RowTo[string])
	if err != nil {
		return 0, err
	}
	for _, n := range found {
		known[n] = true
	}
	for i, r := range rows {
		if !known[r.NIP] {
			bad(i, "nip", "pegawai dengan NIP ini tidak terdaftar")
		}
	}
	if len(errs) > 0 {
		return 0, &ImportError{Rows: errs}
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for i, r := range rows {
			b.Queue(`INSERT INTO attendance_days (nip, day, kind, late_minutes, early_minutes, leave_type, missed_assembly, imported_by, imported_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
				ON CONFLICT (nip, day) DO UPDATE SET kind = EXCLUDED.kind, late_minutes = EXCLUDED.late_minutes, early_minutes = EXCLUDED.early_minutes,
					leave_type = EXCLUDED.leave_type, missed_assembly = EXCLUDED.missed_assembly, imported_by = EXCLUDED.imported_by, imported_at = EXCLUDED.imported_at`,
				r.NIP, days[i], r.Kind, r.LateMinutes, r.EarlyMinutes, r.LeaveType, r.MissedAssembly, by, at)
		}
		return tx.SendBatch(ctx, b).Close()
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return 0, &ImportError{Rows: []RowError{{Sheet: "attendance", Field: pgErr.ColumnName, Message: "ditolak basis data: " + pgErr.Message}}}
	}
	return len(rows), err
}
