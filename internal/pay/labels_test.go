package pay

import (
	"regexp"
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
)

// Every code a policy can hold reads as Indonesian words: none falls through to the quoted code.
func TestEveryPolicyCodeHasALabel(t *testing.T) {
	var got []string
	for _, k := range dayKinds {
		got = append(got, k.Label())
	}
	for _, e := range events {
		got = append(got, e.Label())
	}
	for _, k := range leaveKinds {
		got = append(got, k.Label())
	}
	for _, b := range []Base{BaseDisiplin, BaseTotal} {
		got = append(got, b.Label())
	}
	for _, b := range []ContributionBase{OnSalaryPlusTPP, OnTPP} {
		got = append(got, b.Label())
	}
	for _, m := range []PltMode{PltActingFull, PltOwnPlusShare, PltHigherOf} {
		got = append(got, PltRule{Mode: m, ShareBP: 2_000}.Label())
	}
	for _, s := range got {
		if s == "" || strings.Contains(s, `"`) || strings.Contains(s, "_") {
			t.Errorf("label %q is empty or a raw code", s)
		}
	}
	if got := Event("bolos").Label(); got != `"bolos"` {
		t.Errorf("an unknown event reads %q, want it quoted as it is", got)
	}
}

func TestRuleLabels(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{CutRule{Event: EventLate, MinMinutes: 1, MaxMinutes: 30}.Label(), "terlambat 1–30 menit"},
		{CutRule{Event: EventEarlyLeave, MinMinutes: 91}.Label(), "pulang sebelum waktunya 91 menit atau lebih"},
		{CutRule{Event: EventLate}.Label(), "terlambat 1 menit atau lebih"},
		{CutRule{Event: EventAbsentUnexcused}.Label(), "tidak masuk tanpa keterangan"},
		{LeaveRule{Kind: LeaveCuti, MinMonths: 2, MaxMonths: 6}.Label(), "cuti 2–6 bulan"},
		{LeaveRule{Kind: LeaveCuti, MinMonths: 7}.Label(), "cuti 7 bulan atau lebih"},
		{LeaveRule{Kind: LeaveMPP}.Label(), "masa persiapan pensiun"},
		{Balangan2025().AccrualLabel(), "bertambah per hari kerja yang hadir, cuti"},
		{Percent(2_500), "25%"}, {Percent(125), "1,25%"}, {Percent(250), "2,5%"}, {Percent(10_000), "100%"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
}

// No slip line writes an amount without its thousand dots: the IWP and BPJS caps read as pay.Rupiah.
func TestSlipLabelsWriteAmountsAsRupiah(t *testing.T) {
	for _, p := range []Policy{Balangan2025(), Manado(), TulangBawang()} {
		s := compute(t, p, Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
			Attendance: Attendance{Days: presentDays(22)}, Salary: 5_000_000, PTKP: "K/1"})
		for _, l := range s.Lines {
			if regexp.MustCompile(`Rp\d`).MatchString(l.Label) {
				t.Errorf("%s: line %s %q writes an amount without pay.Rupiah", p.ID, l.Code, l.Label)
			}
			switch l.Code {
			case "iwp":
				if !strings.Contains(l.Label, "paling banyak "+Rupiah(p.IWP.Cap)) {
					t.Errorf("%s: IWP line %q, want the cap %s", p.ID, l.Label, Rupiah(p.IWP.Cap))
				}
			case "bpjs":
				if !strings.Contains(l.Label, "paling banyak "+Rupiah(p.BPJS.Cap)) {
					t.Errorf("%s: BPJS line %q, want the cap %s", p.ID, l.Label, Rupiah(p.BPJS.Cap))
				}
			}
		}
	}
}
