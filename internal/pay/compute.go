package pay

import (
	"fmt"
	"slices"

	"github.com/kinerja/platform/internal/appraisal"
)

// Components are the parts of a position's basic TPP by kelas jabatan.
type Components struct {
	BebanKerja        int64 `json:"beban_kerja"`
	PrestasiKerja     int64 `json:"prestasi_kerja"`
	KondisiKerja      int64 `json:"kondisi_kerja"`
	KelangkaanProfesi int64 `json:"kelangkaan_profesi"`
}

// Basic is the position's basic TPP: the sum of its components.
func (c Components) Basic() (int64, error) {
	var sum int64
	for _, p := range []struct {
		n string
		v int64
	}{{"beban_kerja", c.BebanKerja}, {"prestasi_kerja", c.PrestasiKerja}, {"kondisi_kerja", c.KondisiKerja}, {"kelangkaan_profesi", c.KelangkaanProfesi}} {
		if err := checkAmount(p.n, p.v); err != nil {
			return 0, err
		}
		sum += p.v // four values ≤ MaxAmount cannot overflow
	}
	if err := checkAmount("basic_tpp", sum); err != nil {
		return 0, err
	}
	return sum, nil
}

// Leave is a long leave covering the month; Months is the leave's whole length as granted.
type Leave struct {
	Kind   LeaveKind `json:"kind"`
	Months int       `json:"months"`
}

// Plt is an acting assignment in force for the month.
type Plt struct {
	ActingBasicTPP int64 `json:"acting_basic_tpp"`
}

// Input is everything one employee's month depends on.
type Input struct {
	Month    Month              `json:"month"`
	Status   Status             `json:"status"`
	Predikat appraisal.Predikat `json:"predikat"` // "" when the month has no predikat (yet)
	BasicTPP int64              `json:"basic_tpp"`
	Plt      *Plt               `json:"plt,omitempty"`
	Leave    *Leave             `json:"leave,omitempty"`

	Attendance Attendance `json:"attendance"`
	// LadderCut says a PP 94/2021 -25% cut covers the month (see LadderCuts).
	LadderCut bool `json:"ladder_cut"`
	// AnnualPredikat is the final annual predikat of the year before the month's ("" when there is
	// none yet): the policy's Annual rule for it applies in this month's year.
	AnnualPredikat appraisal.Predikat `json:"annual_predikat,omitempty"`

	// Salary is the month's gross salary paid by the salary payroll (gaji pokok and attached
	// allowances): a base of IWP, BPJS and PPh 21, never paid on this slip.
	Salary int64 `json:"salary"`
	// SalaryPPh21 is the PPh 21 the salary payroll withholds this month; this slip withholds the rest.
	SalaryPPh21 int64 `json:"salary_pph21"`
	PTKP        PTKP  `json:"ptkp"`
	// TaxYear is required in December, for the Pasal 17 recomputation.
	TaxYear *TaxYear `json:"tax_year,omitempty"`
}

// Group says how a line counts.
type Group string

const (
	GroupBasis     Group = "basis"     // how the month's TPP basis came about; not summed
	GroupEarning   Group = "earning"   // sums (with signs) to Slip.Gross
	GroupDeduction Group = "deduction" // sums to Slip.Deductions, off the net
	GroupEmployer  Group = "employer"  // paid by the employer, shown for information; sums to Slip.Employer
	GroupInfo      Group = "info"      // shown for information only; not summed
)

// Line is one explicit step of the slip.
type Line struct {
	Group  Group  `json:"group"`
	Code   string `json:"code"`  // basic, plt, status, kinerja, disiplin, accrual, cut, leave, ladder, pph21_allowance, pph21, iwp, bpjs
	Label  string `json:"label"` // for people, Bahasa Indonesia
	Day    int    `json:"day,omitempty"`
	Reason string `json:"reason,omitempty"` // the event or day kind
	RateBP int64  `json:"rate_bp,omitempty"`
	Base   int64  `json:"base,omitempty"` // what RateBP was taken of
	Amount int64  `json:"amount"`
	// Capped: a floor or the zero-net rule took less than the rate gives (Base × RateBP).
	Capped bool `json:"capped,omitempty"`
}

