package web

import (
	"fmt"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/distribution"
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
	y := v.Year
	rated := y.Annual != nil && y.Annual.RatingHasil != ""
	v.Extra = ratingExtra{Open: v.Can(workflows.UpdateRate) && y.Enrolment.Phase == string(workflows.PhaseEvaluation) && !rated,
		Ratings: ratings, Matrix: predikatMatrix(), Distribution: d, Rounding: distribution.RoundingRule, Rows: reportRows(y, y.Annual)}
	v.Errors = errs
	if typed != nil {
		v.Typed = typed
	}
	p.showStep(c, "rating.html", "Penilaian kinerja", v)
}

// rate takes the rate step: hasil kerja and perilaku kerja (the workflow derives the predikat),
// and the ratings given to single RHK (items[i].rating, for the form's "rows" items).
func (p *pages) rate(c *gin.Context) {
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
