package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/temporal"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// apiError is an error with the status and code the caller sees; its message is Bahasa Indonesia.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"` // the input field at fault, when one is
	// Fields names every field at fault with its message, when an answer checks them all at once.
	Fields map[string]string `json:"fields,omitempty"`
	Rows   []store.RowError  `json:"rows,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

func errBadRequest(msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

func errInvalid(msg string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Message: msg}
}

// errNotFound is also the answer to a record the caller may not see: it reveals nothing.
func errNotFound(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

func errForbidden(msg string) *apiError {
	return &apiError{Status: http.StatusForbidden, Code: workflows.ErrForbidden, Message: msg}
}

// fail writes err as the JSON error body; this is the one place errors become HTTP statuses.
func fail(c *gin.Context, err error) {
	c.Abort()
	ae := answerOf(c.Request.Context(), err)
	c.JSON(ae.Status, gin.H{"error": ae})
}

// answerOf is what the caller is told of err: status, code and message (the pages show the same).
func answerOf(ctx context.Context, err error) *apiError {
	var ae *apiError
	var appErr *temporal.ApplicationError
	var imp *store.ImportError
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &imp):
		ae = &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Message: imp.Error(), Rows: imp.Rows}
	case errors.Is(err, store.ErrNotFound):
		ae = errNotFound(err.Error())
	case errors.As(err, &appErr):
		ae = &apiError{Status: statusOfRejection(appErr.Type()), Code: appErr.Type(), Message: appErr.Message()}
	case errors.As(err, &notFound):
		ae = &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: "siklus pegawai ini sudah selesai atau belum dimulai"}
	default:
		slog.ErrorContext(ctx, "request failed", "error", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "terjadi kesalahan pada server; coba lagi atau hubungi admin"}
	}
	return ae
}

func statusOfRejection(code string) int {
	switch code {
	case workflows.ErrForbidden:
		return http.StatusForbidden
	case workflows.ErrWrongPhase, workflows.ErrDuplicate:
		return http.StatusConflict
	case workflows.ErrInvalid:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// rejectionMessage is what a per-row answer says of an error: the workflow's or the API's own
// reason when there is one, a general sentence otherwise (the detail goes to the log).
func rejectionMessage(err error) string {
	var ae *apiError
	var appErr *temporal.ApplicationError
	switch {
	case errors.As(err, &ae):
		return ae.Message
	case errors.As(err, &appErr):
		return appErr.Message()
	}
	slog.Error("row failed", "error", err)
	return "terjadi kesalahan pada server; coba lagi atau hubungi admin"
}
