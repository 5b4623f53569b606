package store

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/pay"
)

type Unit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id,omitempty"`
}

type Position struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	JenisJabatan string `json:"jenis_jabatan"`
	KelasJabatan int    `json:"kelas_jabatan"`
	TPPBasic     int64  `json:"tpp_basic"` // rupiah per month
}

type Employee struct {
	NIP         string `json:"nip"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	Status      string `json:"status"`
	UnitID      string `json:"unit_id"`
	PositionID  string `json:"position_id"`
	SuperiorNIP string `json:"superior_nip,omitempty"`
	IsHR        bool   `json:"is_hr"`
	// HRScopeUnitID limits an HR user to that unit and the units under it; empty with IsHR is
	// the whole organisation. Omitted in an import: empty.
	HRScopeUnitID string `json:"hr_scope_unit_id,omitempty"`
	// IsAdmin manages HR scopes and delegations anywhere (internal/access). Omitted: false.
	IsAdmin bool `json:"is_admin,omitempty"`
}

// OrgImport is a batch of organisation data, saved whole or not at all.
type OrgImport struct {
	Units     []Unit     `json:"units"`
	Positions []Position `json:"positions"`
	Employees []Employee `json:"employees"`
}

var nipPattern = regexp.MustCompile(`^[0-9]{18}$`)

// Validate checks each row on its own and the references between rows of the batch;
// references to rows already saved are checked by ImportOrg.
func (in OrgImport) Validate() []RowError {
	var errs []RowError
	add := func(sheet string, i int, field, msg string) {
		errs = append(errs, RowError{sheet, i + 1, field, msg})
	}
	seen := map[string]bool{}
	for i, u := range in.Units {
		if strings.TrimSpace(u.ID) == "" {
			add("units", i, "id", "wajib diisi")
		} else if seen[u.ID] {
			add("units", i, "id", "id "+u.ID+" disebut dua kali")
		}
		seen[u.ID] = true
		if strings.TrimSpace(u.Name) == "" {
			add("units", i, "name", "wajib diisi")
		}
		if u.ParentID == u.ID && u.ID != "" {
			add("units", i, "parent_id", "unit tidak boleh menjadi induk dirinya sendiri")
		}
	}
	seen = map[string]bool{}
	for i, p := range in.Positions {
		if strings.TrimSpace(p.ID) == "" {
			add("positions", i, "id", "wajib diisi")
		} else if seen[p.ID] {
			add("positions", i, "id", "id "+p.ID+" disebut dua kali")
		}
		seen[p.ID] = true
		if strings.TrimSpace(p.Name) == "" {
			add("positions", i, "name", "wajib diisi")
		}
		switch p.JenisJabatan {
		case "jpt", "administrator", "pengawas", "pelaksana", "fungsional":
		default:
			add("positions", i, "jenis_jabatan", "harus jpt, administrator, pengawas, pelaksana, atau fungsional")
		}
		if p.KelasJabatan < 1 || p.KelasJabatan > 17 {
			add("positions", i, "kelas_jabatan", "harus 1 sampai 17")
		}
		if msg := pay.CheckBasic(p.TPPBasic); msg != "" {
			add("positions", i, "tpp_basic", msg)
		}
	}
	seen = map[string]bool{}
	for i, e := range in.Employees {
		if !nipPattern.MatchString(e.NIP) {
			add("employees", i, "nip", "NIP harus 18 digit angka")
		} else if seen[e.NIP] {
			add("employees", i, "nip", "NIP "+e.NIP+" disebut dua kali")
		}
		seen[e.NIP] = true
		if strings.TrimSpace(e.Name) == "" {
			add("employees", i, "name", "wajib diisi")
		}
		if a, err := mail.ParseAddress(e.Email); err != nil || a.Address != e.Email {
			add("employees", i, "email", "alamat email tidak valid")
		}
		switch e.Status {
		case "PNS", "PPPK", "CPNS":
		default:
			add("employees", i, "status", "harus PNS, PPPK, atau CPNS")
		}
		if e.UnitID == "" {
			add("employees", i, "unit_id", "wajib diisi")
		}
		if e.PositionID == "" {
			add("employees", i, "position_id", "wajib diisi")
		}
		if e.SuperiorNIP != "" && e.SuperiorNIP == e.NIP {
			add("employees", i, "superior_nip", "pegawai tidak boleh menjadi atasan dirinya sendiri")
		}
		if e.HRScopeUnitID != "" && !e.IsHR {
			add("employees", i, "hr_scope_unit_id", "hanya untuk pengelola kinerja (is_hr: true)")
		}
	}
	return errs
}

// ImportOrg upserts the batch as a trusted seed (tests, tools): no rights rules, no audit rows.
// The API imports through ImportBy.
func (s *Store) ImportOrg(ctx context.Context, in OrgImport) error {
	_, err := s.importOrg(ctx, in, nil)
	return err
}

// ImportBy upserts the batch for an importer: the rights rules apply (checkRights: no changing
// one's own rights or email, is_admin only by an admin or the bootstrap import, no redirecting the
// email of someone with more rights), and every change of rights or email is audited with a
// summary row, all in the import's transaction.
func (s *Store) ImportBy(ctx context.Context, in OrgImport, by Importer) (ImportSummary, error) {
	return s.importOrg(ctx, in, &by)
}

// importOrg upserts the batch in one transaction. Any row error rejects the whole batch,
// so a bad file never leaves half an organisation behind.
func (s *Store) importOrg(ctx context.Context, in OrgImport, by *Importer) (ImportSummary, error) {
	var sum ImportSummary
	errs := in.Validate()
	if by != nil && by.Bootstrap != nil {
		errs = append(errs, bootstrapNamesAdmin(in)...)
	}
	if len(errs) > 0 {
		return sum, &ImportError{Rows: errs}
	}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var old map[string]existing
		if by != nil {
			if by.Bootstrap != nil {
				if err := by.Bootstrap(ctx, tx); err != nil {
					return err
				}
			}
			var err error
			if old, err = loadExisting(ctx, tx, in.Employees); err != nil {
				return err
			}
			// Scopes are checked against the unit tree as saved, before this batch moves it.
			rows, err := checkRights(ctx, tx, in, *by, old)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				return &ImportError{Rows: rows, Forbidden: true}
			}
		}
		// Units first without parents, so a batch may list children before parents.
		for _, u := range in.Units {
			if _, err := tx.Exec(ctx, `INSERT INTO org_units (id, name) VALUES ($1, $2)
				ON CONFLICT (id) DO UPDATE SET name = $2`, u.ID, u.Name); err != nil {
				return err
			}
		}
		var errs []RowError
		for i, u := range in.Units {
			if u.ParentID == "" {
				continue
			}
			if !exists(ctx, tx, `SELECT 1 FROM org_units WHERE id = $1`, u.ParentID) {
				errs = append(errs, RowError{"units", i + 1, "parent_id", "unit " + u.ParentID + " tidak ada"})
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE org_units SET parent_id = $2 WHERE id = $1`, u.ID, u.ParentID); err != nil {
				return err
			}
		}
		for _, p := range in.Positions {
			if _, err := tx.Exec(ctx, `INSERT INTO positions (id, name, jenis_jabatan, kelas_jabatan, tpp_basic)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO UPDATE
				SET name = $2, jenis_jabatan = $3, kelas_jabatan = $4, tpp_basic = $5`,
				p.ID, p.Name, p.JenisJabatan, p.KelasJabatan, p.TPPBasic); err != nil {
				return err
			}
		}
		for i, e := range in.Employees {
			row := func(field, msg string) { errs = append(errs, RowError{"employees", i + 1, field, msg}) }
			if !exists(ctx, tx, `SELECT 1 FROM org_units WHERE id = $1`, e.UnitID) {
				row("unit_id", "unit "+e.UnitID+" tidak ada")
			}
			if !exists(ctx, tx, `SELECT 1 FROM positions WHERE id = $1`, e.PositionID) {
				row("position_id", "jabatan "+e.PositionID+" tidak ada")
			}
			if e.HRScopeUnitID != "" && !exists(ctx, tx, `SELECT 1 FROM org_units WHERE id = $1`, e.HRScopeUnitID) {
				row("hr_scope_unit_id", "unit "+e.HRScopeUnitID+" tidak ada")
			}
		}
		if len(errs) > 0 {
			return &ImportError{Rows: errs}
		}
		for _, e := range in.Employees {
			if _, err := tx.Exec(ctx, `INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip, is_hr,
				hr_scope_unit_id, is_admin)
				VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, ''), $8, NULLIF($9, ''), $10) ON CONFLICT (nip) DO UPDATE
				SET name = $2, email = $3, status = $4, unit_id = $5, position_id = $6, superior_nip = NULLIF($7, ''), is_hr = $8,
				hr_scope_unit_id = NULLIF($9, ''), is_admin = $10`,
				e.NIP, e.Name, e.Email, e.Status, e.UnitID, e.PositionID, e.SuperiorNIP, e.IsHR, e.HRScopeUnitID, e.IsAdmin); err != nil {
				return err
			}
		}
		for i, e := range in.Employees {
			if e.SuperiorNIP != "" && !exists(ctx, tx, `SELECT 1 FROM employees WHERE nip = $1`, e.SuperiorNIP) {
				errs = append(errs, RowError{"employees", i + 1, "superior_nip", "atasan " + e.SuperiorNIP + " tidak ada"})
			}
		}
		if len(errs) > 0 {
			return &ImportError{Rows: errs}
		}
		// The superior chain must end: a cycle would leave nobody to decide appeals.
		var loop string
		err := tx.QueryRow(ctx, `WITH RECURSIVE up(start, nip, depth) AS (
				SELECT nip, superior_nip, 1 FROM employees WHERE superior_nip IS NOT NULL
				UNION ALL
				SELECT up.start, e.superior_nip, up.depth + 1 FROM up JOIN employees e ON e.nip = up.nip
				WHERE e.superior_nip IS NOT NULL AND up.depth < 64)
			SELECT start FROM up WHERE nip = start LIMIT 1`).Scan(&loop)
		if err == nil {
			return &ImportError{Rows: []RowError{{"employees", indexOfNIP(in.Employees, loop), "superior_nip",
				"rantai atasan " + loop + " berputar kembali ke dirinya"}}}
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if by != nil {
			sum, err = auditImport(ctx, tx, in, *by, old)
			return err
		}
		return nil
	})
	return sum, err
}

