package bot_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/mission"
)

// slowRefusal is a command that takes its time and then refuses, as a slow import would.
func slowRefusal(release <-chan struct{}) *bot.Command {
	return &bot.Command{Name: "slowfail", Description: "Takes its time, then refuses", Routes: []bot.Route{{
		Access: bot.Everyone,
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			<-release
			return nil, mission.Refuse(mission.EInvalid, "error.null_option").WithExample("error.null_option.example")
		},
	}}}
}

// TestErrorAfterDeferralIsEphemeral: a refusal that comes after a public "thinking…" reaches
// only the caller, as an ephemeral follow-up, and the public placeholder is deleted, over the
// gateway with an unmodified discordgo session and the fake Discord.
func TestErrorAfterDeferralIsEphemeral(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	w := newWorld(t, slowRefusal(release))
	w.router.DeferAfter = 50 * time.Millisecond
	w.openGateway(t)
	ctx := testCtx(t)

	i := slash(everyonePerms, "slowfail")
	if err := w.fake.DispatchInteraction(i); err != nil {
		t.Fatal(err)
	}
	first, err := w.fake.WaitResponse(ctx, i.ID)
	if err != nil {
		t.Fatal(err)
	}
	if first.Type != int(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("first answer type %d, want 5 (deferred)", first.Type)
	}
	close(release)
	err = w.fake.WaitFor(ctx, func() bool {
		rs := w.fake.Responses(i.ID)
		return len(rs) >= 3
	})
	if err != nil {
		t.Fatalf("responses %+v: %v", w.fake.Responses(i.ID), err)
	}
	rs := w.fake.Responses(i.ID)
	if rs[1].Kind != "followup" || rs[2].Kind != "delete_original" {
		t.Fatalf("after the deferral: %s then %s, want followup then delete_original", rs[1].Kind, rs[2].Kind)
	}
	for _, r := range rs {
		if r.Kind == "edit_original" {
			t.Errorf("the refusal edited the public placeholder: %+v", r)
		}
	}
	flags, _ := strconv.Atoi(fmt.Sprint(rs[1].Data["flags"]))
	if flags&int(discordgo.MessageFlagsEphemeral) == 0 {
		t.Errorf("follow-up flags = %v, want ephemeral; body %s", rs[1].Data["flags"], rs[1].Body)
	}
	w.fake.AssertValid(t)
}