// Slip is the month's result. TPP is the earned TPP (earning lines except the tax allowance);
// Gross = TPP + tax allowance; Net = Gross − Deductions.
type Slip struct {
	PolicyID   string `json:"policy_id"`
	Month      Month  `json:"month"`
	Lines      []Line `json:"lines"`
	TPP        int64  `json:"tpp"`
	Gross      int64  `json:"gross"`
	Deductions int64  `json:"deductions"`
	Net        int64  `json:"net"`
	Employer   int64  `json:"employer"`
}

func (in Input) validate() error {
	if !in.Month.Valid() {
		return fieldErr("month", "bulan wajib diisi (YYYY-MM)")
	}
	if !slices.Contains(statuses, in.Status) {
		return fieldErr("status", "harus PNS, CPNS atau PPPK")
	}
	if in.Predikat != "" && !slices.Contains(predikats, in.Predikat) {
		return fieldErr("predikat", "predikat tidak dikenal: %q", in.Predikat)
	}
	if in.AnnualPredikat != "" && !slices.Contains(predikats, in.AnnualPredikat) {
		return fieldErr("annual_predikat", "predikat tidak dikenal: %q", in.AnnualPredikat)
	}
	for _, a := range []struct {
		n string
		v int64
	}{{"basic_tpp", in.BasicTPP}, {"salary", in.Salary}, {"salary_pph21", in.SalaryPPh21}} {
		if err := checkAmount(a.n, a.v); err != nil {
			return err
		}
	}
	if in.Plt != nil {
		if err := checkAmount("plt.acting_basic_tpp", in.Plt.ActingBasicTPP); err != nil {
			return err
		}
	}
	if in.Leave != nil {
		if !slices.Contains(leaveKinds, in.Leave.Kind) {
			return fieldErr("leave.kind", "jenis cuti tidak dikenal: %q", in.Leave.Kind)
		}
		if in.Leave.Months < 0 || in.Leave.Months > 600 {
			return fieldErr("leave.months", "harus antara 0 dan 600")
		}
	} else if len(in.Attendance.Days) == 0 {
		return fieldErr("attendance.days", "wajib memuat hari kerja bulan ini (kecuali cuti panjang)")
	}
	if err := in.Attendance.Validate(in.Month); err != nil {
		return err
	}
	if !in.PTKP.Valid() {
		return fieldErr("ptkp", "harus TK/0-TK/3 atau K/0-K/3")
	}
	if in.Month.Month == 12 {
		if in.TaxYear == nil {
			return fieldErr("tax_year", "wajib untuk Desember (perhitungan ulang Pasal 17)")
		}
		if err := in.TaxYear.validate(); err != nil {
			return err
		}
	} else if in.TaxYear != nil {
		return fieldErr("tax_year", "hanya untuk Desember")
	}
	return nil
}

// Compute turns one employee's month into a slip under policy p. It is pure: the same policy
// version and input always give the same slip.
func Compute(p Policy, in Input) (Slip, error) {
	if err := p.Validate(); err != nil {
		return Slip{}, fmt.Errorf("kebijakan: %w", err)
	}
	if err := in.validate(); err != nil {
		return Slip{}, err
	}
	if in.Month.Before(p.EffectiveFrom) {
		return Slip{}, fieldErr("month", "kebijakan %s baru berlaku mulai %s", p.ID, p.EffectiveFrom)
	}
	c := computer{p: p, in: in, slip: Slip{PolicyID: p.ID, Month: in.Month}}
	if err := c.run(); err != nil {
		return Slip{}, err
	}
	return c.slip, nil
}

type computer struct {
	p    Policy
	in   Input
	slip Slip
}

func (c *computer) line(l Line) { c.slip.Lines = append(c.slip.Lines, l) }

