package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/skp"
	dates "github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// Evidence around a rating (issue 7): the daily activity log (laporan kegiatan harian) and 360
// feedback on the BerAKHLAK values. Who reads follows the year (internal/access.CanSee); only
// the employee writes their log, only the penilai (or their Plt/Plh) chooses who gives feedback,
// and only those chosen answer. None of it rates: the penilai reads it when rating.

// maxFeedbackRaters bounds how many people the penilai may ask about one year.
const maxFeedbackRaters = 10

func (s *Server) evidenceLogRoutes(a gin.IRoutes) {
	a.GET("/cycles/:cycle/employees/:nip/activities", s.listActivities)
	a.POST("/cycles/:cycle/employees/:nip/activities", s.addActivity)
	a.DELETE("/cycles/:cycle/employees/:nip/activities/:id", s.deleteActivity)
	a.GET("/cycles/:cycle/employees/:nip/activities/summary", s.activitySummary)
	a.POST("/cycles/:cycle/employees/:nip/feedback-360/raters", s.chooseRaters)
	a.POST("/cycles/:cycle/employees/:nip/feedback-360/answer", s.answerFeedback)
	a.GET("/cycles/:cycle/employees/:nip/feedback-360", s.feedbackSummary)
}

func invalidField(field, msg string) *apiError {
	ae := errInvalid(field + ": " + msg)
	ae.Field = field
	return ae
}

var monthPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// monthQuery reads ?month=YYYY-MM ("" when absent).
func monthQuery(c *gin.Context) (string, error) {
	m := c.Query("month")
	if m != "" && !monthPattern.MatchString(m) {
		return "", errBadRequest("month: gunakan bentuk TTTT-BB, misalnya 2027-03")
	}
	return m, nil
}

// activityMonth is the route's year, if the caller sees it, and the ?month= its activity reads
// are narrowed to; a refusal is answered already.
func (s *Server) activityMonth(c *gin.Context) (year, string, bool) {
	v, ok := s.visibleEnrolment(c)
	if !ok {
		return v, "", false
	}
	month, err := monthQuery(c)
	if err != nil {
		fail(c, err)
		return v, "", false
	}
	return v, month, true
}

func (s *Server) listActivities(c *gin.Context) {
	v, month, ok := s.activityMonth(c)
	if !ok {
		return
	}
	list, err := s.Store.Activities(c.Request.Context(), v.en.CycleID, v.en.NIP, month)
	if err != nil {
		fail(c, err)
		return
	}
	res := gin.H{"activities": list}
	if month != "" {
		res["month"] = month
	}
	c.JSON(http.StatusOK, res)
}

func (s *Server) activitySummary(c *gin.Context) {
	v, month, ok := s.activityMonth(c)
	if !ok {
		return
	}
	roll, err := s.Store.RollUpActivities(c.Request.Context(), v.en.CycleID, v.en.NIP, month)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"month": month, "per_rhk": roll})
}

// AddActivity records one entry of the route's year, read by read once the caller may write it:
// only the employee, while the year runs, against a row of the approved SKP (checkActivity).
func (s *Server) AddActivity(c *gin.Context, read func(*store.ActivityInput) error) (store.Activity, error) {
	var a store.Activity
	v, err := s.findYear(c)
	if err == nil {
		if _, d := access.Act(v.who, v.target, access.Pegawai); d != access.Allow {
			err = errForbidden("laporan kegiatan harian hanya dapat diisi oleh pegawai yang bersangkutan")
		}
	}
	if err == nil {
		err = yearRunning(v.en)
	}
	var in store.ActivityInput
	if err == nil {
		err = read(&in)
	}
	var rhk map[int]string
	ctx := c.Request.Context()
	if err == nil {
		rhk, err = s.Store.ApprovedRHK(ctx, v.en.CycleID, v.en.NIP)
	}
	if err == nil && len(rhk) == 0 {
		err = errNoApprovedSKP
	}
	if err == nil {
		var cy store.Cycle
		if cy, err = s.Store.Cycle(ctx, v.en.CycleID); err == nil {
			a, err = checkActivity(in, cy.Year, wibToday(s), rhk)
		}
	}
	if err != nil {
		return a, err
	}
	a.CreatedAt = s.now()
	a.CreatedBy = v.who.NIP
	a.ID, err = s.Store.AddActivity(ctx, v.en.CycleID, v.en.NIP, a)
	return a, err
}

