package bot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
)

// pictureCommand answers with a described PNG-like file, after release when given.
func pictureCommand(release <-chan struct{}) *bot.Command {
	return &bot.Command{Name: "picture", Description: "A described file", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			if release != nil {
				<-release
			}
			return &bot.Reply{Embeds: []*discordgo.MessageEmbed{{Title: "Chart", Image: &discordgo.MessageEmbedImage{URL: "attachment://forces.png"}}},
				Files: []*discordgo.File{bot.DescribedFile("forces.png", "image/png", "483 deployed of 2,500 planned", []byte("\x89PNG\r\n\x1a\nnot really"))}}, nil
		},
	}}}
}

// describedAttachment returns the description the body gives its first attachment.
func describedAttachment(data map[string]any) string {
	list, _ := data["attachments"].([]any)
	if len(list) == 0 {
		return ""
	}
	a, _ := list[0].(map[string]any)
	return fmt.Sprint(a["description"])
}

// TestDescribedFileOverTheGateway: a file's description (what screen readers announce) reaches
// Discord in the body's attachments, in the first answer and in an edit after a deferral, with
// bodies the spec accepts.
func TestDescribedFileOverTheGateway(t *testing.T) {
	t.Parallel()
	for _, deferred := range []bool{false, true} {
		t.Run(fmt.Sprint("deferred=", deferred), func(t *testing.T) {
			var release chan struct{}
			if deferred {
				release = make(chan struct{})
			}
			w := newWorld(t, pictureCommand(release))
			// Deferred: the handler waits for release, so 50 ms always defers. Not deferred: a
			// bound no loaded machine reaches, so the answer is always the first one.
			w.router.DeferAfter = time.Minute
			if deferred {
				w.router.DeferAfter = 50 * time.Millisecond
			}
			w.openGateway(t)
			ctx := testCtx(t)
			i := slash(everyonePerms, "picture")
			if err := w.fake.DispatchInteraction(i); err != nil {
				t.Fatal(err)
			}
			if _, err := w.fake.WaitResponse(ctx, i.ID); err != nil {
				t.Fatal(err)
			}
			kind := "callback"
			if deferred {
				close(release)
				kind = "edit_original"
				waitEdit(t, w.fake, i.ID)
			}
			var found bool
			for _, r := range w.fake.Responses(i.ID) {
				if r.Kind != kind {
					continue
				}
				found = true
				if got := describedAttachment(r.Data); got != "483 deployed of 2,500 planned" {
					t.Errorf("%s attachment description = %q; body %s", kind, got, r.Body)
				}
				if len(r.Files) != 1 {
					t.Errorf("%s carried %d files, want 1", kind, len(r.Files))
				}
			}
			if !found {
				t.Fatalf("no %s among %+v", kind, w.fake.Responses(i.ID))
			}
			w.fake.AssertValid(t)
		})
	}
}
