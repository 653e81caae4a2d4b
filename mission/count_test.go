package mission

import "testing"

func TestParseCount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"1000", 1000, true},
		{"1,000", 1000, true},
		{"1.000", 1000, true},
		{"1 000", 1000, true},
		{"1\u00a0000", 1000, true},
		{"1\u202f000", 1000, true},
		{"1'000", 1000, true},
		{"12,500", 12500, true},
		{"100,000", 100000, true},
		{"1,000,000", 1000000, true},
		{" 75 ", 75, true},
		{"0", 0, true},
		{"-5", -5, true},
		{"-1,000", -1000, true},
		{"+8", 8, true},
		{"1,5", 0, false},
		{"10,00", 0, false},
		{"1,0000", 0, false},
		{"1,0000,000", 0, false},
		{"1,000.000", 0, false},
		{"1 000,000", 0, false},
		{"1000,000", 0, false},
		{"1,000.000", 0, false},
		{"1.000,5", 0, false},
		{",000", 0, false},
		{"1,", 0, false},
		{"1,,000", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{"1.5", 0, false},
		{"seventy", 0, false},
		{"12f", 0, false},
		{"99999999999999999999999", 0, false},
	} {
		if got, ok := ParseCount(c.in); got != c.want || ok != c.ok {
			t.Errorf("ParseCount(%q) = %d, %v, want %d, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
