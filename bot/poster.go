package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/jobs"
)

// DiscordPoster posts scheduled reminders in Discord channels through a discordgo session (whose
// HTTP client carries the api_base rewrite). It implements jobs.Poster.
//
// discordgo's MessageSend has no nonce or enforce_nonce, so the body is built here and sent with
// the session's request method. Retrying is the dispatcher's job, not discordgo's: each request
// turns off discordgo's own 429 sleep-and-retry (which ignores the context and would hold the
// reminder's lease without a bound) and its 502 retries, and reports the error classified as a
// *jobs.PostError so that the dispatcher waits retry_after, backs off on 5xx, and gives up at
// once on a missing channel or permission.
//
// The session's own Ratelimiter keeps each channel's bucket from the answers' X-RateLimit-*
// headers; ReadyIn reads it so that the dispatcher waits for a channel at its limit without
// holding a post slot. discordgo learns of Discord's global limit (50 requests per second per
// bot) only from a global 429, so Post also paces itself to GlobalRate.
type DiscordPoster struct {
	Session *discordgo.Session
	// GlobalRate is how many posts per second this poster sends at most, across channels.
	GlobalRate float64

	mu   sync.Mutex
	next time.Time // when the next post may leave under GlobalRate
}

// DefaultGlobalRate keeps posts under Discord's global limit of 50 requests per second with
// room for the bot's other requests (interaction answers are outside that limit, but events and
// command registration are not).
const DefaultGlobalRate = 45

// NewDiscordPoster returns a poster over the session.
func NewDiscordPoster(s *discordgo.Session) *DiscordPoster {
	return &DiscordPoster{Session: s, GlobalRate: DefaultGlobalRate}
}

// ReadyIn is how long a post in the channel would wait on the channel's bucket or a global
// stall, as discordgo's Ratelimiter knows them now (jobs.Pacer). A bucket locked by a request
// in flight answers 0: discordgo queues behind it anyway.
func (p *DiscordPoster) ReadyIn(channelID string) time.Duration {
	rl := p.Session.Ratelimiter
	if rl == nil {
		return 0
	}
	b := rl.GetBucket(discordgo.EndpointChannelMessages(channelID))
	if !b.TryLock() {
		return 0
	}
	defer b.Unlock()
	return rl.GetWaitTime(b, 1)
}

// pace waits for this post's turn under GlobalRate: posts leave at most GlobalRate a second,
// evenly spaced, so that a burst across many channels never meets the global limit.
func (p *DiscordPoster) pace(ctx context.Context) error {
	if p.GlobalRate <= 0 {
		return nil
	}
	gap := time.Duration(float64(time.Second) / p.GlobalRate)
	p.mu.Lock()
	now := time.Now()
	at := now
	if p.next.After(now) {
		at = p.next
	}
	p.next = at.Add(gap)
	p.mu.Unlock()
	if wait := at.Sub(now); wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// createMessage is the body of POST /channels/{id}/messages that Liaison sends.
type createMessage struct {
	Content         string                            `json:"content,omitempty"`
	Embeds          []*discordgo.MessageEmbed         `json:"embeds,omitempty"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions,omitempty"`
	// Components are a flight post's buttons; the router answers their presses on any instance.
	Components []discordgo.MessageComponent `json:"components,omitempty"`
	// Nonce with EnforceNonce makes Discord answer a repeated post (a retry after a timeout, or
	// another instance re-claiming the reminder after a crash) with the first message instead of
	// creating a second one.
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// Post creates the message and returns its ID.
func (p *DiscordPoster) Post(ctx context.Context, m jobs.Message) (string, error) {
	if err := p.pace(ctx); err != nil {
		// Nothing was sent: the dispatcher retries within its bounds.
		return "", &jobs.PostError{Err: fmt.Errorf("waiting for the global rate limit: %w", err)}
	}
	endpoint := discordgo.EndpointChannelMessages(m.ChannelID)
	body := createMessage{Content: m.Content, Embeds: m.Embeds, AllowedMentions: m.AllowedMentions, Components: m.Components,
		Nonce: m.Nonce, EnforceNonce: m.Nonce != ""}
	resp, err := p.Session.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint,
		discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0))
	if err != nil {
		return "", classifyPostError(err)
	}
	var msg struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(resp, &msg); err != nil || msg.ID == "" {
		// Discord took the post but the answer was unreadable: retrying with the nonce
		// returns the message, so this is worth retrying.
		return "", &jobs.PostError{Status: http.StatusOK, Err: fmt.Errorf("unreadable answer to a message post: %.200s", resp)}
	}
	return msg.ID, nil
}

