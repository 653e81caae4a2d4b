package commands

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"liaison/discordtext"
	"liaison/mission"
	"liaison/storage"
)

// memoryList is a keyset-paged list in memory, in ID order, that counts its reads.
type memoryList struct {
	lines []string // record i has ID base+i+1
	base  int64
	reads int
}

func (m *memoryList) read(k storage.Seek) ([]listRow, error) {
	m.reads++
	lo, hi := 0, len(m.lines) // the records beyond the cursor, in reading order
	if k.From != nil {
		c := int(min(max(k.From.ID-m.base, 0), int64(len(m.lines)+1)))
		if k.Backward {
			hi = max(0, c-1)
		} else {
			lo = min(c, len(m.lines))
		}
	}
	if k.Backward {
		lo = max(lo, hi-k.Limit)
	} else {
		hi = min(hi, lo+k.Limit)
	}
	var out []listRow
	for i := lo; i < hi; i++ {
		out = append(out, listRow{storage.Cursor{ID: m.base + int64(i+1)}, m.lines[i]})
	}
	return out, nil
}

func (m *memoryList) count(atMost int64) (int64, error) {
	m.reads++
	return min(int64(len(m.lines)), atMost+1), nil
}

// TestSeekPageOfKeepsEveryLineOnce pages random lists, some longer than countBound, by following
// Next from the first part and Previous from a page past the end: both visit every line exactly
// once, in the list's order, no part exceeds the limit or pageSize lines, each message costs at
// most four reads (count, page, one record beyond, and the last page when past the end), and a
// list that is counted pages exactly as the offset pager did.
func TestSeekPageOfKeepsEveryLineOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for run := range 120 {
		n := rng.IntN(301)
		if run%10 == 0 {
			n = countBound + rng.IntN(200) // "more than 1,000"
		}
		m := &memoryList{lines: make([]string, n)}
		for i := range m.lines {
			m.lines[i] = fmt.Sprintf("#%d ", i) + strings.Repeat("x", rng.IntN(601))
		}
		limit := discordtext.MaxDescription
		if run%4 == 0 {
			limit = 300 + rng.IntN(400) // some lines longer than a page
		}
		visit := func(from seekKey, step func(seekView) (seekKey, bool)) ([][]string, []seekView) {
			var seen [][]string
			var views []seekView
			for key := from; ; {
				m.reads = 0
				v, err := seekPageOf(key, limit, m.read, m.count)
				if err != nil || m.reads > 4 {
					t.Fatalf("run %d: seekPageOf(%v) = %v after %d reads", run, key, err, m.reads)
				}
				if n := utf8.RuneCountInString(strings.Join(v.lines, "\n")); n > limit || len(v.lines) > pageSize {
					t.Fatalf("run %d: part %v has %d lines, %d characters (limit %d)", run, v.key, len(v.lines), n, limit)
				}
				if back, _, err := parseSeek(v.key.String() + ":"); err != nil || back != v.key {
					t.Fatalf("run %d: parseSeek(%q) = %v, %v; want %v back", run, v.key.String(), back, err, v.key)
				}
				seen = append(seen, v.lines)
				views = append(views, v)
				next, ok := step(v)
				if !ok {
					return seen, views
				}
				if len(seen) > 2000 {
					t.Fatalf("run %d: more than 2000 parts", run)
				}
				key = next
			}
		}
		var forward, backward []string
		parts, views := visit(seekKey{mode: seekFirst}, seekView.next)
		for _, p := range parts {
			forward = append(forward, p...)
		}
		past := seekKey{mode: seekAfter, cursor: storage.Cursor{ID: int64(n + 5)}, page: 3, part: lastPart}
		parts, _ = visit(past, seekView.prev)
		for i := len(parts) - 1; i >= 0; i-- {
			backward = append(backward, parts[i]...)
		}
		// An uncounted list's last page is its last pageSize records, which need not fall where
		// the pages from the start cut: walking back, the first page may repeat a few records.
		if n > countBound {
			seen := map[string]bool{}
			for _, l := range backward {
				seen[l] = true
			}
			if len(seen) != n || len(backward) >= n+pageSize {
				t.Fatalf("run %d: %d lines backward, %d of them different, want all %d", run, len(backward), len(seen), n)
			}
			backward = backward[len(backward)-n:]
		}
		if len(forward) != n || len(backward) != n {
			t.Fatalf("run %d: %d lines forward, %d backward, want %d", run, len(forward), len(backward), n)
		}
		for i, l := range m.lines {
			want := discordtext.Truncate(l, limit)
			if forward[i] != want || (n <= countBound && backward[i] != want) || (n > countBound && i >= pageSize && backward[i] != want) {
				t.Fatalf("run %d: line %d is %q forward, %q backward, want %q", run, i, forward[i], backward[i], want)
			}
		}
		// The pages' numbers count up from the first, and a counted list's match its length.
		for _, v := range views {
			if first := int(v.first.ID - 1); v.key.page != first/pageSize {
				t.Fatalf("run %d: the page starting at record %d is numbered %d, want %d", run, first, v.key.page, first/pageSize)
			}
		}
		if last := views[len(views)-1]; n <= countBound && last.key.page != pageCount(int64(n))-1 {
			t.Fatalf("run %d: last page numbered %d of %d", run, last.key.page, pageCount(int64(n)))
		}
	}
}

