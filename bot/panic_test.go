package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/fakediscord"
	"liaison/locale"
)

// panicCommands are three commands for the recovery: one whose handler panics, one whose reply
// panics as it is encoded (a file without a reader: every door reads it, and none can), and one
// that answers, to show the bot still does after the other two.
func panicCommands() []*bot.Command {
	route := func(name string, run bot.Handler) *bot.Command {
		return &bot.Command{Name: name, Description: name, Routes: []bot.Route{{Access: bot.Everyone, Run: run}}}
	}
	return []*bot.Command{
		route("boom", func(context.Context, *bot.Request) (*bot.Reply, error) { panic("kaboom") }),
		route("badfile", func(context.Context, *bot.Request) (*bot.Reply, error) {
			return &bot.Reply{Content: "here is the file", Files: []*discordgo.File{{Name: "broken.csv", ContentType: "text/csv"}}}, nil
		}),
		route("ok", func(context.Context, *bot.Request) (*bot.Reply, error) { return &bot.Reply{Content: "still here"}, nil }),
	}
}

// frenchInternal is the French "Something went wrong (ref …)", with its reference.
var frenchInternal = regexp.MustCompile(`Une erreur s’est produite \(réf\. ([0-9a-f]{8})\)`)

// TestPanicsAreAnsweredAtEveryDoor: a panic in a handler, and one in encoding its answer, are
// answered through the gateway, the HTTP endpoint and the console alike, in the reader's
// language from the catalog, with a reference that the log carries once; and the door answers
// the next interaction. The doors recover nothing themselves: Router.Handle does it for all.
func TestPanicsAreAnsweredAtEveryDoor(t *testing.T) {
	t.Parallel()
	w := newWorld(t, panicCommands()...)
	w.openGateway(t)
	_, url, priv := w.endpoint(t, time.Now)
	ctx := testCtx(t)
	n := 0
	french := func(name string) *discordgo.Interaction {
		n++
		i := slash(everyonePerms, name)
		i.Locale = discordgo.French
		i.ID, i.Token = strconv.Itoa(1400000000000009000+n), "dG9rZW4"
		return i
	}

	doors := []struct {
		name   string
		answer func(t *testing.T, command string) (content string, ephemeral bool)
	}{
		{"gateway", func(t *testing.T, command string) (string, bool) {
			i := french(command)
			if err := w.fake.DispatchInteraction(i); err != nil {
				t.Fatal(err)
			}
			r, err := w.fake.WaitResponse(ctx, i.ID)
			if err != nil {
				t.Fatalf("/%s over the gateway: %v", command, err)
			}
			flags, _ := strconv.Atoi(fmt.Sprint(r.Data["flags"]))
			return callbackContent(r), flags&int(discordgo.MessageFlagsEphemeral) != 0
		}},
		{"http", func(t *testing.T, command string) (string, bool) {
			body, err := fakediscord.InteractionPayload(french(command), fakediscord.DefaultAttachmentSizeLimit)
			if err != nil {
				t.Fatal(err)
			}
			resp := signedPost(t, http.DefaultClient, url, priv, time.Now(), body)
			raw := readAll(t, resp)
			var got struct {
				Data struct {
					Content string
					Flags   int
				}
			}
			if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &got) != nil {
				t.Fatalf("/%s over HTTP = %s %s", command, resp.Status, raw)
			}
			return got.Data.Content, got.Data.Flags&int(discordgo.MessageFlagsEphemeral) != 0
		}},
		{"console", func(t *testing.T, command string) (string, bool) {
			var out bytes.Buffer
			c := &bot.Console{Router: w.router, GuildID: e2eGuild, UserID: e2eUser, Locale: "fr", Out: &out, In: strings.NewReader("/" + command + "\n")}
			if err := c.Run(ctx); err != nil {
				t.Fatal(err)
			}
			return out.String(), strings.Contains(out.String(), locale.T(locale.French, "cmd.console.ephemeral"))
		}},
	}
	for _, door := range doors {
		t.Run(door.name, func(t *testing.T) {
			for _, command := range []string{"boom", "badfile"} {
				content, ephemeral := door.answer(t, command)
				m := frenchInternal.FindStringSubmatch(content)
				if m == nil || !ephemeral {
					t.Errorf("/%s (panics) through the %s = %q (ephemeral %v), want the catalog's French internal error, ephemeral", command, door.name, content, ephemeral)
					continue
				}
				if logged := w.logs.String(); strings.Count(logged, "ref="+m[1]) != 1 || !strings.Contains(logged, "panic") {
					t.Errorf("/%s through the %s: ref %s logged %d times, want once with the panic:\n%s", command, door.name, m[1], strings.Count(logged, "ref="+m[1]), logged)
				}
			}
			if content, _ := door.answer(t, "ok"); !strings.Contains(content, "still here") {
				t.Errorf("after the panics, /ok through the %s = %q, want its answer", door.name, content)
			}
		})
	}
	w.fake.AssertValid(t)
}
