package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCyclePeriodCalendar: a new cycle takes HR's period calendar in whole days, each day left
// out the default (3, 5, 10); a calendar that is out of bounds, rates before the report, or
// outlives a month is refused naming its field; the cycle JSON shows it, and it cannot be moved
// afterwards like a deadline.
func TestCyclePeriodCalendar(t *testing.T) {
	e := newAzServer(t, nil)
	body := func(kv ...any) map[string]any {
		at := func(y int, m time.Month, d int) string {
			return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
		}
		// The annual evaluation opens after the last period ends.
		d := map[string]any{"plan_due": at(2027, 1, 31), "monitoring_start": at(2027, 2, 1), "monitoring_due": at(2027, 11, 30),
			"evaluation_start": at(2028, 1, 2), "evaluation_due": at(2028, 1, 31), "dialog_due": at(2028, 2, 15), "followup_due": at(2028, 3, 1)}
		b := map[string]any{"year": 2027, "deadlines": d, "evaluation_period": "monthly"}
		for i := 0; i < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	calendar := func(res map[string]any) [3]any {
		return [3]any{res["period_opens_days"], res["period_report_days"], res["period_rating_days"]}
	}

	// The default: exactly the days fixed in code before.
	def := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: body()}, 201).json(t)
	if got := calendar(def); got != [3]any{3.0, 5.0, 10.0} {
		t.Errorf("default calendar: %v", got)
	}

	for _, tc := range []struct {
		name string
		body map[string]any
		want []string // field: message start, in the order named
	}{
		{"negative opening", body("period_opens_days", -1), []string{"period_opens_days: harus 0 sampai 14 hari"}},
		{"report due at the period's end", body("period_report_days", 0), []string{"period_report_days: harus 1 sampai 30 hari"}},
		{"rating before the report", body("period_report_days", 8, "period_rating_days", 6),
			[]string{"period_rating_days: batas penilaian (6 hari) harus setelah batas laporan (8 hari)"}},
		{"rating with the report", body("period_rating_days", 5), []string{"period_rating_days: batas penilaian (5 hari) harus setelah"}},
		{"outliving February", body("period_opens_days", 10, "period_report_days", 10, "period_rating_days", 18),
			[]string{"period_rating_days: dengan periode bulanan, batas penilaian ditambah hari pembukaan laporan (18 + 10) harus kurang dari 28 hari"}},
		{"every field at once", body("period_opens_days", 15, "period_report_days", 31, "period_rating_days", 61),
			[]string{"period_opens_days: harus 0 sampai 14", "period_report_days: harus 1 sampai 30", "period_rating_days: harus 1 sampai 60"}},
	} {
		res := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: tc.body}, 422).json(t)
		msg := res["error"].(map[string]any)["message"].(string)
		fields, _ := res["error"].(map[string]any)["fields"].(map[string]any)
		for _, w := range tc.want {
			f, m, _ := strings.Cut(w, ": ")
			if got, _ := fields[f].(string); !strings.HasPrefix(got, m) || !strings.Contains(msg, w) {
				t.Errorf("%s: field %s says %q (message %q), want %q", tc.name, f, got, msg, m)
			}
		}
		if len(fields) != len(tc.want) {
			t.Errorf("%s: fields %v, want %d", tc.name, fields, len(tc.want))
		}
	}
	// Whole days only: a fraction is refused while the body is read.
	res := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: body("period_report_days", 2.5)}, 400)
	if msg := res.json(t)["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, "period_report_days: tipe data salah") {
		t.Errorf("half a day: %s", msg)
	}
	// A quarter has room for what a month has not.
	q := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: body("evaluation_period", "quarterly",
		"period_opens_days", 10, "period_report_days", 10, "period_rating_days", 18)}, 201).json(t)
	if got := calendar(q); got != [3]any{10.0, 10.0, 18.0} {
		t.Errorf("quarterly calendar: %v", got)
	}

	// Stored, shown by the cycle JSON, and in the audit row.
	created := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: body("period_opens_days", 0,
		"period_report_days", 7)}, 201).json(t)
	if got := calendar(created); got != [3]any{0.0, 7.0, 10.0} {
		t.Errorf("created calendar: %v", got)
	}
	id := int64(created["id"].(float64))
	path := "/api/cycles/" + strconv.FormatInt(id, 10)
	if got := calendar(e.must(azReq{method: "GET", path: path, role: rHRRegion}, 200).json(t)); got != [3]any{0.0, 7.0, 10.0} {
		t.Errorf("GET calendar: %v", got)
	}
	var after string
	if err := e.pool.QueryRow(context.Background(), `SELECT after::text FROM audit_log WHERE action = 'cycle.created' AND cycle_id = $1`, id).
		Scan(&after); err != nil || !strings.Contains(after, `"period_calendar": {"opens_days": 0, "rating_days": 10, "report_days": 7}`) {
		t.Errorf("audit row: %s %v", after, err)
	}

	// Fixed once created: an attempt to move it like a deadline is refused, saying why.
	res = e.must(azReq{method: "PUT", path: path + "/deadlines/period_report_days", role: rHRRegion,
		body: map[string]any{"at": "2027-06-01T00:00:00Z"}}, 409)
	if msg := res.json(t)["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, "kalender periode (hari laporan dibuka, batas laporan, batas penilaian) ditetapkan saat siklus dibuat dan tidak dapat diubah") {
		t.Errorf("moving the calendar: %s", msg)
	}
	var days int
	if err := e.pool.QueryRow(context.Background(), `SELECT period_report_days FROM cycles WHERE id = $1`, id).Scan(&days); err != nil || days != 7 {
		t.Errorf("report days after the refused move: %d %v", days, err)
	}
}