func indexOfNIP(es []Employee, nip string) int {
	for i, e := range es {
		if e.NIP == nip {
			return i + 1
		}
	}
	return 0
}

func exists(ctx context.Context, tx pgx.Tx, sql string, arg any) bool {
	var one int
	return tx.QueryRow(ctx, sql, arg).Scan(&one) == nil
}

const employeeColumns = `nip, name, email, status, unit_id, position_id, coalesce(superior_nip, ''), is_hr,
	coalesce(hr_scope_unit_id, ''), is_admin`

func (s *Store) Employee(ctx context.Context, nip string) (Employee, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+employeeColumns+` FROM employees WHERE nip = $1`, nip)
	if err != nil {
		return Employee{}, err
	}
	e, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Employee])
	if errors.Is(err, pgx.ErrNoRows) {
		return Employee{}, fmt.Errorf("pegawai %s: %w", nip, ErrNotFound)
	}
	return e, err
}

// Employees returns the given NIPs, or everyone when nips is empty, ordered by NIP.
func (s *Store) Employees(ctx context.Context, nips []string) ([]Employee, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+employeeColumns+` FROM employees
		WHERE coalesce(cardinality($1::text[]), 0) = 0 OR nip = ANY($1) ORDER BY nip`, nips)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Employee])
}

// Positions lists the organisation's positions (as the org import keeps them), by name: what a
// mutasi chooses from.
func (s *Store) Positions(ctx context.Context) ([]Position, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, name, jenis_jabatan, kelas_jabatan, tpp_basic FROM positions ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Position])
}

// PositionByID is one position, or ErrNotFound.
func (s *Store) PositionByID(ctx context.Context, id string) (Position, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, name, jenis_jabatan, kelas_jabatan, tpp_basic FROM positions WHERE id = $1`, id)
	if err != nil {
		return Position{}, err
	}
	p, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Position])
	if errors.Is(err, pgx.ErrNoRows) {
		return Position{}, fmt.Errorf("jabatan %s: %w", id, ErrNotFound)
	}
	return p, err
}
