package mission

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"0", 0},
		{"00", 0},
		{"0s", 0},
		{"0m", 0},
		{"20s", 20 * time.Second},
		{"90m", 90 * time.Minute},
		{"1h", time.Hour},
		{"2d", 48 * time.Hour},
		{"1h30m", 90 * time.Minute},
		{"1d2h3m4s", 26*time.Hour + 3*time.Minute + 4*time.Second},
		{"30m1h", 90 * time.Minute},
		{" 2H ", 2 * time.Hour},
		{"1 h 30 m", 90 * time.Minute},
		{"1 hour 30 minutes", 90 * time.Minute},
		{"2 days", 48 * time.Hour},
		{"1 day", 24 * time.Hour},
		{"45 mins", 45 * time.Minute},
		{"10 seconds", 10 * time.Second},
		{"3 hrs", 3 * time.Hour},
		{"3650d", 3650 * 24 * time.Hour},
		{"87600h", 3650 * 24 * time.Hour},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no duration given; use e.g. 20s, 90m, 2h, 3d or 1h30m"},
		{"  ", "no duration given; use e.g. 20s, 90m, 2h, 3d or 1h30m"},
		{"-1h", `"-1h" is negative; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"2x", `"2x" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"h", `"h" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"1.5h", `"1.5h" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"1h-30m", `"1h-30m" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"+1h", `"+1h" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"1y", `"1y" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"1hh", `"1hh" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"١h", `"١h" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"90", `"90" needs a unit (s, m, h or d), e.g. 90m`},
		{"1h 30", `"1h 30" needs a unit (s, m, h or d), e.g. 30m`},
		{"3651d", `"3651d" is too long; at most 3650d`},
		{"3650d1s", `"3650d1s" is too long; at most 3650d`},
		{"99999999999999999999d", `"99999999999999999999d" is too long; at most 3650d`},
		{"9223372036854775807s", `"9223372036854775807s" is too long; at most 3650d`},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err == nil {
			t.Errorf("ParseDuration(%q) = %v, want error %q", tt.in, got, tt.want)
			continue
		}
		if english(t, err) != tt.want {
			t.Errorf("ParseDuration(%q) error %q, want %q", tt.in, err, tt.want)
		}
	}
}

func TestParseOffsets(t *testing.T) {
	h, m, s, d := time.Hour, time.Minute, time.Second, 24*time.Hour
	tests := []struct {
		in   string
		want []time.Duration
	}{
		{"24h,1h,0", []time.Duration{24 * h, h, 0}},
		{"0,1h,24h", []time.Duration{24 * h, h, 0}},
		{" 24h , 1h , 0 ", []time.Duration{24 * h, h, 0}},
		{"1d,24h,1440m", []time.Duration{d}},
		{"20s,90m,2d", []time.Duration{2 * d, 90 * m, 20 * s}},
		{"1h30m", []time.Duration{90 * m}},
		{"0", []time.Duration{0}},
		{"30d", []time.Duration{30 * d}},
		{"24h,1h,", []time.Duration{24 * h, h}},
		{"1s,2s,3s,4s,5s", []time.Duration{5 * s, 4 * s, 3 * s, 2 * s, s}},
		{"1s,2s,3s,4s,5s,5s,1s", []time.Duration{5 * s, 4 * s, 3 * s, 2 * s, s}},
	}
	for _, tt := range tests {
		got, err := ParseOffsets(tt.in)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("ParseOffsets(%q) = %v, %v, want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseOffsetsErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "no reminder offsets given; use e.g. 24h,1h,0"},
		{" , ,", "no reminder offsets given; use e.g. 24h,1h,0"},
		{"24h,-1h", `"-1h" is negative; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"24h,soon", `"soon" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
		{"24h,1", `"1" needs a unit (s, m, h or d), e.g. 1m`},
		{"31d", `offset "31d" is more than 30 days before the flight`},
		{"24h,720h1s", `offset "720h1s" is more than 30 days before the flight`},
		{"1s,2s,3s,4s,5s,6s", `"1s,2s,3s,4s,5s,6s" has 6 different offsets; at most 5 are allowed, e.g. 24h,1h,0`},
		{"24h;1h", `"24h;1h" is not a duration; use e.g. 20s, 90m, 2h, 3d or 1h30m`},
	}
	for _, tt := range tests {
		got, err := ParseOffsets(tt.in)
		if err == nil {
			t.Errorf("ParseOffsets(%q) = %v, want error %q", tt.in, got, tt.want)
			continue
		}
		if got != nil {
			t.Errorf("ParseOffsets(%q) returned %v with the error, want nil", tt.in, got)
		}
		if english(t, err) != tt.want {
			t.Errorf("ParseOffsets(%q) error %q, want %q", tt.in, err, tt.want)
		}
	}
}

func TestFormatOffsets(t *testing.T) {
	h, m, s, d := time.Hour, time.Minute, time.Second, 24*time.Hour
	tests := []struct {
		in   []time.Duration
		want string
	}{
		{nil, ""},
		{[]time.Duration{24 * h, h, 0}, "24h,1h,0"},
		{[]time.Duration{72 * h, 48 * h}, "3d,2d"},
		{[]time.Duration{2 * d, 90 * m, 20 * s}, "2d,90m,20s"},
		{[]time.Duration{25 * h, 61 * m, 61 * s}, "25h,61m,61s"},
		{[]time.Duration{30 * d}, "30d"},
		{[]time.Duration{-h}, "-1h"},
		{[]time.Duration{1500 * time.Millisecond}, "2s"},
	}
	for _, tt := range tests {
		if got := FormatOffsets(tt.in); got != tt.want {
			t.Errorf("FormatOffsets(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}

	// Whatever ParseOffsets accepts, FormatOffsets writes back in a form that
	// parses to the same offsets.
	for _, in := range []string{"24h,1h,0", "2d,90m,20s", "1h30m", "48h,25h", "1s,59s,61s,3599s,3601s"} {
		want, err := ParseOffsets(in)
		if err != nil {
			t.Fatalf("ParseOffsets(%q): %v", in, err)
		}
		text := FormatOffsets(want)
		got, err := ParseOffsets(text)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("ParseOffsets(FormatOffsets(%v)) = ParseOffsets(%q) = %v, %v, want %v", want, text, got, err, want)
		}
		if strings.Contains(text, " ") {
			t.Errorf("FormatOffsets(%v) = %q contains a space", want, text)
		}
	}
}