// TestSeekPageOfClamps shows the last page for a cursor past the end, the first for a Previous
// with too few records before it, and a page's last part for a part past its end.
func TestSeekPageOfClamps(t *testing.T) {
	m := &memoryList{lines: make([]string, 25)}
	for i := range m.lines {
		m.lines[i] = strings.Repeat("x", 1000) // four to a part: pages of 3 parts, the last of 2
	}
	after := func(id int64, page, part int) seekKey {
		return seekKey{mode: seekAfter, cursor: storage.Cursor{ID: id}, page: page, part: part}
	}
	tests := []struct {
		in       seekKey
		want     seekKey
		first    int64
		prev, nx bool
	}{
		{seekKey{mode: seekFirst}, seekKey{mode: seekFirst}, 1, false, true},
		{seekKey{mode: seekFirst, part: 5}, seekKey{mode: seekFirst, part: 2}, 1, false, true},
		{after(10, 1, lastPart), after(10, 1, 2), 11, true, true},
		{after(20, 7, 0), after(20, 2, 0), 21, true, false},
		{after(25, 2, 0), seekKey{mode: seekLast, page: 2}, 21, true, false},
		{after(99, 0, 9), seekKey{mode: seekLast, page: 2, part: 1}, 21, true, false},
		{seekKey{mode: seekBefore, cursor: storage.Cursor{ID: 21}, page: 1, part: 1}, seekKey{mode: seekBefore, cursor: storage.Cursor{ID: 21}, page: 1, part: 1}, 11, true, true},
		{seekKey{mode: seekBefore, cursor: storage.Cursor{ID: 8}, page: 4}, seekKey{mode: seekFirst}, 1, false, true},
		{seekKey{mode: seekLast, page: 0}, seekKey{mode: seekLast, page: 2}, 21, true, false},
		{after(10, 7, 0), after(10, 1, 0), 11, true, true}, // a page number the list cannot have
		{seekKey{mode: seekBefore, cursor: storage.Cursor{ID: 40}, page: 5}, seekKey{mode: seekBefore, cursor: storage.Cursor{ID: 40}, page: 2}, 16, true, false},
	}
	for _, tt := range tests {
		v, err := seekPageOf(tt.in, discordtext.MaxDescription, m.read, m.count)
		if err != nil || v.key != tt.want || v.first.ID != tt.first || v.hasPrev != tt.prev || v.hasNext != tt.nx || v.total != 25 {
			t.Errorf("seekPageOf(%v) = key %v, first #%d, prev %v, next %v, %v; want %v, #%d, %v, %v", tt.in, v.key, v.first.ID, v.hasPrev, v.hasNext, err,
				tt.want, tt.first, tt.prev, tt.nx)
		}
	}
	// After a cursor that precedes every record (its own deleted): the first page, numbered so.
	shifted := &memoryList{lines: m.lines, base: 10}
	if v, _ := seekPageOf(after(5, 3, 0), discordtext.MaxDescription, shifted.read, shifted.count); v.key.page != 0 || v.hasPrev || !v.hasNext || v.first.ID != 11 {
		t.Errorf("seekPageOf(after a cursor before the list) = key %v, first #%d, prev %v, next %v; want page 0 from #11, no previous", v.key, v.first.ID, v.hasPrev, v.hasNext)
	}
	empty := &memoryList{}
	if v, _ := seekPageOf(after(4, 4, 4), discordtext.MaxDescription, empty.read, empty.count); v.key != (seekKey{mode: seekFirst}) || v.hasPrev || v.hasNext || len(v.lines) != 0 {
		t.Errorf("seekPageOf of an empty list = %+v, want its one empty page", v)
	}
}

