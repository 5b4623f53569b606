package api

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"
)

// maxJSONDepth bounds nesting; no request type is deeper than a handful of levels.
const maxJSONDepth = 32

// maxText bounds every text value of a body, in characters: the longest free text a person
// writes here (feedback, notes, keberatan reasons) fits several pages. Fields with a tighter
// rule (a cycle's name, an SKP row) check their own.
const maxText = 10_000

// checkShape walks the JSON body against the Go type it will be decoded into, before decoding:
// encoding/json matches keys case-insensitively and lets a repeated key win silently, and a body
// must say exactly one thing. Every key must match a field's JSON name exactly, once; fields tagged
// input:"server" are set by the server and refused from clients. Every text, key or value, must
// be valid UTF-8 without NUL (encoding/json silently turns bad bytes into U+FFFD, and PostgreSQL
// refuses NUL). Other scalars are left to the decoder.
func checkShape(body []byte, t reflect.Type) error {
	w := &walker{dec: json.NewDecoder(bytes.NewReader(body)), badByte: invalidUTF8At(body)}
	w.dec.UseNumber()
	if tok, err := w.dec.Token(); err != nil || tok != json.Delim('{') {
		if err != nil && !errors.Is(err, io.EOF) {
			return decodeError(err)
		}
		return errors.New("isi permintaan harus berupa objek JSON")
	}
	return w.object(t, "", 1)
}

// walker reads a body token by token; badByte is the offset of its first invalid UTF-8 byte, or -1.
type walker struct {
	dec     *json.Decoder
	badByte int64
}

// token reads the next token and checks it when it is text; where names the field.
func (w *walker) token(where func() string) (json.Token, error) {
	start := w.dec.InputOffset()
	tok, err := w.dec.Token()
	if err != nil {
		return nil, decodeError(err)
	}
	if s, ok := tok.(string); ok {
		if w.badByte >= start && w.badByte < w.dec.InputOffset() {
			return nil, fmt.Errorf("%s: bukan teks UTF-8 yang valid", where())
		}
		if strings.ContainsRune(s, 0) {
			return nil, fmt.Errorf("%s: mengandung karakter NUL (\\u0000) yang tidak diizinkan", where())
		}
		if len(s) > maxText && utf8.RuneCountInString(s) > maxText {
			return nil, fmt.Errorf("%s: teks terlalu panjang, paling banyak %d karakter", where(), maxText)
		}
	}
	return tok, nil
}

// invalidUTF8At is the offset of the first byte of b that is not valid UTF-8, or -1.
func invalidUTF8At(b []byte) int64 {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return int64(i)
		}
		i += n
	}
	return -1
}

// textProblem says what is wrong with a text that arrives outside a JSON body, or "".
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "bukan teks UTF-8 yang valid"
	case strings.ContainsRune(s, 0):
		return "mengandung karakter NUL yang tidak diizinkan"
	}
	return ""
}

func (w *walker) value(t reflect.Type, path string, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("%s: JSON terlalu dalam", orRoot(path))
	}
	tok, err := w.token(func() string { return orRoot(path) })
	if err != nil {
		return err
	}
	if str, ok := tok.(string); ok && t != nil && deref(t) == timeType {
		if at, err := time.Parse(time.RFC3339Nano, str); err == nil && (at.Year() < minYear || at.Year() > maxYear) {
			return fmt.Errorf("%s: waktu harus antara tahun %d dan %d", orRoot(path), minYear, maxYear)
		}
	}
	switch tok {
	case json.Delim('{'):
		return w.object(t, path, depth+1)
	case json.Delim('['):
		elem := anyType
		if t != nil {
			switch t = deref(t); t.Kind() {
			case reflect.Slice, reflect.Array:
				elem = t.Elem()
			case reflect.Interface:
			default:
				return fmt.Errorf("%s: tipe data salah, seharusnya %s", orRoot(path), kindName(t))
			}
		}
		for i := 0; w.dec.More(); i++ {
			if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		if _, err := w.dec.Token(); err != nil { // ]
			return decodeError(err)
		}
		return nil
	}
	return nil // a scalar: the decoder checks its type
}

