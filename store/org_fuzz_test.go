package store

import (
	"encoding/json"
	"net/mail"
	"reflect"
	"strings"
	"testing"
)

// jsonFields lists the JSON names of a row type's fields.
func jsonFields(row any) map[string]bool {
	names := map[string]bool{}
	t := reflect.TypeOf(row)
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names[name] = true
	}
	return names
}

// FuzzOrgImportValidate checks the row validation of an organisation import, decoded from
// arbitrary JSON the way the API receives it. It never panics; every RowError points at a row
// that exists and a field that row has, with a message; and a batch it passes is one ImportOrg
// may write: 18-digit unique NIPs, unique ids, names, known statuses and classes, valid emails.
func FuzzOrgImportValidate(f *testing.F) {
	for _, s := range []string{
		`{"units":[{"id":"pemkab","name":"Pemerintah Kabupaten Contoh"},{"id":"diskominfo","name":"Dinas Kominfo","parent_id":"pemkab"}],
		  "positions":[{"id":"kadis","name":"Kepala Dinas","jenis_jabatan":"jpt","kelas_jabatan":14,"tpp_basic":15000000},
		               {"id":"pranata","name":"Pranata Komputer","jenis_jabatan":"fungsional","kelas_jabatan":8,"tpp_basic":5000000}],
		  "employees":[{"nip":"197001011995031001","name":"Hadi Prasetyo","email":"hadi@contoh.go.id","status":"PNS","unit_id":"diskominfo","position_id":"kadis"},
		               {"nip":"199203152018011003","name":"Budi Santoso","email":"budi@contoh.go.id","status":"PNS","unit_id":"diskominfo","position_id":"pranata","superior_nip":"197001011995031001"}]}`,
		`{"units":[{"id":"a","name":"A","parent_id":"a"},{"id":"a","name":" "}]}`,
		`{"positions":[{"id":"x","name":"X","jenis_jabatan":"JPT","kelas_jabatan":18,"tpp_basic":-1},{"id":"x"}]}`,
		`{"employees":[{"nip":"19920315201801100","email":"Budi <budi@contoh.go.id>"},{"nip":"19920315201801100a"},{"nip":"١٩٩٢٠٣١٥٢٠١٨٠١١٠٠٣"}]}`,
		`{"employees":[{"nip":"199203152018011003","superior_nip":"199203152018011003","status":"pns"},{"nip":"199203152018011003"}]}`,
		`{"employees":[{"nip":"199203152018011003\n","name":"Budi","email":"budi@contoh.go.id","status":"PNS","unit_id":"u","position_id":"p"}]}`,
		`{"positions":[{"id":"p","name":"P","jenis_jabatan":"pelaksana","kelas_jabatan":9223372036854775807,"tpp_basic":9223372036854775807}]}`,
		`{"units":[{"id":"🙂","name":"\u0000"}],"units":[{"id":"","name":""}]}`,
		`{"employees":[{"email":"\"a b\"@contoh.go.id"},{"email":"budi@contoh.go.id\r\nBcc: x@y.z"}]}`,
	} {
		f.Add([]byte(s))
	}
	fields := map[string]map[string]bool{
		"units": jsonFields(Unit{}), "positions": jsonFields(Position{}), "employees": jsonFields(Employee{}),
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var in OrgImport
		if json.Unmarshal(data, &in) != nil {
			return
		}
		errs := in.Validate()
		if again := in.Validate(); !reflect.DeepEqual(errs, again) {
			t.Fatalf("Validate is not deterministic: %v then %v", errs, again)
		}
		rows := map[string]int{"units": len(in.Units), "positions": len(in.Positions), "employees": len(in.Employees)}
		for _, e := range errs {
			n, ok := rows[e.Sheet]
			if !ok {
				t.Fatalf("%+v: unknown sheet", e)
			}
			if e.Row < 1 || e.Row > n {
				t.Fatalf("%+v: row outside 1..%d", e, n)
			}
			if !fields[e.Sheet][e.Field] || strings.TrimSpace(e.Message) == "" {
				t.Fatalf("%+v: want a field of the %s sheet and a message", e, e.Sheet)
			}
		}
		if len(errs) > 0 {
			return
		}
		ids := map[string]bool{}
		for _, u := range in.Units {
			if strings.TrimSpace(u.ID) == "" || strings.TrimSpace(u.Name) == "" || ids[u.ID] || u.ParentID == u.ID {
				t.Fatalf("unit %+v passed", u)
			}
			ids[u.ID] = true
		}
		ids = map[string]bool{}
		for _, p := range in.Positions {
			if strings.TrimSpace(p.ID) == "" || strings.TrimSpace(p.Name) == "" || ids[p.ID] ||
				p.KelasJabatan < 1 || p.KelasJabatan > 17 || p.TPPBasic < 0 ||
				!strings.Contains(" jpt administrator pengawas pelaksana fungsional ", " "+p.JenisJabatan+" ") || p.JenisJabatan == "" {
				t.Fatalf("position %+v passed", p)
			}
			ids[p.ID] = true
		}
		nips := map[string]bool{}
		for _, e := range in.Employees {
			if len(e.NIP) != 18 || strings.Trim(e.NIP, "0123456789") != "" || nips[e.NIP] {
				t.Fatalf("employee NIP %q passed", e.NIP)
			}
			nips[e.NIP] = true
			a, err := mail.ParseAddress(e.Email)
			if strings.TrimSpace(e.Name) == "" || err != nil || a.Address != e.Email ||
				(e.Status != "PNS" && e.Status != "PPPK" && e.Status != "CPNS") ||
				e.UnitID == "" || e.PositionID == "" || e.SuperiorNIP == e.NIP {
				t.Fatalf("employee %+v passed", e)
			}
		}
	})
}
