package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/audit"
)

// Importer is who sends an organisation import, as the import's rules see them.
type Importer struct {
	NIP     string // "" only for the bootstrap import
	Name    string
	Admin   bool
	HRScope string // the importer's HR scope; "" is region-wide
	// Bootstrap, when set, runs first inside the import's transaction (auth.UseBootstrapToken):
	// the import then needs no identity, may set is_admin, and must name at least one admin.
	Bootstrap func(ctx context.Context, tx pgx.Tx) error
	// TellOldAddress enqueues, inside the import's transaction, the notice to the old address of
	// an account holder whose email changed (api: email.Enqueue). Required when emails may change.
	TellOldAddress func(ctx context.Context, tx pgx.Tx, c EmailChange) error
	Now            time.Time
}

// EmailChange is a changed contact address of an account holder.
type EmailChange struct {
	Old       Employee // as saved before the import
	NewEmail  string
	ChangedBy string // who imported it, for the notice
	At        time.Time
}

// ImportSummary is what an import changed.
type ImportSummary struct {
	Units     int `json:"units"`
	Positions int `json:"positions"`
	Employees int `json:"employees"`
	Created   int `json:"employees_created"`
	Updated   int `json:"employees_updated"`
	// Changes counts the audited changes of is_hr, hr_scope_unit_id, is_admin and email.
	Changes int `json:"rights_and_email_changes"`
	// Notified counts the emails to old addresses of account holders whose address changed.
	Notified int `json:"email_change_notices"`
}

// existing is an employee as saved before the import, with what the rules need to know.
type existing struct {
	Employee
	HasAccount bool // a password account or a session (SSO): someone can log in as them
}

// field is one audited column of an employee: rights and the contact address.
type field struct {
	name string
	get  func(Employee) any
}

var auditedFields = []field{
	{"is_hr", func(e Employee) any { return e.IsHR }},
	{"hr_scope_unit_id", func(e Employee) any { return e.HRScopeUnitID }},
	{"is_admin", func(e Employee) any { return e.IsAdmin }},
	{"email", func(e Employee) any { return e.Email }},
}

func loadExisting(ctx context.Context, tx pgx.Tx, es []Employee) (map[string]existing, error) {
	nips := make([]string, len(es))
	for i, e := range es {
		nips[i] = e.NIP
	}
	rows, err := tx.Query(ctx, `SELECT `+employeeColumns+`,
		EXISTS (SELECT 1 FROM accounts a WHERE a.nip = employees.nip) OR EXISTS (SELECT 1 FROM sessions s WHERE s.nip = employees.nip)
		FROM employees WHERE nip = ANY($1) FOR UPDATE`, nips)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (existing, error) {
		var x existing
		e := &x.Employee
		err := r.Scan(&e.NIP, &e.Name, &e.Email, &e.Status, &e.UnitID, &e.PositionID, &e.SuperiorNIP, &e.IsHR,
			&e.HRScopeUnitID, &e.IsAdmin, &x.HasAccount)
		return x, err
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]existing, len(list))
	for _, x := range list {
		out[x.NIP] = x
	}
	return out, nil
}

// covers tells whether HR scope `scope` ("" region-wide) covers unit, by the saved unit tree.
func covers(ctx context.Context, tx pgx.Tx, scope, unit string) (bool, error) {
	if scope == "" {
		return true, nil
	}
	if unit == "" {
		return false, nil // region-wide is wider than any unit
	}
	var ok bool
	err := tx.QueryRow(ctx, `WITH RECURSIVE up(id, depth) AS (
			SELECT $2::text, 0 UNION ALL
			SELECT u.parent_id, up.depth + 1 FROM up JOIN org_units u ON u.id = up.id
			WHERE u.parent_id IS NOT NULL AND up.depth < 64)
		SELECT EXISTS (SELECT 1 FROM up WHERE id = $1)`, scope, unit).Scan(&ok)
	return ok, err
}

// outranks tells whether x has rights the importer lacks: an admin, for an importer who is not
// one, or HR whose scope is wider than the importer's.
func outranks(ctx context.Context, tx pgx.Tx, by Importer, x Employee) (bool, error) {
	if by.Admin {
		return false, nil
	}
	if x.IsAdmin {
		return true, nil
	}
	if !x.IsHR {
		return false, nil
	}
	inside, err := covers(ctx, tx, by.HRScope, x.HRScopeUnitID)
	return !inside, err
}

