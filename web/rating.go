package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/distribution"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

// ratings are the choices of a rating, best first.
var ratings = []option{
	{string(appraisal.DiAtas), appraisal.DiAtas.Label()},
	{string(appraisal.Sesuai), appraisal.Sesuai.Label()},
	{string(appraisal.DiBawah), appraisal.DiBawah.Label()},
}

// matrixRow is one row of the predikat matrix: a hasil kerja rating against each perilaku rating.
type matrixRow struct {
	Hasil option
	Cells []matrixCell
}

type matrixCell struct {
	Perilaku string
	Predikat appraisal.Predikat
}

// predikatMatrix is PermenPANRB 6/2022's quadrant as appraisal.PredikatOf computes it (rows hasil
// kerja, columns perilaku), for the pages to show.
func predikatMatrix() []matrixRow {
	var rows []matrixRow
	for _, h := range ratings {
		r := matrixRow{Hasil: h}
		for _, pr := range ratings {
			pk, _ := appraisal.PredikatOf(appraisal.Rating(h.Value), appraisal.Rating(pr.Value))
			r.Cells = append(r.Cells, matrixCell{Perilaku: pr.Value, Predikat: pk})
		}
		rows = append(rows, r)
	}
	return rows
}

// ratingExtra is the rating page's own data.
type ratingExtra struct {
	Open         bool // the penilai may rate now
	Ratings      []option
	Matrix       []matrixRow
	Distribution *store.UnitDistribution
	Rounding     string
	Rows         []reportRow
	// A monthly or quarterly year: the open period, its report rows, whether the penilai may rate
	// it now, the BerAKHLAK values to rate, and the periods rated so far.
	Period     *workflows.PeriodStatus
	PeriodOpen bool
	PeriodRows []reportRow
	Values     []option
	Periods    []store.PeriodEvaluation
	// What the penilai reads beside the report: the activity log, 360 feedback, the unit's survey.
	Evidence store.EvidenceSummary
	// Leader: the unit the employee heads, once its own predikat is set; LeaderRating, the rating
	// hasil kerja that predikat makes theirs.
	Leader       store.LedUnit
	LeaderRating string
}

// reportRow is one plan item with what the annual report says of it.
type reportRow struct {
	No                     int
	RHK, IKI, Target, Unit string
	Realisasi, Evidence    string
	Rating                 string // the penilai's rating of this RHK, if given
}

// reportRows pairs the plan's items with a report's rows.
func reportRows(y store.Year, ev *store.Evaluation) []reportRow {
	if y.Plan == nil {
		return nil
	}
	out := make([]reportRow, len(y.Plan.Items))
	for i, it := range y.Plan.Items {
		out[i] = reportRow{No: i + 1, RHK: it.RHK, IKI: it.IKI, Target: it.Target, Unit: it.Unit}
	}
	if ev != nil {
		for _, r := range ev.Items {
			if r.Seq >= 0 && r.Seq < len(out) {
				out[r.Seq].Realisasi, out[r.Seq].Evidence = r.Realisasi, r.EvidenceURL
			}
		}
		for _, r := range ev.RowRatings {
			if r.Seq >= 0 && r.Seq < len(out) {
				out[r.Seq].Rating = r.Rating
			}
		}
	}
	return out
}

// ratingPage is the penilai's rating: the annual realisasi row by row, the predikat matrix, the
// unit's distribution against the rule, and the rating form while the rating is open.
func (p *pages) ratingPage(c *gin.Context) { p.showRating(c, form.Errors{}, nil) }

