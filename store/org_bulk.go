package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/audit"
)

// MaxListedErrors bounds the row problems an answer lists; FileImportResult.ErrorCount has them all.
const MaxListedErrors = 1000

// ImportCounts is what an import did, or would do, to one table.
type ImportCounts struct {
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
}

// FileImportResult answers a dry run or an apply of an organisation file.
type FileImportResult struct {
	// Applied: the rows were saved. A dry run, or a file with problems, saves nothing.
	Applied   bool         `json:"applied"`
	Sheet     string       `json:"sheet,omitempty"`
	Rows      int          `json:"rows"`
	Units     ImportCounts `json:"units"`
	Positions ImportCounts `json:"positions"`
	Employees ImportCounts `json:"employees"`
	// ErrorCount is every problem found; Errors the first MaxListedErrors, by row and column.
	ErrorCount int        `json:"error_count"`
	Errors     []RowError `json:"errors"`
	// EmailChanges counts the audited changes of an employee's email; Notified the notices to old addresses.
	EmailChanges int `json:"email_changes"`
	Notified     int `json:"email_change_notices"`
	// SupervisorsDiffer counts, per cycle, the running years whose penilai or atasan differ from
	// the org data as it stands after the import (as it would stand, in a dry run): the list is
	// GET /api/cycles/:cycle/supervisor-changes, the fix POST /api/cycles/:cycle/reassign.
	SupervisorsDiffer      []CycleCount `json:"running_years_supervisors_differ"`
	SupervisorsDifferTotal int          `json:"running_years_supervisors_differ_total"`
}

// CycleCount is a number of years in one cycle.
type CycleCount struct {
	CycleID int64 `json:"cycle_id"`
	Count   int   `json:"count"`
}

