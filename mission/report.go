package mission

import (
	"slices"
	"strings"
)

// FigureKind is what a reported figure counts: people deployed, pledged or planned (the
// option and column `figure`). It is compared with the ledger's figure of the same name on the
// same day.
type FigureKind string

// Figures (SPEC §2).
const (
	FigureDeployed FigureKind = "deployed"
	FigurePledged  FigureKind = "pledged"
	FigurePlanned  FigureKind = "planned"
)

var figures = [...]FigureKind{FigureDeployed, FigurePledged, FigurePlanned}

// Figures returns the figures in the order /report's option offers them, the default first.
func Figures() [len(figures)]FigureKind { return figures }

// Valid reports whether f is one of the figures.
func (f FigureKind) Valid() bool { return slices.Contains(figures[:], f) }

// Qualifier is how a source stated its figure: exactly, about, at least or at most. It decides
// what counts as agreeing with the ledger (see Compare).
type Qualifier string

// Qualifiers (SPEC §2).
const (
	QualifierExact   Qualifier = "exact"
	QualifierAbout   Qualifier = "about"
	QualifierAtLeast Qualifier = "at_least"
	QualifierAtMost  Qualifier = "at_most"
)

var qualifiers = [...]Qualifier{QualifierExact, QualifierAbout, QualifierAtLeast, QualifierAtMost}

// Qualifiers returns the qualifiers in the order /report's option offers them, the default
// first.
func Qualifiers() [len(qualifiers)]Qualifier { return qualifiers }

// Valid reports whether q is one of the qualifiers.
func (q Qualifier) Valid() bool { return slices.Contains(qualifiers[:], q) }

// AboutTolerance is how far from an "about" figure the ledger may be and still agree: a tenth
// of the figure, the precision a source that says "about 400" claims.
const AboutTolerance = 0.10

// ParseFigure reads a figure, "" meaning deployed.
func ParseFigure(s string) (FigureKind, error) {
	f := FigureKind(strings.ToLower(strings.TrimSpace(s)))
	if f == "" {
		return FigureDeployed, nil
	}
	if !f.Valid() {
		return "", Refuse(EInvalid, "report.err.figure", "Input", inputQuote(s), "Figures", strings.Join(Strings(figures[:]...), ", "))
	}
	return f, nil
}

// ParseQualifier reads a qualifier, "" meaning exact.
func ParseQualifier(s string) (Qualifier, error) {
	q := Qualifier(strings.ToLower(strings.TrimSpace(s)))
	if q == "" {
		return QualifierExact, nil
	}
	if !q.Valid() {
		return "", Refuse(EInvalid, "report.err.qualifier", "Input", inputQuote(s), "Qualifiers", strings.Join(Strings(qualifiers[:]...), ", "))
	}
	return q, nil
}

// Agreement is how a reported figure stands against the ledger of the same day.
type Agreement struct {
	Reported, Ledger int64
	// Agrees is the reading with the qualifier: exact only when equal, about within
	// AboutTolerance of the reported figure, at least when the ledger is no lower, at most when
	// it is no higher.
	Agrees bool
	// Diff is the ledger minus the reported figure: +83 when the ledger holds 83 more people
	// than the source said.
	Diff int64
	// Percent is Diff as a share of the reported figure, in percent; HasPercent is false when
	// the reported figure is 0.
	Percent    float64
	HasPercent bool
}

// Compare reads a reported figure against the ledger's with the source's qualifier.
func Compare(q Qualifier, reported, ledger int64) Agreement {
	a := Agreement{Reported: reported, Ledger: ledger, Diff: ledger - reported}
	if reported != 0 {
		a.Percent, a.HasPercent = float64(a.Diff)*100/float64(reported), true
	}
	switch q {
	case QualifierAbout:
		d := a.Diff
		if d < 0 {
			d = -d
		}
		a.Agrees = float64(d) <= AboutTolerance*float64(reported)
	case QualifierAtLeast:
		a.Agrees = ledger >= reported
	case QualifierAtMost:
		a.Agrees = ledger <= reported
	default:
		a.Agrees = ledger == reported
	}
	return a
}

// Gap is how far apart the two are for ordering reported figures by disagreement: 0 when they
// agree, else the number of people between them.
func (a Agreement) Gap() int64 {
	if a.Agrees {
		return 0
	}
	if a.Diff < 0 {
		return -a.Diff
	}
	return a.Diff
}
