package discordtext

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven chars", 10, "eleven ch…"},
		{"🇬🇹🇸🇻🇰🇪", 3, "🇬🇹…"},
		{"anything", 0, ""},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{ProgressBar(483, 2500), "`████░░░░░░░░░░░░░░░░`"},
		{ProgressBar(0, 2500), "`░░░░░░░░░░░░░░░░░░░░`"},
		{ProgressBar(3000, 2500), "`████████████████████`"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

// TestFitKeepsEveryLimit builds a message that breaks every limit and checks each one after Fit.
func TestFitKeepsEveryLimit(t *testing.T) {
	long := strings.Repeat("é", 5000)
	var embeds []*discordgo.MessageEmbed
	for i := 0; i < 12; i++ {
		e := &discordgo.MessageEmbed{Title: long, Description: long, Footer: &discordgo.MessageEmbedFooter{Text: long}}
		for j := 0; j < 30; j++ {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: long, Value: long})
		}
		embeds = append(embeds, e)
	}
	content, embeds := Fit(long, embeds)
	if n := utf8.RuneCountInString(content); n > MaxContent {
		t.Errorf("content has %d characters, want at most %d", n, MaxContent)
	}
	if len(embeds) == 0 || len(embeds) > MaxEmbeds {
		t.Errorf("%d embeds, want 1..%d", len(embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range embeds {
		if len(e.Fields) > MaxFields {
			t.Errorf("embed %d has %d fields", i, len(e.Fields))
		}
		for _, f := range e.Fields {
			if utf8.RuneCountInString(f.Name) > MaxFieldName || utf8.RuneCountInString(f.Value) > MaxFieldValue {
				t.Errorf("embed %d has an oversized field", i)
			}
		}
		total += EmbedSize(e)
	}
	if total > MaxEmbedTotal {
		t.Errorf("embeds total %d characters, want at most %d", total, MaxEmbedTotal)
	}
}

func TestPages(t *testing.T) {
	line := func(n int) string { return strings.Repeat("x", n) }
	tests := []struct {
		name     string
		lines    []string
		limit    int
		maxLines int
		want     []int // lines per page
	}{
		{"none", nil, 10, 3, nil},
		{"one", []string{"abc"}, 10, 3, []int{1}},
		{"exact fit with newlines", []string{line(3), line(3), line(2)}, 10, 0, []int{3}},
		{"one over", []string{line(3), line(3), line(3)}, 10, 0, []int{2, 1}},
		{"row cap", []string{"a", "b", "c", "d", "e"}, 100, 2, []int{2, 2, 1}},
		{"long line alone", []string{"a", line(25), "b"}, 10, 5, []int{1, 1, 1}},
		{"long lines", []string{line(11), line(11)}, 10, 5, []int{1, 1}},
	}
	for _, tt := range tests {
		got := Pages(tt.lines, tt.limit, tt.maxLines)
		var sizes []int
		for _, p := range got {
			sizes = append(sizes, len(p))
		}
		if !slices.Equal(sizes, tt.want) {
			t.Errorf("%s: Pages(%d lines, %d, %d) has pages of %v lines, want %v", tt.name, len(tt.lines), tt.limit, tt.maxLines, sizes, tt.want)
		}
	}
	if got := Pages([]string{line(25)}, 10, 5); got[0][0] != line(9)+"…" {
		t.Errorf("Pages shortened a long line to %q, want %q", got[0][0], line(9)+"…")
	}
}

// TestPagesKeepEveryLineOnce cuts random lists (up to 300 lines of up to 600 characters, some
// of several bytes each) and checks that every line is on exactly one page, in order, whole
// unless longer than the limit; that no page exceeds the limit or the row cap; and that each
// page is full: its successor's first line would not have fitted.
func TestPagesKeepEveryLineOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 500 {
		limit := MaxDescription
		if run%3 == 0 {
			limit = 1 + rng.IntN(700) // limits shorter than some lines
		}
		maxLines := rng.IntN(12) // 0: no cap
		lines := make([]string, rng.IntN(301))
		for i := range lines {
			r := "x"
			if rng.IntN(4) == 0 {
				r = "é"
			}
			lines[i] = fmt.Sprintf("#%d ", i) + strings.Repeat(r, rng.IntN(601))
		}
		pages := Pages(lines, limit, maxLines)
		var flat []string
		for p, page := range pages {
			text := strings.Join(page, "\n")
			if n := utf8.RuneCountInString(text); n > limit {
				t.Fatalf("run %d: page %d has %d characters, limit %d", run, p, n, limit)
			}
			if len(page) == 0 || (maxLines > 0 && len(page) > maxLines) {
				t.Fatalf("run %d: page %d has %d lines, cap %d", run, p, len(page), maxLines)
			}
			if p+1 < len(pages) && len(page) != maxLines {
				next := pages[p+1][0]
				if utf8.RuneCountInString(text)+1+utf8.RuneCountInString(next) <= limit {
					t.Fatalf("run %d: page %d has room for the next page's first line", run, p)
				}
			}
			flat = append(flat, page...)
		}
		if len(flat) != len(lines) {
			t.Fatalf("run %d: %d lines on the pages, want %d", run, len(flat), len(lines))
		}
		for i, l := range lines {
			if want := Truncate(l, limit); flat[i] != want {
				t.Fatalf("run %d: line %d on the pages is %q, want %q", run, i, flat[i], want)
			}
		}
		if again := Pages(lines, limit, maxLines); !slices.EqualFunc(again, pages, slices.Equal) {
			t.Fatalf("run %d: the same lines gave different pages", run)
		}
	}
}

func TestIsSnowflake(t *testing.T) {
	for s, want := range map[string]bool{"1100000000000000001": true, "7": true, "": false, "12a": false, "-1": false,
		"123456789012345678901": false, "<#123>": false} {
		if got := IsSnowflake(s); got != want {
			t.Errorf("IsSnowflake(%q) = %v, want %v", s, got, want)
		}
	}
}