func (c *computer) run() error {
	base, err := c.basis()
	if err != nil {
		return err
	}
	var tpp int64
	if c.in.Leave != nil {
		r, ok := c.p.leaveRule(c.in.Leave.Kind, c.in.Leave.Months)
		if !ok {
			return fieldErr("leave", "kebijakan %s tidak mengatur %s selama %d bulan", c.p.ID, c.in.Leave.Kind, c.in.Leave.Months)
		}
		if tpp, err = ofBP(base, r.PayBP); err != nil {
			return err
		}
		c.line(Line{Group: GroupEarning, Code: "leave", Label: fmt.Sprintf("%s %d bulan: dibayar %s", r.Kind.Label(), c.in.Leave.Months, Percent(r.PayBP)),
			Reason: string(r.Kind), RateBP: r.PayBP, Base: base, Amount: tpp})
	} else if tpp, err = c.kinerjaDisiplin(base); err != nil {
		return err
	}
	if c.in.LadderCut && tpp > 0 {
		cut, err := ofBP(tpp, LadderCutBP)
		if err != nil {
			return err
		}
		c.line(Line{Group: GroupEarning, Code: "ladder", Label: "hukuman disiplin PP 94/2021: TPP dipotong 25%",
			RateBP: LadderCutBP, Base: tpp, Amount: -cut})
		tpp -= cut
	}
	if tpp, err = c.annual(tpp); err != nil {
		return err
	}
	c.slip.TPP = tpp
	return c.deductions(tpp)
}

// annual applies the policy's rule for last year's final predikat: a sanction's cut of this
// month's TPP in the months it covers, and a reward with January's TPP.
func (c *computer) annual(tpp int64) (int64, error) {
	r, ok := c.p.annualRule(c.in.AnnualPredikat)
	if !ok || c.in.AnnualPredikat == "" {
		return tpp, nil
	}
	year := c.in.Month.Year - 1
	if r.CutBP > 0 && int(c.in.Month.Month) <= r.CutMonths && tpp > 0 {
		cut, err := ofBP(tpp, r.CutBP)
		if err != nil {
			return 0, err
		}
		c.line(Line{Group: GroupEarning, Code: "annual_cut", Reason: string(c.in.AnnualPredikat),
			Label:  fmt.Sprintf("predikat tahunan %d %s: TPP dipotong %s selama %d bulan", year, c.in.AnnualPredikat.Label(), Percent(r.CutBP), r.CutMonths),
			RateBP: r.CutBP, Base: tpp, Amount: -cut})
		tpp -= cut
	}
	if r.RewardBP > 0 && c.in.Month.Month == 1 {
		reward, err := ofBP(c.in.BasicTPP, r.RewardBP)
		if err != nil {
			return 0, err
		}
		c.line(Line{Group: GroupEarning, Code: "annual_reward", Reason: string(c.in.AnnualPredikat),
			Label:  fmt.Sprintf("penghargaan predikat tahunan %d %s: %s TPP dasar", year, c.in.AnnualPredikat.Label(), Percent(r.RewardBP)),
			RateBP: r.RewardBP, Base: c.in.BasicTPP, Amount: reward})
		tpp += reward
	}
	return tpp, nil
}

// basis writes the basis lines and returns the month's TPP basis: own basic, Plt, status.
func (c *computer) basis() (int64, error) {
	own := c.in.BasicTPP
	c.line(Line{Group: GroupBasis, Code: "basic", Label: "TPP dasar jabatan", Amount: own})
	base := own
	if c.in.Plt != nil {
		acting := c.in.Plt.ActingBasicTPP
		share, err := ofBP(acting, c.p.Plt.ShareBP)
		if err != nil {
			return 0, err
		}
		plus := own + share // both ≤ MaxAmount
		switch c.p.Plt.Mode {
		case PltActingFull:
			base = acting
		case PltOwnPlusShare:
			base = plus
		case PltHigherOf:
			base = max(acting, plus)
		}
		c.line(Line{Group: GroupBasis, Code: "plt", Label: "Plt: " + c.p.Plt.Label(), Base: acting, Amount: base - own})
	}
	if bp, ok := c.p.StatusBP[c.in.Status]; ok && bp != FullBP {
		scaled, err := ofBP(base, bp)
		if err != nil {
			return 0, err
		}
		c.line(Line{Group: GroupBasis, Code: "status", Label: fmt.Sprintf("%s dibayar %s", c.in.Status, Percent(bp)), RateBP: bp, Base: base, Amount: scaled - base})
		base = scaled
	}
	return base, nil
}

