package payroll

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/pay"
)

// LedgerLine is a paid line as people read it.
type LedgerLine struct {
	ID         int64     `json:"id"`
	RunID      int64     `json:"run_id"`
	RunMonth   pay.Month `json:"run_month"` // the run that paid it
	Period     pay.Month `json:"period"`    // the month it is for
	Kind       string    `json:"kind"`
	Label      string    `json:"label"`
	Entry      string    `json:"entry"` // line or reversal
	Amount     int64     `json:"amount"`
	PolicyID   string    `json:"policy_id"`
	ReversesID *int64    `json:"reverses_id,omitempty"`
	Cause      string    `json:"cause,omitempty"`
	InForce    bool      `json:"in_force"` // a line no reversal has undone
}

// KindLabel names a line kind for people.
var KindLabel = map[string]string{
	"tpp": "TPP", "pph21_allowance": "tunjangan PPh 21", "pph21": "PPh 21", "iwp": "IWP",
	"bpjs": "BPJS Kesehatan (dibayar pemberi kerja)", "annual_reward": "penghargaan predikat tahunan",
	"annual_cut": "potongan predikat tahunan", "carry_out": "kekurangan dibawa ke penggajian berikutnya",
	"carry_in": "kekurangan penggajian sebelumnya diperhitungkan",
}

// Statement is one employee's month: how the month's TPP came about (the slip in force, every
// step of it), every line ever paid for it with reversals and their cause, and what the run of
// that month paid for earlier months (rapel).
type Statement struct {
	NIP   string    `json:"nip"`
	Name  string    `json:"name"`
	Unit  string    `json:"unit"`
	Month pay.Month `json:"month"`
	// Slip is the computation in force for the month (nil: nothing paid yet).
	Slip     *pay.Slip  `json:"slip"`
	Input    *pay.Input `json:"input,omitempty"`
	PolicyID string     `json:"policy_id,omitempty"`
	// Net is what the lines in force for the month add up to (bpjs left out).
	Net int64 `json:"net"`
	// Lines are every line for the month, in the order posted.
	Lines []LedgerLine `json:"lines"`
	// PaidInMonth are the lines the month's own run paid for other months (reversals and rapel).
	PaidInMonth []LedgerLine `json:"paid_in_month"`
	// Carries are the month's runs' carry lines: a negative total carried to the next run
	// (carry_out, +) and one carried from an earlier run taken back (carry_in, −).
	Carries []LedgerLine `json:"carries"`
	// Transfer is what the month's run transferred in all: the month's own lines plus rapel and
	// carries; never below zero.
	Transfer int64 `json:"transfer"`
}

// ErrNoEmployee is an employee who does not exist.
var ErrNoEmployee = errors.New("pegawai tidak ditemukan")

const ledgerSelect = `SELECT l.id, l.run_id, r.month, l.period, l.kind, l.entry, l.amount, l.policy_id, l.reverses_id, l.cause,
	NOT EXISTS (SELECT 1 FROM pay_lines x JOIN payroll_runs xr ON xr.id = x.run_id AND xr.state = 'approved' WHERE x.reverses_id = l.id)
	FROM pay_lines l JOIN payroll_runs r ON r.id = l.run_id AND r.state = 'approved'`

func scanLedger(rows pgx.Rows) ([]LedgerLine, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (LedgerLine, error) {
		var l LedgerLine
		var runMonth, period time.Time
		err := r.Scan(&l.ID, &l.RunID, &runMonth, &period, &l.Kind, &l.Entry, &l.Amount, &l.PolicyID, &l.ReversesID, &l.Cause, &l.InForce)
		l.RunMonth, l.Period, l.Label = MonthOf(runMonth), MonthOf(period), KindLabel[l.Kind]
		l.Cause = legacyRupiah(l.Cause)
		l.InForce = l.InForce && l.Entry == "line"
		return l, err
	})
}

// oldRupiah is an amount as lines written before pay.Rupiah was used everywhere spelled it
// ("paling banyak Rp120000", "TPP dasar Rp10000000 menjadi …").
var oldRupiah = regexp.MustCompile(`Rp(\d[\d.]*\d|\d)`)

// legacyRupiah writes such amounts in a stored label or cause as pay.Rupiah does: the ledger is
// append-only, so its old texts are mended where they are read, not rewritten.
func legacyRupiah(s string) string {
	return oldRupiah.ReplaceAllStringFunc(s, func(m string) string {
		n, err := strconv.ParseInt(strings.ReplaceAll(m[2:], ".", ""), 10, 64)
		if err != nil {
			return m
		}
		return pay.Rupiah(n)
	})
}

