package payroll_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/payroll"
)

// The PDF slip's rows (and the statement they come from) write every amount with pay.Rupiah:
// the caps in the IWP and BPJS lines and the cause of a correction too.
func TestSlipWritesEveryAmountAsRupiah(t *testing.T) {
	p := policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1))
	e := newEnv(t, 1, p)
	ctx := context.Background()
	x := nipOf(1)
	e.predikat(x, march, "baik", "")
	e.run(march, 10)
	// The position's basic TPP is raised after March was paid: April's run pays March again.
	if _, err := e.pool.Exec(ctx, `UPDATE positions SET tpp_basic = 12000000 WHERE id = 'staf'`); err != nil {
		t.Fatal(err)
	}
	e.predikat(x, april, "baik", "")
	e.run(april, 10)
	st, err := payroll.ReadStatement(ctx, e.pool, x, march)
	if err != nil || st.Slip == nil {
		t.Fatalf("statement %+v, %v", st, err)
	}
	var text []string
	for _, r := range payroll.SlipRows(st) {
		text = append(text, r.Label+" | "+r.Amount)
	}
	all := strings.Join(text, "\n")
	if m := regexp.MustCompile(`Rp\d|20\d\d-\d\d`).FindString(all); m != "" {
		t.Errorf("the slip writes an amount without pay.Rupiah or a month as a code (%q):\n%s", m, all)
	}
	for _, want := range []string{"paling banyak " + pay.Rupiah(p.IWP.Cap), "paling banyak " + pay.Rupiah(p.BPJS.Cap),
		"TPP dasar Rp 10.000.000 menjadi Rp 12.000.000", pay.Rupiah(st.Transfer), "dibayar penggajian April 2026"} {
		if !strings.Contains(all, want) {
			t.Errorf("the slip has no %q:\n%s", want, all)
		}
	}
}
