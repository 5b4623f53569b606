package api_test

import (
	"fmt"
	"testing"

	"github.com/kinerja/platform/internal/pay"
)

// payrollCases are the monthly payroll's rows of the authorisation table (api/authz_test.go).
// The table's HR for the whole region starts a run for dinas-y, whose HR may see and decide it
// too; HR of dinas-x may not (404, like a missing run).
func payrollCases(add func(azCase)) {
	hrAll := []azRole{rHRRegion, rHROther, rHRScoped}
	add(azCase{route: "POST /api/payroll/policies", want: gate(ok(201), rHRRegion, rAdmin), req: func(e *azEnv, r azRole) azReq {
		e.n++
		p := pay.Balangan2025()
		p.ID, p.EffectiveFrom = fmt.Sprintf("az-%d", e.n), pay.MonthOf(2030, 1).AddMonths(e.n)
		return azReq{method: "POST", path: "/api/payroll/policies", role: r, body: p}
	}})
	add(azCase{route: "GET /api/payroll/policies", req: get("/api/payroll/policies"), want: gate(ok(200), rHRRegion, rHROther, rHRScoped, rAdmin)})
	add(azCase{route: "POST /api/payroll/attendance", req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/payroll/attendance", role: r,
			body: map[string]any{"rows": []map[string]any{{"nip": azPegawai, "day": "2031-01-06", "kind": "present", "late_minutes": 5}}}}
	}, want: func(r azRole) azWant {
		if r == rHROther { // the pegawai is outside dinas-y: like an unknown NIP
			return ok(422)
		}
		return gate(ok(200), rHRRegion, rHRScoped)(r)
	}})

	add(azCase{route: "POST /api/payroll/runs", req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/payroll/runs", role: r, body: map[string]any{"month": "2031-01", "scope_unit_id": "dinas-y"}}
	}, want: func(r azRole) azWant {
		switch r {
		case rHRRegion:
			return azWant{status: 202, check: func(t *testing.T, e *azEnv, res azResp) {
				e.run = int64(res.json(t)["id"].(float64))
			}}
		case rHROther:
			return ok(409) // the region's open run already covers dinas-y
		case rHRScoped:
			return ok(422) // dinas-y is not in its scope
		}
		return gate(ok(202), hrAll...)(r)
	}})
	runPath := func(suffix string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool, method string) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				id := e.run
				if missing {
					id += 999_999
				}
				return azReq{method: method, path: fmt.Sprintf("/api/payroll/runs/%d%s", id, suffix), role: r}
			}
		}
		method := "GET"
		if suffix == "/approve" || suffix == "/cancel" {
			method = "POST"
		}
		return mk(false, method), mk(true, method)
	}
	covering := func(allowed azWant) func(azRole) azWant {
		return func(r azRole) azWant {
			if r == rHRScoped {
				return hidden
			}
			return gate(allowed, hrAll...)(r)
		}
	}
	req, twin := runPath("")
	add(azCase{route: "GET /api/payroll/runs/:run", req: req, twin: twin, want: covering(ok(200))})
	// Cancelled by the region's HR; after that every decision and export is refused as decided.
	req, twin = runPath("/cancel")
	add(azCase{route: "POST /api/payroll/runs/:run/cancel", req: req, twin: twin, want: func(r azRole) azWant {
		if r == rHROther {
			return pastAuthz
		}
		return covering(ok(200))(r)
	}})
	for _, suffix := range []string{"/approve", "/bank.csv", "/recap.xlsx"} {
		req, twin := runPath(suffix)
		method := "GET"
		if suffix == "/approve" {
			method = "POST"
		}
		add(azCase{route: method + " /api/payroll/runs/:run" + suffix, req: req, twin: twin, want: covering(pastAuthz)})
	}

	// An exclusion from the (cancelled) run: refused as decided past the gate.
	excl := func(missing bool) func(*azEnv, azRole) azReq {
		return func(e *azEnv, r azRole) azReq {
			id := e.run
			if missing {
				id += 999_999
			}
			return azReq{method: "POST", path: fmt.Sprintf("/api/payroll/runs/%d/exclusions", id), role: r,
				body: map[string]any{"nip": azPegawai, "reason": "rekening belum diverifikasi bank"}}
		}
	}
	add(azCase{route: "POST /api/payroll/runs/:run/exclusions", req: excl(false), twin: excl(true), want: covering(pastAuthz)})

	add(azCase{route: "GET /api/me/pay", req: get("/api/me/pay?month=2031-01"), want: everyone(ok(200))})
	add(azCase{route: "GET /api/me/pay/slip.pdf", req: get("/api/me/pay/slip.pdf?month=2031-01"), want: everyone(ok(200))})
	// The pegawai's statement: the pegawai, their superior in the org data and HR covering them.
	sees := func(allowed azWant) func(azRole) azWant {
		return func(r azRole) azWant {
			switch r {
			case rAnon:
				return noIdentity
			case rPegawai, rPenilai, rHRRegion, rHRScoped:
				return allowed
			}
			return hidden
		}
	}
	for _, suffix := range []string{"pay", "slip.pdf"} {
		mk := func(nip string) func(*azEnv, azRole) azReq {
			return get("/api/payroll/employees/" + nip + "/" + suffix + "?month=2031-01")
		}
		add(azCase{route: "GET /api/payroll/employees/:nip/" + suffix, req: mk(azPegawai), twin: mk(azNobody), want: sees(ok(200))})
	}
}