func (p *pages) showRating(c *gin.Context, errs form.Errors, typed url.Values) {
	v, ok := p.loadStep(c, workflows.UpdateRate)
	if !ok {
		return
	}
	d, err := p.app.UnitDistribution(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	ev, err := p.app.Evidence(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	led, err := p.app.LedUnit(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	y := v.Year
	rated := y.Annual != nil && y.Annual.RatingHasil != ""
	ex := ratingExtra{Open: v.Can(workflows.UpdateRate) && y.Enrolment.Phase == string(workflows.PhaseEvaluation) && !rated,
		Ratings: ratings, Matrix: predikatMatrix(), Distribution: d, Rounding: distribution.RoundingRule, Rows: reportRows(y, y.Annual),
		Periods: y.Periods, Evidence: ev, Leader: led}
	if led.Org != "" {
		ex.LeaderRating = string(distribution.LeaderRating(led.Org))
	}
	if st := v.Status; st != nil && st.Period != nil {
		ex.Period = st.Period
		ex.PeriodOpen = v.Can(workflows.UpdateRate) && !st.Period.Rated
		ex.PeriodRows = reportRows(y, y.PeriodOf(st.Period.ID))
		for _, val := range skp.BerAKHLAK {
			ex.Values = append(ex.Values, option{val, nilai[val]})
		}
	}
	v.Extra = ex
	v.Errors = errs
	if typed != nil {
		v.Typed = typed
	}
	if v.Typed.Get("rating_hasil") == "" && ex.LeaderRating != "" {
		v.Typed.Set("rating_hasil", ex.LeaderRating) // the rating the unit's predikat sets
	}
	p.showStep(c, "rating.html", "Penilaian kinerja", v)
}

// rate takes the rate step: hasil kerja and perilaku kerja (the workflow derives the predikat),
// and the ratings given to single RHK (items[i].rating, for the form's "rows" items).
func (p *pages) rate(c *gin.Context) {
	if c.PostForm("period") != "" {
		p.ratePeriod(c)
		return
	}
	fields := []string{"rating_hasil", "rating_perilaku"}
	n, _ := strconv.Atoi(c.PostForm("rows"))
	n = max(0, min(n, form.MaxRows))
	for i := range n {
		fields = append(fields, fmt.Sprintf("row_ratings[%d].seq", i), fmt.Sprintf("row_ratings[%d].rating", i))
	}
	var seqs []int
	p.stepForm(c, workflows.UpdateRate, func(in any, _ form.Errors) error {
		f := c.Request.PostForm
		r := in.(*workflows.RateInput)
		r.Hasil = appraisal.Rating(form.Text(f, "rating_hasil"))
		r.Perilaku = appraisal.Rating(form.Text(f, "rating_perilaku"))
		for i := range n {
			if v := form.Text(f, form.Field(i, "rating")); v != "" {
				r.Rows, seqs = append(r.Rows, workflows.RowRating{Seq: i, Rating: appraisal.Rating(v)}), append(seqs, i)
			}
		}
		return nil
	}, fields, "dinilai", func(errs form.Errors, typed url.Values) {
		p.showRating(c, itemErrors(errs, "row_ratings[", seqs), typed)
	})
}

// ratePeriod takes the rate step for the open period: every RHK row (items[i].rating), every
// BerAKHLAK value (nilai.<value>), perilaku and the feedback; the workflow derives hasil kerja
// from the rows and the predikat from the matrix.
func (p *pages) ratePeriod(c *gin.Context) {
	n, _ := strconv.Atoi(c.PostForm("rows"))
	n = max(0, min(n, form.MaxRows))
	fields := []string{"rating_perilaku", "feedback", "row_ratings", "value_ratings", "period"}
	for i := range n {
		fields = append(fields, fmt.Sprintf("row_ratings[%d].rating", i))
	}
	for i := range skp.BerAKHLAK {
		fields = append(fields, fmt.Sprintf("value_ratings[%d].rating", i), fmt.Sprintf("value_ratings[%d].value", i))
	}
	seqs := make([]int, n)
	p.stepForm(c, workflows.UpdateRate, func(in any, errs form.Errors) error {
		f := c.Request.PostForm
		r := in.(*workflows.RateInput)
		r.Period = form.Text(f, "period")
		r.Perilaku = appraisal.Rating(form.Text(f, "rating_perilaku"))
		r.Feedback = form.Text(f, "feedback")
		for i := range n {
			seqs[i] = i
			v := form.Text(f, form.Field(i, "rating"))
			if v == "" {
				errs[form.Field(i, "rating")] = "pilih rating RHK ini"
			}
			r.Rows = append(r.Rows, workflows.RowRating{Seq: i, Rating: appraisal.Rating(v)})
		}
		for _, val := range skp.BerAKHLAK {
			v := form.Text(f, "nilai."+val)
			if v == "" {
				errs["nilai."+val] = "pilih rating nilai " + nilai[val]
			}
			r.Values = append(r.Values, workflows.ValueRating{Value: val, Rating: appraisal.Rating(v)})
		}
		return nil
	}, fields, "dinilai", func(errs form.Errors, typed url.Values) {
		out := itemErrors(errs, "row_ratings[", seqs)
		for k, msg := range out {
			// value_ratings[i].… is the form's nilai.<value>
			var i int
			if _, err := fmt.Sscanf(k, "value_ratings[%d]", &i); err == nil && i >= 0 && i < len(skp.BerAKHLAK) {
				delete(out, k)
				out["nilai."+skp.BerAKHLAK[i]] = msg
			}
		}
		p.showRating(c, out, typed)
	})
}
