package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// devNIPHeader is how a development platform learns who is calling.
const devNIPHeader = "X-Dev-NIP"

// client speaks the platform's JSON API over HTTP, nothing else.
type client struct {
	base string
	http *http.Client
}

// APIError is a non-2xx answer: the request, the status and what the API said.
type APIError struct {
	Method  string
	Path    string
	Status  int
	Code    string
	Message string
	Rows    []RowError
}

// RowError is one rejected row of an organisation import.
type RowError struct {
	Sheet   string `json:"sheet"`
	Row     int    `json:"row"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: status %d", e.Method, e.Path, e.Status)
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for _, r := range e.Rows {
		fmt.Fprintf(&b, "; %s baris %d kolom %s: %s", r.Sheet, r.Row, r.Field, r.Message)
	}
	return b.String()
}

// statusOf returns the HTTP status of an APIError, 0 for any other error.
func statusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// do sends body (when not nil) as JSON with the caller's NIP (when not empty) and decodes a
// 2xx answer into out (when not nil). Any other answer becomes an *APIError.
func (c *client) do(ctx context.Context, method, path, nip string, body, out any) error {
	h := http.Header{}
	if nip != "" {
		h.Set(devNIPHeader, nip)
	}
	return c.send(ctx, method, path, h, body, out)
}

// send is do with the caller's headers, e.g. Authorization: Bootstrap for the first import.
func (c *client) send(ctx context.Context, method, path string, h http.Header, body, out any) error {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: encode request: %w", method, path, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		ae := &APIError{Method: method, Path: path, Status: res.StatusCode}
		var e struct {
			Error struct {
				Code    string     `json:"code"`
				Message string     `json:"message"`
				Rows    []RowError `json:"rows"`
			} `json:"error"`
		}
		if json.Unmarshal(raw, &e) == nil && (e.Error.Code != "" || e.Error.Message != "") {
			ae.Code, ae.Message, ae.Rows = e.Error.Code, e.Error.Message, e.Error.Rows
		} else {
			ae.Message = strings.TrimSpace(string(raw))
			if len(ae.Message) > 300 {
				ae.Message = ae.Message[:300] + "…"
			}
		}
		return ae
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: answer is not the expected JSON: %w", method, path, err)
	}
	return nil
}

// newClient returns a client for baseURL ("http://host:port", with or without a trailing slash).
func newClient(baseURL string) *client {
	return &client{base: strings.TrimRight(baseURL, "/"), http: &http.Client{Timeout: 30 * time.Second}}
}
