package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"liaison/bot"
	"liaison/fakediscord"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestAttachmentLimitRecheck: a limit from a request body is believed only when it is
// possible; missing, zero, negative and above 500 MiB fall back to the 10 MiB floor.
func TestAttachmentLimitRecheck(t *testing.T) {
	for _, tc := range []struct {
		raw, want int64
	}{
		{0, bot.AttachmentFloor},
		{-1, bot.AttachmentFloor},
		{-1 << 40, bot.AttachmentFloor},
		{1, 1},
		{25 << 20, 25 << 20},
		{100 << 20, 100 << 20},
		{500 << 20, 500 << 20},
		{500<<20 + 1, bot.AttachmentFloor},
		{1 << 62, bot.AttachmentFloor},
	} {
		if got := bot.AttachmentLimit(tc.raw); got != tc.want {
			t.Errorf("AttachmentLimit(%d) = %d, want %d", tc.raw, got, tc.want)
		}
	}
	for _, tc := range []struct{ limit, want int64 }{
		{1 << 20, 25 << 20}, {10 << 20, 25 << 20}, {100 << 20, 100 << 20},
	} {
		if got := bot.MessageUpload(tc.limit); got != tc.want {
			t.Errorf("MessageUpload(%d) = %d, want %d", tc.limit, got, tc.want)
		}
	}
}

// limitCommand answers with the attachment limit its request carries.
func limitCommand(seen *atomic.Int64) *bot.Command {
	return &bot.Command{Name: "limit", Description: "Says the attachment limit", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run: func(_ context.Context, req *bot.Request) (*bot.Reply, error) {
			seen.Store(req.AttachmentLimit)
			return &bot.Reply{Content: fmt.Sprintf("limit %d", req.AttachmentLimit)}, nil
		},
	}}}
}

// TestAttachmentLimitReachesTheRequest: the attachment_size_limit of an interaction, which
// discordgo does not decode, reaches the handler's Request through both doors, re-checked; a
// body whose limit is not an integer still works, with the floor.
func TestAttachmentLimitReachesTheRequest(t *testing.T) {
	t.Parallel()
	var seen atomic.Int64
	w := newWorld(t, limitCommand(&seen))
	w.openGateway(t)
	_, url, priv := w.endpoint(t, time.Now)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name      string
		limit     int64
		want      int64
		transform func([]byte) []byte // of the HTTP body, before signing
	}{
		{"ordinary server", 10 << 20, 10 << 20, nil},
		{"boosted server", 50 << 20, 50 << 20, nil},
		{"small", 20000, 20000, nil},
		{"forged negative", -5, bot.AttachmentFloor, nil},
		{"forged zero", 0, bot.AttachmentFloor, nil},
		{"forged huge", 1 << 40, bot.AttachmentFloor, nil},
		{"not an integer", 20000, bot.AttachmentFloor, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"attachment_size_limit":20000`), []byte(`"attachment_size_limit":"20000"`), 1)
		}},
		{"a float", 20000, bot.AttachmentFloor, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"attachment_size_limit":20000`), []byte(`"attachment_size_limit":1e30`), 1)
		}},
	} {
		// The HTTP door.
		i := slash(everyonePerms, "limit")
		i.ID, i.Token = "1400000000000000777", "dG9rZW4"
		body, err := fakediscord.InteractionPayload(i, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if tc.transform != nil {
			body = tc.transform(body)
		}
		seen.Store(-1)
		resp := signedPost(t, http.DefaultClient, url, priv, time.Now(), body)
		raw := readAll(t, resp)
		var got struct {
			Data struct{ Content string } `json:"data"`
		}
		if err := json.Unmarshal(raw, &got); err != nil || got.Data.Content != "limit "+strconv.FormatInt(tc.want, 10) {
			t.Errorf("%s over HTTP: answer %s, handler saw %d; want limit %d", tc.name, raw, seen.Load(), tc.want)
		}
		if tc.transform != nil {
			continue // the fake's gateway writes integers only
		}

		// The gateway.
		w.fake.SetAttachmentSizeLimit(tc.limit)
		g := slash(everyonePerms, "limit")
		if err := w.fake.DispatchInteraction(g); err != nil {
			t.Fatal(err)
		}
		r, err := w.fake.WaitResponse(ctx, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := r.Data["content"].(string); c != "limit "+strconv.FormatInt(tc.want, 10) {
			t.Errorf("%s over the gateway: answer %q, want limit %d", tc.name, c, tc.want)
		}
	}
}

// TestGatewayLimitsDoNotCross: interactions dispatched back to back with different limits each
// reach their handler with their own, whatever order discordgo's goroutines run in (run with
// -race).
func TestGatewayLimitsDoNotCross(t *testing.T) {
	t.Parallel()
	var seen atomic.Int64
	w := newWorld(t, limitCommand(&seen))
	w.openGateway(t)
	ctx := testCtx(t)
	var ids []string
	var wants []int64
	for n := range 20 {
		limit := int64(1000 + n)
		w.fake.SetAttachmentSizeLimit(limit)
		g := slash(everyonePerms, "limit")
		if err := w.fake.DispatchInteraction(g); err != nil {
			t.Fatal(err)
		}
		ids, wants = append(ids, g.ID), append(wants, limit)
	}
	for n, id := range ids {
		r, err := w.fake.WaitResponse(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := r.Data["content"].(string); !strings.HasSuffix(c, " "+strconv.FormatInt(wants[n], 10)) {
			t.Errorf("interaction %d: answer %q, want limit %d", n, c, wants[n])
		}
	}
}

// TestGatewayExportSplitsAtTheInteractionsLimit: over the gateway, /export keeps to the limit
// the INTERACTION_CREATE event carries: at a few KiB the arrivals come as parts of one
// message, each within the limit and beginning with the header, and the answer is valid
// against Discord's spec (the fake checks it).
func TestGatewayExportSplitsAtTheInteractionsLimit(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.openGateway(t)
	ctx := testCtx(t)
	a := storage.Actor{GuildID: e2eGuild, UserID: e2eUser}
	err := w.store.Import(ctx, a, "", func(b *storage.Bulk) error {
		for i := range 300 {
			if _, err := b.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 1 + i, Role: "police",
				ArrivedAt: storagetest.Start.Add(time.Duration(i) * time.Minute), Source: "press", Note: strconv.Itoa(i * 7919)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	const limit = 4000
	w.fake.SetAttachmentSizeLimit(limit)
	i := slash(moderatorPerms, "export", str("kind", "arrivals"))
	if err := w.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	r, err := w.fake.WaitResponse(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Files) < 2 || len(r.Files) > bot.MaxMessageFiles {
		t.Fatalf("export at %d bytes = %v with %d files, want parts", limit, r.Data["content"], len(r.Files))
	}
	for n, f := range r.Files {
		if len(f.Data) > limit || !strings.Contains(f.Name, fmt.Sprintf("-part%dof%d.csv", n+1, len(r.Files))) {
			t.Errorf("file %d: %q of %d bytes, want part %d within %d bytes", n+1, f.Name, len(f.Data), n+1, limit)
		}
	}
}