// checkRights applies the rules on who may change rights and contact addresses, against the rows
// as saved before the import. Every refusal names the row, the field and why.
func checkRights(ctx context.Context, tx pgx.Tx, in OrgImport, by Importer, old map[string]existing) ([]RowError, error) {
	var errs []RowError
	for i, e := range in.Employees {
		row := func(f, msg string) { errs = append(errs, RowError{"employees", i + 1, f, msg}) }
		x, found := old[e.NIP]
		if !found {
			if e.IsAdmin && !by.Admin && by.Bootstrap == nil {
				row("is_admin", "hanya admin yang dapat menetapkan is_admin untuk pegawai baru; tulis false")
			}
			continue
		}
		if by.NIP != "" && e.NIP == by.NIP {
			// Nobody raises their own rights or redirects their own reset links through an import.
			for _, f := range auditedFields {
				if f.get(e) != f.get(x.Employee) {
					row(f.name, "Anda tidak dapat mengubah "+f.name+" milik Anda sendiri melalui impor; "+
						"mintalah admin atau pengelola kinerja lain, atau tulis nilai yang tercatat")
				}
			}
			continue
		}
		if e.IsAdmin != x.IsAdmin && !by.Admin && by.Bootstrap == nil {
			row("is_admin", "hanya admin yang dapat mengubah is_admin; tulis nilai yang tercatat ("+boolText(x.IsAdmin)+")")
		}
		if e.Email != x.Email {
			higher, err := outranks(ctx, tx, by, x.Employee)
			if err != nil {
				return nil, err
			}
			if higher {
				row("email", "alamat email pegawai ini (admin atau pengelola kinerja dengan cakupan lebih luas dari Anda) "+
					"hanya dapat diubah oleh admin; tulis alamat yang tercatat")
			}
		}
	}
	return errs, nil
}

// bootstrapNamesAdmin: the bootstrap import must leave an admin behind, or nobody could manage
// the organisation and the next start would print another token.
func bootstrapNamesAdmin(in OrgImport) []RowError {
	for _, e := range in.Employees {
		if e.IsAdmin {
			return nil
		}
	}
	return []RowError{{"employees", 0, "is_admin", "impor awal dengan token bootstrap harus menetapkan setidaknya satu admin (is_admin: true)"}}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// auditImport writes, inside the import's transaction, one row per changed right or email and a
// summary row, and tells account holders at their old address that their email changed.
func auditImport(ctx context.Context, tx pgx.Tx, in OrgImport, by Importer, old map[string]existing) (ImportSummary, error) {
	sum := ImportSummary{Units: len(in.Units), Positions: len(in.Positions), Employees: len(in.Employees)}
	actor := importActor(by)
	if by.Bootstrap != nil {
		if err := audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "auth.bootstrap_token_used"}); err != nil {
			return sum, err
		}
	}
	for _, e := range in.Employees {
		if _, found := old[e.NIP]; found {
			sum.Updated++
		} else {
			sum.Created++
		}
	}
	var err error
	if sum.Changes, sum.Notified, err = auditEmployeeChanges(ctx, tx, in.Employees, by, old); err != nil {
		return sum, err
	}
	return sum, audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "org.import", After: sum})
}

func importActor(by Importer) string {
	if by.Bootstrap != nil {
		return audit.ActorBootstrap
	}
	return by.NIP
}

// auditEmployeeChanges writes one audit row per changed right or email of the employees (old
// holds them as saved before the import) and queues the notice to the old address of an account
// holder whose email changed; it returns how many rows and notices it wrote.
func auditEmployeeChanges(ctx context.Context, tx pgx.Tx, es []Employee, by Importer, old map[string]existing) (changes, notified int, err error) {
	actor, changedBy := importActor(by), by.Name+" (NIP "+by.NIP+")"
	if by.Bootstrap != nil {
		changedBy = "impor awal dengan token bootstrap"
	}
	for _, e := range es {
		x, found := old[e.NIP]
		for _, f := range auditedFields {
			var before any
			if found {
				before = f.get(x.Employee)
				if before == f.get(e) {
					continue
				}
			} else if f.name == "email" || f.get(e) == f.get(Employee{}) {
				continue // a new employee's address, or rights they do not get, change nothing
			}
			var b any // SQL NULL for a new employee
			if found {
				b = map[string]any{f.name: before}
			}
			if err := audit.Append(ctx, tx, audit.Entry{Actor: actor, Action: "org." + f.name + "_changed", Subject: e.NIP,
				Before: b, After: map[string]any{f.name: f.get(e)}}); err != nil {
				return changes, notified, err
			}
			changes++
			if f.name == "email" && x.HasAccount {
				if by.TellOldAddress == nil {
					return changes, notified, errors.New("store: import changes an account holder's email but Importer.TellOldAddress is nil")
				}
				if err := by.TellOldAddress(ctx, tx, EmailChange{Old: x.Employee, NewEmail: e.Email, ChangedBy: changedBy, At: by.Now}); err != nil {
					return changes, notified, err
				}
				notified++
			}
		}
	}
	return changes, notified, nil
}
