package email

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testAPIKey = "SG.test-key"

type sgAddress struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

type sgContent struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type sgBody struct {
	Personalizations []struct {
		To      []sgAddress `json:"to"`
		Subject string      `json:"subject"`
	} `json:"personalizations"`
	From       *sgAddress      `json:"from"`
	Subject    string          `json:"subject"`
	Content    []sgContent     `json:"content"`
	CustomArgs json.RawMessage `json:"custom_args"`
}

// sgError is one entry of SendGrid's documented error response {"errors":[...]}.
type sgError struct {
	Message string  `json:"message"`
	Field   *string `json:"field"`
	Help    *string `json:"help"`
}

// received is a request the fake accepted, decoded for assertions.
type received struct {
	Body       sgBody
	CustomArgs map[string]string
}

// fakeSendGrid checks requests the way SendGrid's v3 Mail Send API documents them.
type fakeSendGrid struct {
	*httptest.Server
	mu       sync.Mutex
	calls    int
	accepted []received
	status   int            // when set, answer valid requests with this status instead of 202
	reject   map[string]int // recipient address -> status to answer instead of 202
	delay    time.Duration  // wait before answering (or until the client gives up)
}

func newFakeSendGrid(t *testing.T) *fakeSendGrid {
	f := &fakeSendGrid{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.handle))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSendGrid) sender() *SendGrid {
	return &SendGrid{APIKey: testAPIKey, Host: f.URL, FromEmail: "noreply@bkpsdm.example.go.id", FromName: "BKPSDM e-Kinerja"}
}

func (f *fakeSendGrid) snapshot() (calls int, accepted []received, status int, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, append([]received(nil), f.accepted...), f.status, f.delay
}

func (f *fakeSendGrid) set(status int, delay time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status, f.delay = status, delay
}

// rejectTo makes the fake answer status to every valid request addressed to addr.
func (f *fakeSendGrid) rejectTo(addr string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.reject == nil {
		f.reject = map[string]int{}
	}
	f.reject[addr] = status
}

func writeErrors(w http.ResponseWriter, status int, errs []sgError) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string][]sgError{"errors": errs})
}

func (f *fakeSendGrid) handle(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	status, delay := f.status, f.delay
	f.mu.Unlock()

	// Reading the body first lets the server notice a client that hangs up during the delay.
	raw, _ := io.ReadAll(r.Body)
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v3/mail/send" {
		writeErrors(w, http.StatusNotFound, []sgError{{Message: "not found"}})
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testAPIKey {
		writeErrors(w, http.StatusUnauthorized, []sgError{{Message: "The provided authorization grant is invalid, expired, or revoked"}})
		return
	}
	body, args, errs := validateMailSend(r.Header.Get("Content-Type"), raw)
	if len(errs) > 0 {
		writeErrors(w, http.StatusBadRequest, errs)
		return
	}
	f.mu.Lock()
	for _, p := range body.Personalizations {
		for _, to := range p.To {
			if st, ok := f.reject[to.Email]; ok {
				status = st
			}
		}
	}
	f.mu.Unlock()
	if status != 0 {
		writeErrors(w, status, []sgError{{Message: http.StatusText(status)}})
		return
	}
	f.mu.Lock()
	f.accepted = append(f.accepted, received{Body: body, CustomArgs: args})
	f.mu.Unlock()
	w.Header().Set("X-Message-Id", fmt.Sprintf("msg-%d", n))
	w.WriteHeader(http.StatusAccepted)
}

