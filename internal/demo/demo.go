// Package demo walks a small organisation through one compressed performance cycle, using
// nothing but the platform's JSON API: it seeds a dinas, creates a cycle whose deadlines are
// minutes away, enrols ten staff and drives each of them from SKP to the final result the
// monthly TPP payroll pays from, then prints
// the results in Bahasa Indonesia.
//
// Identity: the platform must run in development mode (KINERJA_DEV_AUTH=1); every call carries
// the actor's NIP in the X-Dev-NIP header. While the organisation has no admin, the platform
// prints a one-time bootstrap token at start (`kinerja dev` also saves it to .data/bootstrap-token);
// the first run presents it to import a pengelola kinerja (HR) user who is also admin, and saves
// the NIP to a state file (.data/demo-hr-nip in the repository); later runs act as that user.
// KINERJA_DEMO_HR_NIP names another HR user (e.g. against a database seeded elsewhere),
// KINERJA_DEMO_STATE another state file, KINERJA_BOOTSTRAP_TOKEN the token.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/devenv"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/workflows"
)

// Environment variables the demo reads when Options leave the field empty.
const (
	EnvHRNIP     = "KINERJA_DEMO_HR_NIP"
	EnvStateFile = "KINERJA_DEMO_STATE"
	EnvBootstrap = "KINERJA_BOOTSTRAP_TOKEN"
)

// BootstrapTokenFile is where `kinerja dev` saves the bootstrap token, under the repository's .data.
const BootstrapTokenFile = "bootstrap-token"

// Options tune a run; the zero value is what `kinerja demo` uses.
type Options struct {
	// HRNIP is the pengelola kinerja to act as; default $KINERJA_DEMO_HR_NIP, else the state file.
	HRNIP string
	// StateFile keeps the HR NIP between runs; default $KINERJA_DEMO_STATE, else
	// <repository>/.data/demo-hr-nip (or .data/demo-hr-nip under the working directory).
	StateFile string
	// BootstrapToken lets the first run import its HR user into an organisation without an admin;
	// default $KINERJA_BOOTSTRAP_TOKEN, else the file `kinerja dev` writes (.data/bootstrap-token).
	BootstrapToken string
	// AppealWindow is the cycle's keberatan window (default 8s): the employees who do not
	// appeal wait this long before the result is final.
	AppealWindow time.Duration
	// PollInterval and WaitTimeout govern waiting for a phase (default 200ms and 60s).
	PollInterval time.Duration
	WaitTimeout  time.Duration
	// Concurrency bounds the requests in flight: all ten staff move at once (waiting costs
	// nothing), but at most this many of their calls reach the platform together (default 4).
	Concurrency int
	// Now is the clock (default time.Now); NIPs and deadlines derive from it.
	Now func() time.Time
}

// Result is what the run produced.
type Result struct {
	CycleID   int64
	HRNIP     string
	Employees []EmployeeResult
	Emails    int // emails in the dev outbox (GET /api/dev/outbox, which lists at most 500)
}

// EmployeeResult is one staff member's year.
type EmployeeResult struct {
	NIP           string
	Name          string
	Status        string // PNS, PPPK, CPNS
	Position      string
	TPPBasic      int64  // rupiah per month, as imported
	Predikat      string // the penilai's result (appraisal.Predikat code)
	FinalPredikat string // after the keberatan, if any
	Appeal        string // "", workflows.AppealChange or workflows.AppealUphold
	Recommended   string // the platform's follow-up proposal (appraisal.FollowUp code)
	FollowUp      string // what HR confirmed
}

// Run seeds the organisation at baseURL, walks a cycle through every phase and prints the results to out.
func Run(ctx context.Context, baseURL string, out io.Writer) (Result, error) {
	return RunWith(ctx, baseURL, out, Options{})
}