// ImportFile checks an organisation file against the saved organisation and, when apply is set
// and nothing is wrong, upserts it in one transaction with its audit rows; otherwise it rolls
// everything back. A dry run goes through the same statements, so what it counts is what an
// apply would do. The importer is region-wide HR or an admin (the route's rule); the rights
// rules of ImportBy apply to the emails the file changes. The file cannot set rights: is_hr,
// hr_scope_unit_id and is_admin of saved employees stay, new employees get none.
func (s *Store) ImportFile(ctx context.Context, f *OrgFile, by Importer, apply bool) (FileImportResult, error) {
	res := FileImportResult{Sheet: f.Sheet, Rows: f.Rows, Errors: []RowError{}, SupervisorsDiffer: []CycleCount{}}
	problems := append([]RowError(nil), f.Problems...)
	finish := func() (FileImportResult, error) {
		problems = sortRowErrors(problems)
		res.ErrorCount = len(problems)
		res.Errors = append([]RowError{}, problems[:min(len(problems), MaxListedErrors)]...)
		if res.SupervisorsDiffer == nil {
			res.SupervisorsDiffer = []CycleCount{}
		}
		return res, nil
	}
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return res, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after a commit this is a no-op
	// Two imports at once would each check against rows the other is changing, and the upsert
	// relies on nobody else adding employees meanwhile; readers go on. A dry run takes the lock too:
	// it runs the same statements.
	if _, err := tx.Exec(ctx, `LOCK TABLE org_units, positions, employees IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return res, err
	}
	refs, saved, err := checkReferences(ctx, tx, f)
	if err != nil {
		return res, err
	}
	if problems = append(problems, refs...); len(problems) > 0 {
		return finish()
	}
	if err := copyOrgFile(ctx, tx, f, saved); err != nil {
		return res, err
	}
	// The rights rules, for the saved employees whose email the file changes.
	var changed []string
	rows, err := tx.Query(ctx, `SELECT t.nip FROM imp_employees t JOIN employees e ON e.nip = t.nip WHERE e.email <> t.email`)
	if err == nil {
		changed, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		return res, err
	}
	rowOf := make(map[string]int, len(f.Employees))
	for i, e := range f.Employees {
		rowOf[e.NIP] = f.employeeRow[i]
	}
	var sub []Employee
	byNIP := map[string]bool{}
	for _, n := range changed {
		byNIP[n] = true
	}
	for _, e := range f.Employees {
		if byNIP[e.NIP] {
			sub = append(sub, e)
		}
	}
	old, err := loadExisting(ctx, tx, sub)
	if err != nil {
		return res, err
	}
	for i := range sub {
		x := old[sub[i].NIP].Employee // the file does not carry rights: they stay as saved
		sub[i].IsHR, sub[i].HRScopeUnitID, sub[i].IsAdmin = x.IsHR, x.HRScopeUnitID, x.IsAdmin
	}
	refused, err := checkRights(ctx, tx, OrgImport{Employees: sub}, by, old)
	if err != nil {
		return res, err
	}
	for _, r := range refused {
		problems = append(problems, RowError{Sheet: f.Sheet, Row: rowOf[sub[r.Row-1].NIP], Field: ColEmail, Message: r.Message})
	}
	if len(problems) > 0 {
		return finish()
	}
	if res.Units, res.Positions, res.Employees, err = upsertOrgFile(ctx, tx, f); err != nil {
		return res, err
	}
	if res.SupervisorsDiffer, err = supervisorsDiffer(ctx, tx); err != nil {
		return res, err
	}
	for _, c := range res.SupervisorsDiffer {
		res.SupervisorsDifferTotal += c.Count
	}
	if !apply {
		return finish() // the deferred rollback undoes the upsert
	}
	if res.EmailChanges, res.Notified, err = auditEmployeeChanges(ctx, tx, sub, by, old); err != nil {
		return res, err
	}
	if err := audit.Append(ctx, tx, audit.Entry{Actor: importActor(by), Action: "org.import", After: map[string]any{
		"source": "file", "sheet": f.Sheet, "rows": f.Rows, "units": res.Units, "positions": res.Positions,
		"employees": res.Employees, "email_changes": res.EmailChanges}}); err != nil {
		return res, err
	}
	if err := tx.Commit(ctx); err != nil {
		return res, err
	}
	res.Applied = true
	return finish()
}

// checkReferences checks what rows refer to against the file and the saved organisation:
// units and positions named without being defined, parent units, superiors, and loops in the
// unit tree and in the reporting lines as they would stand after the import. saved tells, per
// employee of the file, whether they are saved already.
func checkReferences(ctx context.Context, tx pgx.Tx, f *OrgFile) (errs []RowError, saved []bool, err error) {
	bad := func(row int, col, msg string) {
		errs = append(errs, RowError{Sheet: f.Sheet, Row: row, Field: col, Message: msg})
	}

	savedParent := map[string]string{}
	if err := scanPairs(ctx, tx, `SELECT id, coalesce(parent_id, '') FROM org_units`, savedParent); err != nil {
		return nil, nil, err
	}
	savedPosition := map[string]string{}
	if err := scanPairs(ctx, tx, `SELECT id, '' FROM positions`, savedPosition); err != nil {
		return nil, nil, err
	}
	savedSuperior := map[string]string{}
	if err := scanPairs(ctx, tx, `SELECT nip, coalesce(superior_nip, '') FROM employees`, savedSuperior); err != nil {
		return nil, nil, err
	}
	others := func(n int) string {
		if n > 1 {
			return fmt.Sprintf(" (dipakai juga di %d baris lain)", n-1)
		}
		return ""
	}
	for id, u := range f.unitUsed {
		if _, ok := savedParent[id]; !ok {
			bad(u.Row, ColUnorID, "unit "+id+" tidak dikenal: tidak ada di data tersimpan; isi UNOR_NAMA untuk menambahkannya"+others(u.Count))
		}
	}
	for id, u := range f.positionUsed {
		if _, ok := savedPosition[id]; !ok {
			bad(u.Row, ColJabatanID, "jabatan "+id+" tidak dikenal: tidak ada di data tersimpan; isi JABATAN_NAMA, JENIS_JABATAN, "+
				"KELAS_JABATAN dan TPP_BASIC untuk menambahkannya"+others(u.Count))
		}
	}

	// Units: the tree as it would stand.
	parent := savedParent
	unitRow := map[string]int{}
	for i, u := range f.Units {
		unitRow[u.ID] = f.unitRow[i]
	}
	for i, u := range f.Units {
		if u.ParentID == "" {
			if f.UnitParents {
				parent[u.ID] = ""
			} else if _, ok := parent[u.ID]; !ok {
				parent[u.ID] = ""
			}
			continue
		}
		if _, inFile := unitRow[u.ParentID]; !inFile {
			if _, saved := savedParent[u.ParentID]; !saved {
				bad(f.unitRow[i], ColUnorIndukID, "unit induk "+u.ParentID+" tidak dikenal: tidak ada di berkas maupun data tersimpan")
			}
		}
		parent[u.ID] = u.ParentID
	}
	for _, loop := range findLoops(f.Units, func(u Unit) string { return u.ID }, parent) {
		for _, id := range loop[:len(loop)-1] {
			if row, ok := unitRow[id]; ok {
				bad(row, ColUnorIndukID, "siklus dalam susunan unit: "+strings.Join(loop, " → "))
			}
		}
	}

	// Reporting lines as they would stand.
	superior := savedSuperior
	empRow := make(map[string]int, len(f.Employees))
	for i, e := range f.Employees {
		if e.NIP != "" {
			empRow[e.NIP] = f.employeeRow[i]
		}
	}
	for i, e := range f.Employees {
		if e.SuperiorNIP == "" || e.SuperiorNIP == e.NIP {
			continue
		}
		if _, inFile := empRow[e.SuperiorNIP]; !inFile {
			if _, saved := savedSuperior[e.SuperiorNIP]; !saved {
				bad(f.employeeRow[i], ColNIPAtasan, "atasan "+e.SuperiorNIP+" tidak ditemukan: tidak ada di berkas maupun data tersimpan")
			}
		}
	}
	saved = make([]bool, len(f.Employees))
	for i, e := range f.Employees {
		_, saved[i] = savedSuperior[e.NIP]
	}
	for _, e := range f.Employees {
		if e.NIP != "" && e.SuperiorNIP != e.NIP {
			superior[e.NIP] = e.SuperiorNIP
		}
	}
	for _, loop := range findLoops(f.Employees, func(e Employee) string { return e.NIP }, superior) {
		for _, nip := range loop[:len(loop)-1] {
			if row, ok := empRow[nip]; ok {
				bad(row, ColNIPAtasan, "siklus dalam garis atasan: "+strings.Join(loop, " → "))
			}
		}
	}
	return errs, saved, nil
}

func scanPairs(ctx context.Context, tx pgx.Tx, sql string, into map[string]string) error {
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	var k, v string
	for rows.Next() {
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		into[k] = v
	}
	return rows.Err()
}

// findLoops follows next (child to parent, employee to superior) from each item and returns
// every loop once, as the ids along it with the first repeated at the end (A → B → A).
func findLoops[T any](items []T, id func(T) string, next map[string]string) [][]string {
	const walking, done = 1, 2
	state := map[string]uint8{}
	var loops [][]string
	for _, it := range items {
		var path []string
		for cur := id(it); cur != ""; cur = next[cur] {
			if state[cur] == done {
				break
			}
			if state[cur] == walking {
				for i := len(path) - 1; i >= 0; i-- {
					if path[i] == cur {
						loops = append(loops, append(append([]string(nil), path[i:]...), cur))
						break
					}
				}
				break
			}
			state[cur] = walking
			path = append(path, cur)
		}
		for _, p := range path {
			state[p] = done
		}
	}
	return loops
}

// copyOrgFile loads the file's rows into temporary tables of the transaction, the fast way in.
func copyOrgFile(ctx context.Context, tx pgx.Tx, f *OrgFile, saved []bool) error {
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE imp_units (id text PRIMARY KEY, name text NOT NULL, parent_id text) ON COMMIT DROP;
		CREATE TEMP TABLE imp_positions (id text PRIMARY KEY, name text NOT NULL, jenis_jabatan text NOT NULL,
			kelas_jabatan int NOT NULL, tpp_basic bigint NOT NULL) ON COMMIT DROP;
		CREATE TEMP TABLE imp_employees (nip text PRIMARY KEY, name text NOT NULL, email text NOT NULL, status text NOT NULL,
			unit_id text NOT NULL, position_id text NOT NULL, superior_nip text, saved boolean NOT NULL) ON COMMIT DROP`); err != nil {
		return err
	}
	orNull := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"imp_units"}, []string{"id", "name", "parent_id"},
		pgx.CopyFromSlice(len(f.Units), func(i int) ([]any, error) {
			u := f.Units[i]
			return []any{u.ID, u.Name, u.ParentID}, nil
		})); err != nil {
		return err
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"imp_positions"}, []string{"id", "name", "jenis_jabatan", "kelas_jabatan", "tpp_basic"},
		pgx.CopyFromSlice(len(f.Positions), func(i int) ([]any, error) {
			p := f.Positions[i]
			return []any{p.ID, p.Name, p.JenisJabatan, int32(p.KelasJabatan), p.TPPBasic}, nil
		})); err != nil {
		return err
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"imp_employees"},
		[]string{"nip", "name", "email", "status", "unit_id", "position_id", "superior_nip", "saved"},
		pgx.CopyFromSlice(len(f.Employees), func(i int) ([]any, error) {
			e := f.Employees[i]
			return []any{e.NIP, e.Name, e.Email, e.Status, e.UnitID, e.PositionID, orNull(e.SuperiorNIP), saved[i]}, nil
		}))
	if err != nil {
		return err
	}
	// Temporary tables have no statistics until analysed; the joins below need them.
	_, err = tx.Exec(ctx, `ANALYZE imp_units, imp_positions, imp_employees`)
	return err
}

