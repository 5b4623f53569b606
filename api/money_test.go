package api_test

import (
	"context"
	"strings"
	"testing"
)

// TestMoneyIsBounded: a basic TPP of 2e13 rupiah used to be accepted and overflow int64 into a
// negative posting. The import refuses it naming the field and the bound, and the database
// refuses impossible amounts even from code that skips the checks.
func TestMoneyIsBounded(t *testing.T) {
	e := newAzServer(t, nil)
	ctx := context.Background()
	position := func(basic any) map[string]any {
		return map[string]any{"positions": []map[string]any{{"id": "kabid", "name": "Kepala Bidang",
			"jenis_jabatan": "administrator", "kelas_jabatan": 11, "tpp_basic": basic}}}
	}
	for _, basic := range []any{20_000_000_000_000, 1_000_000_001, -1} {
		res := e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: position(basic)}, 422)
		if body := string(res.body); !strings.Contains(body, `"field":"tpp_basic"`) ||
			!(strings.Contains(body, "paling banyak Rp 1.000.000.000 per bulan") || strings.Contains(body, "tidak boleh negatif")) {
			t.Errorf("tpp_basic %v: %s", basic, body)
		}
	}
	e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: position(1_000_000_000)}, 200)

	// The database holds the same bounds.
	if _, err := e.pool.Exec(ctx, `UPDATE positions SET tpp_basic = 20000000000000 WHERE id = 'kabid'`); err == nil ||
		!strings.Contains(err.Error(), "positions_tpp_basic_bound") {
		t.Errorf("database took a basic TPP of 2e13: %v", err)
	}
	var cycle int64
	if err := e.pool.QueryRow(ctx, `INSERT INTO cycles (year, name, plan_due, monitoring_start, monitoring_due, evaluation_start,
		evaluation_due, dialog_due, followup_due, appeal_window, decision_sla, reminder_lead, created_by)
		VALUES (2027, 'x', now(), now(), now(), now(), now(), now(), now(), '14 days', '14 days', '3 days', $1) RETURNING id`, azHRRegion).Scan(&cycle); err != nil {
		t.Fatal(err)
	}
	// payroll_postings is history only (migration 0027): it takes no row, bounded or not; money
	// goes through pay_lines, whose amounts the database bounds too (migration 0020).
	for _, amount := range []int64{-7_378_697_629_483_820, 1_000_000_001, -1, 600_000_000} {
		_, err := e.pool.Exec(ctx, `INSERT INTO payroll_postings (nip, cycle_id, period, kind, amount, basis)
			VALUES ($1, $2, 'annual', 'tpp_kinerja', $3, '{}')`, azPegawai, cycle, amount)
		if err == nil || !strings.Contains(err.Error(), "history only") {
			t.Errorf("posting of %d: %v, want a refusal", amount, err)
		}
	}
}
