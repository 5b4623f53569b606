package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
)

type teamRow struct {
	store.TeamMember
	Link    string
	Overdue bool
}

// team is "Tim saya": every year the caller rates or supervises (in person or as Plt/Plh), its
// phase and what waits on the caller; those with something waiting first, earliest due first.
func (p *pages) team(c *gin.Context) {
	members, err := p.app.Team(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	now := time.Now()
	var waiting, rest []teamRow
	for _, m := range members {
		r := teamRow{TeamMember: m, Link: yearPath(m.CycleID, m.NIP), Overdue: m.FirstDue != nil && m.FirstDue.Before(now)}
		if len(m.Waiting) > 0 {
			waiting = append(waiting, r)
		} else {
			rest = append(rest, r)
		}
	}
	sortByDue(waiting)
	p.render(c, http.StatusOK, "team.html", view{Title: "Tim saya", Nav: "tim", Data: append(waiting, rest...)})
}

// sortByDue orders rows by their earliest due date (stable: the store's order otherwise).
func sortByDue(rows []teamRow) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && dueBefore(rows[j].FirstDue, rows[j-1].FirstDue); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func dueBefore(a, b *time.Time) bool { return a != nil && (b == nil || a.Before(*b)) }
