package bot

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/locale"
	"liaison/storage"
)

// brittleResponder records answers, and panics in the calls named in panics, each once (or
// every time, with always), as a responder whose encoding breaks would.
type brittleResponder struct {
	mu     sync.Mutex
	panics map[string]bool
	always bool
	calls  []string // "Respond", "Edit", … in order, the panicking ones included
	texts  []string // the content of each answer that went out
}

func (b *brittleResponder) call(method, content string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, method)
	if b.panics[method] {
		if !b.always {
			delete(b.panics, method)
		}
		panic(method + " exploded")
	}
	b.texts = append(b.texts, content)
}

func (b *brittleResponder) Respond(_ context.Context, resp *discordgo.InteractionResponse) error {
	content := ""
	if resp.Data != nil {
		content = resp.Data.Content
	}
	b.call("Respond", content)
	return nil
}

func (b *brittleResponder) Edit(_ context.Context, e *discordgo.WebhookEdit) error {
	content := ""
	if e.Content != nil {
		content = *e.Content
	}
	b.call("Edit", content)
	return nil
}

func (b *brittleResponder) FollowUp(_ context.Context, m *discordgo.WebhookParams) error {
	b.call("FollowUp", m.Content)
	return nil
}

func (b *brittleResponder) Delete(context.Context) error {
	b.call("Delete", "")
	return nil
}

// TestHandleRecoversItsOwnPanics: a panic of Handle's own work — not the handler's — is
// answered too, in the reader's language, as far as the interaction had gone: an answer
// that panicked as it went out is replaced by the error; after a deferral the error follows
// up; an interaction too malformed to name gets the error; and a responder that panics on
// every call leaves Handle returning, not panicking, with the panic logged.
func TestHandleRecoversItsOwnPanics(t *testing.T) {
	release := make(chan struct{})
	cmd := &Command{Name: "work", Description: "d", Routes: []Route{{Access: Everyone,
		Run: func(_ context.Context, req *Request) (*Reply, error) {
			if req.Options["slow"] != nil {
				<-release
			}
			return &Reply{Content: "done"}, nil
		},
		Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionBoolean, Name: "slow", Description: "d"}},
	}}}
	var logs bytes.Buffer
	var logMu sync.Mutex
	r, err := NewRouter(slog.New(slog.NewTextHandler(lockedWriter{&logMu, &logs}, nil)), fixedGuilds{storage.Guild{Timezone: "UTC"}}, []*Command{cmd})
	if err != nil {
		t.Fatal(err)
	}
	spanish := func(opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.Interaction {
		return &discordgo.Interaction{ID: "1", Type: discordgo.InteractionApplicationCommand, GuildID: "10", Locale: discordgo.SpanishES,
			Member: &discordgo.Member{User: &discordgo.User{ID: "42"}},
			Data:   discordgo.ApplicationCommandInteractionData{Name: "work", Options: opts}}
	}
	internal := strings.SplitN(locale.T(locale.Spanish, "error.internal", "Ref", "REF"), "REF", 2)[0]

	for _, tc := range []struct {
		name      string
		i         *discordgo.Interaction
		panics    []string
		always    bool
		slow      bool
		wantCalls string
		wantError bool // the last answer is the Spanish internal error
	}{
		{name: "answer panics", i: spanish(), panics: []string{"Respond"}, wantCalls: "Respond Respond", wantError: true},
		{name: "edit after deferral panics", i: spanish(&discordgo.ApplicationCommandInteractionDataOption{Name: "slow", Type: discordgo.ApplicationCommandOptionBoolean, Value: true}),
			panics: []string{"Edit"}, slow: true, wantCalls: "Respond Edit FollowUp Delete", wantError: true},
		{name: "malformed interaction", i: &discordgo.Interaction{ID: "2", Type: discordgo.InteractionApplicationCommand, GuildID: "10", Locale: discordgo.SpanishES},
			wantCalls: "Respond", wantError: true},
		{name: "responder broken for good", i: spanish(), panics: []string{"Respond"}, always: true, wantCalls: "Respond Respond"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := &brittleResponder{panics: map[string]bool{}, always: tc.always}
			for _, m := range tc.panics {
				out.panics[m] = true
			}
			r.DeferAfter = time.Hour
			if tc.slow {
				r.DeferAfter = time.Millisecond
				go func() { time.Sleep(50 * time.Millisecond); release <- struct{}{} }()
			}
			r.Handle(context.Background(), tc.i, out) // a panic here fails the whole test binary
			if got := strings.Join(out.calls, " "); got != tc.wantCalls {
				t.Errorf("calls = %q, want %q", got, tc.wantCalls)
			}
			if tc.wantError {
				var last string
				for _, s := range out.texts {
					if s != "" {
						last = s
					}
				}
				if !strings.HasPrefix(last, internal) {
					t.Errorf("answers %q, want the last to be the Spanish %q…", out.texts, internal)
				}
			}
			logMu.Lock()
			defer logMu.Unlock()
			if !strings.Contains(logs.String(), "exploded") && len(tc.panics) > 0 {
				t.Errorf("the panic is not logged:\n%s", logs.String())
			}
			logs.Reset()
		})
	}
}

// lockedWriter serialises a log's writes with the test's reads.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
