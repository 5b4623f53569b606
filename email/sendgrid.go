package email

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/sendgrid/rest"
	"github.com/sendgrid/sendgrid-go"
	"github.com/sendgrid/sendgrid-go/helpers/mail"
)

// ErrPermanent marks a failure that retrying the same message cannot fix
// (SendGrid rejected it with a 4xx other than 429, or the message is malformed).
var ErrPermanent = errors.New("email: permanent delivery failure")

// Sender delivers one message and returns the provider's message id.
type Sender interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// SendGrid sends through SendGrid's v3 Mail Send API.
type SendGrid struct {
	APIKey    string
	Host      string // default "https://api.sendgrid.com"
	FromEmail string
	FromName  string
	Client    *http.Client // optional; the default has no timeout, so bound ctx
}

// maxCustomArgsBytes is SendGrid's documented limit on the total size of custom_args.
const maxCustomArgsBytes = 10000

// Send posts m to /v3/mail/send. Only a 202 is success.
func (s *SendGrid) Send(ctx context.Context, m Message) (string, error) {
	body, err := s.body(m)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	host := s.Host
	if host == "" {
		host = "https://api.sendgrid.com"
	}
	req := sendgrid.GetRequest(s.APIKey, "/v3/mail/send", strings.TrimRight(host, "/"))
	req.Method = rest.Post
	req.Body = body

	client := rest.DefaultClient
	if s.Client != nil {
		client = &rest.Client{HTTPClient: s.Client}
	}
	// rest.Client.SendWithContext attaches ctx to the HTTP request, so cancellation and deadlines apply.
	resp, err := client.SendWithContext(ctx, req)
	if err != nil {
		return "", fmt.Errorf("email: sendgrid: %w", err)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusAccepted:
		return http.Header(resp.Headers).Get("X-Message-Id"), nil
	case code >= 400 && code < 500 && code != http.StatusTooManyRequests:
		return "", fmt.Errorf("%w: sendgrid status %d: %s", ErrPermanent, code, describe(resp.Body))
	default:
		return "", fmt.Errorf("email: sendgrid status %d: %s", code, describe(resp.Body))
	}
}

// body builds the v3 mail JSON, rejecting locally what SendGrid would reject with a 400.
func (s *SendGrid) body(m Message) ([]byte, error) {
	switch {
	case s.FromEmail == "":
		return nil, errors.New("no sender address configured")
	case m.DedupeKey == "":
		return nil, errors.New("no dedupe key")
	case m.ToEmail == "":
		return nil, errors.New("no recipient address")
	case strings.TrimSpace(m.Subject) == "":
		return nil, errors.New("empty subject")
	case m.Text == "" && m.HTML == "":
		return nil, errors.New("empty body")
	}
	v3 := mail.NewV3Mail()
	v3.SetFrom(mail.NewEmail(s.FromName, s.FromEmail))
	v3.Subject = m.Subject
	p := mail.NewPersonalization()
	p.AddTos(mail.NewEmail(m.ToName, m.ToEmail))
	v3.AddPersonalizations(p)
	// SendGrid requires text/plain before text/html, and rejects empty values.
	if m.Text != "" {
		v3.AddContent(mail.NewContent("text/plain", m.Text))
	}
	if m.HTML != "" {
		v3.AddContent(mail.NewContent("text/html", m.HTML))
	}
	for k, v := range m.CustomArgs {
		v3.SetCustomArg(k, v)
	}
	// The dedupe key comes back in event webhooks, which is how a duplicate would be spotted.
	v3.SetCustomArg("dedupe_key", m.DedupeKey)
	args, err := json.Marshal(v3.CustomArgs)
	if err != nil {
		return nil, err
	}
	if len(args) >= maxCustomArgsBytes {
		return nil, fmt.Errorf("custom_args is %d bytes, SendGrid allows less than %d", len(args), maxCustomArgsBytes)
	}
	return json.Marshal(v3)
}

// describe shortens a SendGrid error response to its messages.
func describe(body string) string {
	var r struct {
		Errors []struct {
			Message string `json:"message"`
			Field   any    `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &r) == nil && len(r.Errors) > 0 {
		msgs := make([]string, 0, len(r.Errors))
		for _, e := range r.Errors {
			if f, ok := e.Field.(string); ok && f != "" {
				msgs = append(msgs, f+": "+e.Message)
			} else {
				msgs = append(msgs, e.Message)
			}
		}
		return strings.Join(msgs, "; ")
	}
	if len(body) > 300 {
		body = strings.ToValidUTF8(body[:300], "") + "…"
	}
	return body
}
