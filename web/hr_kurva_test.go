package web

import (
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/distribution"
	"github.com/kinerja/platform/store"
)

// The chart's bars follow the counts, a broken one-predikat bound turns its bar red and marks its
// limit, and the description says the same numbers as the table.
func TestDrawChart(t *testing.T) {
	counts := map[string]int{"sangat_baik": 8, "baik": 2}
	c := distribution.Counts{}
	for k, v := range counts {
		c[predikatOrderOf(k)] = v
	}
	res, err := distribution.Check(distribution.Istimewa, c)
	if err != nil {
		t.Fatal(err)
	}
	ch := drawChart(store.UnitDistribution{UnitID: "dinas-x", UnitName: "Dinas X", Org: distribution.Istimewa, Counts: counts, Check: &res})
	sb, b, bp := ch.Bars[0], ch.Bars[1], ch.Bars[2]
	if sb.N != 8 || b.N != 2 || bp.N != 0 || sb.H != 4*b.H || bp.H != 0 || sb.Y+sb.H != ch.BaseY {
		t.Errorf("bars: %+v %+v %+v (base %d)", sb, b, bp, ch.BaseY)
	}
	if !sb.Broken || b.Broken {
		t.Errorf("8 of 10 Sangat Baik breaks the 70%% maximum of Istimewa: broken %v, Baik broken %v", sb.Broken, b.Broken)
	}
	if len(ch.Marks) != 1 || ch.Marks[0].Text != "maks 7" || ch.Marks[0].TextX != sb.LabelX {
		t.Errorf("marks: %+v", ch.Marks)
	}
	for _, want := range []string{"Sangat Baik 8 orang", "Baik 2 orang", "paling banyak 70% Sangat Baik (7 orang): 8, tidak terpenuhi"} {
		if !strings.Contains(ch.Desc, want) {
			t.Errorf("description %q lacks %q", ch.Desc, want)
		}
	}
}

func predikatOrderOf(code string) (p appraisal.Predikat) {
	for _, q := range predikatOrder {
		if string(q) == code {
			return q
		}
	}
	return
}