// upsertOrgFile writes the temporary tables into the organisation; a row whose values are
// already saved is not touched. RETURNING (xmax = 0) tells an insert from an update.
func upsertOrgFile(ctx context.Context, tx pgx.Tx, f *OrgFile) (units, positions, employees ImportCounts, err error) {
	count := func(total int, sql string, args ...any) (ImportCounts, error) {
		var c ImportCounts
		err := tx.QueryRow(ctx, sql, args...).Scan(&c.Added, &c.Changed)
		c.Unchanged = total - c.Added - c.Changed
		return c, err
	}
	// Units: names first (new units without a parent), then parents, so any order works. Two
	// statements: a data-modifying CTE would not see the other's rows.
	added, touched := map[string]bool{}, map[string]bool{}
	rows, err := tx.Query(ctx, `INSERT INTO org_units (id, name) SELECT id, name FROM imp_units
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name WHERE org_units.name IS DISTINCT FROM EXCLUDED.name
		RETURNING id, xmax = 0`)
	if err != nil {
		return
	}
	var id string
	var isNew bool
	if _, err = pgx.ForEachRow(rows, []any{&id, &isNew}, func() error {
		if isNew {
			added[id] = true
		} else {
			touched[id] = true
		}
		return nil
	}); err != nil {
		return
	}
	rows, err = tx.Query(ctx, `UPDATE org_units u SET parent_id = NULLIF(t.parent_id, '') FROM imp_units t
		WHERE u.id = t.id AND ($1 OR t.parent_id <> '') AND u.parent_id IS DISTINCT FROM NULLIF(t.parent_id, '')
		RETURNING u.id`, f.UnitParents)
	if err != nil {
		return
	}
	if _, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		if !added[id] {
			touched[id] = true
		}
		return nil
	}); err != nil {
		return
	}
	units = ImportCounts{Added: len(added), Changed: len(touched), Unchanged: len(f.Units) - len(added) - len(touched)}
	positions, err = count(len(f.Positions), `WITH up AS (
			INSERT INTO positions (id, name, jenis_jabatan, kelas_jabatan, tpp_basic)
			SELECT id, name, jenis_jabatan, kelas_jabatan, tpp_basic FROM imp_positions
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, jenis_jabatan = EXCLUDED.jenis_jabatan,
				kelas_jabatan = EXCLUDED.kelas_jabatan, tpp_basic = EXCLUDED.tpp_basic
			WHERE (positions.name, positions.jenis_jabatan, positions.kelas_jabatan, positions.tpp_basic)
				IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.jenis_jabatan, EXCLUDED.kelas_jabatan, EXCLUDED.tpp_basic)
			RETURNING xmax = 0 AS added)
		SELECT count(*) FILTER (WHERE added), count(*) FILTER (WHERE NOT added) FROM up`)
	if err != nil {
		return
	}
	// Employees, the bulk: an UPDATE of the saved rows that differ, then a plain INSERT of the new
	// ones, faster than INSERT ... ON CONFLICT. Which are saved was read under the table lock
	// (imp_employees.saved): an anti-join against employees while inserting into it would rescan
	// the growing table for every row.
	tag, err := tx.Exec(ctx, `UPDATE employees e SET name = t.name, email = t.email, status = t.status, unit_id = t.unit_id,
			position_id = t.position_id, superior_nip = t.superior_nip
		FROM imp_employees t WHERE t.saved AND e.nip = t.nip
			AND (e.name, e.email, e.status, e.unit_id, e.position_id, e.superior_nip)
				IS DISTINCT FROM (t.name, t.email, t.status, t.unit_id, t.position_id, t.superior_nip)`)
	if err != nil {
		return
	}
	employees.Changed = int(tag.RowsAffected())
	tag, err = tx.Exec(ctx, `INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
		SELECT nip, name, email, status, unit_id, position_id, superior_nip FROM imp_employees WHERE NOT saved`)
	if err != nil {
		return
	}
	employees.Added = int(tag.RowsAffected())
	employees.Unchanged = len(f.Employees) - employees.Added - employees.Changed
	return
}
