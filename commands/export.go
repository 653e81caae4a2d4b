package commands

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
)

// exportCommand sends the guild's records as a CSV attachment, in the format `liaison import`
// reads back (format:hxl adds HXL's tag row), keeping to the interaction's attachment limit:
// the CSV as it is when it fits; else gzipped; else split, between records, into at most ten
// files of one message, each with the header (and tag row) so that each imports on its own,
// plain when that fits and gzipped when not; else a refusal that names the way with no
// limit: `liaison export`.
//
// Rows stream from the database into the file; what is kept is bounded by what one message
// may carry (bot.MessageUpload of the limit), and each attempt stops reading once over it.
// A split export reads the database again (once for plain parts, once more for gzipped ones),
// since the whole CSV is never kept.
func exportCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "export", Description: "desc.export", Routes: []bot.Route{{
		Access: bot.Moderator,
		Options: []*discordgo.ApplicationCommandOption{optChoice("kind", "desc.export.kind", true, ExportKinds()...),
			optChoice("format", "cmd.export.format.desc", false, Formats()...)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			kind, _ := req.String("kind")
			if !slices.Contains(ExportKinds(), kind) {
				return nil, mission.Refuse(mission.EInvalid, "cmd.history.unknown_kind", "Kind", fmt.Sprintf("%q", kind),
					"Kinds", strings.Join(ExportKinds(), ", ")).WithExample("cmd.export.example")
			}
			fv, _ := req.String("format")
			format, err := ParseFormat(fv)
			if err != nil {
				return nil, mission.Refuse(mission.EInvalid, "cmd.export.format.unknown", "Format", fmt.Sprintf("%q", fv),
					"Formats", strings.Join(Formats(), ", ")).WithExample("cmd.export.format.example")
			}
			limit := exportLimit(req.AttachmentLimit, d.ExportLimit)
			ex, err := fitExport(ctx, d, req.GuildID, kind, format, limit)
			if err != nil {
				return nil, err
			}
			lang := langOf(req)
			mib := fmt.Sprintf("%.3g", float64(limit)/(1<<20))
			if ex.files == nil {
				return nil, mission.Refuse(mission.EConflict, "cmd.export.size.too_big", "Kind", kind, "MiB", mib).
					WithExample("cmd.export.size.too_big_example", "Kind", kind)
			}
			// The file's name is in the reader's language; its columns stay English, as the
			// importer reads them.
			name := strings.TrimSuffix(locale.T(lang, "cmd.export.file."+kind, "Date", req.Now.In(req.Location()).Format("2006-01-02")), ".csv")
			ext := ".csv"
			if format == FormatHXL {
				ext = ".hxl.csv"
			}
			ctype := "text/csv"
			if ex.gzipped {
				ext += ".gz"
				ctype = "application/gzip"
			}
			content := "📎 " + locale.T(lang, "cmd.export.done", "Kind", locale.T(lang, bot.ChoiceKey("kind", kind)),
				"Rows", locale.T(lang, "cmd.export.rows", "Count", ex.rows), "User", user(lang, req.UserID))
			files := make([]*discordgo.File, len(ex.files))
			for i, data := range ex.files {
				fname := name
				if len(ex.files) > 1 {
					fname = locale.T(lang, "cmd.export.size.part_name", "Name", name, "N", i+1, "Total", len(ex.files))
				}
				files[i] = &discordgo.File{Name: fname + ext, ContentType: ctype, Reader: bytes.NewReader(data)}
			}
			switch {
			case len(files) > 1 && ex.gzipped:
				content += " " + locale.T(lang, "cmd.export.size.split_gzipped", "Count", len(files), "MiB", mib)
			case len(files) > 1:
				content += " " + locale.T(lang, "cmd.export.size.split", "Count", len(files), "MiB", mib)
			case ex.gzipped:
				content += " " + locale.T(lang, "cmd.export.size.gzipped", "MiB", mib)
			}
			return &bot.Reply{Content: content, Files: files}, nil
		},
	}}}
}

// exportLimit is the largest file of an export: the interaction's limit (the floor when it is
// unknown), lowered by Deps.ExportLimit when that is set.
func exportLimit(fromRequest int64, configured int) int64 {
	limit := bot.AttachmentLimit(fromRequest)
	if configured > 0 && int64(configured) < limit {
		limit = int64(configured)
	}
	return limit
}

