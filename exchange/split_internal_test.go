package exchange

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

// TestSplitterKeepsRecordsWhole: parts are cut only between records, even when a field holds
// quotes and newlines; each begins with the header; and a message's count of parts and its
// total are kept.
func TestSplitterKeepsRecordsWhole(t *testing.T) {
	var src bytes.Buffer
	cw := csv.NewWriter(&src)
	cw.Write([]string{"kind", "note"})
	var want [][]string
	for i := range 12 {
		rec := []string{"arrival", strings.Repeat("x", i) + "a \"quoted\"\nline, with a comma"}
		want = append(want, rec)
		cw.Write(rec)
	}
	cw.Flush()
	for _, tc := range []struct {
		name         string
		limit, total int64
		maxParts     int
		err          error
	}{
		{"fits", 200, 10000, 10, nil},
		{"too many parts", 120, 10000, 3, ErrOverMessage},
		// At 90 bytes a part holds the header and one record: twelve parts, exactly.
		{"as many parts as allowed", 90, 10000, 12, nil},
		{"one part too many", 90, 10000, 11, ErrOverMessage},
		{"over the message total", 200, 500, 10, ErrOverMessage},
		{"a record over the limit", 60, 10000, 10, ErrOverMessage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := &Splitter{limit: tc.limit, total: tc.total, maxParts: tc.maxParts, headRows: 1}
			// Write in small pieces, as csv.Writer's buffer would not, to cut inside records.
			var err error
			for b := src.Bytes(); len(b) > 0 && err == nil; {
				n := min(len(b), 7)
				_, err = sp.Write(b[:n])
				b = b[n:]
			}
			var parts [][]byte
			if err == nil {
				parts, err = sp.Finish()
			}
			if !errors.Is(err, tc.err) {
				t.Fatalf("split = %d parts, %v; want %v", len(parts), err, tc.err)
			}
			if tc.err != nil {
				return
			}
			var got [][]string
			var total int64
			for n, p := range parts {
				total += int64(len(p))
				if int64(len(p)) > tc.limit {
					t.Errorf("part %d: %d bytes, over %d", n+1, len(p), tc.limit)
				}
				recs, err := csv.NewReader(bytes.NewReader(p)).ReadAll()
				if err != nil {
					t.Fatalf("part %d is not CSV: %v\n%s", n+1, err, p)
				}
				if len(recs) < 2 || recs[0][0] != "kind" {
					t.Fatalf("part %d = %q, want the header then records", n+1, recs)
				}
				got = append(got, recs[1:]...)
			}
			if len(parts) < 2 || total > tc.total {
				t.Errorf("%d parts of %d bytes in all, want several within %d", len(parts), total, tc.total)
			}
			if len(got) != len(want) {
				t.Fatalf("records = %d, want %d", len(got), len(want))
			}
			for i := range want {
				if got[i][1] != want[i][1] {
					t.Errorf("record %d = %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

// BenchmarkSplitter: the cost of cutting an 8 MiB CSV into parts of 1 MiB, plain and gzipped
// (B/op is what the parts keep: about the CSV's size, plain).
func BenchmarkSplitter(b *testing.B) {
	var src bytes.Buffer
	cw := csv.NewWriter(&src)
	cw.Write([]string{"kind", "id", "note"})
	for i := 0; src.Len() < 8<<20; i++ {
		cw.Write([]string{"arrival", strings.Repeat("7", i%9+1), "landed with flight #" + strings.Repeat("x", i%40)})
		cw.Flush()
	}
	for _, gz := range []bool{false, true} {
		name := "plain"
		if gz {
			name = "gzip"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(src.Len()))
			b.ReportAllocs()
			for b.Loop() {
				sp := &Splitter{limit: 1 << 20, total: 64 << 20, maxParts: 1000, headRows: 1, gz: gz}
				for p := src.Bytes(); len(p) > 0; {
					n := min(len(p), 4096) // as csv.Writer hands its buffer on
					if _, err := sp.Write(p[:n]); err != nil {
						b.Fatal(err)
					}
					p = p[n:]
				}
				if _, err := sp.Finish(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
