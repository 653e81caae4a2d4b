package mission

import (
	"errors"
	"testing"
)

// TestHintWith: a refusal answered with a next step keeps its own text and example, gains the
// hint unless it has one, and stays of its kind; another package's error becomes an invalid
// input with its message.
func TestHintWith(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantKind ErrorKind
		wantText string
		wantEx   string
		wantHint string
	}{
		{"a rule's refusal", Refuse(EInvalid, "cmd.opt.future"), EInvalid, "cmd.opt.future", "", "hint.next"},
		{"keeps its example", Refuse(EConflict, "x").WithExample("x.example"), EConflict, "x", "x.example", "hint.next"},
		{"keeps its own hint", Refuse(EInvalid, "x").WithHint("x.own"), EInvalid, "x", "", "x.own"},
		{"another package's error", errors.New("boom"), EInvalid, "", "", "hint.next"},
	}
	for _, tt := range tests {
		var e *Error
		if !errors.As(HintWith(tt.err, "hint.next"), &e) {
			t.Fatalf("%s: HintWith gave no *Error", tt.name)
		}
		if e.Kind != tt.wantKind || e.Text.Key != tt.wantText || e.ExampleText.Key != tt.wantEx || e.HintText.Key != tt.wantHint {
			t.Errorf("%s: HintWith = kind %v, text %q, example %q, hint %q; want %v, %q, %q, %q", tt.name,
				e.Kind, e.Text.Key, e.ExampleText.Key, e.HintText.Key, tt.wantKind, tt.wantText, tt.wantEx, tt.wantHint)
		}
	}
	// The refusal handed in is not changed: the same sentinel-like value may be answered twice.
	orig := Refuse(EInvalid, "x")
	_ = HintWith(orig, "hint.next")
	if orig.HintText.Key != "" {
		t.Errorf("HintWith changed the error it was given: hint %q", orig.HintText.Key)
	}
}
