package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
)

// DevNIPHeader carries the caller's NIP in development mode.
const DevNIPHeader = "X-Dev-NIP"

const callerKey = "caller"

// identity establishes the caller from the org data on every request.
func (s *Server) identity(c *gin.Context) {
	if !s.DevAuth {
		fail(c, &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated",
			Message: "login belum tersedia di lingkungan ini; aktifkan mode pengembangan (KINERJA_DEV_AUTH=1)"})
		return
	}
	nip := c.GetHeader(DevNIPHeader)
	if nip == "" {
		fail(c, &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "header " + DevNIPHeader + " wajib diisi dengan NIP Anda"})
		return
	}
	e, err := s.Store.Employee(c.Request.Context(), nip)
	if errors.Is(err, store.ErrNotFound) {
		fail(c, &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "NIP " + nip + " tidak terdaftar"})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.Set(callerKey, e)
	c.Next()
}

// optionalIdentity lets an empty organisation be imported by nobody; once anyone exists, the caller must be HR.
func (s *Server) optionalIdentity(c *gin.Context) {
	n, err := s.Store.CountEmployees(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	if n == 0 {
		c.Next()
		return
	}
	s.identity(c)
	if !c.IsAborted() {
		s.requireHR(c)
	}
}

func (s *Server) requireHR(c *gin.Context) {
	if !caller(c).IsHR {
		fail(c, errForbidden("hanya pengelola kinerja (BKPSDM) yang dapat melakukan ini"))
		return
	}
	c.Next()
}

func caller(c *gin.Context) store.Employee {
	e, _ := c.Get(callerKey)
	emp, _ := e.(store.Employee)
	return emp
}
