package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/kinerja/platform/activities"
)

func TestHRDigestCoversSinceThePreviousRun(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	for _, tc := range []struct {
		name  string
		last  *activities.DigestRun
		since time.Time
	}{
		{"first run: the last day", nil, t0.Add(-24 * time.Hour)},
		{"after a run two days ago (a day missed)", &activities.DigestRun{At: t0.Add(-48 * time.Hour)}, t0.Add(-48 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := suite.NewTestWorkflowEnvironment()
			env.SetStartTime(t0)
			if tc.last != nil {
				env.SetLastCompletionResult(*tc.last)
			}
			var got activities.DigestRun
			env.RegisterActivity(a)
			env.OnActivity(a.SendHRDigests, mock.Anything, mock.Anything).Return(
				func(_ context.Context, r activities.DigestRun) (activities.DigestRun, error) {
					got = r
					r.Sent = 3
					return r, nil
				})
			env.ExecuteWorkflow(HRDigest)
			if err := env.GetWorkflowError(); err != nil {
				t.Fatal(err)
			}
			if !got.Since.Equal(tc.since) || !got.At.Equal(t0) {
				t.Errorf("digest covered [%v, %v), want [%v, %v)", got.Since, got.At, tc.since, t0)
			}
			var res activities.DigestRun
			if err := env.GetWorkflowResult(&res); err != nil || res.Sent != 3 || !res.At.Equal(t0) {
				t.Errorf("result %+v (%v)", res, err)
			}
		})
	}
}
