package mission

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	tests := []struct {
		in        string
		multiline bool
		want      string // part of the error; "" for none
	}{
		{"HNP spokesperson", false, ""},
		{"Kreyòl: Lapolis Nasyonal — 🇭🇹", false, ""},
		{"line one\nline two", true, ""},
		{"line one\nline two", false, "line_break"},
		{"a\x00b", false, "U+0000"},
		{"a\x00b", true, "U+0000"},
		{"tab\there", false, "U+0009"},
		{"cr\r\n", true, "U+000D"},
		{"\u202eTG", false, "U+202E"},
		{"x\u2066y", true, "U+2066"},
		{"x\u2069", false, "U+2069"},
		{"\u202a", false, "U+202A"},
		{"\x7f", false, "U+007F"},
		{"\u0085", false, "U+0085"},
		{string([]byte{0xff, 'a'}), false, "utf8"},
		{"\u200dzero-width joiner is fine", false, ""},
	}
	for _, tt := range tests {
		err := CheckText(tt.in, tt.multiline)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckText(%q, %v) = %v, want nil", tt.in, tt.multiline, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckText(%q, %v) = %v, want an error mentioning %q", tt.in, tt.multiline, err, tt.want)
		}
	}
}
