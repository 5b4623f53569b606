// Package auth holds local login: argon2id password hashes, random tokens stored only as hashes,
// lockout with back-off, and the accounts, sessions, password resets and API tokens kept in
// PostgreSQL (migration 0003).
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams is what every new hash uses: 64 MiB, 2 passes, 2 lanes, 16-byte salt, 32-byte key.
var DefaultParams = Params{Memory: 64 * 1024, Time: 2, Threads: 2, SaltLen: 16, KeyLen: 32}

const (
	// MinPasswordLength is counted in characters, not bytes.
	MinPasswordLength = 12
	// MaxPasswordLength bounds what a caller can make the server hash.
	MaxPasswordLength = 256
)

// InputError is input refused by policy (a weak password, an unknown scope); its message is
// Bahasa Indonesia for the user.
type InputError struct{ Message string }

func (e *InputError) Error() string { return e.Message }

// ErrMalformedHash is a stored hash that is not an argon2id PHC string this package accepts.
var ErrMalformedHash = errors.New("auth: malformed argon2id hash")

// CheckPassword applies the password policy.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return &InputError{fmt.Sprintf("kata sandi minimal %d karakter", MinPasswordLength)}
	case n > MaxPasswordLength:
		return &InputError{fmt.Sprintf("kata sandi maksimal %d karakter", MaxPasswordLength)}
	case strings.TrimSpace(pw) == "":
		return &InputError{"kata sandi tidak boleh hanya berisi spasi"}
	}
	return nil
}

// hashSlots bounds concurrent hashing: each hash takes 64 MiB, and login is open to anyone.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// hashSlot waits for a free slot and returns its release. The exported functions take one
// themselves; the Service takes one before opening its transaction, so a login waiting for a
// slot holds no database connection, and uses the unexported functions inside.
func hashSlot() (release func()) {
	hashSlots <- struct{}{}
	return func() { <-hashSlots }
}

func derive(pw string, salt []byte, p Params) []byte {
	return argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// HashPassword checks pw against the policy and returns its PHC string,
// e.g. $argon2id$v=19$m=65536,t=2,p=2$<salt>$<key> (unpadded standard base64).
func HashPassword(pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	defer hashSlot()()
	return hashWith(pw, DefaultParams), nil
}

func hashWith(pw string, p Params) string {
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt) // never fails (crypto/rand crashes the program instead)
	key := derive(pw, salt, p)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword tells whether pw matches the PHC string, comparing in constant time.
// The error is ErrMalformedHash (wrapped) when phc cannot be parsed.
func VerifyPassword(phc, pw string) (bool, error) {
	defer hashSlot()()
	return verify(phc, pw)
}

func verify(phc, pw string) (bool, error) {
	p, salt, key, err := parsePHC(phc)
	if err != nil {
		return false, err
	}
	got := derive(pw, salt, p)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// dummyHash is verified against when an account does not exist, so the answer takes as long.
var dummyHash = sync.OnceValue(func() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hashWith(base64.RawURLEncoding.EncodeToString(b), DefaultParams)
})

// VerifyDummy spends the time of a real verification and always fails: login calls it for a NIP
// without an account, so timing does not tell whether the NIP exists.
func VerifyDummy(pw string) {
	defer hashSlot()()
	verifyDummy(pw)
}

func verifyDummy(pw string) { _, _ = verify(dummyHash(), pw) }

// NeedsRehash tells whether phc was made with other parameters than DefaultParams.
func NeedsRehash(phc string) bool {
	p, salt, key, err := parsePHC(phc)
	return err != nil || p.Memory != DefaultParams.Memory || p.Time != DefaultParams.Time ||
		p.Threads != DefaultParams.Threads || len(salt) != int(DefaultParams.SaltLen) || len(key) != int(DefaultParams.KeyLen)
}

// Bounds on parameters read back from the database, so a corrupted row cannot make one login
// allocate gigabytes or spin for minutes.
const (
	maxMemory  = 1 << 20 // KiB, 1 GiB
	maxTime    = 16
	maxThreads = 64
)

func parsePHC(phc string) (p Params, salt, key []byte, err error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("want $argon2id$v=..$m=..,t=..,p=..$salt$key")
	}
	if parts[1] != "argon2id" {
		return bad("algorithm " + strconv.Quote(parts[1]) + " is not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("version " + strconv.Quote(parts[2]) + " is not v=19")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters must be m=..,t=..,p=..")
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return bad("parameter " + strconv.Itoa(i+1) + " must be " + name + "=")
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || (len(v) > 1 && v[0] == '0') {
			return bad("parameter " + name + " is not a number")
		}
		vals[i] = n
	}
	p.Memory, p.Time = uint32(vals[0]), uint32(vals[1])
	switch {
	case vals[2] < 1 || vals[2] > maxThreads:
		return bad("p out of range")
	case vals[1] < 1 || vals[1] > maxTime:
		return bad("t out of range")
	case vals[0] < 8*vals[2] || vals[0] > maxMemory:
		return bad("m out of range")
	}
	p.Threads = uint8(vals[2])
	if salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(salt) < 8 || len(salt) > 64 {
		return bad("salt is not 8 to 64 bytes of unpadded base64")
	}
	if key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return bad("key is not 16 to 64 bytes of unpadded base64")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
