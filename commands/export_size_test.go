package commands_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/exchange"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// exportFile is one file of an answer, as Discord receives it.
type exportFile struct {
	name string
	data []byte
}

// exportAnswer is an /export answer as the HTTP door sends it: its content, flags and files.
type exportAnswer struct {
	content string
	flags   int
	files   []exportFile
}

// exportWith sends a signed /export (kind:arrivals unless opts name a kind) whose interaction
// says attachment_size_limit is limit, and reads the answer, checking its JSON against
// Discord's spec.
func (w *importWorld) exportWith(limit int64, opts ...*discordgo.ApplicationCommandInteractionDataOption) exportAnswer {
	w.t.Helper()
	if !slices.ContainsFunc(opts, func(o *discordgo.ApplicationCommandInteractionDataOption) bool { return o.Name == "kind" }) {
		opts = append([]*discordgo.ApplicationCommandInteractionDataOption{{Name: "kind", Type: discordgo.ApplicationCommandOptionString, Value: "arrivals"}}, opts...)
	}
	n := w.n.Add(1)
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Member: memberOf(serverManager),
		ID: strconv.FormatInt(1400000000000000000+n, 10), Token: fmt.Sprintf("dG9rZW4%d", n), AppID: fakediscord.ApplicationID, Version: 1,
		GuildID: importGuild, ChannelID: "1100000000000000100", Locale: discordgo.EnglishUS,
		Data: discordgo.ApplicationCommandInteractionData{ID: "1300000000000000098", Name: "export", CommandType: discordgo.ChatApplicationCommand,
			Options: opts}}
	body, err := fakediscord.InteractionPayload(i, limit)
	if err != nil {
		w.t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, w.url+"/interactions", bytes.NewReader(body))
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	req.Header.Set("X-Signature-Timestamp", stamp)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(w.priv, append([]byte(stamp), body...))))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(resp.Body)
		w.t.Fatalf("POST /interactions = %s: %s", resp.Status, raw)
	}
	var out exportAnswer
	payload := func(raw []byte) {
		if err := w.fake.ValidateInteractionResponse(raw); err != nil {
			w.t.Errorf("answer breaks Discord spec: %v\n%s", err, raw)
		}
		var a answer
		if err := json.Unmarshal(raw, &a); err != nil || a.Data == nil {
			w.t.Fatalf("answer %s: %v", raw, err)
		}
		out.content, out.flags = a.Data.Content, a.Data.Flags
	}
	mt, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		raw, _ := io.ReadAll(resp.Body)
		payload(raw)
		return out
	}
	mr := multipart.NewReader(resp.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.t.Fatal(err)
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			payload(data)
			continue
		}
		out.files = append(out.files, exportFile{name: p.FileName(), data: data})
	}
	return out
}