// classifyPostError maps discordgo's errors to jobs.PostError.
func classifyPostError(err error) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = time.Second
		}
		return &jobs.PostError{Status: http.StatusTooManyRequests, Retry: wait, Err: err}
	}
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Response != nil {
		pe := &jobs.PostError{Status: re.Response.StatusCode}
		msg := http.StatusText(pe.Status)
		if re.Message != nil {
			pe.Code = re.Message.Code
			if re.Message.Message != "" {
				msg = re.Message.Message
			}
		}
		pe.Err = errors.New(msg)
		switch {
		case pe.Status >= 500, pe.Status == http.StatusRequestTimeout, pe.Status == http.StatusTooManyRequests:
			// Discord's side, or a 429 that discordgo could not parse: try again.
		default:
			// 400, 401, 403 (50001 missing access, 50013 missing permissions), 404 (10003
			// unknown channel), 413: the same post fails the same way every time.
			pe.Final = true
		}
		return pe
	}
	// A network error, a timeout, or discordgo's "Exceeded Max retries" for a 502: retry.
	return &jobs.PostError{Err: err}
}

// DiscordEvents mirrors flights as guild scheduled events through a discordgo session. It
// implements jobs.EventClient.
type DiscordEvents struct {
	Session *discordgo.Session
}

// NewDiscordEvents returns an event client over the session.
func NewDiscordEvents(s *discordgo.Session) *DiscordEvents { return &DiscordEvents{Session: s} }

// eventParams is the event as an external, guild-only scheduled event at e.Location.
func eventParams(e jobs.Event) *discordgo.GuildScheduledEventParams {
	start, end := e.Start.UTC(), e.End.UTC()
	return &discordgo.GuildScheduledEventParams{
		Name:               e.Name,
		Description:        e.Description,
		ScheduledStartTime: &start,
		ScheduledEndTime:   &end,
		PrivacyLevel:       discordgo.GuildScheduledEventPrivacyLevelGuildOnly,
		EntityType:         discordgo.GuildScheduledEventEntityTypeExternal,
		EntityMetadata:     &discordgo.GuildScheduledEventEntityMetadata{Location: e.Location},
	}
}

// CreateEvent creates the event and returns its ID.
func (d *DiscordEvents) CreateEvent(ctx context.Context, guildID string, e jobs.Event) (string, error) {
	ev, err := d.Session.GuildScheduledEventCreate(guildID, eventParams(e), discordgo.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("create scheduled event: %w", err)
	}
	return ev.ID, nil
}

// UpdateEvent replaces the event's details and times.
func (d *DiscordEvents) UpdateEvent(ctx context.Context, guildID, eventID string, e jobs.Event) error {
	if _, err := d.Session.GuildScheduledEventEdit(guildID, eventID, eventParams(e), discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("update scheduled event: %w", err)
	}
	return nil
}

// SetEventStatus moves the event to status (a PATCH with the status alone).
func (d *DiscordEvents) SetEventStatus(ctx context.Context, guildID, eventID string, status jobs.EventStatus) error {
	p := &discordgo.GuildScheduledEventParams{Status: discordgo.GuildScheduledEventStatus(status)}
	if _, err := d.Session.GuildScheduledEventEdit(guildID, eventID, p, discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("set scheduled event status %d: %w", status, err)
	}
	return nil
}

// ConsolePoster prints reminders as text when they fall due (liaison console). Like Discord, it
// remembers nonces, so a reminder retried after a crash is printed once. Pass (*Console).Print,
// which also renders Discord timestamps and mentions for the terminal.
type ConsolePoster struct {
	Print func(text string)
	// Show, when set, prints a post instead of Print, with its ID and buttons, so that the
	// console can press them (Console.ShowPost).
	Show func(messageID string, m jobs.Message)

	mu      sync.Mutex
	n       int
	byNonce map[string]string
}

// NewConsolePoster returns a poster that prints through print.
func NewConsolePoster(print func(text string)) *ConsolePoster {
	return &ConsolePoster{Print: print, byNonce: map[string]string{}}
}

// Post prints the message and returns a made-up message ID.
func (p *ConsolePoster) Post(_ context.Context, m jobs.Message) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byNonce == nil {
		p.byNonce = map[string]string{}
	}
	if id, ok := p.byNonce[m.Nonce]; ok && m.Nonce != "" {
		return id, nil
	}
	p.n++
	id := fmt.Sprintf("console-%d", p.n)
	if m.Nonce != "" {
		p.byNonce[m.Nonce] = id
	}
	if p.Show != nil {
		p.Show(id, m)
		return id, nil
	}
	p.Print(MessageText(m.Content, m.Embeds))
	return id, nil
}

// MessageText renders a message's content and embeds as plain text.
func MessageText(content string, embeds []*discordgo.MessageEmbed) string {
	var b strings.Builder
	if content != "" {
		b.WriteString(content + "\n")
	}
	for _, e := range embeds {
		if e.Title != "" {
			b.WriteString("== " + e.Title + " ==\n")
		}
		if e.Description != "" {
			b.WriteString(e.Description + "\n")
		}
		for _, f := range e.Fields {
			b.WriteString("▸ " + f.Name + "\n")
			for _, l := range strings.Split(f.Value, "\n") {
				b.WriteString("  " + l + "\n")
			}
		}
		if e.Footer != nil && e.Footer.Text != "" {
			b.WriteString("— " + e.Footer.Text + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
