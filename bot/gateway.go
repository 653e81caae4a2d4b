package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// restResponder answers an interaction through Discord's REST API: the interaction callback
// first, then edits of the original response. The gateway uses it for both; the HTTP endpoint
// for edits after a deferral, its first answer being the HTTP response itself.
type restResponder struct {
	s *discordgo.Session
	i *discordgo.Interaction
}

// Respond posts the interaction callback; a reply with files goes as multipart/form-data
// (discordgo builds it when Data.Files is set, and multipartBody when a file has a description,
// which discordgo cannot send).
func (r restResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	if resp.Data != nil && described(resp.Data.Files) {
		return r.raw(ctx, "POST", discordgo.EndpointInteractionResponse(r.i.ID, r.i.Token), resp, resp.Data.Files, true)
	}
	return r.s.InteractionRespond(r.i, resp, discordgo.WithContext(ctx))
}

// raw sends v with files as multipart through the session, for bodies discordgo cannot write.
func (r restResponder) raw(ctx context.Context, method, uri string, v any, files []*discordgo.File, inData bool) error {
	if r.s == nil {
		return errors.New("no Discord session to answer with")
	}
	ct, body, err := multipartBody(v, files, inData)
	if err != nil {
		return fmt.Errorf("encode the answer with attachments: %w", err)
	}
	_, err = r.s.RequestRaw(method, uri, ct, body, uri, 0, discordgo.WithContext(ctx))
	return err
}

// Edit replaces the original response (PATCH /webhooks/{app}/{token}/messages/@original).
func (r restResponder) Edit(ctx context.Context, e *discordgo.WebhookEdit) error {
	if r.s == nil {
		return errors.New("no Discord session to edit the answer with")
	}
	if described(e.Files) {
		return r.raw(ctx, "PATCH", discordgo.EndpointWebhookMessage(r.i.AppID, r.i.Token, "@original"), e, e.Files, false)
	}
	_, err := r.s.InteractionResponseEdit(r.i, e, discordgo.WithContext(ctx))
	return err
}

// FollowUp sends a follow-up message (POST /webhooks/{app}/{token}).
func (r restResponder) FollowUp(ctx context.Context, msg *discordgo.WebhookParams) error {
	if r.s == nil {
		return errors.New("no Discord session to follow up with")
	}
	if described(msg.Files) {
		return r.raw(ctx, "POST", discordgo.EndpointWebhookToken(r.i.AppID, r.i.Token)+"?wait=true", msg, msg.Files, false)
	}
	_, err := r.s.FollowupMessageCreate(r.i, true, msg, discordgo.WithContext(ctx))
	return err
}

// Delete removes the original response (DELETE /webhooks/{app}/{token}/messages/@original).
func (r restResponder) Delete(ctx context.Context) error {
	if r.s == nil {
		return errors.New("no Discord session to delete the answer with")
	}
	return r.s.InteractionResponseDelete(r.i, discordgo.WithContext(ctx))
}

// Gateway is the websocket door: it feeds INTERACTION_CREATE events from a discordgo session to
// the router, answering through REST. discordgo reconnects by itself (resuming when it can);
// the gateway counts and logs those reconnects.
type Gateway struct {
	Session *discordgo.Session
	Router  *Router
	Log     *slog.Logger
	Metrics *Metrics

	// ctx is what handlers run under; it is cancelled only if Close gives up waiting, so that
	// interactions being answered while the bot stops still reach Discord.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	stopping bool // Close has begun: a disconnect now is ours
	closed   bool // no more interactions are taken
	opened   bool // the first connection was made; later Connect events are reconnects
	up       bool // connected now
	inflight sync.WaitGroup
	remove   []func()
}

// NewGateway hooks the router to the session's events. Call Open to connect.
func NewGateway(s *discordgo.Session, r *Router, log *slog.Logger, m *Metrics) *Gateway {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	g := &Gateway{Session: s, Router: r, Log: log, Metrics: m}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	g.remove = append(g.remove,
		s.AddHandler(g.onEvent),
		s.AddHandler(g.onConnect),
		s.AddHandler(g.onDisconnect),
		s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) { g.Log.Info("gateway session resumed") }),
	)
	return g
}

// Open connects to the gateway and returns once Discord has sent READY.
func (g *Gateway) Open() error {
	if err := g.Session.Open(); err != nil {
		return fmt.Errorf("open the gateway: %w", err)
	}
	return nil
}

// Connected reports whether the websocket is up now (false while discordgo reconnects).
func (g *Gateway) Connected() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.up
}

// Close disconnects, stops taking interactions and waits until those taken have been
// answered, or ctx ends (then their remaining REST calls are cancelled).
func (g *Gateway) Close(ctx context.Context) error {
	// Closing the session first stops discordgo reading; events it already dispatched are
	// still answered, and only then is the door shut.
	g.mu.Lock()
	g.stopping = true
	g.mu.Unlock()
	err := g.Session.Close()
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
	for _, rm := range g.remove {
		rm()
	}
	done := make(chan struct{})
	go func() { g.inflight.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		g.cancel()
		return fmt.Errorf("gateway: interactions still running at shutdown: %w", ctx.Err())
	}
	g.cancel()
	return err
}

// onEvent takes INTERACTION_CREATE as discordgo's raw event, which carries both the decoded
// interaction (Struct) and the payload it was decoded from (RawData): attachment_size_limit,
// which discordgo v0.29 does not decode, is read from the same event, so there is nothing to
// match by interaction ID and no race between two handlers. (A typed *InteractionCreate
// handler would run in its own goroutine, apart from the raw one.)
func (g *Gateway) onEvent(s *discordgo.Session, e *discordgo.Event) {
	if e.Type != interactionCreate {
		return
	}
	ic, ok := e.Struct.(*discordgo.InteractionCreate)
	if !ok || ic.Interaction == nil {
		return
	}
	g.onInteraction(s, ic, attachmentLimitOf(e.RawData))
}

// interactionCreate is the gateway event of an interaction.
const interactionCreate = "INTERACTION_CREATE"

// onInteraction runs in a goroutine of discordgo's, which has no recover; Router.Handle
// recovers every panic of the interaction's (in a handler, in an answer's encoding) and answers
// it, so none reaches the process.
func (g *Gateway) onInteraction(s *discordgo.Session, ic *discordgo.InteractionCreate, limit int64) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		g.Log.Warn("interaction dropped: the gateway is closing", "interaction", ic.ID)
		return
	}
	g.inflight.Add(1)
	g.mu.Unlock()
	defer g.inflight.Done()
	g.Router.Handle(WithAttachmentLimit(g.ctx, limit), ic.Interaction, restResponder{s: s, i: ic.Interaction})
}

func (g *Gateway) onConnect(*discordgo.Session, *discordgo.Connect) {
	g.mu.Lock()
	again := g.opened
	g.opened, g.up = true, true
	g.mu.Unlock()
	if again {
		g.Metrics.reconnected()
		g.Log.Info("gateway reconnected")
		return
	}
	g.Log.Info("gateway connected")
}

func (g *Gateway) onDisconnect(*discordgo.Session, *discordgo.Disconnect) {
	g.mu.Lock()
	g.up = false
	closing := g.stopping
	g.mu.Unlock()
	if !closing {
		g.Log.Warn("gateway disconnected; discordgo reconnects")
	}
}
