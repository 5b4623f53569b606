package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"github.com/kinerja/platform/internal/sheet"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const orgHeader = "NIP,NAMA,EMAIL,STATUS,UNOR_ID,UNOR_NAMA,UNOR_INDUK_ID,JABATAN_ID,JABATAN_NAMA,JENIS_JABATAN,KELAS_JABATAN,NIP_ATASAN,TPP_BASIC\n"

var importer = store.Importer{NIP: testenv.NIPHR, Name: "Rina"}

func readCSV(t *testing.T, text string) *store.OrgFile {
	t.Helper()
	r, err := sheet.OpenCSV(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	f, err := store.ReadOrgFile(r)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func importFile(t *testing.T, st *store.Store, f *store.OrgFile, apply bool) store.FileImportResult {
	t.Helper()
	res, err := st.ImportFile(context.Background(), f, importer, apply)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// orgSnapshot is every org row and audit row as text, to show that nothing was written.
func orgSnapshot(t *testing.T, pool *pgxpool.Pool) string {
	t.Helper()
	var s string
	err := pool.QueryRow(context.Background(), `SELECT concat_ws('|',
		(SELECT string_agg(concat_ws(',', id, name, parent_id), ';' ORDER BY id) FROM org_units),
		(SELECT string_agg(concat_ws(',', id, name, jenis_jabatan, kelas_jabatan, tpp_basic), ';' ORDER BY id) FROM positions),
		(SELECT string_agg(concat_ws(',', nip, name, email, status, unit_id, position_id, superior_nip), ';' ORDER BY nip) FROM employees),
		(SELECT count(*) FROM audit_log))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func wantProblems(t *testing.T, res store.FileImportResult, want []string) {
	t.Helper()
	var got []string
	for _, e := range res.Errors {
		got = append(got, fmt.Sprintf("%d %s %s", e.Row, e.Field, e.Message))
	}
	if res.ErrorCount != len(want) || len(got) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", res.ErrorCount, len(want), strings.Join(got, "\n"))
		return
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, got[i], want[i])
		}
	}
}

// badRows is a file where every row but the first two has one thing wrong.
const badRows = orgHeader +
	"197001011995031001,Hadi,hadi@contoh.go.id,PNS,pemkab,Pemkab,,sekda,Sekda,jpt,15,,20000000\n" + // 2 fine
	"198001012005011002,Sari,sari@contoh.go.id,PNS,dinas,Dinas,pemkab,kabid,Kabid,administrator,11,197001011995031001,9.000.000\n" + // 3 fine
	"19800101200501100,Pendek,p@contoh.go.id,PNS,dinas,,,kabid,,,,197001011995031001,\n" + // 4 NIP too short
	"199001012015011001,Email Salah,bukan-email,PNS,dinas,,,kabid,,,,197001011995031001,\n" + // 5 email
	"199001012015011002,Unit Asing,u@contoh.go.id,PNS,dinas-asing,,,kabid,,,,197001011995031001,\n" + // 6 unknown unit
	"199001012015011003,Atasan Hilang,a@contoh.go.id,PNS,dinas,,,kabid,,,,199912312020121999,\n" + // 7 superior nowhere
	"198001012005011002,Sari Lagi,s2@contoh.go.id,PNS,dinas,,,kabid,,,,197001011995031001,\n" + // 8 duplicate NIP of row 3
	"199001012015011004,Kelas,k@contoh.go.id,PNS,dinas,,,staf,Staf,pelaksana,18,197001011995031001,3000000\n" + // 9 kelas out of range
	"199001012015011005,Sen,s@contoh.go.id,PNS,dinas,,,staf2,Staf,pelaksana,7,197001011995031001,\"3000000,50\"\n" + // 10 TPP with cents
	"199001012015011006,Status,st@contoh.go.id,Honorer,dinas,,,kabid,,,,197001011995031001,\n" + // 11 status
	"199001012015011007,Unit Beda,ub@contoh.go.id,PNS,dinas,Dinas Lain,pemkab,kabid,,,,197001011995031001,\n" // 12 unit named differently

func TestOrgFileWithBadRowsWritesNothingAndListsEach(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	testenv.SeedCycle(t, st)
	before := orgSnapshot(t, pool)
	want := []string{
		"4 NIP NIP harus 18 digit angka",
		"5 EMAIL alamat email tidak valid",
		"6 UNOR_ID unit dinas-asing tidak dikenal",
		"7 NIP_ATASAN atasan 199912312020121999 tidak ditemukan",
		"8 NIP duplikat NIP 198001012005011002: sudah ada di baris 3",
		"9 KELAS_JABATAN harus 1 sampai 17",
		"10 TPP_BASIC TPP \"3000000,50\" bukan bilangan bulat rupiah",
		"11 STATUS harus PNS, PPPK, atau CPNS",
		"12 UNOR_NAMA unit dinas bernama \"Dinas\" di baris 3",
	}
	for _, apply := range []bool{false, true} {
		res := importFile(t, st, readCSV(t, badRows), apply)
		if res.Applied {
			t.Fatalf("apply=%v: a file with bad rows was applied", apply)
		}
		wantProblems(t, res, want)
		if after := orgSnapshot(t, pool); after != before {
			t.Fatalf("apply=%v wrote something:\nbefore %s\nafter  %s", apply, before, after)
		}
	}
}

func TestOrgFileApplyThenReapplyIsUnchanged(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := testenv.SeedCycle(t, st)
	sample, err := os.ReadFile("testdata/org_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	before := orgSnapshot(t, pool)
	dry := importFile(t, st, readCSV(t, string(sample)), false)
	if dry.Applied || dry.ErrorCount != 0 || orgSnapshot(t, pool) != before {
		t.Fatalf("dry run: %+v", dry)
	}
	// The sample moves Budi (enrolled, penilai Sari, atasan Hadi) under Sari whose superior is now Wahyu.
	check := func(name string, got store.FileImportResult, units, positions, employees store.ImportCounts, differ int) {
		t.Helper()
		if got.Units != units || got.Positions != positions || got.Employees != employees || got.SupervisorsDifferTotal != differ {
			t.Errorf("%s: units %+v positions %+v employees %+v differ %d", name, got.Units, got.Positions, got.Employees, got.SupervisorsDifferTotal)
		}
	}
	// Seeded: unit dinas; positions kadis (as the sample has it), staf; Hadi, Sari, Budi, Rina.
	check("dry run", dry, store.ImportCounts{Added: 2}, store.ImportCounts{Added: 3, Unchanged: 1}, store.ImportCounts{Added: 2, Changed: 3}, 1)
	res := importFile(t, st, readCSV(t, string(sample)), true)
	if !res.Applied || res.ErrorCount != 0 {
		t.Fatalf("apply: %+v", res)
	}
	check("apply", res, store.ImportCounts{Added: 2}, store.ImportCounts{Added: 3, Unchanged: 1}, store.ImportCounts{Added: 2, Changed: 3}, 1)
	if fmt.Sprint(res.SupervisorsDiffer) != fmt.Sprintf("[{%d 1}]", cycle) {
		t.Errorf("per cycle: %v", res.SupervisorsDiffer)
	}
	again := importFile(t, st, readCSV(t, string(sample)), true)
	check("re-apply", again, store.ImportCounts{Unchanged: 2}, store.ImportCounts{Unchanged: 4}, store.ImportCounts{Unchanged: 5}, 1)
	var parent, sup, pos string
	var tppBasic int64
	if err := pool.QueryRow(context.Background(), `SELECT u.parent_id, e.superior_nip, e.position_id, p.tpp_basic FROM employees e
		JOIN org_units u ON u.id = e.unit_id JOIN positions p ON p.id = e.position_id WHERE e.nip = '199405202019032006'`).
		Scan(&parent, &sup, &pos, &tppBasic); err != nil {
		t.Fatal(err)
	}
	if parent != "pemkab" || sup != "198001012005011002" || pos != "pranata" || tppBasic != 5_000_000 {
		t.Errorf("Dewi: unit parent %s superior %s position %s tpp %d", parent, sup, pos, tppBasic)
	}
	var audits int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'org.import' AND after->>'source' = 'file'`).
		Scan(&audits); err != nil || audits != 2 {
		t.Errorf("%d file import audit rows, want 2 (%v)", audits, err)
	}

	// The running year whose supervisors differ, with both pairs.
	list, total, err := st.SupervisorChanges(context.Background(), store.SupervisorChangesQuery{CycleID: cycle, Limit: 10})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("supervisor changes: %d %+v %v", total, list, err)
	}
	if c := list[0]; c.NIP != testenv.NIPEmployee || c.PenilaiNIP != testenv.NIPPenilai || c.AtasanNIP != testenv.NIPHead ||
		c.OrgPenilaiNIP != testenv.NIPPenilai || c.OrgAtasanNIP != "197501012000031002" || c.OrgAtasanName != "Wahyu Hidayat" {
		t.Errorf("change: %+v", c)
	}
	// Another HR scope sees none of it.
	if _, total, err := st.SupervisorChanges(context.Background(), store.SupervisorChangesQuery{CycleID: cycle, Scope: "pemkab-lain", Limit: 10}); err != nil || total != 0 {
		t.Errorf("outside the scope: %d %v", total, err)
	}
}

func TestOrgFileReportingLoop(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	testenv.SeedCycle(t, st)
	before := orgSnapshot(t, pool)
	// Hadi (saved, no superior) is put under Budi, who is under Sari, who is under Hadi.
	res := importFile(t, st, readCSV(t, orgHeader+
		testenv.NIPHead+",Hadi,hadi@contoh.go.id,PNS,dinas,,,kadis,,,,"+testenv.NIPEmployee+",\n"+
		"199901012020011001,Baru,baru@contoh.go.id,PNS,dinas,,,staf,,,,199901012020011002,\n"+
		"199901012020011002,Baru Dua,baru2@contoh.go.id,PNS,dinas,,,staf,,,,199901012020011001,\n"), true)
	loop := testenv.NIPHead + " → " + testenv.NIPEmployee + " → " + testenv.NIPPenilai + " → " + testenv.NIPHead
	wantProblems(t, res, []string{
		"2 NIP_ATASAN siklus dalam garis atasan: " + loop,
		"3 NIP_ATASAN siklus dalam garis atasan: 199901012020011001 → 199901012020011002 → 199901012020011001",
		"4 NIP_ATASAN siklus dalam garis atasan: 199901012020011001 → 199901012020011002 → 199901012020011001",
	})
	if orgSnapshot(t, pool) != before {
		t.Error("a loop was written")
	}
}

func TestOrgFileHeaderProblems(t *testing.T) {
	f := readCSV(t, "nip;Nama;E-MAIL;status;unor id;JABATAN_ID;NIP_ATASAN;NIP\n")
	var got []string
	for _, p := range f.Problems {
		got = append(got, p.Field+": "+p.Message)
	}
	want := []string{"E-MAIL: kolom tidak dikenal", "NIP: kolom disebut dua kali (kolom A dan H)", "EMAIL: kolom wajib tidak ada"}
	if len(got) != len(want) {
		t.Fatalf("problems: %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestOrgFileXLSX: the same bad rows in a workbook are listed the same way, and nothing is written.
func TestOrgFileXLSX(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	testenv.SeedCycle(t, st)
	path := filepath.Join(t.TempDir(), "org.xlsx")
	writeXLSX(t, path, badRows)
	r, err := sheet.OpenXLSX(path, t.TempDir(), 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	f, err := store.ReadOrgFile(r)
	if err != nil {
		t.Fatal(err)
	}
	before := orgSnapshot(t, pool)
	csvRes := importFile(t, st, readCSV(t, badRows), true)
	res := importFile(t, st, f, true)
	if res.Applied || res.ErrorCount != csvRes.ErrorCount || res.Sheet != "Pegawai" {
		t.Fatalf("xlsx: %d problems on %q, csv %d", res.ErrorCount, res.Sheet, csvRes.ErrorCount)
	}
	for i, e := range res.Errors {
		c := csvRes.Errors[i]
		if e.Row != c.Row || e.Field != c.Field || e.Message != c.Message {
			t.Errorf("xlsx problem %v, csv %v", e, c)
		}
	}
	if orgSnapshot(t, pool) != before {
		t.Error("the workbook wrote something")
	}
}

// writeXLSX writes CSV text as a workbook with one sheet "Pegawai", every cell as text except
// whole numbers in KELAS_JABATAN and TPP_BASIC, as a person would type them.
func writeXLSX(t testing.TB, path, csvText string) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", "Pegawai"); err != nil {
		t.Fatal(err)
	}
	sw, err := x.NewStreamWriter("Pegawai")
	if err != nil {
		t.Fatal(err)
	}
	r, err := sheet.OpenCSV(strings.NewReader(csvText))
	if err != nil {
		t.Fatal(err)
	}
	for {
		row, cells, err := r.Next()
		if err != nil {
			break
		}
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
			if n, err := fmt.Sscanf(c, "%d", new(int)); row > 1 && (i == 10 || i == 12) && err == nil && n == 1 && !strings.ContainsAny(c, ".,") {
				var v int64
				fmt.Sscan(c, &v)
				vals[i] = v
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