func TestParseSeek(t *testing.T) {
	at := time.Date(2025, 2, 3, 4, 5, 6, 7000, time.UTC)
	tests := []struct {
		in    string
		want  seekKey
		state string
		ok    bool
	}{
		{"f0.0:", seekKey{mode: seekFirst}, "", true},
		{"l0.1:GT:0:0", seekKey{mode: seekLast, part: 1}, "GT:0:0", true},
		{seekKey{mode: seekAfter, cursor: storage.Cursor{At: at, ID: 42}, page: 3, part: 1}.String() + ":upcoming",
			seekKey{mode: seekAfter, cursor: storage.Cursor{At: at, ID: 42}, page: 3, part: 1}, "upcoming", true},
		{"b2.0.0.z:kind:0", seekKey{mode: seekBefore, cursor: storage.Cursor{ID: 35}, page: 2}, "kind:0", true},
		{"a0.99.1.1:", seekKey{mode: seekAfter, cursor: storage.Cursor{At: time.Unix(0, 1).UTC(), ID: 1}, part: lastPart}, "", true},
		{"3:GT:0:0", seekKey{mode: seekFirst}, "GT:0:0", true}, // a button of the offset pager
		{"3.1:", seekKey{mode: seekFirst}, "", true},
		{"99999999999999999999:", seekKey{}, "", false},
		{"-1:", seekKey{}, "", false},
		{"1.-1:", seekKey{}, "", false},
		{"f99999999999.0:", seekKey{}, "", false},
		{"f-1.0:", seekKey{}, "", false},
		{"f0.-1:", seekKey{}, "", false},
		{"f0:", seekKey{}, "", false},
		{"f0.0.1.1:", seekKey{}, "", false},
		{"a0.0.1:", seekKey{}, "", false},
		{"a0.0.1.0:", seekKey{}, "", false},
		{"a0.0.1.-5:", seekKey{}, "", false},
		{"a0.0.!.1:", seekKey{}, "", false},
		{"a0.0.1.zzzzzzzzzzzzzzzzzz:", seekKey{}, "", false},
		{"x0.0:", seekKey{}, "", false},
		{":", seekKey{}, "", false},
		{"", seekKey{}, "", false},
	}
	for _, tt := range tests {
		got, state, err := parseSeek(tt.in)
		if tt.ok && (err != nil || got != tt.want || state != tt.state) {
			t.Errorf("parseSeek(%q) = %v, %q, %v; want %v, %q", tt.in, got, state, err, tt.want, tt.state)
		}
		if !tt.ok && mission.KindOf(err) != mission.EInvalid {
			t.Errorf("parseSeek(%q) = %v, %v; want an invalid-input error", tt.in, got, err)
		}
	}
}

// TestSeekLabels numbers a counted list's pages "Page 3 of 5" and a longer one's "Page 3", with
// a total of "more than 1,000", in every language's words.
func TestSeekLabels(t *testing.T) {
	counted := &memoryList{lines: make([]string, 45)}
	long := &memoryList{lines: make([]string, countBound+1)}
	for _, m := range []*memoryList{counted, long} {
		for i := range m.lines {
			m.lines[i] = fmt.Sprintf("#%d", i+1)
		}
	}
	key := seekKey{mode: seekAfter, cursor: storage.Cursor{ID: 20}, page: 2}
	tests := []struct {
		m              *memoryList
		button, footer string
	}{
		{counted, "Page 3/5", "Page 3 of 5 · 45 in all"},
		{long, "Page 3", "Page 3 · more than 1,000 in all"},
	}
	for _, tt := range tests {
		v, err := seekPageOf(key, discordtext.MaxDescription, tt.m.read, tt.m.count)
		if err != nil {
			t.Fatal(err)
		}
		e := seekEmbed("en", "List", v, "empty")
		if got := v.label("en", true); got != tt.button || e.Footer == nil || e.Footer.Text != tt.footer {
			t.Errorf("%d records: button %q, footer %+v; want %q, %q", len(tt.m.lines), got, e.Footer, tt.button, tt.footer)
		}
	}
}