// fitted is an export cut to fit one message: its files (nil when it cannot fit), whether they
// are gzipped, and the number of records.
type fitted struct {
	files   [][]byte
	gzipped bool
	rows    int
}

// fitExport writes the export into the first shape that fits one message of files of at most
// limit bytes: one file, one gzipped file, parts, gzipped parts.
func fitExport(ctx context.Context, d Deps, guildID, kind string, format Format, limit int64) (fitted, error) {
	one := &fitWriter{limit: int(limit)}
	n, err := ExportCSV(ctx, d.Store, guildID, kind, format, one)
	if err != nil {
		return fitted{}, err
	}
	data, gzipped, err := one.finish()
	if err != nil {
		return fitted{}, err
	}
	if data != nil {
		return fitted{files: [][]byte{data}, gzipped: gzipped, rows: n}, nil
	}
	total := bot.MessageUpload(limit)
	headRows := 1
	if format == FormatHXL {
		headRows = 2
	}
	for _, gz := range []bool{false, true} {
		if !gz && one.written > min(total, bot.MaxMessageFiles*limit) {
			continue // plain parts cannot carry it
		}
		sp := &splitter{limit: limit, total: total, maxParts: bot.MaxMessageFiles, headRows: headRows, gz: gz}
		n, err := ExportCSV(ctx, d.Store, guildID, kind, format, sp)
		if errors.Is(err, errOverMessage) {
			continue
		}
		if err != nil {
			return fitted{}, err
		}
		parts, err := sp.finish()
		if errors.Is(err, errOverMessage) {
			continue
		}
		if err != nil {
			return fitted{}, err
		}
		return fitted{files: parts, gzipped: gz, rows: n}, nil
	}
	return fitted{rows: n}, nil
}

// errOverMessage stops an export's writing once what it writes cannot fit one message.
var errOverMessage = errors.New("the export does not fit one message")

// splitter cuts a CSV stream into parts of at most limit bytes each (gzipped when gz), never
// inside a record, each beginning with the stream's first headRows records (the header, and
// HXL's tag row). More than maxParts parts, or more than total bytes in all, is
// errOverMessage. Records are told apart as encoding/csv writes them: a newline outside
// double quotes ends one (a quote inside a field is doubled, so toggling on every quote is
// exact).
type splitter struct {
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

func (s *splitter) Write(p []byte) (int, error) {
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
func (s *splitter) record() error {
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
		return errOverMessage
	}
	s.cur = &splitPart{}
	if s.gz {
		s.cur.gz = gzip.NewWriter(&s.cur.buf)
	}
	if err := s.cur.write(s.head.Bytes()); err != nil {
		return err
	}
	if !s.fits(s.cur, int64(s.rec.Len())) {
		return errOverMessage // one record with the header is over the limit
	}
	return s.cur.write(s.rec.Bytes())
}

// fits reports whether n more bytes keep the part within the limit and the message within its
// total. A gzipped part's size is known only after a flush; flushing is left until the bound
// of what is pending says it might be needed, so as not to cost the compression ratio.
func (s *splitter) fits(p *splitPart, n int64) bool {
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
func (s *splitter) close() error {
	p := s.cur
	s.cur = nil
	if p.gz != nil {
		if err := p.gz.Close(); err != nil {
			return err
		}
	}
	size := int64(p.buf.Len())
	if size > s.limit || s.sum+size > s.total {
		return errOverMessage // not expected: fits keeps to both
	}
	s.done = append(s.done, p.buf.Bytes())
	s.sum += size
	return nil
}

// finish returns the parts; errOverMessage when they do not fit one message.
func (s *splitter) finish() ([][]byte, error) {
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
		return nil, errOverMessage // the header alone, which the single file would have carried
	}
	return s.done, nil
}

// fitWriter keeps an export that fits in one attachment: the CSV as it is while it stays
// within limit, then, from the first byte over, the same bytes gzipped; once the gzipped file
// is over the limit too, nothing more is kept. Its memory is bounded by the limit, whatever
// the size of the export.
type fitWriter struct {
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

func (w *fitWriter) Write(p []byte) (int, error) {
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
func (w *fitWriter) finish() ([]byte, bool, error) {
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
