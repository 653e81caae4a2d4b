package commands_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/exchange"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// hxlRows reads an export as an HXL reader does: the tag row is the first row whose non-empty
// cells are all hashtags; the rows above it are headers, the rows below data. It returns the
// header row, the tags and the data.
func hxlRows(t *testing.T, data []byte) (head, tags []string, rows [][]string) {
	t.Helper()
	cr := csv.NewReader(bytes.NewReader(data))
	all, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	hashtag := regexp.MustCompile(`^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$`)
	for i, r := range all {
		tagged := 0
		for _, c := range r {
			if c != "" && !hashtag.MatchString(c) {
				tagged = -1
				break
			}
			if c != "" {
				tagged++
			}
		}
		if tagged > 0 {
			if i != 1 {
				t.Fatalf("the tag row is row %d, want 2 (right under the header)", i+1)
			}
			return all[0], r, all[i+1:]
		}
	}
	t.Fatal("the export has no HXL tag row")
	return nil, nil, nil
}

func loadDemo(t *testing.T, h *harness) {
	t.Helper()
	demo, err := os.ReadFile("../demo/mss-haiti.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exchange.ImportCSV(context.Background(), h.store, storage.Actor{GuildID: "100", UserID: "demo"}, bytes.NewReader(demo)); err != nil {
		t.Fatal(err)
	}
}

// TestExportHXL: format:hxl puts one tag per column right under the header, the tags HXL
// tools expect for the columns they know, countries as ISO3 and dates as ISO 8601 (an instant,
// or the forces export's day); and
// `liaison import` reads the HXL export back to the same records.
func TestExportHXL(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	loadDemo(t, h)
	ctx := context.Background()
	want := map[string]string{"kind": "#meta+kind", "id": "#meta+id", "time": "#date+occurred", "country": "#country+code+v_iso3",
		"personnel": "#indicator+num+personnel", "source": "#meta+source", "status": "#status"}
	for _, kind := range exchange.ExportKinds() {
		var buf bytes.Buffer
		n, err := exchange.ExportCSV(ctx, h.store, "100", kind, exchange.FormatHXL, &buf)
		if err != nil {
			t.Fatalf("export %s: %v", kind, err)
		}
		head, tags, rows := hxlRows(t, buf.Bytes())
		if len(tags) != len(head) || len(rows) != n {
			t.Errorf("%s: %d tags for %d columns, %d rows for %d records", kind, len(tags), len(head), len(rows), n)
		}
		for i, h := range head {
			if w, ok := want[h]; ok && kind != "audit" && tags[i] != w {
				t.Errorf("%s: column %s tagged %q, want %q", kind, h, tags[i], w)
			}
			for _, r := range rows {
				switch {
				case strings.HasPrefix(tags[i], "#country+code+v_iso3") && r[i] != "" && len(r[i]) != 3:
					t.Errorf("%s: country %q is not ISO3", kind, r[i])
				case strings.HasPrefix(tags[i], "#date") && r[i] != "":
					_, err := time.Parse(time.RFC3339, r[i])
					if _, day := time.Parse(time.DateOnly, r[i]); err != nil && day != nil {
						t.Errorf("%s: %s %q is not ISO 8601", kind, h, r[i])
					}
				}
			}
		}
	}

	// The HXL export imports back into another guild as the plain one does: the flights first,
	// so that the arrivals find the flights they landed with (a landed flight of an export
	// logs no arrivals of its own: they are in the arrivals export).
	for _, kind := range []string{"flights", "arrivals", "pledges"} {
		var buf bytes.Buffer
		if _, err := exchange.ExportCSV(ctx, h.store, "100", kind, exchange.FormatHXL, &buf); err != nil {
			t.Fatal(err)
		}
		if _, err := exchange.ImportCSV(ctx, h.store, storage.Actor{GuildID: "300"}, bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatalf("import the HXL %s export: %v", kind, err)
		}
	}
	a, _ := h.store.ForceTotals(ctx, "100")
	b, _ := h.store.ForceTotals(ctx, "300")
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("force totals after importing the HXL export: %+v, want %+v", b, a)
	}
	for i := range a {
		if a[i].Country != b[i].Country || a[i].Role != b[i].Role || a[i].Deployed != b[i].Deployed {
			t.Errorf("force total %d = %+v, want %+v", i, b[i], a[i])
		}
	}
}

