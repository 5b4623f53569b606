package api

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

func bindBody(t *testing.T, body string, v any) error {
	t.Helper()
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader([]byte(body)))
	return bind(c, v)
}

func TestBindIsStrictAndSaysWhichField(t *testing.T) {
	cases := []struct {
		name, body, want string // want: the message, "" for accepted
		into             func() any
	}{
		{"valid step", `{"request_id":"r1","plan":{"approach":"kuantitatif","items":[{"kind":"utama","rhk":"x","aspect":"kuantitas","iki":"y","target":"1","unit":"dok"}]}}`, "",
			func() any { return &workflows.SubmitPlanInput{} }},
		{"empty body is an empty object", ``, "", func() any { return &workflows.ApprovePlanInput{} }},
		{"unknown nested key", `{"plan":{"items":[{"kind":"utama","Target":"1"}]}}`, "plan.items[0].Target: kolom tidak dikenal",
			func() any { return &workflows.SubmitPlanInput{} }},
		{"repeated key", `{"notes":"a","notes":"b"}`, "notes: kolom disebut lebih dari sekali",
			func() any { return &workflows.RecordDialogInput{} }},
		{"miscased key", `{"NOTES":"a"}`, "NOTES: kolom tidak dikenal", func() any { return &workflows.RecordDialogInput{} }},
		{"actor is the server's", `{"decision":"none","actor":{"nip":"1","hr":true}}`, "actor: kolom ini diisi oleh server, jangan dikirim",
			func() any { return &workflows.ConfirmFollowUpInput{} }},
		{"not an object", `[]`, "isi permintaan harus berupa objek JSON", func() any { return &workflows.AcknowledgeInput{} }},
		{"trailing data", `{"feedback":"a"} {"feedback":"b"}`, "JSON tidak valid: ada data setelah objek utama",
			func() any { return &workflows.GiveFeedbackInput{} }},
		{"wrong type", `{"employees":[{"nip":199203152018011003}]}`, "employees.nip: tipe data salah, seharusnya teks",
			func() any { return &store.OrgImport{} }},
		{"object where a list goes", `{"employees":{"nip":"1"}}`, "employees: tipe data salah, seharusnya daftar",
			func() any { return &store.OrgImport{} }},
		{"bad time", `{"at":"2026-13-01T00:00:00Z"}`, `waktu "2026-13-01T00:00:00Z" tidak valid; gunakan RFC 3339, contoh 2026-01-31T23:59:00+07:00`,
			func() any { return &moveDeadlineRequest{} }},
		{"map keys are free", `{"year":2026,"deadlines":{"plan_due":"2026-01-31T00:00:00Z"}}`, "", func() any { return &createCycleRequest{} }},
		{"list where text goes", `{"nips":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, "nips[0]: tipe data salah, seharusnya teks",
			func() any { return &enrolRequest{} }},
		{"too deep", `{"deadlines":{"plan_due":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat("}", 40) + `}}`, "deadlines.plan_due.a.a",
			func() any { return &createCycleRequest{} }},
		{"truncated", `{"feedback":"a"`, "JSON terpotong", func() any { return &workflows.GiveFeedbackInput{} }},
	}
	for _, c := range cases {
		err := bindBody(t, c.body, c.into())
		if c.want == "" {
			if err != nil {
				t.Errorf("%s: refused: %v", c.name, err)
			}
			continue
		}
		var ae *apiError
		if !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || !strings.HasPrefix(ae.Message, c.want) {
			t.Errorf("%s: got %v, want 400 %q", c.name, err, c.want)
		}
	}
}