// yearRunning refuses writes to a year that has ended.
func yearRunning(en store.Enrolment) error {
	if en.Phase == string(workflows.PhaseDone) || en.Phase == string(workflows.PhaseClosed) {
		return &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: "tahun kinerja ini sudah selesai atau ditutup"}
	}
	return nil
}

var errNoApprovedSKP = &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase,
	Message: "SKP tahun ini belum disetujui: kegiatan harian dicatat terhadap rencana hasil kerja SKP yang sudah disetujui"}

func (s *Server) addActivity(c *gin.Context) {
	a, err := s.AddActivity(c, func(in *store.ActivityInput) error { return bind(c, in) })
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"activity": a})
}

// ActivityLog is the route's year's log of one month ("" for the whole year) with its roll-up per
// RHK row, to whoever sees the year; May says whether the caller may add and remove entries.
func (s *Server) ActivityLog(c *gin.Context, month string) (store.ActivityLog, error) {
	log := store.ActivityLog{Month: month}
	v, err := s.findYear(c)
	if err != nil {
		return log, err
	}
	if month != "" && !monthPattern.MatchString(month) {
		return log, invalidField("bulan", "gunakan bentuk TTTT-BB, misalnya 2027-03")
	}
	_, d := access.Act(v.who, v.target, access.Pegawai)
	log.May = d == access.Allow && yearRunning(v.en) == nil
	ctx := c.Request.Context()
	if log.RHK, err = s.Store.ApprovedRHK(ctx, v.en.CycleID, v.en.NIP); err != nil {
		return log, err
	}
	if log.Entries, err = s.Store.Activities(ctx, v.en.CycleID, v.en.NIP, month); err != nil {
		return log, err
	}
	log.PerRHK, err = s.Store.RollUpActivities(ctx, v.en.CycleID, v.en.NIP, month)
	return log, err
}

func wibToday(s *Server) string { return s.now().In(dates.Location).Format("2006-01-02") }

// checkActivity checks one entry field by field, naming the first at fault.
func checkActivity(in store.ActivityInput, cycleYear int, today string, rhk map[int]string) (store.Activity, error) {
	a := store.Activity{Description: strings.TrimSpace(in.Description), Output: strings.TrimSpace(in.Output),
		EvidenceURL: strings.TrimSpace(in.EvidenceURL)}
	day, err := parseDay(in.Date)
	switch {
	case in.Date == "":
		return a, invalidField("date", "wajib diisi (TTTT-BB-HH)")
	case err != nil:
		return a, invalidField("date", "bukan tanggal yang sah; gunakan bentuk TTTT-BB-HH, misalnya 2027-03-15")
	case day.Year() != cycleYear:
		return a, invalidField("date", fmt.Sprintf("harus di dalam tahun siklus %d", cycleYear))
	case in.Date > today:
		return a, invalidField("date", "tidak boleh melewati hari ini ("+today+" WIB)")
	}
	a.Day = in.Date
	if in.RHKSeq == nil {
		return a, invalidField("rhk_seq", "wajib diisi: nomor baris rencana hasil kerja (RHK) pada SKP yang disetujui")
	}
	if _, ok := rhk[*in.RHKSeq]; !ok {
		return a, invalidField("rhk_seq", fmt.Sprintf("tidak ada baris RHK nomor %d pada SKP yang disetujui (0 sampai %d)", *in.RHKSeq, len(rhk)-1))
	}
	a.RHKSeq = *in.RHKSeq
	if msg := textLimit(a.Description, 2000); msg != "" {
		return a, invalidField("description", msg)
	}
	if in.Quantity == nil {
		return a, invalidField("quantity", "wajib diisi: jumlah keluaran kegiatan")
	}
	if *in.Quantity < 1 || *in.Quantity > 1_000_000 {
		return a, invalidField("quantity", "harus bilangan bulat 1 sampai 1.000.000")
	}
	a.Quantity = *in.Quantity
	if msg := textLimit(a.Output, 100); msg != "" {
		return a, invalidField("output", msg+" (satuan keluaran, misalnya dokumen)")
	}
	if a.EvidenceURL != "" {
		u, err := url.Parse(a.EvidenceURL)
		switch {
		case utf8.RuneCountInString(a.EvidenceURL) > 2000:
			return a, invalidField("evidence_url", "paling banyak 2000 karakter")
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			return a, invalidField("evidence_url", "harus tautan http:// atau https:// yang lengkap")
		}
	}
	return a, nil
}

