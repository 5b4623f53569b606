package platform

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
)

// Redact wraps a log handler so that personal data and secrets never reach the log: a NIP (a run
// of exactly 18 digits, or the printed form 19920315 201801 1 003) becomes [NIP], a SendGrid API
// key becomes SG.[...] and an email address becomes [email]. It rewrites the message and every
// attribute, including errors, groups and attributes added with With; a value of another type is
// logged as its redacted text only when its text held something to redact.
//
// Temporal logs workflow IDs (employee-cycle/<cycle>/<nip>) and activity errors that carry email
// dedupe keys, so Start wraps the logger it gives the Temporal client; a program should wrap the
// handler of its default logger too (the API logs through slog.Default).
func Redact(h slog.Handler) slog.Handler {
	if _, ok := h.(redactingHandler); ok {
		return h
	}
	return redactingHandler{h}
}

type redactingHandler struct{ next slog.Handler }

var (
	digitRun  = regexp.MustCompile(`[0-9]{18,}`)
	spacedNIP = regexp.MustCompile(`\b[0-9]{8} [0-9]{6} [0-9] [0-9]{3}\b`)
	sendGrid  = regexp.MustCompile(`\bSG\.[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)?`)
	emailAddr = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@([A-Za-z0-9\-]+\.)+[A-Za-z]{2,}`)
)

// redact masks NIPs, SendGrid keys and email addresses in s.
func redact(s string) string {
	if !strings.ContainsAny(s, "0123456789@") && !strings.Contains(s, "SG.") {
		return s
	}
	s = digitRun.ReplaceAllStringFunc(s, func(run string) string {
		if len(run) == 18 { // longer runs are not NIPs: nanosecond timestamps have 19 digits
			return "[NIP]"
		}
		return run
	})
	s = spacedNIP.ReplaceAllString(s, "[NIP]")
	s = sendGrid.ReplaceAllString(s, "SG.[...]")
	return emailAddr.ReplaceAllString(s, "[email]")
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redact(v.String()))
	case slog.KindInt64, slog.KindUint64:
		if s := v.String(); len(strings.TrimPrefix(s, "-")) == 18 {
			return slog.String(a.Key, "[NIP]")
		}
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]slog.Attr, len(attrs))
		for i, g := range attrs {
			out[i] = redactAttr(g)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		var text string
		switch x := v.Any().(type) {
		case error:
			text = x.Error()
		case fmt.Stringer:
			text = x.String()
		case []byte:
			text = string(x)
		default:
			text = fmt.Sprintf("%+v", x)
		}
		if r := redact(text); r != text {
			return slog.String(a.Key, r)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (r redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return r.next.Enabled(ctx, l)
}

func (r redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return r.next.Handle(ctx, out)
}

func (r redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = redactAttr(a)
	}
	return redactingHandler{r.next.WithAttrs(out)}
}

func (r redactingHandler) WithGroup(name string) slog.Handler {
	return redactingHandler{r.next.WithGroup(name)}
}
