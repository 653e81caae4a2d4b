package draft

import (
	"runtime"
	"testing"
)

// TestLexiconSize builds the lexicon afresh and keeps what it holds under the 5 MB issue 22
// allows the process.
func TestLexiconSize(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := buildLexicon()
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("lexicon: %d phrases, %d KB", len(l.phrases), grown/1024)
	if grown > 5<<20 {
		t.Errorf("the lexicon holds %d bytes, want under 5 MB", grown)
	}
	runtime.KeepAlive(l)
}
