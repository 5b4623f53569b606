package api_test

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/kinerja/platform/web"
)

// payPageCases are the pay pages' rows of the authorisation table (web/pay.go, web/pay_runs.go):
// each answers as the JSON route whose function it calls (api/payroll_authz_test.go), on the run
// the table started and cancelled there.
func payPageCases(add func(azCase), page func(func(azRole) azWant) func(azRole) azWant) {
	hrAll := []azRole{rHRRegion, rHROther, rHRScoped}
	add(azCase{route: "GET /api/payroll/runs", req: get("/api/payroll/runs"), want: gate(ok(200), hrAll...)})
	add(azCase{route: "GET " + web.PathPay, req: get(web.PathPay + "?month=2031-01"), want: page(everyone(ok(200)))})
	add(azCase{route: "GET " + web.PathPaySlip, req: get(web.PathPaySlip + "?month=2031-01"), want: page(everyone(ok(200)))})
	// Someone else's month: the pegawai, their superior and HR covering them, as GET /api/payroll/employees/:nip/pay.
	sees := func(r azRole) azWant {
		switch r {
		case rPegawai, rPenilai, rHRRegion, rHRScoped:
			return ok(200)
		case rAnon:
			return noIdentity
		}
		return hidden
	}
	for _, path := range []string{web.PathPay, web.PathPaySlip} {
		mk := func(nip string) func(*azEnv, azRole) azReq { return get(path + "?month=2031-01&nip=" + nip) }
		add(azCase{route: "GET " + path, req: mk(azPegawai), twin: mk(azNobody), want: page(sees)})
	}
	add(azCase{route: "GET " + web.PathPayrollRuns, req: get(web.PathPayrollRuns), want: page(gate(ok(200), hrAll...))})
	// A month that does not read: refused next to the field, after the role gate.
	add(azCase{route: "POST " + web.PathPayrollRuns, want: page(gate(ok(422), hrAll...)), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathPayrollRuns, role: r, form: url.Values{"month": {"Maret"}, "scope_unit_id": {"dinas-y"}}}
	}})
	add(azCase{route: "GET " + web.PathPolicies, req: get(web.PathPolicies), want: page(gate(ok(200), rHRRegion, rHROther, rHRScoped, rAdmin))})
	add(azCase{route: "GET " + web.PathAttendance, req: get(web.PathAttendance), want: page(gate(ok(200), hrAll...))})
	// The upload, as POST /api/payroll/attendance: the pegawai is outside dinas-y's HR, like an unknown NIP.
	add(azCase{route: "POST " + web.PathAttendance, req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathAttendance, role: r,
			file: []byte("nip,tanggal,jenis,terlambat_menit\n" + azPegawai + ",2031-01-07,hadir,5\n")}
	}, want: page(func(r azRole) azWant {
		if r == rHROther {
			return ok(422)
		}
		return gate(ok(http.StatusSeeOther), rHRRegion, rHRScoped)(r)
	})})
	covering := func(allowed azWant) func(azRole) azWant {
		return func(r azRole) azWant {
			if r == rHRScoped {
				return hidden
			}
			return gate(allowed, hrAll...)(r)
		}
	}
	for _, c := range []struct {
		method, suffix string
		want           azWant
	}{
		{"GET", "", ok(200)},
		{"POST", "/setujui", pastAuthz}, // the run is decided (cancelled): 409
		{"POST", "/batalkan", pastAuthz},
		{"POST", "/kecualikan", pastAuthz},  // the run is decided: 409
		{"GET", "/transfer.csv", pastAuthz}, // not approved: 409
		{"GET", "/rekap.xlsx", pastAuthz},
	} {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				id := e.run
				if missing {
					id += 999_999
				}
				q := azReq{method: c.method, path: fmt.Sprintf("%s/%d%s", web.PathPayrollRuns, id, c.suffix), role: r}
				if c.method == "POST" {
					q.form = url.Values{"nip": {azPegawai}, "reason": {"rekening belum diverifikasi bank"}}
				}
				return q
			}
		}
		add(azCase{route: c.method + " " + web.PathPayrollRuns + "/:run" + c.suffix, req: mk(false), twin: mk(true), want: page(covering(c.want))})
	}
}
