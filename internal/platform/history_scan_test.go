package platform_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/proto"

	"github.com/kinerja/platform/internal/payloadcrypt"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/workflows"
)

// TestHistoryHoldsNoPersonalDataInClear drives a whole year with a known name, NIPs, plan text,
// notes and appeal reason, then reads the workflow's history as the Temporal server stores it
// (no codec) and searches every serialized event for those strings: the payload codec must have
// encrypted every input, update argument, result and failure.
func TestHistoryHoldsNoPersonalDataInClear(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	tx := yearTexts{
		plan:     "Terdigitalisasinya arsip kepegawaian Kecamatan Sukamaju",
		iki:      "Jumlah berkas arsip terpindai Sukamaju",
		feedback: "Percepat pemindaian berkas Sukamaju",
		notes:    "Dialog: pemindaian Sukamaju tertinggal dua bulan",
		reason:   "Keberatan: berita acara pemindaian Sukamaju belum diperhitungkan",
		decision: "Berita acara Sukamaju sah",
	}
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	cycle := e.yearUntilAppeal(tx)
	e.act(cycle, "decide-appeal", nipHead, appealDecision(tx.decision), 200)
	e.waitPhase(cycle, workflows.PhaseFollowUp)
	e.act(cycle, "confirm-followup", nipHR, map[string]any{"decision": "none", "notes": "Tindak lanjut Sukamaju cukup"}, 200)
	e.waitPhase(cycle, workflows.PhaseDone)
	waitWorkflowDone(t, p, cycle)

	id := workflowID(t, p.Pool, cycle, nipEmployee)
	if strings.Contains(id, nipEmployee) {
		t.Errorf("the workflow ID %q carries the NIP", id)
	}
	events := rawHistory(t, p, id)
	secrets := []string{nipEmployee, nipPenilai, nipHead, nipHR, "Budi Santoso", "Sari Wulandari", "Hadi Prasetyo",
		"Rina Kusuma", "@contoh.go.id", "Sukamaju", tx.plan, tx.iki, tx.feedback, tx.notes, tx.reason, tx.decision}
	encrypted, plain := 0, 0
	for _, ev := range events {
		raw, err := proto.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("event %d (%s) holds %q in clear", ev.GetEventId(), ev.GetEventType(), s)
			}
		}
		if err := proxy.VisitPayloads(t.Context(), ev, proxy.VisitPayloadsOptions{
			Visitor: func(vc *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
				if _, ok := vc.Parent.(*commonpb.SearchAttributes); ok {
					// The server must read search attributes to index them: here only the SDK's
					// TemporalChangeVersion of workflow.GetVersion, which the scan above saw hold nothing personal.
					return ps, nil
				}
				for _, pl := range ps {
					if string(pl.GetMetadata()[converter.MetadataEncoding]) == payloadcrypt.Encoding {
						encrypted++
					} else {
						plain++
					}
				}
				return ps, nil
			},
		}); err != nil {
			t.Fatal(err)
		}
	}
	// The scan saw the real thing: a full year of encrypted payloads, none left plain.
	if encrypted < 20 || plain != 0 {
		t.Errorf("history of %d events: %d encrypted payloads, %d plain", len(events), encrypted, plain)
	}
	if t.Failed() {
		t.Logf("event types: %s", eventTypes(events))
	}
}

func eventTypes(events []*historypb.HistoryEvent) string {
	var b strings.Builder
	for _, ev := range events {
		b.WriteString(ev.GetEventType().String() + " ")
	}
	return b.String()
}

// yearTexts are the free texts a driven year carries.
type yearTexts struct{ plan, iki, feedback, notes, reason, decision string }

// yearUntilAppeal opens a cycle with hourly deadlines in an imported organisation, enrols the
// employee and takes every step of the year (with a refused update on the way) until the
// employee's appeal awaits the atasan's decision; it returns the cycle id.
func (e *e2e) yearUntilAppeal(tx yearTexts) int64 {
	e.t.Helper()
	cycle := int64(e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": hourlyDeadlines(),
		"appeal_window": "2m", "decision_sla": "1h", "reminder_lead": "1m"}, 201)["id"].(float64))
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	waitFor(e.t, func() bool { return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan'`) == 1 })
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": map[string]any{"approach": "kuantitatif"}}, 422)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": map[string]any{"approach": "kuantitatif",
		"items":      []map[string]any{{"kind": "utama", "rhk": tx.plan, "aspect": "kuantitas", "iki": tx.iki, "target": "400", "unit": "berkas"}},
		"behaviours": []map[string]any{{"value": "akuntabel", "expectation": "Melaporkan " + tx.plan + " tiap bulan"}}}}, 200)
	e.act(cycle, "approve-plan", nipPenilai, nil, 200)
	e.moveDeadline(cycle, "plan_due", time.Now())
	e.moveDeadline(cycle, "monitoring_start", time.Now())
	e.waitPhase(cycle, workflows.PhaseMonitoring)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "midyear", "items": []map[string]any{
		{"seq": 0, "realisasi": "150 berkas: " + tx.plan, "evidence_url": "https://arsip.contoh.go.id/bukti-1"}}}, 200)
	e.act(cycle, "give-feedback", nipPenilai, map[string]any{"feedback": tx.feedback}, 200)
	e.moveDeadline(cycle, "monitoring_due", time.Now())
	e.moveDeadline(cycle, "evaluation_start", time.Now())
	e.waitPhase(cycle, workflows.PhaseEvaluation)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "annual", "items": []map[string]any{
		{"seq": 0, "realisasi": "380 berkas: " + tx.plan, "evidence_url": "https://arsip.contoh.go.id/bukti-2"}}}, 200)
	e.act(cycle, "rate", nipPenilai, map[string]any{"rating_hasil": "dibawah", "rating_perilaku": "sesuai"}, 200)
	e.act(cycle, "schedule-dialog", nipPenilai, map[string]any{"at": time.Now().Add(time.Hour), "place": "Ruang rapat " + tx.iki}, 200)
	e.act(cycle, "record-dialog", nipPenilai, map[string]any{"notes": tx.notes}, 200)
	e.act(cycle, "acknowledge", nipEmployee, nil, 200)
	e.waitPhase(cycle, workflows.PhaseAppeal)
	e.act(cycle, "file-appeal", nipEmployee, map[string]any{"reasons": tx.reason}, 200)
	return cycle
}

// appealDecision is the atasan's decision yearUntilAppeal's year expects: the result changes to baik.
func appealDecision(notes string) map[string]any {
	return map[string]any{"decision": "change", "rating_hasil": "sesuai", "rating_perilaku": "sesuai", "notes": notes}
}
