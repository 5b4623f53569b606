package pay

import (
	"fmt"
	"slices"

	"github.com/kinerja/platform/internal/appraisal"
)

// Status is the employment status that scales TPP.
type Status string

const (
	PNS  Status = "PNS"
	CPNS Status = "CPNS"
	PPPK Status = "PPPK"
)

// LeaveKind is a long absence that a region pays at a flat rate instead of kinerja and disiplin.
type LeaveKind string

const (
	LeaveCuti            LeaveKind = "cuti"             // sakit, besar, melahirkan, alasan penting: by length
	LeaveMPP             LeaveKind = "mpp"              // masa persiapan pensiun
	LeaveHukumanDisiplin LeaveKind = "hukuman_disiplin" // serving a discipline sanction that stops TPP
	LeaveCLTN            LeaveKind = "cltn"             // cuti di luar tanggungan negara
)

// Event is what a disiplin cut is charged for on a working day.
type Event string

const (
	EventAbsentUnexcused Event = "absent_unexcused" // tidak masuk tanpa keterangan
	EventAbsentExcused   Event = "absent_excused"   // tidak masuk dengan keterangan sah
	EventLate            Event = "late"             // terlambat masuk (TL), by minutes
	EventEarlyLeave      Event = "early_leave"      // pulang sebelum waktunya (PSW), by minutes
	EventNoRecord        Event = "no_record"        // tidak ada catatan kehadiran
	EventMissedAssembly  Event = "missed_assembly"  // tidak mengikuti apel
)

// Base is what a cut's percentage is taken of.
type Base string

const (
	BaseDisiplin Base = "disiplin" // the disiplin pot (after per-day accrual, if the policy accrues)
	BaseTotal    Base = "total"    // the whole TPP of the month (basic after Plt and status)
)

// ContributionBase is what IWP or BPJS is a percentage of.
type ContributionBase string

const (
	OnSalaryPlusTPP ContributionBase = "salary_plus_tpp"
	OnTPP           ContributionBase = "tpp"
)

// PltMode is how an acting official (Plt) is paid.
type PltMode string

const (
	PltActingFull   PltMode = "acting_full"    // 100% of the acting post's basic TPP
	PltOwnPlusShare PltMode = "own_plus_share" // own basic TPP + ShareBP of the acting post's
	PltHigherOf     PltMode = "higher_of"      // whichever of the two is more
)

// Policy is one version of a region's TPP rule (Perkada), as data HR can store and version.
type Policy struct {
	ID            string `json:"id"`   // version id, printed on every slip
	Name          string `json:"name"` // e.g. "Kabupaten Balangan 2025"
	EffectiveFrom Month  `json:"effective_from"`

	KinerjaBP  int64 `json:"kinerja_bp"`  // share of TPP set by performance
	DisiplinBP int64 `json:"disiplin_bp"` // share set by attendance; the two sum to 100%

	// PredikatBP is the share of the kinerja part paid per predikat; all five are required.
	PredikatBP map[appraisal.Predikat]int64 `json:"predikat_bp"`
	// NoPredikatBP is paid when the month has no predikat yet (Balangan: 0; a later rating is rapel).
	NoPredikatBP int64 `json:"no_predikat_bp"`
	// StatusBP scales the whole TPP by status; a status not listed is paid 100%.
	StatusBP map[Status]int64 `json:"status_bp"`

	Leave []LeaveRule `json:"leave"`
	Plt   PltRule     `json:"plt"`

	// DisiplinAccruesOn, when set, makes the disiplin pot accrue per working day of these kinds
	// (every other working day takes 1/working-days of the pot); empty means the pot is whole.
	DisiplinAccruesOn []DayKind `json:"disiplin_accrues_on"`
	Cuts              []CutRule `json:"cuts"`

	IWP   Contribution `json:"iwp"`
	BPJS  Contribution `json:"bpjs"`
	PPh21 TaxRule      `json:"pph21"`

	// AllowNegativeNet lets deductions exceed the TPP paid; otherwise they stop at zero net.
	AllowNegativeNet bool `json:"allow_negative_net"`

	// Annual is what the final annual predikat (after any appeal) brings in the following year;
	// a predikat not listed brings nothing.
	Annual []AnnualRule `json:"annual,omitempty"`
}

