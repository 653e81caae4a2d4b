package mission

import "testing"

func TestCompareReadsTheQualifier(t *testing.T) {
	for _, tc := range []struct {
		q                Qualifier
		reported, ledger int64
		agrees           bool
		diff             int64
		percent          float64
	}{
		{QualifierExact, 400, 483, false, 83, 20.75},
		{QualifierExact, 483, 483, true, 0, 0},
		{QualifierExact, 500, 483, false, -17, -3.4},
		{QualifierAbout, 450, 483, true, 33, 7.333333333333333},
		{QualifierAbout, 400, 440, true, 40, 10},
		{QualifierAbout, 400, 441, false, 41, 10.25},
		{QualifierAbout, 400, 360, true, -40, -10},
		{QualifierAbout, 400, 359, false, -41, -10.25},
		{QualifierAtLeast, 400, 483, true, 83, 20.75},
		{QualifierAtLeast, 500, 483, false, -17, -3.4},
		{QualifierAtLeast, 483, 483, true, 0, 0},
		{QualifierAtMost, 500, 483, true, -17, -3.4},
		{QualifierAtMost, 400, 483, false, 83, 20.75},
		{QualifierAtMost, 400, 400, true, 0, 0},
	} {
		a := Compare(tc.q, tc.reported, tc.ledger)
		if a.Agrees != tc.agrees || a.Diff != tc.diff || a.Percent != tc.percent || !a.HasPercent {
			t.Errorf("Compare(%s, %d, %d) = %+v, want agrees %v, diff %d, %v %%", tc.q, tc.reported, tc.ledger, a, tc.agrees, tc.diff, tc.percent)
		}
		wantGap := tc.diff
		if wantGap < 0 {
			wantGap = -wantGap
		}
		if tc.agrees {
			wantGap = 0
		}
		if a.Gap() != wantGap {
			t.Errorf("Compare(%s, %d, %d).Gap() = %d, want %d", tc.q, tc.reported, tc.ledger, a.Gap(), wantGap)
		}
	}
	if a := Compare(QualifierExact, 0, 12); a.HasPercent || a.Agrees || a.Diff != 12 {
		t.Errorf("Compare(exact, 0, 12) = %+v, want a difference of 12 and no percentage", a)
	}
}

func TestParseFigureAndQualifier(t *testing.T) {
	if f, err := ParseFigure(""); err != nil || f != FigureDeployed {
		t.Errorf(`ParseFigure("") = %q, %v; want deployed`, f, err)
	}
	if q, err := ParseQualifier(" About "); err != nil || q != QualifierAbout {
		t.Errorf(`ParseQualifier(" About ") = %q, %v; want about`, q, err)
	}
	if _, err := ParseFigure("arrived"); err == nil {
		t.Error(`ParseFigure("arrived") accepted`)
	}
	if _, err := ParseQualifier("roughly"); err == nil {
		t.Error(`ParseQualifier("roughly") accepted`)
	}
}
