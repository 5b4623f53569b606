package api

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/email"
)

// maxDeliveryPage bounds one page of GET /api/outbox.
const maxDeliveryPage = 200

// deliveries shows HR where every email is in its delivery (GET /api/outbox?status=&before=&limit=),
// newest first. It never carries a body, nor the subject of an email whose body holds a secret.
func (s *Server) deliveries(c *gin.Context) {
	page := email.DeliveryPage{Status: c.Query("status"), Limit: 50}
	if page.Status != "" && !slices.Contains(email.Statuses, page.Status) {
		fail(c, errBadRequest("parameter status harus salah satu dari: "+strings.Join(email.Statuses, ", ")))
		return
	}
	if v, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxDeliveryPage {
			fail(c, errBadRequest("parameter limit harus bilangan bulat 1 sampai "+strconv.Itoa(maxDeliveryPage)))
			return
		}
		page.Limit = n
	}
	if v, ok := c.GetQuery("before"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			fail(c, errBadRequest("parameter before harus id surel (bilangan bulat positif) dari halaman sebelumnya"))
			return
		}
		page.Before = n
	}
	ds, err := email.ListDeliveries(c.Request.Context(), s.Store.Pool, page)
	if err != nil {
		fail(c, err)
		return
	}
	out := gin.H{"emails": ds, "next_before": nil}
	if len(ds) == page.Limit {
		out["next_before"] = ds[len(ds)-1].ID
	}
	c.JSON(http.StatusOK, out)
}