func (c *computer) kinerjaDisiplin(base int64) (int64, error) {
	predBP, label := c.p.NoPredikatBP, "belum ada predikat"
	if c.in.Predikat != "" {
		predBP, label = c.p.PredikatBP[c.in.Predikat], c.in.Predikat.Label()
	}
	kinerja, err := mulDiv(base, c.p.KinerjaBP*predBP, FullBP*FullBP)
	if err != nil {
		return 0, err
	}
	c.line(Line{Group: GroupEarning, Code: "kinerja", Reason: string(c.in.Predikat),
		Label:  fmt.Sprintf("kinerja %s × predikat %s %s", Percent(c.p.KinerjaBP), label, Percent(predBP)),
		RateBP: predBP, Base: base, Amount: kinerja})
	pot, err := ofBP(base, c.p.DisiplinBP)
	if err != nil {
		return 0, err
	}
	c.line(Line{Group: GroupEarning, Code: "disiplin", Label: fmt.Sprintf("disiplin %s", Percent(c.p.DisiplinBP)), RateBP: c.p.DisiplinBP, Base: base, Amount: pot})

	days := slices.Clone(c.in.Attendance.Days)
	slices.SortFunc(days, func(a, b Day) int { return a.Day - b.Day })
	disiplin, total := pot, kinerja+pot

	// Accrual: each working day not of an accruing kind takes its share of the pot.
	if len(c.p.DisiplinAccruesOn) > 0 {
		for _, d := range days {
			if slices.Contains(c.p.DisiplinAccruesOn, d.Kind) {
				continue
			}
			amt, err := mulDiv(pot, 1, int64(len(days)))
			if err != nil {
				return 0, err
			}
			amt = min(amt, disiplin)
			c.line(Line{Group: GroupEarning, Code: "accrual", Day: d.Day, Reason: string(d.Kind),
				Label: fmt.Sprintf("tanggal %d: %s, tidak menambah pot disiplin (1/%d)", d.Day, d.Kind.Label(), len(days)),
				Base:  pot, Amount: -amt})
			disiplin -= amt
			total -= amt
		}
	}
	accrued := disiplin

	type charge struct {
		day     int
		e       Event
		minutes int
	}
	var charges []charge
	for _, d := range days {
		switch d.Kind {
		case DayAbsentUnexcused:
			charges = append(charges, charge{d.Day, EventAbsentUnexcused, 0})
		case DayAbsentExcused:
			charges = append(charges, charge{d.Day, EventAbsentExcused, 0})
		case DayNoRecord:
			charges = append(charges, charge{d.Day, EventNoRecord, 0})
		case DayPresent:
			if d.LateMinutes > 0 {
				charges = append(charges, charge{d.Day, EventLate, d.LateMinutes})
			}
			if d.EarlyMinutes > 0 {
				charges = append(charges, charge{d.Day, EventEarlyLeave, d.EarlyMinutes})
			}
			if d.MissedAssembly {
				charges = append(charges, charge{d.Day, EventMissedAssembly, 0})
			}
		}
	}
	for _, ch := range charges {
		r, ok := c.p.cutFor(ch.e, ch.minutes)
		if !ok || r.BP == 0 {
			continue
		}
		of, room := accrued, min(disiplin, total)
		if r.Base == BaseTotal {
			of, room = base, total
		}
		nominal, err := ofBP(of, r.BP)
		if err != nil {
			return 0, err
		}
		amt := min(nominal, room)
		what := ch.e.Label()
		if ch.minutes > 0 {
			what = fmt.Sprintf("%s %d menit", what, ch.minutes)
		}
		c.line(Line{Group: GroupEarning, Code: "cut", Day: ch.day, Reason: string(ch.e),
			Label:  fmt.Sprintf("tanggal %d: %s, potongan %s dari %s", ch.day, what, Percent(r.BP), r.Base.Label()),
			RateBP: r.BP, Base: of, Amount: -amt, Capped: amt < nominal})
		total -= amt
		if r.Base == BaseDisiplin {
			disiplin -= amt
		}
		disiplin = min(disiplin, total)
	}
	return total, nil
}

