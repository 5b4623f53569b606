package platform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/workflows"
)

// TestDistributionRuleHoldsResultsUntilJustified: the unit's own predikat is Sangat Kurang, so a
// Baik result breaks the SE MenPANRB 03/2023 rule (at least 60% Sangat Kurang). In a blocking cycle
// the result does not become final: HR gets a task and sees the unit's counts and what would fix
// them; once HR records a justification the year goes on. Every step is audited.
func TestDistributionRuleHoldsResultsUntilJustified(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	cycle := e.yearUntilAppeal(yearTexts{plan: "Layanan data", iki: "Jumlah dataset", feedback: "Lanjutkan",
		notes: "Dibahas", reason: "Bukti dukung belum dinilai", decision: "Bukti sah"})
	unitPath := fmt.Sprintf("/api/cycles/%d/units/diskominfo", cycle)

	// The head of the parent unit (pemkab has no employee here), so region-wide HR records it.
	e.call("PUT", unitPath+"/org-predikat", nipPenilai, map[string]any{"predikat": "baik"}, 403)
	e.call("PUT", unitPath+"/org-predikat", nipHR, map[string]any{"predikat": "luar_biasa"}, 422)
	e.call("PUT", unitPath+"/org-predikat", nipHR, map[string]any{"predikat": "sangat_kurang"}, 200)

	e.act(cycle, "decide-appeal", nipHead, appealDecision("Bukti sah"), 200)
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE kind = 'distribution_hold' AND done_at IS NULL`) == 1
	})
	if n := e.count(`SELECT count(*) FROM employee_cycles WHERE result_final`); n != 0 {
		t.Fatalf("%d results final while the unit breaks the rule", n)
	}
	view := e.call("GET", fmt.Sprintf("/api/cycles/%d/distribution?unit=diskominfo", cycle), nipPenilai, nil, 200)
	units := view["units"].([]any)
	u := units[0].(map[string]any)
	check := u["check"].(map[string]any)
	if u["holds"] != true || check["ok"] != false || !strings.Contains(fmt.Sprint(check["lines"]), "paling sedikit 60% Sangat Kurang") ||
		!strings.Contains(view["rounding_rule"].(string), "dibulatkan") {
		t.Errorf("distribution view = %v", view)
	}
	year := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipHR, nil, 200)
	if st := year["status"].(map[string]any); !strings.Contains(fmt.Sprint(st["held_by_distribution"]), "Sangat Kurang") {
		t.Errorf("year status = %v", st)
	}

	// Too short a justification is refused; a real one releases the result.
	e.call("PUT", unitPath+"/justification", nipHR, map[string]any{"justification": "karena"}, 422)
	e.call("PUT", unitPath+"/justification", nipHR, map[string]any{
		"justification": "Unit melaksanakan program prioritas daerah; penilaian telah diverifikasi tim penilai kinerja"}, 200)
	e.waitPhase(cycle, workflows.PhaseFollowUp)
	if n := e.count(`SELECT count(*) FROM tasks WHERE kind = 'distribution_hold' AND done_at IS NULL`); n != 0 {
		t.Errorf("%d hold tasks left open after the release", n)
	}
	for _, action := range []string{"distribution.org_predikat_set", "distribution.justified", "result.held", "result.released"} {
		if n := e.count(`SELECT count(*) FROM audit_log WHERE action = $1`, action); n != 1 {
			t.Errorf("%d audit rows for %s, want 1", n, action)
		}
	}
}
