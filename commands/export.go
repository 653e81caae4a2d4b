package commands

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/locale"
	"liaison/mission"
)

// AttachmentLimit is the size of the largest file an export message carries. Discord sends the
// interaction's attachment_size_limit with each interaction, but neither discordgo v0.29 nor the
// OpenAPI document of the spec decodes it and the doors hand handlers the decoded interaction,
// so the export keeps to the floor every server has: 10 MiB (more on boosted servers).
const AttachmentLimit = 10 << 20

// exportCommand sends the guild's records as a CSV attachment, in the format `liaison import`
// reads back (format:hxl adds HXL's tag row). Rows stream from the database into the file;
// a file over the attachment limit is gzipped, and one still over it is refused with the way
// that has no limit: `liaison export`.
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
			limit := d.ExportLimit
			if limit <= 0 {
				limit = AttachmentLimit
			}
			out := &fitWriter{limit: limit}
			n, err := ExportCSV(ctx, d.Store, req.GuildID, kind, format, out)
			if err != nil {
				return nil, err
			}
			data, gzipped, err := out.finish()
			if err != nil {
				return nil, err
			}
			lang := langOf(req)
			mib := fmt.Sprintf("%.3g", float64(limit)/(1<<20))
			if data == nil {
				return nil, mission.Refuse(mission.EConflict, "cmd.export.size.too_big", "Kind", kind, "MiB", mib).
					WithExample("cmd.export.size.too_big_example", "Kind", kind)
			}
			// The file's name is in the reader's language; its columns stay English, as the
			// importer reads them.
			name := locale.T(lang, "cmd.export.file."+kind, "Date", req.Now.In(req.Location()).Format("2006-01-02"))
			if format == FormatHXL {
				name = strings.TrimSuffix(name, ".csv") + ".hxl.csv"
			}
			content := "📎 " + locale.T(lang, "cmd.export.done", "Kind", locale.T(lang, bot.ChoiceKey("kind", kind)),
				"Rows", locale.T(lang, "cmd.export.rows", "Count", n), "User", user(lang, req.UserID))
			file := &discordgo.File{Name: name, ContentType: "text/csv", Reader: bytes.NewReader(data)}
			if gzipped {
				content += " " + locale.T(lang, "cmd.export.size.gzipped", "MiB", mib)
				file = &discordgo.File{Name: name + ".gz", ContentType: "application/gzip", Reader: bytes.NewReader(data)}
			}
			return &bot.Reply{Content: content, Files: []*discordgo.File{file}}, nil
		},
	}}}
}

// fitWriter keeps an export that fits in one attachment: the CSV as it is while it stays
// within limit, then, from the first byte over, the same bytes gzipped; once the gzipped file
// is over the limit too, nothing more is kept. Its memory is bounded by the limit, whatever
// the size of the export.
type fitWriter struct {
	limit int
	plain bytes.Buffer
	gz    *gzip.Writer
	gzBuf capped
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
