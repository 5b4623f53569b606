package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
)

// NewToken returns 32 random bytes as unpadded base64url (43 characters).
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what the database keeps instead of a token: its SHA-256. Tokens carry 256 bits
// of randomness, so a fast hash is enough; a stolen table holds nothing usable.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// APITokenPrefix starts every API token, so secret scanners and people can recognise one.
const APITokenPrefix = "knj_"

// NewAPIToken returns a fresh API token: the prefix and a NewToken.
func NewAPIToken() string { return APITokenPrefix + NewToken() }

// CSRFToken is the CSRF token of a session: HMAC-SHA256 keyed by the session token. It is bound
// to that session, needs no storage, and cannot be computed from the database (which holds only
// the session token's hash) nor by a page that cannot read the HttpOnly cookie.
func CSRFToken(sessionToken string) string {
	m := hmac.New(sha256.New, []byte(sessionToken))
	m.Write([]byte("kinerja/csrf/v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// CheckCSRF compares the presented CSRF token with the session's in constant time.
func CheckCSRF(sessionToken, presented string) bool {
	return presented != "" && subtle.ConstantTimeCompare([]byte(CSRFToken(sessionToken)), []byte(presented)) == 1
}

// API token scopes. read allows only safe methods (GET, HEAD); write allows everything the
// owner may do.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
)

// NormalizeScopes checks scopes and returns them sorted without duplicates; the message of the
// error is Bahasa Indonesia.
func NormalizeScopes(scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return nil, &InputError{"scopes wajib diisi: read dan/atau write"}
	}
	var out []string
	for _, s := range scopes {
		if s != ScopeRead && s != ScopeWrite {
			return nil, &InputError{"scope " + s + " tidak dikenal; pilih read atau write"}
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, nil
}

// ScopesAllow tells whether a token with these scopes may make a request with this method.
func ScopesAllow(scopes []string, method string) bool {
	if slices.Contains(scopes, ScopeWrite) {
		return true
	}
	return slices.Contains(scopes, ScopeRead) && SafeMethod(method)
}

// SafeMethod reports whether the method changes nothing (and so needs no CSRF token).
func SafeMethod(method string) bool {
	switch strings.ToUpper(method) {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
