package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/workflows"
)

// The demo organisation: a dinas of a fictional kabupaten, plus the BKPSDM unit HR sits in.
// IDs carry a "demo-" prefix so they never overwrite another organisation's rows; they are the
// same on every run, so later runs update them in place.
type unit struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	ParentID string `json:"parent_id,omitempty"`
}

type position struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	JenisJabatan string `json:"jenis_jabatan"`
	KelasJabatan int    `json:"kelas_jabatan"`
	TPPBasic     int64  `json:"tpp_basic"` // rupiah per month
}

type employee struct {
	NIP         string `json:"nip"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	Status      string `json:"status"`
	UnitID      string `json:"unit_id"`
	PositionID  string `json:"position_id"`
	SuperiorNIP string `json:"superior_nip,omitempty"`
	IsHR        bool   `json:"is_hr"`
	IsAdmin     bool   `json:"is_admin,omitempty"`
}

type orgImport struct {
	Units     []unit     `json:"units"`
	Positions []position `json:"positions"`
	Employees []employee `json:"employees"`
}

var units = []unit{
	{ID: "demo-pemkab", Name: "Pemerintah Kabupaten Contoh"},
	{ID: "demo-diskominfo", Name: "Dinas Komunikasi dan Informatika", ParentID: "demo-pemkab"},
	{ID: "demo-aptika", Name: "Bidang Aplikasi Informatika", ParentID: "demo-diskominfo"},
	{ID: "demo-ikp", Name: "Bidang Informasi dan Komunikasi Publik", ParentID: "demo-diskominfo"},
	{ID: "demo-bkpsdm", Name: "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", ParentID: "demo-pemkab"},
}

var positions = []position{
	{"demo-kadis-kominfo", "Kepala Dinas Komunikasi dan Informatika", "jpt", 14, 15_000_000},
	{"demo-kabid-aptika", "Kepala Bidang Aplikasi Informatika", "administrator", 11, 9_000_000},
	{"demo-kabid-ikp", "Kepala Bidang Informasi dan Komunikasi Publik", "administrator", 11, 9_000_000},
	{"demo-prakom-muda", "Pranata Komputer Ahli Muda", "fungsional", 9, 6_200_000},
	{"demo-prakom-pertama", "Pranata Komputer Ahli Pertama", "fungsional", 8, 5_000_000},
	{"demo-humas-muda", "Pranata Hubungan Masyarakat Ahli Muda", "fungsional", 9, 6_000_000},
	{"demo-humas-pertama", "Pranata Hubungan Masyarakat Ahli Pertama", "fungsional", 8, 4_800_000},
	{"demo-penata-sti", "Penata Kelola Sistem dan Teknologi Informasi", "pelaksana", 7, 4_200_000},
	{"demo-pengelola-layanan", "Pengelola Layanan Operasional", "pelaksana", 6, 3_600_000},
	{"demo-pengadministrasi", "Pengadministrasi Perkantoran", "pelaksana", 5, 3_000_000},
	{"demo-analis-sdm", "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "fungsional", 8, 5_000_000},
}

func positionByID(id string) position {
	for _, p := range positions {
		if p.ID == id {
			return p
		}
	}
	return position{}
}

// Roles of people in the demo.
const (
	roleHead       = "head"
	roleSupervisor = "supervisor"
	roleStaff      = "staff"
	roleHR         = "hr"
)

// person is one member of the demo organisation and, for staff, how the year goes for them.
type person struct {
	name     string
	role     string
	gender   int // 1 male, 2 female (the NIP's 15th digit)
	birth    string
	tmt      int // year of appointment (TMT CPNS/PPPK); 0 for "last year" (CPNS still on probation)
	status   string
	unit     string
	position string
	boss     int // index of the superior in people; -1 for none

	// Staff only.
	returnPlan      bool             // the penilai returns the first SKP draft
	hasil, perilaku appraisal.Rating // the penilai's rating
	appeal          string           // "", workflows.AppealChange or workflows.AppealUphold
	appealHasil     appraisal.Rating // the atasan's rating on change
	appealPerilaku  appraisal.Rating
	followUp        appraisal.FollowUp // HR's decision when it differs from the recommendation
	work            workPlan
}

// workPlan is a staff member's SKP content: one main and one additional result.
type workPlan struct {
	utama, tambahan    skp.Item
	midyear, annual    [2]string // realisasi of utama and tambahan
	expectations       []skp.Behaviour
	midyearFeedback    string
	dialogNotes        string
	appealReasons      string
	appealDecisionNote string
}

const (
	idxHead      = 0
	idxAptika    = 1
	idxIKP       = 2
	firstStaff   = 3
	staffCount   = 10
	idxHR        = 13
	peopleCount  = 14
	aptikaRHK    = "Meningkatnya layanan Sistem Pemerintahan Berbasis Elektronik (SPBE) yang terintegrasi"
	ikpRHK       = "Meningkatnya keterbukaan informasi publik Pemerintah Kabupaten Contoh"
	evidenceHost = "https://bukti.contohkab.go.id"
)

func behaviours(pairs ...string) []skp.Behaviour {
	var bs []skp.Behaviour
	for i := 0; i+1 < len(pairs); i += 2 {
		bs = append(bs, skp.Behaviour{Value: pairs[i], Expectation: pairs[i+1]})
	}
	return bs
}

func item(kind, superior, rhk, aspect, iki, target, unit string) skp.Item {
	return skp.Item{Kind: kind, SuperiorRHK: superior, RHK: rhk, Aspect: aspect, IKI: iki, Target: target, Unit: unit}
}

// people is the whole demo organisation; the order is fixed (see the idx constants).
var people = [peopleCount]person{
	{name: "Hendra Gunawan", role: roleHead, gender: 1, birth: "1971-03-12", tmt: 1996, status: "PNS",
		unit: "demo-diskominfo", position: "demo-kadis-kominfo", boss: -1},
	{name: "Sri Wahyuni", role: roleSupervisor, gender: 2, birth: "1978-07-04", tmt: 2003, status: "PNS",
		unit: "demo-aptika", position: "demo-kabid-aptika", boss: idxHead},
	{name: "Agus Setiawan", role: roleSupervisor, gender: 1, birth: "1979-11-21", tmt: 2005, status: "PNS",
		unit: "demo-ikp", position: "demo-kabid-ikp", boss: idxHead},

	// Bidang Aplikasi Informatika.
	{name: "Dimas Pratama", role: roleStaff, gender: 1, birth: "1987-02-15", tmt: 2011, status: "PNS",
		unit: "demo-aptika", position: "demo-prakom-muda", boss: idxAptika,
		hasil: appraisal.DiAtas, perilaku: appraisal.DiAtas,
		work: workPlan{
			utama: item("utama", aptikaRHK, "Terbangunnya aplikasi perizinan daring terintegrasi", "kuantitas",
				"Jumlah modul aplikasi perizinan yang dirilis", "6", "modul"),
			tambahan: item("tambahan", aptikaRHK, "Terlaksananya bimbingan teknis pengembang aplikasi OPD", "kualitas",
				"Persentase peserta bimtek yang lulus evaluasi", "85", "persen"),
			midyear:         [2]string{"3 modul dirilis (pendaftaran, verifikasi, pembayaran)", "Bimtek angkatan I: 88% lulus"},
			annual:          [2]string{"7 modul dirilis, melampaui target", "Dua angkatan bimtek, 92% peserta lulus"},
			expectations:    behaviours("kompeten", "Membagikan pengetahuan arsitektur aplikasi kepada tim", "adaptif", "Mengusulkan inovasi layanan perizinan"),
			midyearFeedback: "Capaian modul di atas rencana; dokumentasikan API agar OPD lain dapat memakai ulang.",
			dialogNotes:     "Seluruh target terlampaui dan menjadi rujukan tim; diusulkan masuk talent pool.",
		}},
	{name: "Rina Marlina", role: roleStaff, gender: 2, birth: "1990-05-09", tmt: 2015, status: "PNS",
		unit: "demo-aptika", position: "demo-prakom-pertama", boss: idxAptika,
		hasil: appraisal.Sesuai, perilaku: appraisal.Sesuai,
		work: workPlan{
			utama: item("utama", aptikaRHK, "Tersedianya layanan pusat data yang andal", "kualitas",
				"Persentase ketersediaan (uptime) server aplikasi", "99", "persen"),
			tambahan: item("tambahan", aptikaRHK, "Terlaksananya pencadangan data aplikasi OPD", "waktu",
				"Jumlah bulan pencadangan terlaksana tepat waktu", "12", "bulan"),
			midyear:         [2]string{"Uptime semester I 99,2%", "6 dari 6 bulan pencadangan tepat waktu"},
			annual:          [2]string{"Uptime tahunan 99,1%", "12 dari 12 bulan pencadangan tepat waktu"},
			expectations:    behaviours("akuntabel", "Melaporkan gangguan layanan paling lambat 1 jam", "berorientasi_pelayanan", "Menanggapi tiket layanan OPD pada hari yang sama"),
			midyearFeedback: "Ketersediaan layanan sesuai target; lengkapi catatan insiden.",
			dialogNotes:     "Target tercapai sesuai ekspektasi; pertahankan disiplin pencadangan.",
		}},
	{name: "Fajar Nugroho", role: roleStaff, gender: 1, birth: "1992-09-30", tmt: 2022, status: "PPPK",
		unit: "demo-aptika", position: "demo-prakom-pertama", boss: idxAptika,
		hasil: appraisal.DiBawah, perilaku: appraisal.DiAtas,
		appeal: workflows.AppealChange, appealHasil: appraisal.Sesuai, appealPerilaku: appraisal.DiAtas,
		followUp: appraisal.CoachingPlan,
		work: workPlan{
			utama: item("utama", aptikaRHK, "Terintegrasinya aplikasi OPD dengan sistem satu data", "kuantitas",
				"Jumlah aplikasi OPD yang terintegrasi", "8", "aplikasi"),
			tambahan: item("tambahan", aptikaRHK, "Tersusunnya dokumentasi antarmuka (API) layanan", "kualitas",
				"Persentase API yang terdokumentasi", "100", "persen"),
			midyear:            [2]string{"3 aplikasi terintegrasi", "Dokumentasi 60% API"},
			annual:             [2]string{"8 aplikasi terintegrasi; 2 terakhir menunggu berita acara OPD", "Dokumentasi 100% API"},
			expectations:       behaviours("kolaboratif", "Berkoordinasi rutin dengan admin aplikasi OPD", "kompeten", "Menuntaskan sertifikasi integrasi sistem"),
			midyearFeedback:    "Integrasi tertinggal dari rencana; prioritaskan OPD dengan layanan terbanyak.",
			dialogNotes:        "Penilai menilai integrasi belum tuntas karena berita acara belum lengkap.",
			appealReasons:      "Delapan aplikasi sudah terintegrasi; dua berita acara hanya tertunda tanda tangan OPD, bukti uji integrasi terlampir.",
			appealDecisionNote: "Bukti uji integrasi sah dan keterlambatan berita acara di luar kendali pegawai; hasil kerja sesuai ekspektasi.",
		}},
	{name: "Ayu Lestari", role: roleStaff, gender: 2, birth: "1998-01-17", tmt: 0, status: "CPNS",
		unit: "demo-aptika", position: "demo-penata-sti", boss: idxAptika,
		returnPlan: true, hasil: appraisal.Sesuai, perilaku: appraisal.DiAtas,
		work: workPlan{
			utama: item("utama", aptikaRHK, "Terkelolanya aset perangkat TIK dinas", "kuantitas",
				"Jumlah perangkat TIK yang terinventarisasi dan berlabel", "250", "unit"),
			tambahan: item("tambahan", aptikaRHK, "Terlaksananya dukungan teknis helpdesk", "waktu",
				"Rata-rata waktu penyelesaian tiket helpdesk", "2", "hari kerja"),
			midyear:         [2]string{"140 perangkat terinventarisasi", "Rata-rata 2,5 hari kerja"},
			annual:          [2]string{"255 perangkat terinventarisasi dan berlabel", "Rata-rata 1,8 hari kerja"},
			expectations:    behaviours("loyal", "Menjaga kerahasiaan data perangkat dan akun", "harmonis", "Aktif membantu rekan di luar bidang"),
			midyearFeedback: "Inventarisasi berjalan baik; percepat penyelesaian tiket.",
			dialogNotes:     "Adaptasi sebagai CPNS sangat baik; target tercapai.",
		}},
	{name: "Bayu Saputra", role: roleStaff, gender: 1, birth: "1988-12-03", tmt: 2010, status: "PNS",
		unit: "demo-aptika", position: "demo-pengelola-layanan", boss: idxAptika,
		hasil: appraisal.DiBawah, perilaku: appraisal.DiBawah,
		work: workPlan{
			utama: item("utama", aptikaRHK, "Terpeliharanya jaringan intranet kantor", "kuantitas",
				"Jumlah titik jaringan yang diperiksa setiap triwulan", "40", "titik"),
			tambahan: item("tambahan", aptikaRHK, "Tersusunnya laporan gangguan jaringan bulanan", "waktu",
				"Jumlah laporan yang disampaikan tepat waktu", "12", "laporan"),
			midyear:         [2]string{"10 titik diperiksa", "2 laporan disampaikan"},
			annual:          [2]string{"18 titik diperiksa", "5 laporan disampaikan"},
			expectations:    behaviours("akuntabel", "Hadir dan melapor sesuai jadwal piket jaringan", "berorientasi_pelayanan", "Menindaklanjuti laporan gangguan dalam 1 hari"),
			midyearFeedback: "Pemeriksaan jaringan jauh di bawah rencana; beberapa kali tidak hadir piket tanpa keterangan.",
			dialogNotes:     "Capaian dan perilaku di bawah ekspektasi; pegawai diminta menyusun rencana perbaikan.",
		}},

	// Bidang Informasi dan Komunikasi Publik.
	{name: "Nurul Hidayah", role: roleStaff, gender: 2, birth: "1986-06-25", tmt: 2009, status: "PNS",
		unit: "demo-ikp", position: "demo-humas-muda", boss: idxIKP,
		hasil: appraisal.DiAtas, perilaku: appraisal.DiAtas,
		work: workPlan{
			utama: item("utama", ikpRHK, "Terpublikasikannya capaian program prioritas daerah", "kuantitas",
				"Jumlah konten publikasi program prioritas", "120", "konten"),
			tambahan: item("tambahan", ikpRHK, "Terkelolanya krisis komunikasi publik", "waktu",
				"Waktu tanggap klarifikasi isu publik", "1", "hari"),
			midyear:         [2]string{"75 konten terbit", "Seluruh isu diklarifikasi di hari yang sama"},
			annual:          [2]string{"168 konten terbit; jangkauan naik 40%", "Rata-rata klarifikasi 4 jam"},
			expectations:    behaviours("berorientasi_pelayanan", "Menjawab pertanyaan warga di kanal resmi", "kolaboratif", "Melibatkan humas OPD dalam kalender konten"),
			midyearFeedback: "Publikasi melampaui rencana; bagikan kalender konten ke humas OPD.",
			dialogNotes:     "Capaian dan perilaku di atas ekspektasi; diusulkan sebagai pegawai teladan.",
		}},
	{name: "Yoga Permana", role: roleStaff, gender: 1, birth: "1993-04-11", tmt: 2023, status: "PPPK",
		unit: "demo-ikp", position: "demo-humas-pertama", boss: idxIKP,
		hasil: appraisal.DiAtas, perilaku: appraisal.Sesuai,
		work: workPlan{
			utama: item("utama", ikpRHK, "Tersedianya dokumentasi kegiatan pimpinan daerah", "kuantitas",
				"Jumlah kegiatan pimpinan yang terdokumentasi", "150", "kegiatan"),
			tambahan: item("tambahan", ikpRHK, "Terkelolanya arsip foto dan video", "kualitas",
				"Persentase arsip yang bermetadata lengkap", "90", "persen"),
			midyear:         [2]string{"85 kegiatan terdokumentasi", "Metadata arsip 80%"},
			annual:          [2]string{"176 kegiatan terdokumentasi", "Metadata arsip 93%"},
			expectations:    behaviours("adaptif", "Menguasai peralatan siaran langsung yang baru", "loyal", "Menjaga materi pimpinan sebelum rilis resmi"),
			midyearFeedback: "Dokumentasi lengkap; perbaiki metadata arsip lama.",
			dialogNotes:     "Hasil kerja di atas ekspektasi, perilaku sesuai ekspektasi.",
		}},
	{name: "Indah Permatasari", role: roleStaff, gender: 2, birth: "1991-08-19", tmt: 2014, status: "PNS",
		unit: "demo-ikp", position: "demo-humas-pertama", boss: idxIKP,
		hasil: appraisal.DiBawah, perilaku: appraisal.Sesuai,
		work: workPlan{
			utama: item("utama", ikpRHK, "Terlayaninya permohonan informasi publik (PPID)", "waktu",
				"Persentase permohonan informasi yang dijawab dalam 10 hari kerja", "95", "persen"),
			tambahan: item("tambahan", ikpRHK, "Termutakhirkannya daftar informasi publik", "kuantitas",
				"Jumlah pemutakhiran daftar informasi publik", "4", "kali"),
			midyear:         [2]string{"61% permohonan dijawab tepat waktu", "1 kali pemutakhiran"},
			annual:          [2]string{"70% permohonan dijawab tepat waktu", "2 kali pemutakhiran"},
			expectations:    behaviours("berorientasi_pelayanan", "Memberi kabar perkembangan kepada pemohon informasi", "akuntabel", "Mencatat setiap permohonan di register PPID"),
			midyearFeedback: "Waktu layanan PPID belum memenuhi standar; buat pengingat tenggat per permohonan.",
			dialogNotes:     "Hasil kerja di bawah ekspektasi; disepakati rencana pembinaan dengan pendampingan PPID utama.",
		}},
	{name: "Rizky Ramadhan", role: roleStaff, gender: 1, birth: "1999-10-02", tmt: 0, status: "CPNS",
		unit: "demo-ikp", position: "demo-humas-pertama", boss: idxIKP,
		hasil: appraisal.Sesuai, perilaku: appraisal.Sesuai,
		work: workPlan{
			utama: item("utama", ikpRHK, "Terkelolanya media sosial resmi pemerintah daerah", "kuantitas",
				"Jumlah unggahan informasi layanan publik", "200", "unggahan"),
			tambahan: item("tambahan", ikpRHK, "Terpantaunya sentimen warganet", "waktu",
				"Jumlah laporan pemantauan media sosial", "12", "laporan"),
			midyear:         [2]string{"104 unggahan", "6 laporan pemantauan"},
			annual:          [2]string{"205 unggahan", "12 laporan pemantauan"},
			expectations:    behaviours("harmonis", "Menanggapi komentar warganet dengan santun", "kompeten", "Menyelesaikan pelatihan desain grafis dasar"),
			midyearFeedback: "Konsisten; tingkatkan kualitas desain visual.",
			dialogNotes:     "Target tercapai; lanjutkan pelatihan desain.",
		}},
	{name: "Taufik Hidayat", role: roleStaff, gender: 1, birth: "1984-02-28", tmt: 2008, status: "PNS",
		unit: "demo-ikp", position: "demo-pengadministrasi", boss: idxIKP,
		hasil: appraisal.Sesuai, perilaku: appraisal.DiBawah, appeal: workflows.AppealUphold,
		work: workPlan{
			utama: item("utama", ikpRHK, "Tertatanya administrasi persuratan bidang", "waktu",
				"Persentase surat masuk yang diagendakan pada hari diterima", "100", "persen"),
			tambahan: item("tambahan", ikpRHK, "Tersusunnya laporan kegiatan bidang", "kuantitas",
				"Jumlah laporan kegiatan bulanan", "12", "laporan"),
			midyear:            [2]string{"98% surat diagendakan hari itu", "6 laporan"},
			annual:             [2]string{"99% surat diagendakan hari itu", "12 laporan"},
			expectations:       behaviours("akuntabel", "Tidak memungut biaya apa pun atas layanan persuratan", "harmonis", "Bersikap santun kepada tamu dinas"),
			midyearFeedback:    "Administrasi tertib; ada keluhan tamu tentang sikap pelayanan.",
			dialogNotes:        "Hasil kerja sesuai ekspektasi, tetapi terbukti meminta imbalan atas layanan surat; perilaku di bawah ekspektasi.",
			appealReasons:      "Saya menerima pemberian itu tanpa meminta, dan seluruh target administrasi tercapai tepat waktu.",
			appealDecisionNote: "Keterangan saksi dan penilai konsisten; pelanggaran nilai akuntabel terbukti, hasil penilaian dikuatkan.",
		}},

	// BKPSDM: the pengelola kinerja who runs the cycle.
	{name: "Dewi Anggraini", role: roleHR, gender: 2, birth: "1989-09-14", tmt: 2014, status: "PNS",
		unit: "demo-bkpsdm", position: "demo-analis-sdm", boss: -1},
}

// run identifies one demo run: NIPs derive from it so a second run never collides with the first.
type run struct {
	n   int64
	now time.Time
}

// nip builds an 18-digit NIP: birth date (YYYYMMDD), TMT (YYYYMM), gender, serial (NNN).
// The run shifts every birth date by up to 999 days, picks the serial block and the TMT month,
// so runs about nine days apart to the second are the only ones that share NIPs; the demo also
// checks a NIP is free before using it.
func (r run) nip(i int) string {
	p := people[i]
	birth, err := time.Parse("2006-01-02", p.birth)
	if err != nil {
		panic(fmt.Sprintf("demo data: birth date of %s: %v", p.name, err))
	}
	birth = birth.AddDate(0, 0, int(r.n%1000))
	year := p.tmt
	if year == 0 {
		year = r.now.Year() - 1
	}
	month := int(r.n/64_000%12) + 1
	serial := int(r.n/1000%64)*15 + i + 1
	return fmt.Sprintf("%s%04d%02d%d%03d", birth.Format("20060102"), year, month, p.gender, serial)
}

func emailOf(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), ".")) + "@contohkab.go.id"
}

// orgFor returns the import of the given people (indexes into people), with every unit and position.
func orgFor(r run, idx ...int) orgImport {
	in := orgImport{Units: units, Positions: positions}
	for _, i := range idx {
		p := people[i]
		e := employee{NIP: r.nip(i), Name: p.name, Email: emailOf(p.name), Status: p.status,
			UnitID: p.unit, PositionID: p.position, IsHR: p.role == roleHR}
		if p.boss >= 0 {
			e.SuperiorNIP = r.nip(p.boss)
		}
		in.Employees = append(in.Employees, e)
	}
	return in
}

// planFor is the SKP a staff member submits; version 1 of a plan that gets returned has a vague target.
func planFor(p person, version int) skp.Plan {
	utama := p.work.utama
	if p.returnPlan && version == 1 {
		utama.Target, utama.Unit = "sebanyak mungkin", "unit"
	}
	return skp.Plan{Approach: "kuantitatif", Items: []skp.Item{utama, p.work.tambahan}, Behaviours: p.work.expectations}
}

// evidence is a bukti dukung link for one realisasi row.
func evidence(nip, period string, seq int) string {
	return fmt.Sprintf("%s/skp/%s/%s/%d", evidenceHost, nip, period, seq+1)
}
