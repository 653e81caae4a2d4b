package commands

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/exchange"
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
		Options: []*discordgo.ApplicationCommandOption{optChoice("kind", "desc.export.kind", true, exchange.ExportKinds()...),
			optChoice("format", "cmd.export.format.desc", false, exchange.Formats()...)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			kind, _ := req.String("kind")
			if !slices.Contains(exchange.ExportKinds(), kind) {
				return nil, mission.Refuse(mission.EInvalid, "cmd.history.unknown_kind", "Kind", mission.Quote(kind),
					"Kinds", mission.Choices(exchange.ExportKinds())).WithExample("cmd.export.example")
			}
			fv, _ := req.String("format")
			format, err := exchange.ParseFormat(fv)
			if err != nil {
				return nil, mission.Refuse(mission.EInvalid, "cmd.export.format.unknown", "Format", mission.Quote(fv),
					"Formats", mission.Choices(exchange.Formats())).WithExample("cmd.export.format.example")
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
					WithHint("cmd.export.size.too_big_example", "Kind", kind)
			}
			// The file's name is in the reader's language; its columns stay English, as the
			// importer reads them.
			name := strings.TrimSuffix(locale.T(lang, "cmd.export.file."+kind, "Date", req.Now.In(req.Location()).Format("2006-01-02")), ".csv")
			ext := ".csv"
			if format == exchange.FormatHXL {
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
func fitExport(ctx context.Context, d Deps, guildID, kind string, format exchange.Format, limit int64) (fitted, error) {
	one := exchange.NewFitWriter(int(limit))
	n, err := exchange.ExportCSV(ctx, d.Store, guildID, kind, format, one)
	if err != nil {
		return fitted{}, err
	}
	data, gzipped, err := one.Finish()
	if err != nil {
		return fitted{}, err
	}
	if data != nil {
		return fitted{files: [][]byte{data}, gzipped: gzipped, rows: n}, nil
	}
	total := bot.MessageUpload(limit)
	headRows := 1
	if format == exchange.FormatHXL {
		headRows = 2
	}
	for _, gz := range []bool{false, true} {
		if !gz && one.Written() > min(total, bot.MaxMessageFiles*limit) {
			continue // plain parts cannot carry it
		}
		sp := exchange.NewSplitter(limit, total, bot.MaxMessageFiles, headRows, gz)
		n, err := exchange.ExportCSV(ctx, d.Store, guildID, kind, format, sp)
		if errors.Is(err, exchange.ErrOverMessage) {
			continue
		}
		if err != nil {
			return fitted{}, err
		}
		parts, err := sp.Finish()
		if errors.Is(err, exchange.ErrOverMessage) {
			continue
		}
		if err != nil {
			return fitted{}, err
		}
		return fitted{files: parts, gzipped: gz, rows: n}, nil
	}
	return fitted{rows: n}, nil
}
