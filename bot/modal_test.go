package bot_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
)

// formCommand is a command whose button opens a form, after wait.
func formCommand(wait <-chan struct{}) *bot.Command {
	return &bot.Command{Name: "formy", Description: "Opens a form", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run:    func(context.Context, *bot.Request) (*bot.Reply, error) { return &bot.Reply{Content: "x"}, nil },
		Component: func(context.Context, *bot.Request) (*bot.Reply, error) {
			<-wait
			return &bot.Reply{Form: &bot.Form{CustomID: bot.ComponentID("formy", "sent"), Title: "Form",
				Fields: []bot.FormField{{ID: "lines", Label: "Lines", Paragraph: true, Value: "a", Required: true}}}}, nil
		},
	}}}
}

// TestButtonOpensForm: a button whose handler answers in time opens its form (type 9, valid
// against Discord's spec); one that answers after the deferral cannot, and its presser is told
// ephemerally to press again, over the gateway with an unmodified discordgo session.
func TestButtonOpensForm(t *testing.T) {
	t.Parallel()
	for _, slow := range []bool{false, true} {
		t.Run(fmt.Sprint("slow=", slow), func(t *testing.T) {
			wait := make(chan struct{})
			if !slow {
				close(wait)
			}
			w := newWorld(t, formCommand(wait))
			w.router.DeferAfter = 50 * time.Millisecond
			if !slow {
				w.router.DeferAfter = time.Minute
			}
			w.openGateway(t)
			ctx := testCtx(t)
			click := &discordgo.Interaction{Type: discordgo.InteractionMessageComponent, AppID: fakediscord.ApplicationID, Version: 1,
				GuildID: e2eGuild, ChannelID: e2eChannel, Member: member(everyonePerms),
				Data: discordgo.MessageComponentInteractionData{CustomID: bot.ComponentID("formy", "open"), ComponentType: discordgo.ButtonComponent}}
			if err := w.fake.DispatchInteraction(click); err != nil {
				t.Fatal(err)
			}
			first, err := w.fake.WaitResponse(ctx, click.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slow {
				if first.Type != int(discordgo.InteractionResponseModal) {
					t.Errorf("answer type %d, want 9 (a form): %s", first.Type, first.Body)
				}
				w.fake.AssertValid(t)
				return
			}
			if first.Type != int(discordgo.InteractionResponseDeferredMessageUpdate) {
				t.Fatalf("first answer type %d, want 6 (deferred update)", first.Type)
			}
			close(wait)
			if err := w.fake.WaitFor(ctx, func() bool { return len(w.fake.Responses(click.ID)) >= 2 }); err != nil {
				t.Fatal(err)
			}
			rs := w.fake.Responses(click.ID)
			flags, _ := strconv.Atoi(fmt.Sprint(rs[1].Data["flags"]))
			if rs[1].Kind != "followup" || flags&int(discordgo.MessageFlagsEphemeral) == 0 {
				t.Errorf("after the deferral: %s %s, want an ephemeral follow-up", rs[1].Kind, rs[1].Body)
			}
			w.fake.AssertValid(t)
		})
	}
}