// TestExportKeepsToTheInteractionsLimit: /export reads the attachment limit from each
// interaction: the CSV when it fits, gzipped when that fits, else parts of one message (plain,
// then gzipped), each with the header and importing on its own, together the same records;
// beyond what one message carries, a refusal naming `liaison export`; a forged limit is the
// 10 MiB floor.
func TestExportKeepsToTheInteractionsLimit(t *testing.T) {
	w := newImportWorld(t)
	ctx := context.Background()
	a := storage.Actor{GuildID: importGuild, UserID: "u"}
	// Notes of random letters, so that gzip does not shrink the file tenfold and parts are
	// needed before gzip is.
	rng := rand.New(rand.NewPCG(1, 2))
	const records = 2000
	err := w.store.Import(ctx, a, "", func(b *storage.Bulk) error {
		for i := 0; i < records; i++ {
			note := make([]byte, 40)
			for j := range note {
				note[j] = "abcdefghijklmnopqrstuvwxyz, \"\n"[rng.IntN(30)]
			}
			if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 1 + rng.IntN(400), Role: "police",
				ArrivedAt: storagetest.Start.Add(-time.Duration(i) * time.Minute), Source: "press", Note: string(note)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var plain, gz bytes.Buffer
	if _, err := exchange.ExportCSV(ctx, w.store, importGuild, "arrivals", exchange.FormatLiaison, &plain); err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(&gz)
	zw.Write(plain.Bytes())
	zw.Close()
	size := int64(plain.Len())
	t.Logf("the CSV: %d bytes, %d gzipped", size, gz.Len())

	// importsBack checks that the files, gunzipped when gzipped, each import on their own into a
	// fresh guild and together hold every record.
	guilds := 0
	importsBack := func(t *testing.T, name string, files []exportFile, limit int64, gzipped bool) {
		t.Helper()
		if len(files) < 2 || len(files) > bot.MaxMessageFiles {
			t.Fatalf("%s: %d files, want 2 to %d", name, len(files), bot.MaxMessageFiles)
		}
		var total int64
		var sum int64
		for n, f := range files {
			total += int64(len(f.data))
			if int64(len(f.data)) > limit {
				t.Errorf("%s: part %d is %d bytes, over the limit %d", name, n+1, len(f.data), limit)
			}
			wantName := fmt.Sprintf("-part%dof%d.csv", n+1, len(files))
			if gzipped {
				wantName += ".gz"
			}
			if !strings.HasSuffix(f.name, wantName) {
				t.Errorf("%s: part %d is named %q, want …%s", name, n+1, f.name, wantName)
			}
			data := f.data
			if gzipped {
				zr, err := gzip.NewReader(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("%s: part %d: %v", name, n+1, err)
				}
				if data, err = io.ReadAll(zr); err != nil {
					t.Fatalf("%s: part %d: %v", name, n+1, err)
				}
			}
			if !bytes.HasPrefix(data, plain.Bytes()[:bytes.IndexByte(plain.Bytes(), '\n')+1]) {
				t.Errorf("%s: part %d does not begin with the header", name, n+1)
			}
			guilds++
			guild := fmt.Sprintf("19000000000000%05d", guilds)
			if _, err := exchange.ImportCSV(ctx, w.store, storage.Actor{GuildID: guild}, bytes.NewReader(data)); err != nil {
				t.Fatalf("%s: part %d does not import on its own: %v", name, n+1, err)
			}
			_, got, err := w.store.FindArrivals(ctx, guild, storage.ArrivalFilter{})
			if err != nil {
				t.Fatal(err)
			}
			sum += got
		}
		if sum != records {
			t.Errorf("%s: the parts hold %d records, want %d", name, sum, records)
		}
		if total > bot.MessageUpload(limit) {
			t.Errorf("%s: the parts weigh %d bytes together, over one message's %d", name, total, bot.MessageUpload(limit))
		}
	}

	t.Run("fits", func(t *testing.T) {
		r := w.exportWith(size)
		if len(r.files) != 1 || !strings.HasSuffix(r.files[0].name, ".csv") || !bytes.Equal(r.files[0].data, plain.Bytes()) {
			t.Fatalf("export at the limit = %q with %d files, want the CSV", r.content, len(r.files))
		}
	})
	t.Run("gzipped", func(t *testing.T) {
		r := w.exportWith(size - 1)
		if len(r.files) != 1 || !strings.HasSuffix(r.files[0].name, ".csv.gz") || !strings.Contains(r.content, "gzip") {
			t.Fatalf("export over the limit = %q with %d files, want one .csv.gz", r.content, len(r.files))
		}
	})
	t.Run("plain parts", func(t *testing.T) {
		limit := size / 5
		if int64(gz.Len()) <= limit {
			t.Fatalf("the test's CSV gzips to %d bytes, under the limit %d: it cannot need parts", gz.Len(), limit)
		}
		r := w.exportWith(limit)
		if !strings.Contains(r.content, "split into") || strings.Contains(r.content, "gzip") {
			t.Errorf("content = %q, want it to say the export is split", r.content)
		}
		importsBack(t, "plain parts", r.files, limit, false)
	})
	t.Run("gzipped parts", func(t *testing.T) {
		limit := size / 14
		r := w.exportWith(limit)
		if !strings.Contains(r.content, "gzipped and split") {
			t.Errorf("content = %q, want it to say the export is gzipped and split", r.content)
		}
		importsBack(t, "gzipped parts", r.files, limit, true)
	})
	t.Run("hxl parts", func(t *testing.T) {
		limit := size / 5
		r := w.exportWith(limit, &discordgo.ApplicationCommandInteractionDataOption{Name: "format", Type: discordgo.ApplicationCommandOptionString, Value: "hxl"})
		if len(r.files) < 2 {
			t.Fatalf("format:hxl at %d = %q with %d files, want parts", limit, r.content, len(r.files))
		}
		for n, f := range r.files {
			if !strings.HasSuffix(f.name, fmt.Sprintf("-part%dof%d.hxl.csv", n+1, len(r.files))) {
				t.Errorf("hxl part %d is named %q", n+1, f.name)
			}
			lines := strings.SplitN(string(f.data), "\n", 3)
			if len(lines) < 3 || !strings.HasPrefix(lines[1], "#") {
				t.Errorf("hxl part %d lacks the tag row under the header: %.200q", n+1, f.data)
			}
		}
	})
	t.Run("too big for one message", func(t *testing.T) {
		r := w.exportWith(1000)
		if len(r.files) != 0 || r.flags&int(discordgo.MessageFlagsEphemeral) == 0 || !strings.Contains(r.content, "`liaison export arrivals") {
			t.Errorf("export far over the limit = %q with %d files, want an ephemeral refusal naming liaison export", r.content, len(r.files))
		}
	})
	for _, forged := range []int64{-1, 0, 1 << 40} {
		t.Run(fmt.Sprintf("forged %d", forged), func(t *testing.T) {
			r := w.exportWith(forged)
			if len(r.files) != 1 || !bytes.Equal(r.files[0].data, plain.Bytes()) {
				t.Errorf("limit %d = %q with %d files, want the CSV as the 10 MiB floor carries it", forged, r.content, len(r.files))
			}
		})
	}
}
