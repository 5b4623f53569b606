package payroll

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"

	"github.com/kinerja/platform/internal/pay"
)

// BankCSVHeader is the bank transfer file's header: one row per employee the run pays more
// than zero, amounts in whole rupiah without separators. README "Monthly payroll" documents it.
var BankCSVHeader = []string{"nip", "nama", "nama_bank", "nomor_rekening", "jumlah", "bulan", "id_penggajian", "keterangan"}

// WriteBankCSV writes the transfer file of run r. An employee whose run total is zero or less
// (a correction took back more than the month pays) is left out: it is on the recap, for the
// next run or for recovery.
func WriteBankCSV(w io.Writer, r Run, ts []Transfer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(BankCSVHeader); err != nil {
		return err
	}
	for _, t := range ts {
		if t.Amount <= 0 {
			continue
		}
		note := "TPP " + r.Month.String()
		if t.Corrections > 0 {
			note += " termasuk koreksi/rapel"
		}
		if err := cw.Write([]string{t.NIP, t.Name, t.BankName, t.BankAccount, strconv.FormatInt(t.Amount, 10), r.Month.String(),
			strconv.FormatInt(r.ID, 10), note}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteRecapXLSX writes the run's recap: one sheet per OPD (Transfer.UnitID), one row per
// employee with each kind of line, the transfer, and a total row.
func WriteRecapXLSX(w io.Writer, r Run, ts []Transfer) error {
	f := excelize.NewFile()
	defer f.Close()
	header := []any{"NIP", "Nama", "TPP", "Tunjangan PPh 21", "PPh 21", "IWP", "Ditransfer", "BPJS (pemberi kerja)", "Koreksi", "Kekurangan dibawa/diperhitungkan"}
	sheets := map[string]string{}
	rows := map[string]int{}
	totals := map[string][]int64{}
	first := true
	var order []string
	for _, t := range ts {
		name, ok := sheets[t.UnitID]
		if !ok {
			name = sheetName(t.UnitName, len(sheets))
			sheets[t.UnitID] = name
			order = append(order, t.UnitID)
			if first {
				if err := f.SetSheetName("Sheet1", name); err != nil {
					return err
				}
				first = false
			} else if _, err := f.NewSheet(name); err != nil {
				return err
			}
			if err := f.SetSheetRow(name, "A1", &[]any{fmt.Sprintf("Rekap TPP %s, penggajian %d, %s", r.Month.Label(), r.ID, t.UnitName)}); err != nil {
				return err
			}
			if err := f.SetSheetRow(name, "A2", &header); err != nil {
				return err
			}
			rows[t.UnitID] = 2
			totals[t.UnitID] = make([]int64, 6)
		}
		rows[t.UnitID]++
		vals := []int64{t.TPP, t.Allowance, t.PPh21, t.IWP, t.Amount, t.BPJS}
		for i, v := range vals {
			totals[t.UnitID][i] += v
		}
		row := []any{t.NIP, t.Name}
		for _, v := range vals {
			row = append(row, v)
		}
		row = append(row, t.Corrections, t.Carry)
		if err := f.SetSheetRow(name, fmt.Sprintf("A%d", rows[t.UnitID]), &row); err != nil {
			return err
		}
	}
	for _, u := range order {
		row := []any{"Jumlah", ""}
		for _, v := range totals[u] {
			row = append(row, v)
		}
		if err := f.SetSheetRow(sheets[u], fmt.Sprintf("A%d", rows[u]+1), &row); err != nil {
			return err
		}
	}
	if first {
		if err := f.SetSheetRow("Sheet1", "A1", &[]any{"Penggajian ini tidak memuat baris"}); err != nil {
			return err
		}
	}
	return f.Write(w)
}

// sheetName makes a unit's name a valid, unique sheet name (at most 31 characters, no []:*?/\).
func sheetName(unit string, n int) string {
	out := []rune{}
	for _, c := range unit {
		switch c {
		case '[', ']', ':', '*', '?', '/', '\\':
			c = '-'
		}
		out = append(out, c)
	}
	suffix := fmt.Sprintf(" (%d)", n+1)
	if len(out) > 31-len(suffix) {
		out = out[:31-len(suffix)]
	}
	return string(out) + suffix
}

// WriteSlipPDF writes an employee's slip for a month: the same breakdown as the statement.
func WriteSlipPDF(w io.Writer, st Statement) error {
	p := fpdf.New("P", "mm", "A4", "")
	tr := p.UnicodeTranslatorFromDescriptor("") // cp1252: the core fonts' encoding
	p.SetTitle("Slip TPP "+st.Month.String()+" "+st.NIP, true)
	p.AddPage()
	p.SetFont("Helvetica", "B", 14)
	p.CellFormat(0, 8, tr("Slip TPP "+st.Month.Label()), "", 1, "L", false, 0, "")
	p.SetFont("Helvetica", "", 10)
	for _, s := range []string{"NIP: " + st.NIP, "Nama: " + st.Name, "Unit: " + st.Unit, "Kebijakan TPP: " + st.PolicyID} {
		p.CellFormat(0, 6, tr(s), "", 1, "L", false, 0, "")
	}
	for _, r := range SlipRows(st) {
		if r.Section {
			p.Ln(3)
			p.SetFont("Helvetica", "B", 11)
			p.CellFormat(0, 7, tr(r.Label), "B", 1, "L", false, 0, "")
			continue
		}
		style := ""
		if r.Bold {
			style = "B"
		}
		p.SetFont("Helvetica", style, 9)
		x, y := p.GetXY()
		p.MultiCell(140, 5, tr(r.Label), "", "L", false)
		y2 := p.GetY()
		p.SetXY(x+140, y)
		p.CellFormat(45, 5, tr(r.Amount), "", 0, "R", false, 0, "")
		p.SetXY(x, y2)
	}
	return p.Output(w)
}

// SlipRow is one row of the PDF slip: a section title, or a label with its amount (pay.Rupiah).
type SlipRow struct {
	Section bool
	Label   string
	Amount  string
	Bold    bool
}

// SlipRows are the slip's rows, in order: the breakdown of the month, the ledger's lines for it,
// rapel paid with it, carries, and the transfer.
func SlipRows(st Statement) []SlipRow {
	var rows []SlipRow
	row := func(label string, amount int64, bold bool) {
		rows = append(rows, SlipRow{Label: label, Amount: pay.Rupiah(amount), Bold: bold})
	}
	section := func(title string) { rows = append(rows, SlipRow{Section: true, Label: title}) }
	if st.Slip == nil {
		section("Belum ada pembayaran untuk bulan ini")
	} else {
		section("Perhitungan")
		for _, l := range st.Slip.Lines {
			label := l.Label
			if l.Group == pay.GroupEmployer || l.Group == pay.GroupInfo || l.Group == pay.GroupBasis {
				label += " (" + groupLabel[l.Group] + ")"
			}
			amount := l.Amount
			if l.Group == pay.GroupDeduction {
				amount = -amount
			}
			row(label, amount, false)
		}
		row("Penghasilan bruto", st.Slip.Gross, true)
		row("Potongan", -st.Slip.Deductions, true)
		row("Diterima untuk bulan ini", st.Slip.Net, true)
	}
	section("Riwayat pembayaran bulan ini (koreksi dibalik, tidak diubah)")
	for _, l := range st.Lines {
		row(slipLineLabel(l, l.Label+", dibayar penggajian "+l.RunMonth.Label()), l.Amount, false)
	}
	if len(st.PaidInMonth) > 0 {
		section("Rapel dan koreksi bulan lain yang dibayar bersama bulan ini")
		for _, l := range st.PaidInMonth {
			row(slipLineLabel(l, l.Label+" bulan "+l.Period.Label()), l.Amount, false)
		}
	}
	if len(st.Carries) > 0 {
		section("Kekurangan yang dibawa (tidak pernah ditransfer negatif)")
		for _, l := range st.Carries {
			row(l.Label+"; "+l.Cause, l.Amount, false)
		}
	}
	section("Jumlah ditransfer bersama penggajian bulan ini")
	row("Jumlah", st.Transfer, true)
	return rows
}

var groupLabel = map[pay.Group]string{pay.GroupEmployer: "dibayar pemberi kerja", pay.GroupInfo: "keterangan", pay.GroupBasis: "dasar"}

// slipLineLabel names a ledger line on the slip: what it is, a reversal said so, and its cause.
func slipLineLabel(l LedgerLine, what string) string {
	if l.Entry == "reversal" {
		what = "pembalikan " + what
	}
	if l.Cause != "" {
		what += "; sebab: " + l.Cause
	}
	return what
}