var (
	anyType  = reflect.TypeFor[any]()
	timeType = reflect.TypeFor[time.Time]()
)

// Every time in a body falls in these years: nothing this platform records happens outside them.
// Rules for a particular time (a cycle's deadlines) are tighter and checked where it is used.
const minYear, maxYear = 2000, 2100

func (w *walker) object(t reflect.Type, path string, depth int) error {
	var fields map[string]field
	elem := anyType // for maps and free-form values
	if t != nil {
		t = deref(t)
		switch {
		case opaque(t):
			t = nil
		case t.Kind() == reflect.Struct:
			fields = structFields(t)
		case t.Kind() == reflect.Map:
			elem = t.Elem()
		case t.Kind() == reflect.Interface:
		default:
			return fmt.Errorf("%s: tipe data salah, seharusnya %s", orRoot(path), kindName(t))
		}
	}
	seen := map[string]bool{}
	for w.dec.More() {
		tok, err := w.token(func() string { return orRoot(path) + " (nama kolom)" })
		if err != nil {
			return err
		}
		key := tok.(string)
		p := key
		if path != "" {
			p = path + "." + key
		}
		if seen[key] {
			return fmt.Errorf("%s: kolom disebut lebih dari sekali", p)
		}
		seen[key] = true
		vt := elem
		if fields != nil {
			f, ok := fields[key]
			switch {
			case !ok:
				return fmt.Errorf("%s: kolom tidak dikenal", p)
			case f.server:
				return fmt.Errorf("%s: kolom ini diisi oleh server, jangan dikirim", p)
			}
			vt = f.typ
		} else if t == nil {
			vt = nil
		}
		if err := w.value(vt, p, depth); err != nil {
			return err
		}
	}
	if _, err := w.dec.Token(); err != nil { // }
		return decodeError(err)
	}
	return nil
}

type field struct {
	typ    reflect.Type
	server bool
}

// structFields maps exact JSON names to fields, flattening embedded structs as encoding/json does.
func structFields(t reflect.Type) map[string]field {
	out := map[string]field{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && deref(f.Type).Kind() == reflect.Struct {
			for k, v := range structFields(deref(f.Type)) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = field{typ: f.Type, server: f.Tag.Get("input") == "server"}
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// opaque types decode themselves (time.Time, json.RawMessage): their inside is not ours to check.
func opaque(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

func orRoot(path string) string {
	if path == "" {
		return "isi permintaan"
	}
	return path
}

func kindName(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "waktu (RFC 3339, contoh 2026-01-31T23:59:00+07:00)"
	}
	switch deref(t).Kind() {
	case reflect.String:
		return "teks"
	case reflect.Bool:
		return "true atau false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "bilangan bulat"
	case reflect.Float32, reflect.Float64:
		return "angka"
	case reflect.Slice, reflect.Array:
		return "daftar"
	case reflect.Struct, reflect.Map:
		return "objek"
	}
	return "nilai lain"
}

// decodeError says in Bahasa Indonesia what the JSON decoder found wrong.
func decodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	var parse *time.ParseError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("JSON tidak valid pada posisi %d", syntax.Offset)
	case errors.As(err, &typeErr):
		name := typeErr.Field
		if name == "" {
			name = "isi permintaan"
		}
		return fmt.Errorf("%s: tipe data salah, seharusnya %s", name, kindName(typeErr.Type))
	case errors.As(err, &parse):
		return fmt.Errorf("waktu %q tidak valid; gunakan RFC 3339, contoh 2026-01-31T23:59:00+07:00", parse.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("JSON terpotong: isi permintaan berakhir sebelum waktunya")
	}
	return errors.New("JSON tidak valid: ada nilai yang tidak sesuai tipe kolomnya")
}