// AnnualRule: a final annual predikat pays RewardBP of the basic TPP once, with January's TPP
// of the next year, and/or cuts CutBP of the TPP of the first CutMonths months of that year.
type AnnualRule struct {
	Predikat  appraisal.Predikat `json:"predikat"`
	RewardBP  int64              `json:"reward_bp"`
	CutBP     int64              `json:"cut_bp"`
	CutMonths int                `json:"cut_months"`
}

// LeaveRule pays a flat share of the month's TPP during a long leave of Kind lasting between
// MinMonths and MaxMonths whole months (inclusive; MaxMonths 0 means no upper bound).
type LeaveRule struct {
	Kind      LeaveKind `json:"kind"`
	MinMonths int       `json:"min_months"`
	MaxMonths int       `json:"max_months"`
	PayBP     int64     `json:"pay_bp"`
}

// PltRule says how a Plt is paid; ShareBP is the acting post's share for own_plus_share/higher_of.
type PltRule struct {
	Mode    PltMode `json:"mode"`
	ShareBP int64   `json:"share_bp"`
}

// CutRule takes BP of Base for every working day with Event. For late and early_leave it
// applies to MinMinutes..MaxMinutes (inclusive; MaxMinutes 0 means no upper bound).
type CutRule struct {
	Event      Event `json:"event"`
	MinMinutes int   `json:"min_minutes,omitempty"`
	MaxMinutes int   `json:"max_minutes,omitempty"`
	BP         int64 `json:"bp"`
	Base       Base  `json:"base"`
}

// Contribution is IWP or BPJS: RateBP of Base, at most Cap rupiah. Deducted says whether it
// comes off the employee's net (IWP) or is paid by the employer and shown for information (BPJS 4%).
type Contribution struct {
	RateBP   int64            `json:"rate_bp"`
	Cap      int64            `json:"cap"`
	Base     ContributionBase `json:"base"`
	Deducted bool             `json:"deducted"`
}

// TaxRule: GrossUp means the region bears PPh 21 on TPP ("ditanggung"): a tax allowance equal
// to the tax is paid and withheld again, so the tax does not lower the net.
type TaxRule struct {
	GrossUp bool `json:"gross_up"`
}

var (
	predikats  = []appraisal.Predikat{appraisal.SangatBaik, appraisal.Baik, appraisal.ButuhPerbaikan, appraisal.Kurang, appraisal.SangatKurang}
	statuses   = []Status{PNS, CPNS, PPPK}
	leaveKinds = []LeaveKind{LeaveCuti, LeaveMPP, LeaveHukumanDisiplin, LeaveCLTN}
	events     = []Event{EventAbsentUnexcused, EventAbsentExcused, EventLate, EventEarlyLeave, EventNoRecord, EventMissedAssembly}
	maxMinutes = 24 * 60
)

