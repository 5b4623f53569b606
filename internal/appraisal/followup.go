package appraisal

import "fmt"

// FollowUp is the tindak lanjut HR confirms after the result is final.
type FollowUp string

const (
	Reward         FollowUp = "reward"          // penghargaan: talent pool, development priority
	NoAction       FollowUp = "none"            // tidak ada tindak lanjut khusus
	CoachingPlan   FollowUp = "coaching_plan"   // rencana pembinaan kinerja
	SanctionReview FollowUp = "sanction_review" // telaah sanksi (PP 30/2019 Pasal 56-58)
)

// ParseFollowUp accepts the stored codes only.
func ParseFollowUp(s string) (FollowUp, error) {
	switch f := FollowUp(s); f {
	case Reward, NoAction, CoachingPlan, SanctionReview:
		return f, nil
	}
	return "", fmt.Errorf("tindak lanjut %q tidak dikenal: gunakan reward, none, coaching_plan, atau sanction_review", s)
}

// Label is the name users read.
func (f FollowUp) Label() string {
	switch f {
	case Reward:
		return "Penghargaan"
	case NoAction:
		return "Tidak ada tindak lanjut khusus"
	case CoachingPlan:
		return "Rencana pembinaan kinerja"
	case SanctionReview:
		return "Telaah sanksi"
	}
	return string(f)
}

// RecommendFollowUp is what the platform proposes to HR for a final predikat.
func RecommendFollowUp(p Predikat) FollowUp {
	switch p {
	case SangatBaik:
		return Reward
	case ButuhPerbaikan:
		return CoachingPlan
	case Kurang, SangatKurang:
		return SanctionReview
	default:
		return NoAction
	}
}