// RunWith is Run with options.
func RunWith(ctx context.Context, baseURL string, out io.Writer, opts Options) (Result, error) {
	opts = opts.withDefaults()
	d := &demoRun{c: newClient(baseURL), out: out, opts: opts, started: opts.Now(),
		sem: make(chan struct{}, opts.Concurrency)}
	d.printf("Demo siklus penilaian kinerja ASN — platform %s\n", d.c.base)
	d.printf("Identitas pemanggil dikirim lewat header %s (mode pengembangan, KINERJA_DEV_AUTH=1).\n\n", devNIPHeader)

	steps := []struct {
		title string
		fn    func(context.Context) error
	}{
		{"Organisasi", d.seed},
		{"Siklus", d.createCycle},
		{"Perencanaan: SKP diajukan dan ditetapkan", d.planning},
		{"Pemantauan tengah tahun", d.monitoring},
		{"Penilaian, dialog kinerja, keberatan, tindak lanjut dan TPP", d.evaluation},
	}
	for i, s := range steps {
		d.printf("[%d] %s\n", i+1, s.title)
		if err := s.fn(ctx); err != nil {
			return d.res, err
		}
		d.printf("\n")
	}
	if err := d.report(ctx); err != nil {
		return d.res, err
	}
	return d.res, nil
}