// validateMailSend applies the documented constraints of POST /v3/mail/send.
func validateMailSend(contentType string, raw []byte) (sgBody, map[string]string, []sgError) {
	var errs []sgError
	bad := func(field, msg string) {
		help := "http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html#message." + strings.SplitN(field, ".", 2)[0]
		errs = append(errs, sgError{Message: msg, Field: &field, Help: &help})
	}
	var body sgBody
	if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
		bad("content-type", "Content-Type must be application/json")
		return body, nil, errs
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		bad("body", "Bad Request: "+err.Error())
		return body, nil, errs
	}
	if n := len(body.Personalizations); n < 1 || n > 1000 {
		bad("personalizations", "The personalizations field is required and must have at least one and at most 1000 personalizations.")
	}
	for i, p := range body.Personalizations {
		if len(p.To) == 0 {
			bad(fmt.Sprintf("personalizations.%d.to", i), "The to array is required for all personalization objects, and must have at least one email object with a valid email address.")
		}
		for j, to := range p.To {
			if !strings.Contains(to.Email, "@") {
				bad(fmt.Sprintf("personalizations.%d.to.%d.email", i, j), "Does not contain a valid address.")
			}
		}
		if body.Subject == "" && p.Subject == "" {
			bad("subject", "The subject is required. You can get around this requirement if you use a template with a subject defined or if every single personalization has a subject defined.")
		}
	}
	if body.From == nil || !strings.Contains(body.From.Email, "@") {
		bad("from.email", "The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.")
	}
	if len(body.Content) == 0 {
		bad("content", "Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block.")
	}
	for i, c := range body.Content {
		if c.Type == "" || c.Value == "" {
			bad(fmt.Sprintf("content.%d", i), "The content value must be a string at least one character in length.")
		}
		if c.Type == "text/plain" && i != 0 {
			bad("content", "If present, text/plain content must be first, followed by any other content.")
		}
		if c.Type == "text/html" && i > 0 && body.Content[0].Type != "text/plain" {
			bad("content", "If present, text/plain content must be first, followed by any other content.")
		}
	}
	args := map[string]string{}
	if len(body.CustomArgs) > 0 {
		var generic map[string]any
		if err := json.Unmarshal(body.CustomArgs, &generic); err != nil {
			bad("custom_args", "custom_args must be an object.")
		}
		for k, v := range generic {
			s, ok := v.(string)
			if !ok {
				bad("custom_args", "Custom arguments values must be strings.")
				continue
			}
			args[k] = s
		}
		if len(body.CustomArgs) >= 10000 {
			bad("custom_args", "The total size of custom arguments must be less than 10000 bytes.")
		}
	}
	return body, args, errs
}

func testMessage(key string) Message {
	return Message{
		DedupeKey:  key,
		ToEmail:    "budi.santoso@example.go.id",
		ToName:     "Budi Santoso",
		Subject:    "[e-Kinerja] Tugas baru: Setujui SKP Siti & Rekan",
		Text:       "Yth. Bapak/Ibu Budi Santoso,\n\nSilakan setujui SKP.",
		HTML:       "<p>Yth. Bapak/Ibu Budi Santoso,</p><p>Silakan setujui SKP &amp; lampiran.</p>",
		CustomArgs: map[string]string{"cycle_id": "7", "kind": "task"},
	}
}

func TestSendGridSend(t *testing.T) {
	f := newFakeSendGrid(t)
	m := testMessage("skp-approve/7/199001012020011001")

	id, err := f.sender().Send(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, "msg-1", id)

	_, got, _, _ := f.snapshot()
	require.Len(t, got, 1)
	b := got[0].Body
	require.Len(t, b.Personalizations, 1)
	assert.Equal(t, []sgAddress{{Email: m.ToEmail, Name: m.ToName}}, b.Personalizations[0].To)
	assert.Equal(t, &sgAddress{Email: "noreply@bkpsdm.example.go.id", Name: "BKPSDM e-Kinerja"}, b.From)
	assert.Equal(t, m.Subject, b.Subject)
	assert.Equal(t, []sgContent{{"text/plain", m.Text}, {"text/html", m.HTML}}, b.Content)
	assert.Equal(t, map[string]string{"cycle_id": "7", "kind": "task", "dedupe_key": m.DedupeKey}, got[0].CustomArgs)
}

func TestSendGridTextOnly(t *testing.T) {
	f := newFakeSendGrid(t)
	m := testMessage("text-only")
	m.HTML, m.CustomArgs = "", nil
	_, err := f.sender().Send(context.Background(), m)
	require.NoError(t, err)
	_, got, _, _ := f.snapshot()
	require.Len(t, got, 1)
	assert.Equal(t, []sgContent{{"text/plain", m.Text}}, got[0].Body.Content)
	assert.Equal(t, map[string]string{"dedupe_key": "text-only"}, got[0].CustomArgs)
}

func TestSendGridStatuses(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{
		{http.StatusBadRequest, true},
		{http.StatusForbidden, true},
		{http.StatusRequestEntityTooLarge, true},
		{http.StatusTooManyRequests, false},
		{http.StatusInternalServerError, false},
		{http.StatusServiceUnavailable, false},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			f := newFakeSendGrid(t)
			f.set(tc.status, 0)
			_, err := f.sender().Send(context.Background(), testMessage("k"))
			require.Error(t, err)
			assert.Equal(t, tc.permanent, errors.Is(err, ErrPermanent), "error: %v", err)
			assert.Contains(t, err.Error(), fmt.Sprint(tc.status))
		})
	}
}

