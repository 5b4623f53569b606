package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashAndVerify(t *testing.T) {
	const pw = "kata sandi panjang 123"
	phc, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(phc, "$argon2id$v=19$m=65536,t=2,p=2$") {
		t.Errorf("PHC string = %q", phc)
	}
	p, salt, key, err := parsePHC(phc)
	if err != nil || p != DefaultParams || len(salt) != 16 || len(key) != 32 {
		t.Errorf("parse = %+v, %d-byte salt, %d-byte key, %v", p, len(salt), len(key), err)
	}
	if strings.Contains(phc, pw) {
		t.Error("the hash holds the password")
	}
	if ok, err := VerifyPassword(phc, pw); !ok || err != nil {
		t.Errorf("right password: %v, %v", ok, err)
	}
	if ok, err := VerifyPassword(phc, pw+" "); ok || err != nil {
		t.Errorf("wrong password: %v, %v", ok, err)
	}
	again, _ := HashPassword(pw)
	if again == phc {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if NeedsRehash(phc) {
		t.Error("a fresh hash needs no rehash")
	}
	weaker := hashWith(pw, Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32})
	if ok, err := VerifyPassword(weaker, pw); !ok || err != nil {
		t.Errorf("hash with other parameters: %v, %v", ok, err)
	}
	if !NeedsRehash(weaker) {
		t.Error("a hash with other parameters needs a rehash")
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, pw := range []string{"", "pendek", "sebelas1234", "            ", strings.Repeat("a", MaxPasswordLength+1)} {
		_, err := HashPassword(pw)
		var ie *InputError
		if !errors.As(err, &ie) {
			t.Errorf("%q: err = %v, want an InputError", pw, err)
		}
	}
	_, err := HashPassword("sebelas1234")
	if err == nil || err.Error() != "kata sandi minimal 12 karakter" {
		t.Errorf("short password: %v", err)
	}
	// Characters, not bytes: twelve letters with diacritics pass, eleven do not.
	if err := CheckPassword(strings.Repeat("é", 12)); err != nil {
		t.Errorf("12 characters: %v", err)
	}
	if err := CheckPassword(strings.Repeat("é", 11)); err == nil {
		t.Error("11 characters (22 bytes) accepted")
	}
}

func TestParsePHCErrors(t *testing.T) {
	good, _ := HashPassword("kata sandi yang benar")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, phc := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
		"argon2i":        with(1, "argon2i"),
		"version 16":     with(2, "v=16"),
		"params order":   with(3, "t=2,m=65536,p=2"),
		"params missing": with(3, "m=65536,t=2"),
		"m not number":   with(3, "m=lots,t=2,p=2"),
		"leading zero":   with(3, "m=065536,t=2,p=2"),
		"m too big":      with(3, "m=4194304,t=2,p=2"),
		"t zero":         with(3, "m=65536,t=0,p=2"),
		"p zero":         with(3, "m=65536,t=2,p=0"),
		"salt not b64":   with(4, "***"),
		"salt padded":    with(4, parts[4]+"=="),
		"salt short":     with(4, "AAAA"),
		"key short":      with(5, "AAAA"),
		"extra field":    good + "$x",
		"no leading $":   strings.TrimPrefix(good, "$"),
	} {
		ok, err := VerifyPassword(phc, "kata sandi yang benar")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("%s: %v, %v; want ErrMalformedHash", name, ok, err)
		}
		if !NeedsRehash(phc) {
			t.Errorf("%s: a malformed hash should need a rehash", name)
		}
	}
}

func TestVerifyDummyNeverMatches(t *testing.T) {
	start := time.Now()
	VerifyDummy("apa saja")
	VerifyDummy("apa saja") // the second call is a real verification, the first also builds the hash
	if time.Since(start) <= 0 {
		t.Fatal("no time spent")
	}
	if ok, _ := VerifyPassword(dummyHash(), "apa saja"); ok {
		t.Error("the dummy hash matched a guess")
	}
}

func TestLockoutSchedule(t *testing.T) {
	want := map[int]time.Duration{
		0: 0, 1: 0, 4: 0,
		5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute, 8: 8 * time.Minute,
		9: 16 * time.Minute, 10: 32 * time.Minute, 11: time.Hour, 12: time.Hour, 1000: time.Hour,
	}
	for n, d := range want {
		if got := LockDuration(n); got != d {
			t.Errorf("LockDuration(%d) = %v, want %v", n, got, d)
		}
	}
	e := &LockedError{Wait: 90 * time.Second}
	if !errors.Is(e, ErrInvalidCredentials) {
		t.Error("a locked account must answer like a wrong password")
	}
	if !strings.Contains(e.Error(), "coba lagi setelah 2 menit") {
		t.Errorf("hint = %q", e.Error())
	}
	if WaitText(time.Second) != "1 menit" || WaitText(time.Hour) != "60 menit" {
		t.Errorf("WaitText: %q, %q", WaitText(time.Second), WaitText(time.Hour))
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if len(a) != 43 || a == b || strings.ContainsAny(a, "+/=") {
		t.Errorf("tokens %q, %q", a, b)
	}
	if h := HashToken(a); len(h) != 32 || string(h) == string(HashToken(b)) {
		t.Errorf("hash %x", h)
	}
	if k := NewAPIToken(); !strings.HasPrefix(k, APITokenPrefix) || len(k) != len(APITokenPrefix)+43 {
		t.Errorf("API token %q", k)
	}
	csrf := CSRFToken(a)
	if csrf == CSRFToken(b) || csrf == a || !CheckCSRF(a, csrf) {
		t.Error("CSRF token not bound to its session")
	}
	for _, bad := range []string{"", CSRFToken(b), csrf[:len(csrf)-1], a} {
		if CheckCSRF(a, bad) {
			t.Errorf("CheckCSRF accepted %q", bad)
		}
	}
}

func TestScopes(t *testing.T) {
	got, err := NormalizeScopes([]string{"write", "read", "write"})
	if err != nil || strings.Join(got, ",") != "read,write" {
		t.Errorf("NormalizeScopes = %v, %v", got, err)
	}
	for _, bad := range [][]string{nil, {}, {"admin"}, {"read", ""}} {
		if _, err := NormalizeScopes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	read, write := []string{ScopeRead}, []string{ScopeWrite}
	for _, m := range []string{"GET", "HEAD"} {
		if !ScopesAllow(read, m) || !ScopesAllow(write, m) {
			t.Errorf("%s refused", m)
		}
	}
	for _, m := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		if ScopesAllow(read, m) || !ScopesAllow(write, m) {
			t.Errorf("%s: read %v, write %v", m, ScopesAllow(read, m), ScopesAllow(write, m))
		}
	}
	if ScopesAllow(nil, "GET") {
		t.Error("no scopes allowed GET")
	}
}
