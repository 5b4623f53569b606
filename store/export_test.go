package store

// SetFewMatchingYears sets how many matching years the progress page reads by unit, and returns
// the function that restores it.
func SetFewMatchingYears(n int) func() {
	old := fewMatchingYears
	fewMatchingYears = n
	return func() { fewMatchingYears = old }
}
