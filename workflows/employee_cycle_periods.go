package workflows

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/wib"
)

// Task kinds of a period.
const (
	TaskReportPeriod  = "report_period"
	TaskRatePeriod    = "rate_period"
	TaskPeriodOverdue = "period_overdue"
)

// periodsChangeID: a cycle may be monthly or quarterly; such a year is reported and rated period
// by period and continues as new at each period's end. Years started before never take it.
const (
	periodsChangeID                  = "evaluation-periods"
	versionPeriods  workflow.Version = 1
)

// calendarChangeID: a periodic year takes its cycle's period calendar from its input. A year
// whose input carries none (started before cycles had one), or whose history began without this
// marker, keeps period.DefaultCalendar: the days its timers and tasks were already set by.
const (
	calendarChangeID                  = "period-calendar"
	versionCalendar  workflow.Version = 1
)

// The open period's dates, as waitFor reads them from c.deadlines; never a cycle date HR moves.
const (
	deadlinePeriodReport DeadlineName = "period_report_due"
	deadlinePeriodRating DeadlineName = "period_rating_due"
)

// maxPeriodFeedback bounds the penilai's feedback on a period.
const maxPeriodFeedback = 4000

// openPeriod is the period whose report and rating the year waits for now.
type openPeriod struct {
	p        period.Period
	reported bool
	rateTask bool // the penilai's rating task is open
	rated    bool
	predikat appraisal.Predikat
}

// restore takes the state a previous run of this year carried across continue-as-new.
func (c *cycle) restore(cy *CarriedYear) {
	c.nextPeriod, c.phase = cy.NextPeriod, cy.Phase
	c.plan, c.planState, c.planVersion = cy.Plan, cy.PlanState, cy.PlanVersion
	for _, n := range DeadlineNames {
		if t, ok := cy.Deadlines[n]; ok {
			c.deadlines[n] = t
		}
	}
	c.stepSeq = cy.StepSeq
	for _, id := range cy.Seen {
		c.seen[id] = true
		c.seenOrder = append(c.seenOrder, id)
	}
	c.periodResults = append([]PeriodResult(nil), cy.Rated...)
	if c.mutasi = cy.Mutasi; c.mutasi != nil {
		c.deadlines[deadlineMutasiPlan] = c.mutasi.PlanDue
	}
}

// carry is the input of this year's next run.
func (c *cycle) carry() EmployeeCycleInput {
	in := c.in // with the supervisors HR reassigned
	seen := slices.Clone(c.seenOrder)
	dl := Deadlines{}
	for _, n := range DeadlineNames {
		dl[n] = c.deadlines[n]
	}
	in.Carried = &CarriedYear{NextPeriod: c.nextPeriod, Phase: c.phase, Plan: c.plan, PlanState: c.planState,
		PlanVersion: c.planVersion, Deadlines: dl, StepSeq: c.stepSeq, Seen: seen, Rated: c.periodResults, Mutasi: c.mutasi}
	return in
}

