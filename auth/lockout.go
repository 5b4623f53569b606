package auth

import (
	"fmt"
	"time"
)

// Lockout: after LockAfter consecutive failed logins the account locks for FirstLock; each
// further failure (counted only once the lock has passed: attempts while locked are not checked)
// doubles the lock, up to MaxLock. A successful login or a password reset clears the count.
//
// While locked, login answers exactly as for a wrong password (401, code invalid_credentials)
// whatever password is given, plus a hint "coba lagi setelah N menit" and a Retry-After header.
// This shows that the NIP has an account, but only after five failures that also alerted its
// owner by locking them out; without the hint users could not tell a lock from a typo.
const (
	LockAfter = 5
	FirstLock = time.Minute
	MaxLock   = time.Hour
)

// LockDuration is how long the account locks after its failures-th consecutive failure; 0 means not at all.
func LockDuration(failures int) time.Duration {
	if failures < LockAfter {
		return 0
	}
	d := FirstLock
	for i := LockAfter; i < failures && d < MaxLock; i++ {
		d *= 2
	}
	return min(d, MaxLock)
}

// LockedError is a login refused because the account is locked until Until.
type LockedError struct {
	Until time.Time
	Wait  time.Duration // from the attempt to Until
}

func (e *LockedError) Error() string {
	return "NIP atau kata sandi salah. Terlalu banyak percobaan gagal; coba lagi setelah " + WaitText(e.Wait) + "."
}

// Is makes a locked account answer like a wrong password wherever errors.Is is asked.
func (e *LockedError) Is(target error) bool { return target == ErrInvalidCredentials }

// WaitText writes a wait in whole minutes, rounded up, in Bahasa Indonesia.
func WaitText(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	return fmt.Sprintf("%d menit", m)
}
