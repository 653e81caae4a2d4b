package exchange

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDraftChoice: a kept draft carries its choice as comment lines, read back as written;
// Confirm's subset holds exactly the records not left out, each line naming its record; a
// choice naming a record the draft does not have is refused, and the records read back are the
// draft's, the choice not among them.
func TestDraftChoice(t *testing.T) {
	file, entries := testDraft(t)
	n := len(entries)
	kept := WithChoice(file, DraftChoice{LeftOut: []int{1, 3}, Chosen: []int{2}})
	got, c, err := SplitDraft(kept)
	if err != nil || !bytes.Equal(got, file) || !reflect.DeepEqual(c, DraftChoice{LeftOut: []int{1, 3}, Chosen: []int{2}}) {
		t.Fatalf("SplitDraft(WithChoice) = %v, %+v, %v; want the file and the choice back", bytes.Equal(got, file), c, err)
	}
	if back, err := ReadDraft(kept, time.UTC); err != nil || len(back) != n {
		t.Errorf("ReadDraft of a draft with its choice = %d records, %v; want %d", len(back), err, n)
	}
	subset, lineOf, err := DraftSubset(file, func(i int) bool { return i != 1 && i != 3 })
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(subset), "\n") - 1; rows != n-2 || lineOf[2] != 2 || lineOf[3] != 4 {
		t.Errorf("DraftSubset = %d rows, lines %v; want %d rows, line 2 record 2, line 3 record 4", rows, lineOf, n-2)
	}
	for _, bad := range []DraftChoice{{LeftOut: []int{n + 1}}, {Chosen: []int{0}}, {LeftOut: []int{-2}}} {
		if _, _, err := SplitDraft(WithChoice(file, bad)); err == nil {
			t.Errorf("SplitDraft with the choice %+v of a draft of %d records: no error", bad, n)
		}
	}
	if _, _, err := SplitDraft(append(append([]byte(nil), file...), "# left out: two\n"...)); err == nil {
		t.Error("SplitDraft with a choice that is no number: no error")
	}
}
