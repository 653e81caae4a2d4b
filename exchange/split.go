package exchange

import (
	"bytes"
	"compress/gzip"
	"errors"
)

// The split export: an export cut, between records, into files that each fit a limit, for a
// chat message that carries files of a bounded size. The limits are the caller's (Discord's
// live in package bot); this file only knows CSV records.

// ErrOverMessage stops an export's writing once what it writes cannot fit one message.
var ErrOverMessage = errors.New("the export does not fit one message")

// Splitter cuts a CSV stream into parts of at most limit bytes each (gzipped when gz), never
// inside a record, each beginning with the stream's first headRows records (the header, and
// HXL's tag row). More than maxParts parts, or more than total bytes in all, is
// ErrOverMessage. Records are told apart as encoding/csv writes them: a newline outside
// double quotes ends one (a quote inside a field is doubled, so toggling on every quote is
// exact).
type Splitter struct {
	limit, total int64
	maxParts     int
	headRows     int
	gz           bool

	head    bytes.Buffer // the header records
	heads   int          // header records seen
	rec     bytes.Buffer // the record being read
	inQuote bool
	done    [][]byte // finished parts
	sum     int64    // their size
	cur     *splitPart
}

// splitPart is the part being filled.
type splitPart struct {
	buf bytes.Buffer
	gz  *gzip.Writer
	// pending is what was written to gz since its last flush, whose compressed size is not
	// yet in buf.
	pending int64
}

// gzipBound is the most that n bytes can take once deflated and flushed, header and
// trailer included: deflate falls back to stored blocks (5 bytes of framing per 64 KiB)
// when compressing would grow the data.
func gzipBound(n int64) int64 { return n + n/8192 + 64 }

func (s *Splitter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexAny(p, "\"\n")
		if i < 0 {
			s.rec.Write(p)
			break
		}
		s.rec.Write(p[:i+1])
		c := p[i]
		p = p[i+1:]
		if c == '"' {
			s.inQuote = !s.inQuote
			continue
		}
		if s.inQuote {
			continue
		}
		if err := s.record(); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// record places the record just read: in the header, in the current part, or in a new one.
func (s *Splitter) record() error {
	defer s.rec.Reset()
	if s.heads < s.headRows {
		s.heads++
		s.head.Write(s.rec.Bytes())
		return nil
	}
	if s.cur != nil && s.fits(s.cur, int64(s.rec.Len())) {
		return s.cur.write(s.rec.Bytes())
	}
	if s.cur != nil {
		if err := s.close(); err != nil {
			return err
		}
	}
	if len(s.done) >= s.maxParts {
		return ErrOverMessage
	}
	s.cur = &splitPart{}
	if s.gz {
		s.cur.gz = gzip.NewWriter(&s.cur.buf)
	}
	if err := s.cur.write(s.head.Bytes()); err != nil {
		return err
	}
	if !s.fits(s.cur, int64(s.rec.Len())) {
		return ErrOverMessage // one record with the header is over the limit
	}
	return s.cur.write(s.rec.Bytes())
}

// fits reports whether n more bytes keep the part within the limit and the message within its
// total. A gzipped part's size is known only after a flush; flushing is left until the bound
// of what is pending says it might be needed, so as not to cost the compression ratio.
func (s *Splitter) fits(p *splitPart, n int64) bool {
	room := min(s.limit, s.total-s.sum)
	if !s.gz {
		return int64(p.buf.Len())+n <= room
	}
	if int64(p.buf.Len())+gzipBound(p.pending+n) <= room {
		return true
	}
	if p.pending > 0 {
		if err := p.gz.Flush(); err != nil {
			return false
		}
		p.pending = 0
	}
	return int64(p.buf.Len())+gzipBound(n) <= room
}

func (p *splitPart) write(b []byte) error {
	if p.gz == nil {
		_, err := p.buf.Write(b)
		return err
	}
	p.pending += int64(len(b))
	_, err := p.gz.Write(b)
	return err
}

// close finishes the current part.
func (s *Splitter) close() error {
	p := s.cur
	s.cur = nil
	if p.gz != nil {
		if err := p.gz.Close(); err != nil {
			return err
		}
	}
	size := int64(p.buf.Len())
	if size > s.limit || s.sum+size > s.total {
		return ErrOverMessage // not expected: fits keeps to both
	}
	s.done = append(s.done, p.buf.Bytes())
	s.sum += size
	return nil
}

// finish returns the parts; ErrOverMessage when they do not fit one message.
func (s *Splitter) Finish() ([][]byte, error) {
	if s.rec.Len() > 0 { // a last record without its newline
		if err := s.record(); err != nil {
			return nil, err
		}
	}
	if s.cur != nil {
		if err := s.close(); err != nil {
			return nil, err
		}
	}
	if len(s.done) == 0 {
		return nil, ErrOverMessage // the header alone, which the single file would have carried
	}
	return s.done, nil
}

// FitWriter keeps an export that fits in one attachment: the CSV as it is while it stays
// within limit, then, from the first byte over, the same bytes gzipped; once the gzipped file
// is over the limit too, nothing more is kept. Its memory is bounded by the limit, whatever
// the size of the export.
type FitWriter struct {
	limit int
	// written counts every byte of the CSV, kept or not.
	written int64
	plain   bytes.Buffer
	gz      *gzip.Writer
	gzBuf   capped
}

// capped is a buffer that drops its content and remembers it overflowed once past max.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

func (c *capped) Write(p []byte) (int, error) {
	if c.over {
		return len(p), nil
	}
	if c.buf.Len()+len(p) > c.max {
		c.over = true
		c.buf = bytes.Buffer{}
		return len(p), nil
	}
	return c.buf.Write(p)
}

func (w *FitWriter) Write(p []byte) (int, error) {
	w.written += int64(len(p))
	if w.gz == nil {
		if w.plain.Len()+len(p) <= w.limit {
			return w.plain.Write(p)
		}
		w.gzBuf.max = w.limit
		w.gz = gzip.NewWriter(&w.gzBuf)
		if _, err := w.gz.Write(w.plain.Bytes()); err != nil {
			return 0, err
		}
		w.plain = bytes.Buffer{}
	}
	if w.gzBuf.over {
		return len(p), nil
	}
	return w.gz.Write(p)
}

// finish returns the file to attach and whether it is gzipped; nil when even gzipped it is over
// the limit.
func (w *FitWriter) Finish() ([]byte, bool, error) {
	if w.gz == nil {
		return w.plain.Bytes(), false, nil
	}
	if err := w.gz.Close(); err != nil {
		return nil, false, err
	}
	if w.gzBuf.over {
		return nil, false, nil
	}
	return w.gzBuf.buf.Bytes(), true, nil
}

// NewSplitter cuts a CSV stream into parts of at most limit bytes (gzipped when gz), never
// inside a record, each beginning with the stream's first headRows records; more than
// maxParts parts, or more than total bytes in all, is ErrOverMessage.
func NewSplitter(limit, total int64, maxParts, headRows int, gz bool) *Splitter {
	return &Splitter{limit: limit, total: total, maxParts: maxParts, headRows: headRows, gz: gz}
}

// NewFitWriter keeps a CSV stream whole when it fits limit bytes, plain or gzipped.
func NewFitWriter(limit int) *FitWriter { return &FitWriter{limit: limit} }

// Written is how many bytes of CSV went through w, kept or not.
func (w *FitWriter) Written() int64 { return w.written }