// TestImportTagRowAndComments: the tag row is recognised only right under the header; a line
// "# …" is a comment; any other row beginning with '#' is an error that names its line, not a
// row silently dropped.
func TestImportTagRowAndComments(t *testing.T) {
	head := "kind,id,time,country,personnel,role,flight,status,destination,aircraft,origin,manifest,landed_at,unit,reason,source,note,logged_by,name,timezone\n"
	tags := "#meta+kind,#meta+id,#date+occurred,#country+code,#affected+num,,,,,,,,,,,,,,,\n"
	row := "arrival,1,2025-01-01,GT,5,military,,,,,,,,,,,,,,\n"
	for _, tc := range []struct {
		name, file string
		arrivals   int64
		err        string
	}{
		{"tag row under the header", head + tags + row, 1, ""},
		{"comment", head + "# a note for whoever reads this\n" + row, 1, ""},
		{"tag row lower down", head + row + tags, 0, "line 3"},
		{"hashtag in the kind column", head + "#arrival,1,2025-01-01,GT,5,military,,,,,,,,,,,,,,\n", 0, "line 2"},
		{"tag row only", head + tags, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, storage.DriverSQLite)
			_, err := exchange.ImportCSV(context.Background(), h.store, storage.Actor{GuildID: "100"}, strings.NewReader(tc.file))
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("import = %v, want error %q", err, tc.err)
			}
			if _, n, _ := h.store.FindArrivals(context.Background(), "100", storage.ArrivalFilter{}); n != tc.arrivals {
				t.Errorf("arrivals = %d, want %d", n, tc.arrivals)
			}
		})
	}
}

// exportThrough runs /export with the given attachment limit and returns the answer.
func exportThrough(t *testing.T, h *harness, limit int, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.InteractionResponse {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	r, err := bot.NewRouter(log, h.store, commands.All(commands.Deps{Store: h.store, Log: log, ExportLimit: limit}))
	if err != nil {
		t.Fatal(err)
	}
	r.Now = h.clock.Now
	r.DeferAfter = time.Minute // the first answer is the export, however loaded the machine
	h.router = r
	return h.call(command("100", discordgo.PermissionManageGuild, nil, "export", opts...))
}

// TestExportFitsTheAttachmentLimit: an export under the limit is the CSV; over it, the same
// CSV gzipped; over it even gzipped, a refusal that names `liaison export`.
func TestExportFitsTheAttachmentLimit(t *testing.T) {
	h := newHarness(t, storage.DriverSQLite)
	ctx := context.Background()
	a := storage.Actor{GuildID: "100", UserID: "u"}
	err := h.store.Import(ctx, a, "", func(b *storage.Bulk) error {
		for i := 0; i < 2000; i++ {
			if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 5, Role: "police",
				ArrivedAt: storagetest.Start.Add(-time.Duration(i) * time.Minute), Source: "press"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if _, err := exchange.ExportCSV(ctx, h.store, "100", "arrivals", exchange.FormatLiaison, &plain); err != nil {
		t.Fatal(err)
	}
	kind := opt("kind", "arrivals")

	r := exportThrough(t, h, plain.Len(), kind)
	if len(r.Data.Files) != 1 || !strings.HasSuffix(r.Data.Files[0].Name, ".csv") {
		t.Fatalf("export at the limit = %+v, want one CSV", r.Data)
	}
	got, _ := io.ReadAll(r.Data.Files[0].Reader)
	if !bytes.Equal(got, plain.Bytes()) {
		t.Errorf("the attached CSV differs from `liaison export`'s")
	}

	r = exportThrough(t, h, plain.Len()-1, kind)
	if len(r.Data.Files) != 1 || !strings.HasSuffix(r.Data.Files[0].Name, ".csv.gz") || !strings.Contains(r.Data.Content, "gzip") {
		t.Fatalf("export over the limit = %q %+v, want a .csv.gz", r.Data.Content, r.Data.Files)
	}
	zr, err := gzip.NewReader(r.Data.Files[0].Reader)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(zr); !bytes.Equal(got, plain.Bytes()) {
		t.Errorf("the gzipped CSV differs from `liaison export`'s (%d bytes, want %d)", len(got), plain.Len())
	}

	r = exportThrough(t, h, 1000, kind)
	if len(r.Data.Files) != 0 || r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Data.Content, "`liaison export arrivals") {
		t.Errorf("export far over the limit = %q with %d files, want an ephemeral refusal naming liaison export", r.Data.Content, len(r.Data.Files))
	}

	r = exportThrough(t, h, 0, kind, opt("format", "hxl"))
	if len(r.Data.Files) != 1 || !strings.HasSuffix(r.Data.Files[0].Name, ".hxl.csv") {
		t.Fatalf("format:hxl = %+v, want a .hxl.csv", r.Data.Files)
	}
	r = exportThrough(t, h, 0, kind, opt("format", "xml"))
	if r.Data.Flags&discordgo.MessageFlagsEphemeral == 0 || !strings.Contains(r.Data.Content, "hxl") {
		t.Errorf("format:xml = %q, want a refusal listing the formats", r.Data.Content)
	}
}