// ReadStatement reads nip's statement for month m from approved runs.
func ReadStatement(ctx context.Context, q querier, nip string, m pay.Month) (Statement, error) {
	st := Statement{NIP: nip, Month: m, Lines: []LedgerLine{}, PaidInMonth: []LedgerLine{}, Carries: []LedgerLine{}}
	err := q.QueryRow(ctx, `SELECT e.name, u.name FROM employees e JOIN org_units u ON u.id = e.unit_id WHERE e.nip = $1`, nip).Scan(&st.Name, &st.Unit)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, ErrNoEmployee
	}
	if err != nil {
		return st, err
	}
	rows, err := q.Query(ctx, ledgerSelect+` WHERE l.nip = $1 AND l.period = $2 AND l.kind <> ALL($3) ORDER BY l.id`, nip, DateOf(m), CarryKinds)
	if err != nil {
		return st, err
	}
	if st.Lines, err = scanLedger(rows); err != nil {
		return st, err
	}
	for _, l := range st.Lines {
		if l.InForce && l.Kind != "bpjs" {
			st.Net += l.Amount
		}
		if l.InForce && l.Kind == "tpp" {
			var raw []byte
			if err := q.QueryRow(ctx, `SELECT detail FROM pay_lines WHERE id = $1`, l.ID).Scan(&raw); err != nil {
				return st, err
			}
			var d LineDetail
			if err := json.Unmarshal(raw, &d); err != nil {
				return st, err
			}
			for i := range d.Slip.Lines {
				d.Slip.Lines[i].Label = legacyRupiah(d.Slip.Lines[i].Label)
			}
			st.Slip, st.Input, st.PolicyID = &d.Slip, &d.Input, l.PolicyID
		}
	}
	rows, err = q.Query(ctx, ledgerSelect+` WHERE l.nip = $1 AND r.month = $2 ORDER BY l.id`, nip, DateOf(m))
	if err != nil {
		return st, err
	}
	inRun, err := scanLedger(rows)
	if err != nil {
		return st, err
	}
	for _, l := range inRun {
		if l.Kind != "bpjs" {
			st.Transfer += l.Amount
		}
		switch {
		case l.Kind == "carry_out" || l.Kind == "carry_in":
			st.Carries = append(st.Carries, l)
		case l.Period != m:
			st.PaidInMonth = append(st.PaidInMonth, l)
		}
	}
	return st, nil
}

// Transfer is one employee's transfer of a run: the sum of the run's lines (bpjs left out).
type Transfer struct {
	NIP         string `json:"nip"`
	Name        string `json:"name"`
	UnitID      string `json:"unit_id"`
	UnitName    string `json:"unit_name"`
	BankName    string `json:"bank_name"`
	BankAccount string `json:"bank_account"`
	// By kind, signed as in the ledger (reversals included).
	TPP, Allowance, PPh21, IWP, BPJS int64
	// Carry: a shortfall carried to the next run (+) and one taken back from an earlier run (−).
	Carry       int64 `json:"carry"`
	Amount      int64 `json:"amount"`
	Corrections int   `json:"corrections"` // reversals among the lines
}

// Transfers sums a run's lines per employee, by NIP; UnitID and UnitName are the employee's OPD:
// the unit right under the organisation's root that holds their unit.
func Transfers(ctx context.Context, q querier, runID int64) ([]Transfer, error) {
	ts, err := transfers(ctx, q, runID)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT id, coalesce(parent_id, ''), name FROM org_units`)
	if err != nil {
		return nil, err
	}
	parent, name := map[string]string{}, map[string]string{}
	for rows.Next() {
		var id, p, n string
		if err := rows.Scan(&id, &p, &n); err != nil {
			rows.Close()
			return nil, err
		}
		parent[id], name[id] = p, n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range ts {
		u := ts[i].UnitID
		for steps := 0; parent[u] != "" && parent[parent[u]] != "" && steps < 64; steps++ {
			u = parent[u]
		}
		ts[i].UnitID, ts[i].UnitName = u, name[u]
	}
	return ts, nil
}

func transfers(ctx context.Context, q querier, runID int64) ([]Transfer, error) {
	rows, err := q.Query(ctx, `SELECT l.nip, e.name, e.unit_id, u.name, coalesce(f.bank_name, ''), coalesce(f.bank_account, ''),
			coalesce(sum(l.amount) FILTER (WHERE l.kind IN ('tpp', 'annual_reward', 'annual_cut')), 0), coalesce(sum(l.amount) FILTER (WHERE l.kind = 'pph21_allowance'), 0),
			coalesce(sum(l.amount) FILTER (WHERE l.kind = 'pph21'), 0), coalesce(sum(l.amount) FILTER (WHERE l.kind = 'iwp'), 0),
			coalesce(sum(l.amount) FILTER (WHERE l.kind = 'bpjs'), 0), coalesce(sum(l.amount) FILTER (WHERE l.kind IN ('carry_out', 'carry_in')), 0),
			count(*) FILTER (WHERE l.entry = 'reversal')
		FROM pay_lines l JOIN employees e ON e.nip = l.nip JOIN org_units u ON u.id = e.unit_id LEFT JOIN pay_profiles f ON f.nip = l.nip
		WHERE l.run_id = $1 GROUP BY l.nip, e.name, e.unit_id, u.name, f.bank_name, f.bank_account ORDER BY l.nip`, runID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Transfer, error) {
		var t Transfer
		err := r.Scan(&t.NIP, &t.Name, &t.UnitID, &t.UnitName, &t.BankName, &t.BankAccount, &t.TPP, &t.Allowance, &t.PPh21, &t.IWP, &t.BPJS, &t.Carry, &t.Corrections)
		t.Amount = t.TPP + t.Allowance + t.PPh21 + t.IWP + t.Carry
		return t, err
	})
}
