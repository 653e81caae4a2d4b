package commands

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"liaison/discordtext"
	"liaison/mission"
)

func TestParsePage(t *testing.T) {
	tests := []struct {
		in    string
		want  pageKey
		state string
		ok    bool
	}{
		{"0:", pageKey{}, "", true},
		{"3:GT:0:0", pageKey{3, 0}, "GT:0:0", true},
		{"3.1:upcoming", pageKey{3, 1}, "upcoming", true},
		{"12", pageKey{12, 0}, "", true},
		{"-1:x", pageKey{}, "", false},
		{"2.-1:x", pageKey{}, "", false},
		{"99999999999999999999:", pageKey{}, "", false},
		{"1.99999999999999999999:", pageKey{}, "", false},
		{"one:", pageKey{}, "", false},
		{":", pageKey{}, "", false},
	}
	for _, tt := range tests {
		got, state, err := parsePage(tt.in)
		if tt.ok && (err != nil || got != tt.want || state != tt.state) {
			t.Errorf("parsePage(%q) = %v, %q, %v; want %v, %q", tt.in, got, state, err, tt.want, tt.state)
		}
		if !tt.ok && mission.KindOf(err) != mission.EInvalid {
			t.Errorf("parsePage(%q) = %v, %v; want an invalid-input error", tt.in, got, err)
		}
		if tt.ok {
			if back, _, _ := parsePage(got.String() + ":"); back != got {
				t.Errorf("parsePage(%q.String()) = %v, want %v back", got, back, got)
			}
		}
	}
}

// TestPageOfKeepsEveryLineOnce pages random lists (up to 300 lines of up to 600 characters) by
// following Next from the first part and Previous from the last: both visit every line exactly
// once, in the list's order, and no part exceeds the limit or pageSize lines.
func TestPageOfKeepsEveryLineOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for run := range 300 {
		lines := make([]string, rng.IntN(301))
		for i := range lines {
			lines[i] = fmt.Sprintf("#%d ", i) + strings.Repeat("x", rng.IntN(601))
		}
		limit := discordtext.MaxDescription
		if run%4 == 0 {
			limit = 300 + rng.IntN(400) // some lines longer than a page
		}
		fetches := 0
		fetch := func(offset, n int) ([]string, int64, error) {
			fetches++
			if n > pageSize {
				t.Fatalf("fetch of %d rows, want at most %d", n, pageSize)
			}
			return slicePage(lines)(offset, n)
		}
		// visit returns the parts' lines in the order they were visited.
		visit := func(from pageKey, step func(listView) (pageKey, bool)) [][]string {
			var seen [][]string
			for key := from; ; {
				fetches = 0
				v, err := pageOf(key, limit, fetch)
				if err != nil || fetches > 2 {
					t.Fatalf("run %d: pageOf(%v) = %v after %d fetches", run, key, err, fetches)
				}
				if n := utf8.RuneCountInString(strings.Join(v.lines, "\n")); n > limit || len(v.lines) > pageSize {
					t.Fatalf("run %d: part %v has %d lines, %d characters (limit %d)", run, v.key, len(v.lines), n, limit)
				}
				seen = append(seen, v.lines)
				next, ok := step(v)
				if !ok {
					return seen
				}
				key = next
			}
		}
		var forward, backward []string
		for _, part := range visit(pageKey{}, listView.next) {
			forward = append(forward, part...)
		}
		parts := visit(pageKey{page: maxPage, part: lastPart}, listView.prev)
		for i := len(parts) - 1; i >= 0; i-- {
			backward = append(backward, parts[i]...)
		}
		if len(forward) != len(lines) || len(backward) != len(lines) {
			t.Fatalf("run %d: %d lines forward, %d backward, want %d", run, len(forward), len(backward), len(lines))
		}
		for i, l := range lines {
			want := discordtext.Truncate(l, limit)
			if forward[i] != want || backward[i] != want {
				t.Fatalf("run %d: line %d is %q forward, %q backward, want %q", run, i, forward[i], backward[i], want)
			}
		}
	}
}

// TestPageOfClamps shows the last page for a page past the end, and a page's last part for a
// part past its end.
func TestPageOfClamps(t *testing.T) {
	lines := make([]string, 25)
	for i := range lines {
		lines[i] = strings.Repeat("x", 1000) // four to a part: pages of 3 parts, the last of 2
	}
	tests := []struct{ in, want pageKey }{
		{pageKey{0, 0}, pageKey{0, 0}},
		{pageKey{0, 5}, pageKey{0, 2}},
		{pageKey{1, lastPart}, pageKey{1, 2}},
		{pageKey{2, 0}, pageKey{2, 0}},
		{pageKey{3, 0}, pageKey{2, 1}},
		{pageKey{maxPage, 0}, pageKey{2, 1}},
	}
	for _, tt := range tests {
		v, err := pageOf(tt.in, discordtext.MaxDescription, slicePage(lines))
		if err != nil || v.key != tt.want || v.pages != 3 || v.total != 25 {
			t.Errorf("pageOf(%v) = %+v, %v; want key %v of 3 pages", tt.in, v, err, tt.want)
		}
	}
	if v, _ := pageOf(pageKey{4, 4}, discordtext.MaxDescription, slicePage(nil)); v.key != (pageKey{}) || v.pages != 1 || len(v.lines) != 0 {
		t.Errorf("pageOf of an empty list = %+v, want its one empty page", v)
	}
}