func (c *computer) deductions(tpp int64) error {
	// Contributions are on the TPP before any tax allowance.
	contribution := func(code, label string, k Contribution) error {
		of := tpp
		if k.Base == OnSalaryPlusTPP {
			of = c.in.Salary + tpp
		}
		v, err := ofBP(of, k.RateBP)
		if err != nil {
			return err
		}
		amt := min(v, k.Cap)
		g := GroupEmployer
		if k.Deducted {
			g = GroupDeduction
		}
		c.line(Line{Group: g, Code: code, Label: fmt.Sprintf("%s %s, paling banyak %s", label, Percent(k.RateBP), Rupiah(k.Cap)),
			RateBP: k.RateBP, Base: of, Amount: amt, Capped: amt < v})
		return nil
	}

	// PPh 21: the tax on salary + TPP (+ allowance) for the month less what the salary payroll
	// withholds; January-November by TER, December by Pasal 17 over the year.
	tax := func(g int64) (int64, error) {
		all := c.in.Salary + g
		var t int64
		var err error
		if c.in.Month.Month == 12 {
			t, err = DecemberTax(c.in.PTKP, *c.in.TaxYear, all)
		} else {
			t, err = TERTax(c.in.PTKP, all)
		}
		if err != nil {
			return 0, err
		}
		t -= c.in.SalaryPPh21
		if c.in.Month.Month != 12 {
			t = max(t, 0) // only December settles over-withholding
		}
		return t, nil
	}
	var pph, allowance int64
	var err error
	if c.p.PPh21.GrossUp {
		// The allowance is never negative: what December finds over-withheld under gross-up was
		// borne by the region, so it goes back to the region (an info line), not to the employee.
		borne := func(g int64) (int64, error) {
			t, err := tax(g)
			return max(t, 0), err
		}
		if allowance, err = grossUp(borne, tpp); err != nil {
			return err
		}
		pph = allowance
		c.line(Line{Group: GroupEarning, Code: "pph21_allowance", Label: "tunjangan PPh 21 (ditanggung pemerintah daerah)", Amount: allowance})
		if allowance == 0 {
			if raw, err := tax(tpp); err != nil {
				return err
			} else if raw < 0 {
				c.line(Line{Group: GroupInfo, Code: "pph21_overpaid", Label: "kelebihan PPh 21 ditanggung tahun ini, kembali ke pemerintah daerah", Amount: -raw})
			}
		}
	} else if pph, err = tax(tpp); err != nil {
		return err
	}
	gross := tpp + allowance
	how := fmt.Sprintf("TER kategori %s %s", c.in.PTKP.TERCategory(), Percent(TERRateBP(c.in.PTKP, c.in.Salary+gross)))
	if c.in.Month.Month == 12 {
		how = "perhitungan ulang setahun Pasal 17, PTKP " + string(c.in.PTKP)
	}
	c.line(Line{Group: GroupDeduction, Code: "pph21", Label: "PPh 21 (" + how + ")", Base: c.in.Salary + gross, Amount: pph})

	if err := contribution("iwp", "IWP", c.p.IWP); err != nil {
		return err
	}
	if err := contribution("bpjs", "BPJS Kesehatan", c.p.BPJS); err != nil {
		return err
	}

	// Zero-net rule: deductions stop at the gross unless the policy allows a negative net,
	// taken off the last deduction lines first: IWP (its salary part is the salary payroll's to
	// take), then PPh 21. What is not withheld here is left to the salary payroll.
	var ded int64
	for _, l := range c.slip.Lines {
		if l.Group == GroupDeduction {
			ded += l.Amount
		}
	}
	if over := ded - gross; over > 0 && !c.p.AllowNegativeNet {
		for i := len(c.slip.Lines) - 1; i >= 0 && over > 0; i-- {
			l := &c.slip.Lines[i]
			if l.Group != GroupDeduction || l.Amount <= 0 {
				continue
			}
			cut := min(l.Amount, over)
			l.Amount -= cut
			l.Capped = true
			over -= cut
		}
	}
	return c.total()
}

// total sums the lines into the slip's totals with checked additions.
func (c *computer) total() error {
	var gross, ded, emp int64
	var err error
	for _, l := range c.slip.Lines {
		switch l.Group {
		case GroupEarning:
			gross, err = add(gross, l.Amount)
		case GroupDeduction:
			ded, err = add(ded, l.Amount)
		case GroupEmployer:
			emp, err = add(emp, l.Amount)
		}
		if err != nil {
			return err
		}
	}
	net, err := add(gross, -ded)
	if err != nil {
		return err
	}
	c.slip.Gross, c.slip.Deductions, c.slip.Net, c.slip.Employer = gross, ded, net, emp
	return nil
}