func textLimit(s string, max int) string {
	switch {
	case s == "":
		return "wajib diisi"
	case utf8.RuneCountInString(s) > max:
		return fmt.Sprintf("paling banyak %d karakter", max)
	}
	return ""
}

// DeleteActivity removes one entry (id as in the route) of the route's year: the employee's own
// correction while the year runs.
func (s *Server) DeleteActivity(c *gin.Context, idText string) (int64, error) {
	v, err := s.findYear(c)
	if err == nil {
		if _, d := access.Act(v.who, v.target, access.Pegawai); d != access.Allow {
			err = errForbidden("laporan kegiatan harian hanya dapat diubah oleh pegawai yang bersangkutan")
		}
	}
	if err == nil {
		err = yearRunning(v.en)
	}
	var id int64
	if err == nil {
		if id, err = strconv.ParseInt(idText, 10, 64); err != nil || id <= 0 {
			err = errNotFound("kegiatan " + idText + " tidak ditemukan")
		}
	}
	if err == nil {
		err = s.Store.DeleteActivity(c.Request.Context(), v.en.CycleID, v.en.NIP, id)
	}
	return id, err
}

func (s *Server) deleteActivity(c *gin.Context) {
	id, err := s.DeleteActivity(c, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deleted": id})
}

type ratersInput struct {
	NIPs []string `json:"nips"`
}

// ChooseRaters lets the penilai (or their Plt/Plh) ask peers or subordinates, read by read, for
// 360 feedback on the route's year; it answers who was newly asked.
func (s *Server) ChooseRaters(c *gin.Context, read func(nips *[]string) error) ([]string, error) {
	v, err := s.findYear(c)
	var acting access.Acting
	if err == nil {
		var d access.Decision
		if acting, d = access.Act(v.who, v.target, access.Penilai); d != access.Allow {
			err = errForbidden("hanya pejabat penilai kinerja (atau Plt/Plh-nya) yang memilih pemberi umpan balik 360")
		}
	}
	if err == nil {
		err = yearRunning(v.en)
	}
	var nips []string
	if err == nil {
		err = read(&nips)
	}
	ctx := c.Request.Context()
	if err == nil {
		err = s.checkRaters(c, v.en, nips)
	}
	added := []string{}
	if err == nil {
		var cy store.Cycle
		if cy, err = s.Store.Cycle(ctx, v.en.CycleID); err == nil {
			title := "Beri umpan balik nilai BerAKHLAK untuk " + v.en.Name
			var asked []string
			asked, err = s.Store.RequestFeedback(ctx, v.en.CycleID, v.en.NIP, nips, acting.NIP, s.now(), title,
				func(ctx context.Context, tx pgx.Tx, rater string) error {
					return s.feedbackNotice(ctx, tx, v.en, cy.Name, rater, title)
				})
			added = append(added, asked...)
		}
	}
	return added, err
}

func (s *Server) chooseRaters(c *gin.Context) {
	added, err := s.ChooseRaters(c, func(nips *[]string) error {
		var in ratersInput
		err := bind(c, &in)
		*nips = in.NIPs
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"asked": added})
}

// feedbackNotice queues the email telling a rater they were asked, in the request's transaction.
func (s *Server) feedbackNotice(ctx context.Context, tx pgx.Tx, en store.Enrolment, cycleName, rater, title string) error {
	var name, addr string
	if err := tx.QueryRow(ctx, `SELECT name, email FROM employees WHERE nip = $1`, rater).Scan(&name, &addr); err != nil {
		return err
	}
	if addr == "" {
		return nil
	}
	subject, text, html, err := email.Render(email.Notice{Kind: email.NoticeTask, RecipientName: name, Title: title,
		SubjectName: en.Name, SubjectNIP: en.NIP, CycleName: cycleName, Link: s.PublicURL,
		Detail: "Umpan balik Anda tidak disebutkan namanya kepada pegawai yang bersangkutan."})
	if err != nil {
		return err
	}
	_, err = email.Enqueue(ctx, tx, email.Message{DedupeKey: fmt.Sprintf("feedback-360/%d/%s/%s", en.CycleID, en.NIP, rater),
		ToEmail: addr, ToName: name, Subject: subject, Text: text, HTML: html,
		CustomArgs: map[string]string{"cycle_id": fmt.Sprint(en.CycleID), "kind": string(email.NoticeTask)}})
	return err
}

// checkRaters checks the chosen NIPs against the org data and the bound.
func (s *Server) checkRaters(c *gin.Context, en store.Enrolment, nips []string) error {
	asked, err := s.Store.FeedbackRequests(c.Request.Context(), en.CycleID, en.NIP)
	if err != nil {
		return err
	}
	switch {
	case len(nips) == 0:
		return invalidField("nips", "pilih paling sedikit satu rekan kerja atau bawahan")
	case len(nips)+len(asked) > maxFeedbackRaters:
		return invalidField("nips", fmt.Sprintf("paling banyak %d orang per pegawai (sudah diminta: %d)", maxFeedbackRaters, len(asked)))
	}
	for i, n := range nips {
		field := fmt.Sprintf("nips[%d]", i)
		switch {
		case n == en.NIP:
			return invalidField(field, "pegawai yang dinilai tidak dapat memberi umpan balik untuk dirinya sendiri")
		case slices.Contains(nips[:i], n):
			return invalidField(field, "NIP "+n+" disebut dua kali")
		}
		if _, err := s.Store.Employee(c.Request.Context(), n); errors.Is(err, store.ErrNotFound) {
			return invalidField(field, "NIP "+n+" tidak ada dalam data pegawai")
		} else if err != nil {
			return err
		}
	}
	return nil
}

type feedbackInput struct {
	Answers []store.FeedbackRating `json:"answers"`
}

// AnswerFeedback records the caller's answers, read by read, on the route's employee they were
// asked about. Anyone else gets the 404 of a missing year: being asked is what makes the year
// visible here.
func (s *Server) AnswerFeedback(c *gin.Context, read func(*[]store.FeedbackRating) error) error {
	id, err := cycleParam(c)
	if err != nil {
		return err
	}
	ctx := c.Request.Context()
	asked, answered, err := s.Store.FeedbackAsked(ctx, id, c.Param("nip"), caller(c).NIP)
	switch {
	case err != nil:
		return err
	case !asked:
		return errNotFound("pegawai " + c.Param("nip") + " tidak ditemukan di siklus ini")
	case answered:
		return errFeedbackAnswered
	}
	var answers []store.FeedbackRating
	if err = read(&answers); err == nil {
		err = checkFeedback(answers)
	}
	if err == nil {
		err = s.Store.AnswerFeedback(ctx, id, c.Param("nip"), caller(c).NIP, answers, s.now())
	}
	if errors.Is(err, store.ErrFeedbackAnswered) { // answered meanwhile
		err = errFeedbackAnswered
	}
	return err
}

var errFeedbackAnswered = &apiError{Status: http.StatusConflict, Code: workflows.ErrDuplicate, Message: store.ErrFeedbackAnswered.Error()}

func (s *Server) answerFeedback(c *gin.Context) {
	var n int
	err := s.AnswerFeedback(c, func(answers *[]store.FeedbackRating) error {
		var in feedbackInput
		err := bind(c, &in)
		*answers, n = in.Answers, len(in.Answers)
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"answered": n})
}

// checkFeedback wants each of the seven values once, rated on the perilaku scale.
func checkFeedback(answers []store.FeedbackRating) error {
	if len(answers) != len(skp.BerAKHLAK) {
		return invalidField("answers", fmt.Sprintf("isi ketujuh nilai BerAKHLAK tepat sekali (%s)", strings.Join(skp.BerAKHLAK, ", ")))
	}
	for i, a := range answers {
		f := fmt.Sprintf("answers[%d]", i)
		if !slices.Contains(skp.BerAKHLAK, a.Value) {
			return invalidField(f+".value", "bukan nilai BerAKHLAK: "+strings.Join(skp.BerAKHLAK, ", "))
		}
		if slices.ContainsFunc(answers[:i], func(b store.FeedbackRating) bool { return b.Value == a.Value }) {
			return invalidField(f+".value", "nilai "+a.Value+" disebut dua kali")
		}
		if _, err := appraisal.ParseRating(a.Rating); err != nil {
			return invalidField(f+".rating", "harus dibawah, sesuai atau diatas (ekspektasi)")
		}
		if utf8.RuneCountInString(a.Comment) > 1000 {
			return invalidField(f+".comment", "paling banyak 1000 karakter")
		}
	}
	return nil
}

// Feedback360 is the route's year's 360 feedback as the caller may see it: the summary (naming
// nobody) to whoever sees the year, who was asked to anyone but the employee, and whether the
// caller may ask more people or answer. A person asked who does not otherwise see the year sees
// only that they were asked; anyone else gets the 404 of a missing year.
func (s *Server) Feedback360(c *gin.Context) (store.Feedback360, error) {
	var out store.Feedback360
	ctx := c.Request.Context()
	id, err := cycleParam(c)
	if err != nil {
		return out, err
	}
	asked, answered, err := s.Store.FeedbackAsked(ctx, id, c.Param("nip"), caller(c).NIP)
	if err != nil {
		return out, err
	}
	out.MayAnswer, out.Answered = asked && !answered, answered
	v, err := s.findYear(c)
	if err != nil {
		if !asked {
			return out, err
		}
		en, err := s.Store.Enrolment(ctx, id, c.Param("nip"))
		out.Name = en.Name
		return out, err
	}
	out.Name, out.Sees = v.en.Name, true
	if _, d := access.Act(v.who, v.target, access.Penilai); d == access.Allow && yearRunning(v.en) == nil {
		out.MayChoose = true
	}
	if out.Summary, err = s.Store.SummariseFeedback(ctx, v.en.CycleID, v.en.NIP, skp.BerAKHLAK); err != nil {
		return out, err
	}
	if seesRaters(v.who, v.target) {
		out.Requests, err = s.Store.FeedbackRequests(ctx, v.en.CycleID, v.en.NIP)
	}
	return out, err
}

// feedbackSummary shows the 360 answers aggregated per value. The penilai, atasan and HR also
// see who was asked and who answered; the employee sees the aggregate only.
func (s *Server) feedbackSummary(c *gin.Context) {
	v, ok := s.visibleEnrolment(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	sum, err := s.Store.SummariseFeedback(ctx, v.en.CycleID, v.en.NIP, skp.BerAKHLAK)
	if err != nil {
		fail(c, err)
		return
	}
	res := gin.H{"summary": sum}
	if seesRaters(v.who, v.target) {
		reqs, err := s.Store.FeedbackRequests(ctx, v.en.CycleID, v.en.NIP)
		if err != nil {
			fail(c, err)
			return
		}
		res["requests"] = reqs
	}
	c.JSON(http.StatusOK, res)
}

// seesRaters: anyone who sees the year in a role other than the employee's own.
func seesRaters(who access.Caller, t access.Target) bool {
	for _, r := range access.Relations(who, t) {
		if r.Role != access.Pegawai {
			return true
		}
	}
	return false
}

// Evidence is the route's year's evidence, for the rating page, to whoever sees the year.
func (s *Server) Evidence(c *gin.Context) (store.EvidenceSummary, error) {
	v, err := s.findYear(c)
	if err != nil {
		return store.EvidenceSummary{}, err
	}
	return s.evidenceOf(c, v.en)
}

// evidenceOf is the compact evidence the year view carries; raters are never named in it.
func (s *Server) evidenceOf(c *gin.Context, en store.Enrolment) (store.EvidenceSummary, error) {
	ctx := c.Request.Context()
	var ev store.EvidenceSummary
	var err error
	if ev.PerRHK, err = s.Store.RollUpActivities(ctx, en.CycleID, en.NIP, ""); err != nil {
		return ev, err
	}
	for _, r := range ev.PerRHK {
		ev.Activities += r.Entries
	}
	if ev.Feedback, err = s.Store.SummariseFeedback(ctx, en.CycleID, en.NIP, skp.BerAKHLAK); err != nil {
		return ev, err
	}
	cy, err := s.Store.Cycle(ctx, en.CycleID)
	if err != nil {
		return ev, err
	}
	ev.Survey, err = s.unitSurvey(c, en.UnitID, cy.Year)
	return ev, err
}

// parseDay reads YYYY-MM-DD strictly.
func parseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err == nil && t.Format(time.DateOnly) != s {
		err = errors.New("not canonical")
	}
	return t, err
}