func (o Options) withDefaults() Options {
	if o.HRNIP == "" {
		o.HRNIP = strings.TrimSpace(os.Getenv(EnvHRNIP))
	}
	if o.StateFile == "" {
		o.StateFile = os.Getenv(EnvStateFile)
	}
	if o.StateFile == "" {
		o.StateFile = filepath.Join(".data", "demo-hr-nip")
		if root, err := devenv.RepoRoot(); err == nil {
			o.StateFile = filepath.Join(root, o.StateFile)
		}
	}
	if o.BootstrapToken == "" {
		o.BootstrapToken = strings.TrimSpace(os.Getenv(EnvBootstrap))
	}
	if o.BootstrapToken == "" {
		if root, err := devenv.RepoRoot(); err == nil {
			if b, err := os.ReadFile(filepath.Join(root, ".data", BootstrapTokenFile)); err == nil {
				o.BootstrapToken = strings.TrimSpace(string(b))
			}
		}
	}
	if o.AppealWindow <= 0 {
		o.AppealWindow = 8 * time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 60 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// demoRun is the state of one run.
type demoRun struct {
	c       *client
	sem     chan struct{} // bounds requests in flight
	out     io.Writer
	opts    Options
	started time.Time

	run   run
	hr    string
	nips  [peopleCount]string
	cycle int64
	res   Result
}

// staffYear is what one staff member's walk learned, for the progress lines.
type staffYear struct {
	predikat, final       appraisal.Predikat
	recommended, followUp appraisal.FollowUp
}

func (d *demoRun) printf(format string, args ...any) {
	fmt.Fprintf(d.out, format, args...)
}

// --- 1. Organisation ---------------------------------------------------------------------------

func (d *demoRun) seed(ctx context.Context) error {
	if err := d.c.do(ctx, http.MethodGet, "/healthz", "", nil, nil); err != nil {
		return fmt.Errorf("platform di %s tidak dapat dihubungi; jalankan dulu `go tool task dev` (atau `kinerja dev`): %w", d.c.base, err)
	}
	// NIPs derive from the clock; a run whose NIPs are already taken moves to the next second's.
	n := d.opts.Now().Unix()
	for try := 0; ; try++ {
		d.run = run{n: n + int64(try), now: d.opts.Now()}
		err := d.c.do(ctx, http.MethodGet, "/api/me", d.run.nip(idxHead), nil, nil)
		if statusOf(err) == http.StatusUnauthorized {
			break // not registered: free
		}
		if err != nil {
			return err
		}
		if try == 20 {
			return errors.New("tidak menemukan rangkaian NIP demo yang belum terpakai")
		}
	}
	for i := range d.nips {
		d.nips[i] = d.run.nip(i)
	}

	if err := d.findHR(ctx); err != nil {
		return err
	}
	staff := []int{idxHead, idxAptika, idxIKP}
	for k := 0; k < staffCount; k++ {
		staff = append(staff, firstStaff+k)
	}
	org := orgFor(d.run, staff...)
	if err := d.c.do(ctx, http.MethodPost, "/api/org/import", d.hr, org, nil); err != nil {
		return fmt.Errorf("impor organisasi: %w", err)
	}
	d.printf("    Diimpor oleh HR: %d unit, %d jabatan, %d pegawai (1 kepala dinas, 2 kepala bidang, 10 staf)\n",
		len(org.Units), len(org.Positions), len(org.Employees))
	d.printf("    %s — %s (NIP %s), atasan pejabat penilai\n", people[idxHead].name, positionByID(people[idxHead].position).Name, d.nips[idxHead])
	for _, i := range []int{idxAptika, idxIKP} {
		d.printf("    %s — %s (NIP %s), pejabat penilai 5 staf\n", people[i].name, positionByID(people[i].position).Name, d.nips[i])
	}
	return nil
}

// findHR settles who acts as HR: the configured NIP, the one saved by an earlier run, or a new
// HR user created by the bootstrap import of an empty organisation.
func (d *demoRun) findHR(ctx context.Context) error {
	source := "variabel lingkungan " + EnvHRNIP
	nip := d.opts.HRNIP
	if nip == "" {
		if b, err := os.ReadFile(d.opts.StateFile); err == nil {
			nip, source = strings.TrimSpace(string(b)), "berkas "+d.opts.StateFile
		}
	}
	if nip != "" {
		var me struct {
			Name string `json:"name"`
			IsHR bool   `json:"is_hr"`
		}
		err := d.c.do(ctx, http.MethodGet, "/api/me", nip, nil, &me)
		switch {
		case err == nil && me.IsHR:
			d.hr = nip
			d.printf("    Pengelola kinerja (HR): %s, NIP %s (dari %s)\n", me.Name, nip, source)
			return nil
		case err == nil:
			return fmt.Errorf("NIP %s (dari %s) milik %s yang bukan pengelola kinerja (is_hr false)", nip, source, me.Name)
		case statusOf(err) == http.StatusUnauthorized && d.opts.HRNIP == "":
			// A state file from another database: try the bootstrap below.
			d.printf("    NIP HR %s dari %s tidak dikenal platform ini; mencoba impor awal.\n", nip, source)
		default:
			return fmt.Errorf("memeriksa HR %s (dari %s): %w", nip, source, err)
		}
	}

	// Bootstrap: while there is no admin, the one-time token printed at start admits one import,
	// which must name an admin; it holds the HR user alone, as admin too.
	hr := orgFor(d.run, idxHR)
	hr.Employees[0].IsAdmin = true
	h := http.Header{}
	if d.opts.BootstrapToken != "" {
		h.Set("Authorization", "Bootstrap "+d.opts.BootstrapToken)
	}
	err := d.c.send(ctx, http.MethodPost, "/api/org/import", h, hr, nil)
	if s := statusOf(err); s == http.StatusUnauthorized || s == http.StatusForbidden {
		return fmt.Errorf("impor pertama memerlukan token bootstrap yang dicetak platform saat mulai (%s atau .data/%s), "+
			"dan setelah ada admin impor memerlukan pengelola kinerja (HR); "+
			"jalankan ulang dengan %s=<NIP pegawai HR> atau tulis NIP itu ke %s: %w", EnvBootstrap, BootstrapTokenFile, EnvHRNIP, d.opts.StateFile, err)
	}
	if err != nil {
		return fmt.Errorf("impor awal pengelola kinerja: %w", err)
	}
	d.hr = d.nips[idxHR]
	d.printf("    Organisasi masih kosong: impor awal (dengan token bootstrap) membuat pengelola kinerja dan admin %s, NIP %s.\n",
		people[idxHR].name, d.hr)
	if err := os.MkdirAll(filepath.Dir(d.opts.StateFile), 0o755); err == nil {
		err = os.WriteFile(d.opts.StateFile, []byte(d.hr+"\n"), 0o644)
	}
	if err != nil {
		d.printf("    Peringatan: NIP HR tidak dapat disimpan (%v); demo berikutnya perlu %s=%s\n", err, EnvHRNIP, d.hr)
	} else {
		d.printf("    NIP HR disimpan di %s; demo berikutnya memakainya (atau setel %s).\n", d.opts.StateFile, EnvHRNIP)
	}
	return nil
}

// --- 2. Cycle ----------------------------------------------------------------------------------

func (d *demoRun) createCycle(ctx context.Context) error {
	now := d.opts.Now().Truncate(time.Second)
	// The plan deadline leaves room for the SKP round; later dates are far away and HR brings
	// the start of each phase forward when the previous one is done.
	offsets := []time.Duration{2 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour, 5 * time.Hour, 6 * time.Hour}
	deadlines := map[string]time.Time{}
	for i, n := range workflows.DeadlineNames {
		deadlines[string(n)] = now.Add(offsets[i])
	}
	year := now.Year()
	body := map[string]any{
		"year": year, "name": fmt.Sprintf("Penilaian Kinerja %d (demo %s)", year, now.Format("02-01 15:04:05")),
		"deadlines": deadlines, "appeal_window": d.opts.AppealWindow.String(), "decision_sla": "60s", "reminder_lead": "2s",
	}
	var cy struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if err := d.c.do(ctx, http.MethodPost, "/api/cycles", d.hr, body, &cy); err != nil {
		return fmt.Errorf("membuat siklus: %w", err)
	}
	d.cycle, d.res.CycleID, d.res.HRNIP = cy.ID, cy.ID, d.hr
	d.printf("    Siklus #%d %q dibuat; batas waktu dipadatkan:\n", cy.ID, cy.Name)
	for _, n := range workflows.DeadlineNames {
		d.printf("      %-17s %s\n", n, deadlines[string(n)].Format("15:04:05"))
	}
	d.printf("    Masa keberatan %s, SLA keputusan keberatan 60s, pengingat 2s sebelum batas waktu.\n", d.opts.AppealWindow)

	nips := make([]string, 0, staffCount)
	for k := 0; k < staffCount; k++ {
		nips = append(nips, d.nips[firstStaff+k])
	}
	path := fmt.Sprintf("/api/cycles/%d/enrol", d.cycle)
	enrol, err := d.runBatch(ctx, http.MethodPost, path, map[string]any{"nips": nips})
	if err != nil {
		return fmt.Errorf("mendaftarkan pegawai: %w", err)
	}
	d.printf("    %d staf didaftarkan (batch %d); satu workflow per pegawai berjalan.\n", enrol.Done, enrol.ID)
	return nil
}

// --- 3. Planning -------------------------------------------------------------------------------

func (d *demoRun) planning(ctx context.Context) error {
	return d.eachStaff(ctx, func(ctx context.Context, i int, log logFunc) error {
		p := people[i]
		pen := d.nips[p.boss]
		if _, err := d.waitPhase(ctx, i, workflows.PhasePlanning); err != nil {
			return err
		}
		if _, err := d.act(ctx, i, workflows.UpdateSubmitPlan, d.nips[i], map[string]any{"plan": planFor(p, 1)}); err != nil {
			return err
		}
		log("SKP diajukan")
		if p.returnPlan {
			notes := "Target IKI utama belum terukur; tuliskan jumlah dan satuannya."
			if _, err := d.act(ctx, i, workflows.UpdateReturnPlan, pen, map[string]any{"notes": notes}); err != nil {
				return err
			}
			log("dikembalikan penilai (%q)", notes)
			st, err := d.act(ctx, i, workflows.UpdateSubmitPlan, d.nips[i], map[string]any{"plan": planFor(p, 2)})
			if err != nil {
				return err
			}
			log("diajukan ulang (versi %d)", st.PlanVersion)
		}
		st, err := d.act(ctx, i, workflows.UpdateApprovePlan, pen, nil)
		if err != nil {
			return err
		}
		log("ditetapkan %s (fase %s)", people[p.boss].name, st.Phase)
		return nil
	})
}

// --- 4. Monitoring -----------------------------------------------------------------------------

func (d *demoRun) monitoring(ctx context.Context) error {
	if err := d.bringForward(ctx, workflows.DeadlinePlan, workflows.DeadlineMonitoringStart); err != nil {
		return err
	}
	return d.eachStaff(ctx, func(ctx context.Context, i int, log logFunc) error {
		p := people[i]
		if _, err := d.waitPhase(ctx, i, workflows.PhaseMonitoring); err != nil {
			return err
		}
		if _, err := d.act(ctx, i, workflows.UpdateReportRealisasi, d.nips[i], map[string]any{
			"period": workflows.PeriodMidyear, "items": d.realisasi(i, workflows.PeriodMidyear, p.work.midyear)}); err != nil {
			return err
		}
		log("realisasi tengah tahun dilaporkan dengan bukti dukung")
		if _, err := d.act(ctx, i, workflows.UpdateGiveFeedback, d.nips[p.boss], map[string]any{"feedback": p.work.midyearFeedback}); err != nil {
			return err
		}
		log("umpan balik: %q", p.work.midyearFeedback)
		return nil
	})
}

// bringForward moves the given deadlines, in order, to now: HR compresses the year.
func (d *demoRun) bringForward(ctx context.Context, names ...workflows.DeadlineName) error {
	// Whole milliseconds: the database keeps microseconds, and the order check compares with it.
	at := d.opts.Now().Truncate(time.Millisecond)
	for _, n := range names {
		path := fmt.Sprintf("/api/cycles/%d/deadlines/%s", d.cycle, n)
		res, err := d.runBatch(ctx, http.MethodPut, path, map[string]any{"at": at})
		if err != nil {
			return fmt.Errorf("HR memajukan %s: %w", n, err)
		}
		d.printf("    HR memajukan %s ke %s (%d workflow diberi tahu)\n", n, at.Format("15:04:05"), res.Done)
	}
	return nil
}

func (d *demoRun) realisasi(i int, period string, texts [2]string) []skp.Realisasi {
	rows := make([]skp.Realisasi, len(texts))
	for seq, t := range texts {
		rows[seq] = skp.Realisasi{Seq: seq, Realisasi: t, EvidenceURL: evidence(d.nips[i], period, seq)}
	}
	return rows
}

// --- 5. Evaluation to payment ------------------------------------------------------------------

func (d *demoRun) evaluation(ctx context.Context) error {
	if err := d.bringForward(ctx, workflows.DeadlineMonitoring, workflows.DeadlineEvaluationStart); err != nil {
		return err
	}
	d.printf("    Yang tidak mengajukan keberatan menunggu masa keberatan (%s) berakhir.\n", d.opts.AppealWindow)
	return d.eachStaff(ctx, d.evaluateOne)
}

func (d *demoRun) evaluateOne(ctx context.Context, i int, log logFunc) error {
	p := people[i]
	me, pen, head := d.nips[i], d.nips[p.boss], d.nips[idxHead]
	y := &staffYear{}
	if _, err := d.waitPhase(ctx, i, workflows.PhaseEvaluation); err != nil {
		return err
	}
	if _, err := d.act(ctx, i, workflows.UpdateReportRealisasi, me, map[string]any{
		"period": workflows.PeriodAnnual, "items": d.realisasi(i, workflows.PeriodAnnual, p.work.annual)}); err != nil {
		return err
	}
	st, err := d.act(ctx, i, workflows.UpdateRate, pen, map[string]any{"rating_hasil": p.hasil, "rating_perilaku": p.perilaku})
	if err != nil {
		return err
	}
	y.predikat = st.Predikat
	log("dinilai %s (hasil kerja %s, perilaku %s)", st.Predikat.Label(), p.hasil.Label(), p.perilaku.Label())

	place := "Ruang Rapat " + strings.TrimPrefix(units[unitIndex(p.unit)].Name, "Bidang ")
	if _, err := d.act(ctx, i, workflows.UpdateScheduleDialog, pen, map[string]any{"at": d.opts.Now().Add(time.Minute), "place": place}); err != nil {
		return err
	}
	if _, err := d.act(ctx, i, workflows.UpdateRecordDialog, pen, map[string]any{"notes": p.work.dialogNotes}); err != nil {
		return err
	}
	if _, err := d.act(ctx, i, workflows.UpdateAcknowledge, me, nil); err != nil {
		return err
	}
	log("dialog kinerja dicatat dan hasil dikonfirmasi")

	if _, err := d.waitPhase(ctx, i, workflows.PhaseAppeal); err != nil {
		return err
	}
	if p.appeal != "" {
		if _, err := d.act(ctx, i, workflows.UpdateFileAppeal, me, map[string]any{"reasons": p.work.appealReasons}); err != nil {
			return err
		}
		body := map[string]any{"decision": p.appeal, "notes": p.work.appealDecisionNote}
		if p.appeal == workflows.AppealChange {
			body["rating_hasil"], body["rating_perilaku"] = p.appealHasil, p.appealPerilaku
		}
		if _, err := d.act(ctx, i, workflows.UpdateDecideAppeal, head, body); err != nil {
			return err
		}
	}
	v, err := d.waitUntil(ctx, i, "tindak_lanjut (dengan usulan tindak lanjut)", func(v yearView) bool {
		return v.phase() == workflows.PhaseFollowUp && v.Year.FollowUp != nil
	})
	if err != nil {
		return err
	}
	y.final = v.Status.FinalPredikat
	switch {
	case p.appeal == workflows.AppealChange:
		log("keberatan diajukan; %s mengubahnya menjadi %s", people[idxHead].name, y.final.Label())
	case p.appeal == workflows.AppealUphold:
		log("keberatan diajukan; %s menguatkan %s", people[idxHead].name, y.final.Label())
	default:
		log("tanpa keberatan, hasil final %s", y.final.Label())
	}

	y.recommended = appraisal.FollowUp(v.Year.FollowUp.Recommended)
	y.followUp = y.recommended
	notes := "Sesuai usulan sistem."
	if p.followUp != "" && p.followUp != y.recommended {
		y.followUp = p.followUp
		notes = fmt.Sprintf("Diubah dari usulan %q: hasil awal %s, pendampingan tetap diperlukan.", y.recommended.Label(), y.predikat.Label())
	}
	if _, err := d.act(ctx, i, workflows.UpdateConfirmFollowUp, d.hr, map[string]any{"decision": y.followUp, "notes": notes}); err != nil {
		return err
	}
	if y.followUp == y.recommended {
		log("HR menetapkan tindak lanjut %s", y.followUp.Label())
	} else {
		log("HR menetapkan tindak lanjut %s (usulan: %s)", y.followUp.Label(), y.recommended.Label())
	}

	if _, err = d.waitUntil(ctx, i, "selesai", func(v yearView) bool {
		return v.phase() == workflows.PhaseDone
	}); err != nil {
		return err
	}
	log("hasil akhir %s diteruskan ke penggajian TPP bulanan", y.final.Label())
	return nil
}

func unitIndex(id string) int {
	for i, u := range units {
		if u.ID == id {
			return i
		}
	}
	return 0
}

// --- 6. Report ---------------------------------------------------------------------------------

// report reads every year back from the API (what the platform recorded, not what the demo
// remembers), prints the table and the outbox count, and fills the Result.
func (d *demoRun) report(ctx context.Context) error {
	d.printf("[6] Hasil siklus #%d (dibaca ulang dari GET /api/cycles/%d/employees/:nip)\n\n", d.cycle, d.cycle)
	tw := tabwriter.NewWriter(d.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "    No\tNIP\tNama\tStatus\tTPP dasar/bulan\tPredikat awal\tPredikat akhir\tTindak lanjut")
	counts := map[appraisal.Predikat]int{}
	for k := 0; k < staffCount; k++ {
		i := firstStaff + k
		v, err := d.year(ctx, i)
		if err != nil {
			return err
		}
		p := people[i]
		pos := positionByID(p.position)
		r := EmployeeResult{NIP: d.nips[i], Name: p.name, Status: p.status, Position: pos.Name, TPPBasic: pos.TPPBasic}
		y := v.Year
		if y.Annual != nil {
			r.Predikat = y.Annual.Predikat
		}
		r.FinalPredikat = r.Predikat
		appeal := ""
		if y.Appeal != nil && y.Appeal.Decision != "" {
			r.Appeal, r.FinalPredikat = y.Appeal.Decision, y.Appeal.FinalPredikat
			appeal = " (keberatan dikuatkan)"
			if r.Appeal == workflows.AppealChange {
				appeal = " (keberatan diterima)"
			}
		}
		if y.FollowUp != nil {
			r.Recommended, r.FollowUp = y.FollowUp.Recommended, y.FollowUp.Decided
		}
		if len(y.Postings) != 0 {
			return fmt.Errorf("%s (NIP %s): %d posting TPP lama tercatat; sejak migrasi 0027 hasil tahunan dibayar lewat penggajian bulanan", p.name, r.NIP, len(y.Postings))
		}
		followUp := appraisal.FollowUp(r.FollowUp).Label()
		if r.FollowUp != r.Recommended {
			followUp += " (usulan: " + appraisal.FollowUp(r.Recommended).Label() + ")"
		}
		fmt.Fprintf(tw, "    %d\t%s\t%s\t%s\t%14s\t%s\t%s\t%s\n", k+1, r.NIP, r.Name, r.Status, pay.Rupiah(r.TPPBasic),
			appraisal.Predikat(r.Predikat).Label(), appraisal.Predikat(r.FinalPredikat).Label()+appeal, followUp)
		counts[appraisal.Predikat(r.FinalPredikat)]++
		d.res.Employees = append(d.res.Employees, r)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var spread []string
	for _, p := range []appraisal.Predikat{appraisal.SangatBaik, appraisal.Baik, appraisal.ButuhPerbaikan, appraisal.Kurang, appraisal.SangatKurang} {
		spread = append(spread, fmt.Sprintf("%s %d", p.Label(), counts[p]))
	}
	d.printf("\n    Sebaran predikat akhir: %s\n", strings.Join(spread, ", "))
	d.printf("    Hasil akhir diteruskan ke penggajian TPP bulanan: setiap bulan dibayar dari predikat periode dan kehadiran,\n" +
		"    dan aturan tahunan kebijakan TPP daerah menambahkan penghargaan atau potongan pada tahun berikutnya.\n")

	var outbox struct {
		Emails []struct {
			Status string
		} `json:"emails"`
	}
	if err := d.c.do(ctx, http.MethodGet, "/api/dev/outbox", d.hr, nil, &outbox); err != nil {
		return fmt.Errorf("membaca outbox email: %w", err)
	}
	d.res.Emails = len(outbox.Emails)
	byStatus := map[string]int{}
	for _, e := range outbox.Emails {
		byStatus[e.Status]++
	}
	var parts []string
	for s, n := range byStatus {
		switch s {
		case "pending":
			s = "belum terkirim (tanpa SENDGRID_API_KEY email tetap di outbox)"
		case "sent":
			s = "terkirim"
		}
		parts = append(parts, fmt.Sprintf("%d %s", n, s))
	}
	sort.Strings(parts)
	more := ""
	if d.res.Emails >= 500 {
		more = " (outbox menampilkan paling banyak 500)"
	}
	d.printf("    Email di outbox (GET /api/dev/outbox): %d%s — %s\n", d.res.Emails, more, strings.Join(parts, ", "))
	d.printf("    Selesai dalam %s. Buka GET /api/cycles/%d/employees/<NIP>/audit untuk jejak audit tiap pegawai.\n",
		d.opts.Now().Sub(d.started).Round(time.Second), d.cycle)
	return nil
}

// --- API helpers -------------------------------------------------------------------------------

// yearView is GET /api/cycles/:id/employees/:nip: the recorded year and the workflow's live status.
type yearView struct {
	Year struct {
		Enrolment struct {
			Phase string `json:"phase"`
		} `json:"enrolment"`
		Annual *struct {
			Predikat string `json:"predikat"`
		} `json:"annual"`
		Appeal *struct {
			Decision         string `json:"decision"`
			OriginalPredikat string `json:"original_predikat"`
			FinalPredikat    string `json:"final_predikat"`
		} `json:"appeal"`
		FollowUp *struct {
			Predikat    string `json:"predikat"`
			Recommended string `json:"recommended"`
			Decided     string `json:"decided"`
		} `json:"follow_up"`
		Postings []struct {
			Kind   string `json:"kind"`
			Period string `json:"period"`
			Amount int64  `json:"amount"`
		} `json:"postings"`
	} `json:"year"`
	Status *workflows.Status `json:"status"`
}

// phase is the workflow's live phase, or empty when the workflow did not answer the query.
func (v yearView) phase() workflows.Phase {
	if v.Status == nil {
		return ""
	}
	return v.Status.Phase
}

func (d *demoRun) year(ctx context.Context, i int) (yearView, error) {
	var v yearView
	err := d.call(ctx, http.MethodGet, fmt.Sprintf("/api/cycles/%d/employees/%s", d.cycle, d.nips[i]), d.hr, nil, &v)
	return v, err
}

func (d *demoRun) waitPhase(ctx context.Context, i int, phase workflows.Phase) (yearView, error) {
	return d.waitUntil(ctx, i, string(phase), func(v yearView) bool { return v.phase() == phase })
}

// waitUntil polls the employee's year until cond holds, failing after WaitTimeout with the phase it stayed in.
func (d *demoRun) waitUntil(ctx context.Context, i int, what string, cond func(yearView) bool) (yearView, error) {
	end := time.Now().Add(d.opts.WaitTimeout)
	for {
		v, err := d.year(ctx, i)
		if err != nil {
			return v, fmt.Errorf("%s (NIP %s): %w", people[i].name, d.nips[i], err)
		}
		if cond(v) {
			return v, nil
		}
		if time.Now().After(end) {
			last := string(v.phase())
			if last == "" {
				last = v.Year.Enrolment.Phase + " (menurut basis data; workflow tidak menjawab)"
			}
			return v, fmt.Errorf("%s (NIP %s) belum mencapai fase %s setelah %s; fase terakhir: %s",
				people[i].name, d.nips[i], what, d.opts.WaitTimeout, last)
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(d.opts.PollInterval):
		}
	}
}

// act takes one step of employee i's year as the given actor and returns the workflow's new status.
func (d *demoRun) act(ctx context.Context, i int, action, actor string, body any) (workflows.Status, error) {
	var res struct {
		Status workflows.Status `json:"status"`
	}
	path := fmt.Sprintf("/api/cycles/%d/employees/%s/%s", d.cycle, d.nips[i], action)
	if err := d.call(ctx, http.MethodPost, path, actor, body, &res); err != nil {
		return res.Status, fmt.Errorf("%s: %s: %w", people[i].name, action, err)
	}
	return res.Status, nil
}

// call is client.do with at most Concurrency calls in flight.
func (d *demoRun) call(ctx context.Context, method, path, nip string, body, out any) error {
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-d.sem }()
	return d.c.do(ctx, method, path, nip, body, out)
}

type logFunc func(format string, args ...any)

// eachStaff runs fn for every staff member at once (their requests are bounded by call), then
// prints what each did in roster order. The first failure cancels the others and is returned.
func (d *demoRun) eachStaff(ctx context.Context, fn func(ctx context.Context, i int, log logFunc) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		lines [staffCount][]string
		errs  [staffCount]error
		wg    sync.WaitGroup
	)
	for k := 0; k < staffCount; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log := func(format string, args ...any) { lines[k] = append(lines[k], fmt.Sprintf(format, args...)) }
			if errs[k] = fn(ctx, firstStaff+k, log); errs[k] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	for k := 0; k < staffCount; k++ {
		if len(lines[k]) > 0 {
			d.printf("    - %s: %s\n", people[firstStaff+k].name, strings.Join(lines[k], "; "))
		}
	}
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}