// Validate checks the policy is complete and consistent; the error names the field.
func (p Policy) Validate() error {
	if p.ID == "" || len(p.ID) > 100 {
		return fieldErr("id", "wajib diisi, paling panjang 100 karakter")
	}
	if p.Name == "" || len(p.Name) > 200 {
		return fieldErr("name", "wajib diisi, paling panjang 200 karakter")
	}
	if !p.EffectiveFrom.Valid() {
		return fieldErr("effective_from", "bulan berlaku wajib diisi (YYYY-MM)")
	}
	if err := checkBP("kinerja_bp", p.KinerjaBP); err != nil {
		return err
	}
	if err := checkBP("disiplin_bp", p.DisiplinBP); err != nil {
		return err
	}
	if p.KinerjaBP+p.DisiplinBP != FullBP {
		return fieldErr("disiplin_bp", "bagian kinerja dan disiplin harus berjumlah 10000 (100%%), kini %d", p.KinerjaBP+p.DisiplinBP)
	}
	for k := range p.PredikatBP {
		if !slices.Contains(predikats, k) {
			return fieldErr("predikat_bp."+string(k), "predikat tidak dikenal")
		}
	}
	for _, k := range predikats {
		v, ok := p.PredikatBP[k]
		if !ok {
			return fieldErr("predikat_bp."+string(k), "persentase predikat ini wajib diisi")
		}
		if err := checkBP("predikat_bp."+string(k), v); err != nil {
			return err
		}
	}
	if err := checkBP("no_predikat_bp", p.NoPredikatBP); err != nil {
		return err
	}
	for k, v := range p.StatusBP {
		if !slices.Contains(statuses, k) {
			return fieldErr("status_bp."+string(k), "status tidak dikenal (PNS, CPNS atau PPPK)")
		}
		if err := checkBP("status_bp."+string(k), v); err != nil {
			return err
		}
	}
	for i, r := range p.Leave {
		f := func(n string) string { return fmt.Sprintf("leave[%d].%s", i, n) }
		if !slices.Contains(leaveKinds, r.Kind) {
			return fieldErr(f("kind"), "jenis cuti tidak dikenal: %q", r.Kind)
		}
		if r.MinMonths < 0 || r.MinMonths > 600 {
			return fieldErr(f("min_months"), "harus antara 0 dan 600")
		}
		if r.MaxMonths != 0 && (r.MaxMonths < r.MinMonths || r.MaxMonths > 600) {
			return fieldErr(f("max_months"), "harus 0 (tanpa batas) atau antara min_months dan 600")
		}
		if err := checkBP(f("pay_bp"), r.PayBP); err != nil {
			return err
		}
		for j, o := range p.Leave[:i] {
			if o.Kind == r.Kind && rangesOverlap(o.MinMonths, o.MaxMonths, r.MinMonths, r.MaxMonths) {
				return fieldErr(f("min_months"), "tumpang tindih dengan leave[%d]", j)
			}
		}
	}
	switch p.Plt.Mode {
	case PltActingFull:
	case PltOwnPlusShare, PltHigherOf:
		if err := checkBP("plt.share_bp", p.Plt.ShareBP); err != nil {
			return err
		}
	default:
		return fieldErr("plt.mode", "harus acting_full, own_plus_share atau higher_of")
	}
	for i, k := range p.DisiplinAccruesOn {
		if !slices.Contains(dayKinds, k) {
			return fieldErr(fmt.Sprintf("disiplin_accrues_on[%d]", i), "jenis hari tidak dikenal: %q", k)
		}
	}
	for i, c := range p.Cuts {
		f := func(n string) string { return fmt.Sprintf("cuts[%d].%s", i, n) }
		if !slices.Contains(events, c.Event) {
			return fieldErr(f("event"), "kejadian tidak dikenal: %q", c.Event)
		}
		if c.Base != BaseDisiplin && c.Base != BaseTotal {
			return fieldErr(f("base"), "harus disiplin atau total")
		}
		if err := checkBP(f("bp"), c.BP); err != nil {
			return err
		}
		timed := c.Event == EventLate || c.Event == EventEarlyLeave
		if !timed && (c.MinMinutes != 0 || c.MaxMinutes != 0) {
			return fieldErr(f("min_minutes"), "menit hanya untuk terlambat atau pulang cepat")
		}
		if timed {
			if c.MinMinutes < 1 || c.MinMinutes > maxMinutes {
				return fieldErr(f("min_minutes"), "harus antara 1 dan %d", maxMinutes)
			}
			if c.MaxMinutes != 0 && (c.MaxMinutes < c.MinMinutes || c.MaxMinutes > maxMinutes) {
				return fieldErr(f("max_minutes"), "harus 0 (tanpa batas) atau antara min_minutes dan %d", maxMinutes)
			}
		}
		for j, o := range p.Cuts[:i] {
			if o.Event == c.Event && (!timed || rangesOverlap(o.MinMinutes, o.MaxMinutes, c.MinMinutes, c.MaxMinutes)) {
				return fieldErr(f("event"), "aturan ganda untuk kejadian yang sama dengan cuts[%d]", j)
			}
		}
	}
	for i, r := range p.Annual {
		f := func(n string) string { return fmt.Sprintf("annual[%d].%s", i, n) }
		if !slices.Contains(predikats, r.Predikat) {
			return fieldErr(f("predikat"), "predikat tidak dikenal: %q", r.Predikat)
		}
		for j, o := range p.Annual[:i] {
			if o.Predikat == r.Predikat {
				return fieldErr(f("predikat"), "predikat ini sudah diatur di annual[%d]", j)
			}
		}
		if err := checkBP(f("reward_bp"), r.RewardBP); err != nil {
			return err
		}
		if err := checkBP(f("cut_bp"), r.CutBP); err != nil {
			return err
		}
		if r.CutMonths < 0 || r.CutMonths > 12 || (r.CutBP > 0) != (r.CutMonths > 0) {
			return fieldErr(f("cut_months"), "harus 1 sampai 12 bila ada potongan, 0 bila tidak")
		}
	}
	for _, c := range []struct {
		name string
		c    Contribution
	}{{"iwp", p.IWP}, {"bpjs", p.BPJS}} {
		if err := checkBP(c.name+".rate_bp", c.c.RateBP); err != nil {
			return err
		}
		if err := checkAmount(c.name+".cap", c.c.Cap); err != nil {
			return err
		}
		if c.c.Base != OnSalaryPlusTPP && c.c.Base != OnTPP {
			return fieldErr(c.name+".base", "harus salary_plus_tpp atau tpp")
		}
	}
	return nil
}