// continueAsNew hands the year to its next run once every decided step is written, every handler
// has answered and every deadline move received is applied.
func (c *cycle) continueAsNew(ctx workflow.Context) error {
	for {
		if err := workflow.Await(ctx, func() bool { return len(c.queue) == 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
			return err
		}
		var m MoveDeadline
		if !c.moves.ReceiveAsync(&m) {
			break
		}
		c.moveDeadline(ctx, m)
	}
	return workflow.NewContinueAsNewError(ctx, EmployeeCycleWorkflow, c.carry())
}

// periods walks the year's periods from the next one. Each period that runs ends this run: the
// year continues as new, so its history stays one period long however long the year is. A period
// that closed before it could open (the SKP came late) is left without a rating.
func (c *cycle) periods(ctx workflow.Context) {
	all := period.Of(c.in.Year, c.kind)
	for c.nextPeriod < len(all) && !c.closed {
		p := all[c.nextPeriod]
		c.nextPeriod++
		if !workflow.Now(ctx).Before(p.Closes(c.cal)) {
			c.periodResults = append(c.periodResults, PeriodResult{Period: p.ID})
			continue
		}
		c.runPeriod(ctx, p)
		if c.nextPeriod < len(all) && !c.closed {
			c.canNext = true
			return
		}
	}
}

// runPeriod opens one period's report at period.Opens (under the cycle's calendar c.cal), waits for it until the report is due
// (reminding the employee, then telling the atasan and HR), lets the penilai rate without it from
// then on, waits for the rating until it is due (reminder, then an overdue task for the atasan and
// HR) and, at period.Closes, leaves the period unrated.
func (c *cycle) runPeriod(ctx workflow.Context, p period.Period) {
	emp := c.in.Employee
	if c.sleepUntilTime(ctx, p.Opens(c.cal)); c.closed {
		return
	}
	c.open = &openPeriod{p: p}
	c.phase = PhaseMonitoring
	c.deadlines[deadlinePeriodReport], c.deadlines[deadlinePeriodRating] = p.ReportDue(c.cal), p.RatingDue(c.cal)
	defer func() {
		delete(c.deadlines, deadlinePeriodReport)
		delete(c.deadlines, deadlinePeriodRating)
		c.open = nil
		if c.phase == PhaseMonitoring {
			c.phase = PhaseExecution
		}
	}()
	label := p.Label()
	c.apply(ctx, step{key: "period-opened-" + p.ID, action: "period.opened", open: []activities.TaskSpec{
		c.task(TaskReportPeriod, activities.RolePegawai, emp.NIP, "Laporkan realisasi "+label, deadlinePeriodReport)}})

	reportDue := func() time.Time { return p.ReportDue(c.cal) }
	escalated := c.waitFor(ctx, deadlinePeriodReport, func() bool { return c.open.reported || c.open.rated },
		func() (string, string, string) { return activities.RolePegawai, emp.NIP, "Laporkan realisasi " + label },
		"", "Laporan realisasi "+label+" "+emp.Name+" belum masuk", reportDue)
	if !c.open.reported && !c.open.rated && !c.closed {
		// Report due and none came: the atasan and HR hear of it, and the penilai may rate without it.
		if !escalated {
			c.escalate(ctx, deadlinePeriodReport, p.ReportDue(c.cal), "", "Laporan realisasi "+label+" "+emp.Name+" belum masuk")
		}
		if !c.open.rateTask && !c.open.rated {
			c.open.rateTask = true
			c.apply(ctx, step{key: "period-rate-unreported-" + p.ID, action: "period.report_missing", open: []activities.TaskSpec{
				c.task(TaskRatePeriod, activities.RolePenilai, c.periodPenilai(p).NIP,
					"Nilai "+label+" untuk "+emp.Name+" (tanpa laporan realisasi)", deadlinePeriodRating)}})
		}
	}

	closes := func() time.Time { return p.Closes(c.cal) }
	c.waitFor(ctx, deadlinePeriodRating, func() bool { return c.open.rated },
		func() (string, string, string) {
			return activities.RolePenilai, c.periodPenilai(p).NIP, "Nilai " + label + " untuk " + emp.Name
		}, TaskPeriodOverdue, "Penilaian "+label+" "+emp.Name+" belum selesai melewati batas waktu", closes)
	res := PeriodResult{Period: p.ID}
	switch {
	case c.open.rated:
		res.Predikat = c.open.predikat
	case c.closed:
		return
	default:
		c.apply(ctx, step{key: "period-unrated-" + p.ID, action: "period.unrated",
			close: []string{TaskReportPeriod, TaskRatePeriod, TaskPeriodOverdue},
			notices: []activities.Notice{
				{Kind: "info", Role: activities.RolePegawai, NIP: emp.NIP, Title: label + " ditutup tanpa penilaian",
					Detail: "Pejabat penilai tidak memberi penilaian sampai " + wib.Format(p.Closes(c.cal)) + ". Hubungi pengelola kinerja (BKPSDM)."},
				{Kind: "escalation", Role: activities.RoleHR, Title: label + " " + emp.Name + " ditutup tanpa penilaian"},
			}})
	}
	c.periodResults = append(c.periodResults, res)
	if c.oldPeriod(p) && c.mutasi.Applied {
		// The former penilai's last part in this year may be done: the API stops letting them in.
		c.apply(ctx, step{key: "mutasi-former-done-" + p.ID, action: "mutasi.former_penilai_done",
			record: activities.Record{Mutasi: &activities.Mutasi{FormerDone: true, FromPenilai: c.mutasi.From.NIP}}})
	}
}

// sleepUntilTime waits for a fixed moment, or until HR closes the year.
func (c *cycle) sleepUntilTime(ctx workflow.Context, at time.Time) {
	if wait := at.Sub(workflow.Now(ctx)); wait > 0 && !c.closed {
		_, _ = workflow.AwaitWithTimeout(ctx, wait, func() bool { return c.closed })
	}
}

// periodStatus is the open period as the status shows it.
func (c *cycle) periodStatus() *PeriodStatus {
	if c.open == nil {
		return nil
	}
	p := c.open.p
	return &PeriodStatus{ID: p.ID, Label: p.Label(), Start: p.Start, End: p.End, ReportDue: p.ReportDue(c.cal),
		RatingDue: p.RatingDue(c.cal), Closes: p.Closes(c.cal), Reported: c.open.reported, Rated: c.open.rated, Predikat: c.open.predikat}
}

// isPeriodID tells a period's id from the mid-year and annual reports.
func isPeriodID(s string) bool { return s != PeriodMidyear && s != PeriodAnnual && s != "" }

func (c *cycle) validatePeriodReport(in ReportRealisasiInput) error {
	if !c.periodic {
		return reject(ErrInvalid, "period: harus midyear atau annual")
	}
	if _, err := period.Parse(in.Period); err != nil {
		return reject(ErrInvalid, "period: %s", err.Error())
	}
	if err := c.checkOpenPeriod(in.Period); err != nil {
		return err
	}
	if c.open.reported || c.open.rated {
		return reject(ErrWrongPhase, "realisasi %s sudah dilaporkan", c.open.p.Label())
	}
	if err := c.checkPeriodPlan(c.open.p); err != nil {
		return err
	}
	if err := skp.ValidateRealisasi(c.periodPlan(c.open.p), in.Items); err != nil {
		return reject(ErrInvalid, "%s", err.Error())
	}
	return nil
}

// checkOpenPeriod refuses a step for a period other than the open one, naming the open one.
func (c *cycle) checkOpenPeriod(id string) error {
	if c.open == nil {
		return reject(ErrWrongPhase, "tidak ada periode penilaian yang sedang dibuka")
	}
	if c.open.p.ID != id {
		return reject(ErrWrongPhase, "periode %s tidak sedang dibuka; periode yang dibuka: %s (%s)", id, c.open.p.ID, c.open.p.Label())
	}
	return nil
}

func (c *cycle) validatePeriodRate(in RateInput) error {
	if !c.periodic {
		return reject(ErrInvalid, "period: tahun ini tidak dinilai per periode")
	}
	if err := c.checkOpenPeriod(in.Period); err != nil {
		return err
	}
	p := c.open.p
	if c.open.rated {
		return reject(ErrWrongPhase, "%s sudah dinilai", p.Label())
	}
	if !c.open.reported && c.now().Before(p.ReportDue(c.cal)) {
		return reject(ErrWrongPhase, "pegawai belum melaporkan realisasi %s; penilaian tanpa laporan baru dapat dilakukan setelah %s",
			p.Label(), wib.Format(p.ReportDue(c.cal)))
	}
	if err := c.checkPeriodPlan(p); err != nil {
		return err
	}
	if in.Hasil != "" {
		return reject(ErrInvalid, "rating_hasil: pada penilaian periode, rating hasil kerja dihitung dari rating setiap RHK")
	}
	plan := c.periodPlan(p)
	if len(in.Rows) != len(plan.Items) {
		return reject(ErrInvalid, "row_ratings: nilai setiap RHK di SKP (%d baris), tidak %d", len(plan.Items), len(in.Rows))
	}
	if err := checkRowRatings(plan, in.Rows); err != nil {
		return err
	}
	values := map[string]bool{}
	for i, v := range in.Values {
		if !slices.Contains(skp.BerAKHLAK, v.Value) || values[v.Value] {
			return reject(ErrInvalid, "value_ratings[%d].value: bukan nilai BerAKHLAK (%s), atau dinilai dua kali", i, strings.Join(skp.BerAKHLAK, ", "))
		}
		values[v.Value] = true
		if _, err := appraisal.ParseRating(string(v.Rating)); err != nil {
			return reject(ErrInvalid, "value_ratings[%d].rating: %s", i, err.Error())
		}
	}
	if len(values) != len(skp.BerAKHLAK) {
		return reject(ErrInvalid, "value_ratings: nilai ketujuh nilai BerAKHLAK (%d dinilai)", len(values))
	}
	if _, err := appraisal.ParseRating(string(in.Perilaku)); err != nil {
		return reject(ErrInvalid, "rating_perilaku: %s", err.Error())
	}
	if strings.TrimSpace(in.Feedback) == "" {
		return reject(ErrInvalid, "feedback: umpan balik untuk %s wajib diisi", p.Label())
	}
	if utf8.RuneCountInString(in.Feedback) > maxPeriodFeedback {
		return reject(ErrInvalid, "feedback: paling banyak %d karakter", maxPeriodFeedback)
	}
	return nil
}

// periodHasil is the period's rating of hasil kerja from its rows (appraisal.HasilKerja).
func (c *cycle) periodHasil(rows []RowRating) appraisal.Rating {
	in := make([]appraisal.RowRating, len(rows))
	for i, r := range rows {
		in[i] = appraisal.RowRating{Utama: c.periodPlan(c.open.p).Items[r.Seq].Kind == "utama", Rating: r.Rating}
	}
	h, _ := appraisal.HasilKerja(in) // validated
	return h
}

func (c *cycle) reportPeriod(ctx workflow.Context, in ReportRealisasiInput) (Status, error) {
	before := c.begin(in.Request)
	c.open.reported = true
	var open []activities.TaskSpec
	if !c.open.rateTask {
		c.open.rateTask = true
		open = append(open, c.task(TaskRatePeriod, activities.RolePenilai, c.periodPenilai(c.open.p).NIP,
			"Beri umpan balik dan nilai "+c.open.p.Label()+" untuk "+c.in.Employee.Name, deadlinePeriodRating))
	}
	return c.done(ctx, before, in.Request, "realisasi.period_reported",
		activities.Record{Realisasi: &activities.RealisasiReport{Period: in.Period, Items: in.Items}},
		[]string{TaskReportPeriod}, open...)
}

func (c *cycle) ratePeriod(ctx workflow.Context, in RateInput) (Status, error) {
	before := c.begin(in.Request)
	p := c.open.p
	hasil := c.periodHasil(in.Rows)
	predikat, _ := appraisal.PredikatOf(hasil, in.Perilaku)
	c.open.rated, c.open.predikat = true, predikat
	rec := &activities.PeriodRating{Period: p.ID, FirstDay: p.FirstDay(), LastDay: p.LastDay(), Hasil: string(hasil),
		Perilaku: string(in.Perilaku), Predikat: string(predikat), Feedback: in.Feedback,
		Note: "penilaian periode " + p.Label()}
	for _, r := range in.Rows {
		rec.Rows = append(rec.Rows, activities.RowRating{Seq: r.Seq, Rating: string(r.Rating)})
	}
	for _, v := range in.Values {
		rec.Values = append(rec.Values, activities.ValueRating{Value: v.Value, Rating: string(v.Rating)})
	}
	return c.done(ctx, before, in.Request, "period.rated", activities.Record{PeriodRating: rec},
		[]string{TaskReportPeriod, TaskRatePeriod, TaskPeriodOverdue})
}