func TestSendGridWrongKey(t *testing.T) {
	// A wrong key gets SendGrid's 401; the error text carries SendGrid's message.
	f := newFakeSendGrid(t)
	s := f.sender()
	s.APIKey = "wrong"
	_, err := s.Send(context.Background(), testMessage("k"))
	require.ErrorIs(t, err, ErrPermanent)
	assert.Contains(t, err.Error(), "authorization grant is invalid")
}

func TestSendGridNetworkErrorIsRetryable(t *testing.T) {
	f := newFakeSendGrid(t)
	s := f.sender()
	f.Close()
	_, err := s.Send(context.Background(), testMessage("k"))
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrPermanent))
}

func TestSendGridHonoursContext(t *testing.T) {
	f := newFakeSendGrid(t)
	f.set(0, 5*time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.sender().Send(ctx, testMessage("k"))
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, errors.Is(err, ErrPermanent))
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestSendGridRejectsMalformedLocally(t *testing.T) {
	big := map[string]string{"blob": strings.Repeat("x", 10000)}
	for name, mutate := range map[string]func(*Message){
		"no recipient":    func(m *Message) { m.ToEmail = "" },
		"no subject":      func(m *Message) { m.Subject = " " },
		"no body":         func(m *Message) { m.Text, m.HTML = "", "" },
		"no dedupe key":   func(m *Message) { m.DedupeKey = "" },
		"huge customargs": func(m *Message) { m.CustomArgs = big },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeSendGrid(t)
			m := testMessage("k")
			mutate(&m)
			_, err := f.sender().Send(context.Background(), m)
			require.ErrorIs(t, err, ErrPermanent)
			calls, _, _, _ := f.snapshot()
			assert.Zero(t, calls, "malformed messages must not reach SendGrid")
		})
	}
}

// The fake must reject what SendGrid rejects, or the tests above prove nothing.
func TestFakeSendGridValidates(t *testing.T) {
	f := newFakeSendGrid(t)
	valid := `{"personalizations":[{"to":[{"email":"a@b.id","name":"A"}]}],"from":{"email":"x@y.id"},"subject":"S",` +
		`"content":[{"type":"text/plain","value":"t"},{"type":"text/html","value":"<p>h</p>"}],"custom_args":{"dedupe_key":"k"}}`
	for name, tc := range map[string]struct {
		body, field string
	}{
		"valid":              {valid, ""},
		"no personalization": {strings.Replace(valid, `[{"to":[{"email":"a@b.id","name":"A"}]}]`, `[]`, 1), "personalizations"},
		"empty to":           {strings.Replace(valid, `[{"email":"a@b.id","name":"A"}]`, `[]`, 1), "personalizations.0.to"},
		"no from":            {strings.Replace(valid, `"from":{"email":"x@y.id"},`, ``, 1), "from.email"},
		"no subject":         {strings.Replace(valid, `"subject":"S",`, ``, 1), "subject"},
		"html first":         {strings.Replace(valid, `{"type":"text/plain","value":"t"},{"type":"text/html","value":"<p>h</p>"}`, `{"type":"text/html","value":"<p>h</p>"},{"type":"text/plain","value":"t"}`, 1), "content"},
		"empty value":        {strings.Replace(valid, `"value":"t"`, `"value":""`, 1), "content.0"},
		"non-string arg":     {strings.Replace(valid, `{"dedupe_key":"k"}`, `{"dedupe_key":"k","n":1}`, 1), "custom_args"},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, f.URL+"/v3/mail/send", strings.NewReader(tc.body))
			req.Header.Set("Authorization", "Bearer "+testAPIKey)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			if tc.field == "" {
				assert.Equal(t, http.StatusAccepted, resp.StatusCode)
				return
			}
			require.Equal(t, http.StatusBadRequest, resp.StatusCode)
			var out struct{ Errors []sgError }
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
			require.NotEmpty(t, out.Errors)
			require.NotNil(t, out.Errors[0].Field)
			assert.Equal(t, tc.field, *out.Errors[0].Field)
			assert.NotEmpty(t, out.Errors[0].Message)
		})
	}
}