// rangesOverlap compares inclusive ranges whose upper bound 0 means unbounded.
func rangesOverlap(aMin, aMax, bMin, bMax int) bool {
	inf := func(v int) int {
		if v == 0 {
			return int(^uint(0) >> 1)
		}
		return v
	}
	return aMin <= inf(bMax) && bMin <= inf(aMax)
}

func (p Policy) leaveRule(kind LeaveKind, months int) (LeaveRule, bool) {
	for _, r := range p.Leave {
		if r.Kind == kind && months >= r.MinMonths && (r.MaxMonths == 0 || months <= r.MaxMonths) {
			return r, true
		}
	}
	return LeaveRule{}, false
}

func (p Policy) annualRule(pr appraisal.Predikat) (AnnualRule, bool) {
	for _, r := range p.Annual {
		if r.Predikat == pr {
			return r, true
		}
	}
	return AnnualRule{}, false
}

func (p Policy) cutFor(e Event, minutes int) (CutRule, bool) {
	for _, c := range p.Cuts {
		if c.Event != e {
			continue
		}
		if (e == EventLate || e == EventEarlyLeave) && (minutes < c.MinMinutes || (c.MaxMinutes != 0 && minutes > c.MaxMinutes)) {
			continue
		}
		return c, true
	}
	return CutRule{}, false
}

// Versions is a region's policy history, oldest first. A month is paid under the version in
// force in it, so adding a version never changes a month already paid (see Add).
type Versions []Policy

// NewVersions validates each policy and orders them; ids and effective months must be unique.
func NewVersions(ps ...Policy) (Versions, error) {
	var v Versions
	for i, p := range ps {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("versi %d: %w", i, err)
		}
		for _, o := range v {
			if o.ID == p.ID {
				return nil, fieldErr("id", "versi %q sudah ada", p.ID)
			}
			if o.EffectiveFrom == p.EffectiveFrom {
				return nil, fieldErr("effective_from", "versi %q sudah berlaku mulai %s", o.ID, p.EffectiveFrom)
			}
		}
		v = append(v, p)
	}
	slices.SortFunc(v, func(a, b Policy) int { return a.EffectiveFrom.index() - b.EffectiveFrom.index() })
	return v, nil
}

// InForce returns the version in force in month m: the latest effective on or before m.
func (v Versions) InForce(m Month) (Policy, error) {
	for i := len(v) - 1; i >= 0; i-- {
		if !m.Before(v[i].EffectiveFrom) {
			return v[i], nil
		}
	}
	return Policy{}, fieldErr("month", "belum ada kebijakan TPP yang berlaku pada %s", m)
}

// Add returns the history with p added. p must take effect after lastPaid, the latest month
// already paid (zero Month if none), so no paid month ever changes its version.
func (v Versions) Add(p Policy, lastPaid Month) (Versions, error) {
	if lastPaid.Valid() && !lastPaid.Before(p.EffectiveFrom) {
		return nil, fieldErr("effective_from", "bulan %s sudah dibayar; versi baru paling awal berlaku %s", lastPaid, lastPaid.AddMonths(1))
	}
	return NewVersions(append(slices.Clone(v), p)...)
}
