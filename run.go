package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/jobs"
	"liaison/share"
	"liaison/storage"
)

// runBot serves Discord until ctx ends (SIGINT/SIGTERM): it registers the commands, opens the
// gateway and/or the HTTP endpoint, runs the scheduler, and on the signal stops taking
// interactions, answers those in flight, releases claimed reminders and returns nil.
func runBot(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger) error {
	return serve(ctx, cfg, store, log, serveOptions{})
}

// registerOnly registers the slash commands per [discord].register and returns (liaison
// register): the same bulk overwrite `liaison run` does at start, for deployments that
// register from a release job rather than from every instance.
func registerOnly(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger) error {
	mode, err := bot.ParseRegisterMode(cfg.Discord.Register)
	if err != nil {
		return &configError{"discord.register", err.Error()}
	}
	if mode.Off {
		return &configError{"discord.register", `"off": liaison register needs "global" or "guild:<id>" (e.g. LIAISON_DISCORD_REGISTER=guild:123 liaison register)`}
	}
	if cfg.Discord.Token == "" {
		return &configError{"discord.token", "empty: registering commands needs the bot token (or DISCORD_TOKEN)"}
	}
	setDiscordgoLogger(log, cfg.Discord.Token)
	session, err := bot.NewSession(bot.SessionConfig{Token: cfg.Discord.Token, APIBase: cfg.Discord.APIBase})
	if err != nil {
		return &configError{"discord.api_base", err.Error()}
	}
	router, err := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log}))
	if err != nil {
		return err
	}
	return register(ctx, cfg, session, router, log)
}

// serveOptions are the seams tests use; the zero value is production.
type serveOptions struct {
	// listener serves HTTP instead of listening on [http].listen.
	listener net.Listener
	// now is the clock of every part: store, router, signature check, scheduler, mirror.
	now func() time.Time
	// drainTimeout bounds how long shutdown waits for interactions in flight (default 25 s,
	// inside the 30 s most supervisors allow between SIGTERM and SIGKILL).
	drainTimeout time.Duration
}

// serve is runBot with its seams: it starts the app, serves until ctx ends or the HTTP server
// fails, and stops the app.
func serve(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, opt serveOptions) error {
	a, err := newApp(cfg, store, log, opt)
	if err != nil {
		return err
	}
	// Stop runs whatever happens next: Start may fail halfway, with some parts running.
	defer a.Stop(context.Background())
	if err := a.Start(ctx); err != nil {
		return err
	}
	// Starting is the largest burst of a quiet bot's life: migrations, the three catalogs
	// parsed (4 MB allocated for 1.2 MB kept), the command definitions built and registered.
	// Once the doors are open that is garbage; collect it and hand its pages back to the
	// system now, once, rather than leave them resident until the scavenger's pace returns
	// them.
	debug.FreeOSMemory()
	select {
	case <-ctx.Done():
		log.Info("stopping: no new interactions; answering those in flight")
		return nil
	case err := <-a.serveErr:
		return fmt.Errorf("http server: %w", err)
	}
}

// app is `liaison run`: the doors (gateway, HTTP endpoint), the router behind them, the
// scheduler and the Events-tab mirror. Start starts them in order; Stop stops, in reverse, those
// that started.
type app struct {
	cfg    Config
	store  *storage.Store
	log    *slog.Logger
	opt    serveOptions
	mode   bot.RegisterMode
	listen bool // serve HTTP: [http].listen is set, or a test passed a listener
	// now is the one clock of the store, the router, the signature check, the scheduler and the
	// mirror, so that what one part plans another judges on the same time.
	now func() time.Time

	session *discordgo.Session
	metrics *bot.Metrics
	router  *bot.Router
	sched   *jobs.Scheduler   // nil without a token to post with
	mirror  *jobs.EventMirror // nil unless [discord] scheduled_events

	// Set by Start as each part starts; Stop skips the parts still nil.
	open       atomic.Bool // the doors are open: /healthz may say ready
	endpoint   *bot.Endpoint
	srv        *http.Server
	metricsSrv *http.Server // [http].metrics_listen, when set
	serveErr   chan error   // the HTTP server's error, should it stop serving by itself
	gateway    *bot.Gateway
	stopSched  context.CancelFunc
	schedOut   chan error
	stopListen context.CancelFunc // the snapshots' listener (Postgres)
	listenOut  chan error
}

// newApp checks the configuration and builds the parts; it starts nothing.
func newApp(cfg Config, store *storage.Store, log *slog.Logger, opt serveOptions) (*app, error) {
	a := &app{cfg: cfg, store: store, log: log, opt: opt, now: opt.now, serveErr: make(chan error, 2), // one per HTTP server
		listen: cfg.HTTP.Listen != "" || opt.listener != nil}
	if err := a.checkConfig(); err != nil {
		return nil, err
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.opt.drainTimeout <= 0 {
		a.opt.drainTimeout = 25 * time.Second
	}
	d := cfg.Discord
	setDiscordgoLogger(log, d.Token)
	// The metrics know the command names up front (series exist from the start, other names
	// are lumped together); the names do not depend on the commands' dependencies.
	cmds := commands.All(commands.Deps{Store: store, Log: log, Attachments: bot.AttachmentFetcher{APIBase: d.APIBase},
		PublicURL: cfg.HTTP.PublicURL})
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	a.metrics = bot.NewMetrics(names...)
	var err error
	a.session, err = bot.NewSession(bot.SessionConfig{Token: d.Token, APIBase: d.APIBase,
		ShardID: d.ShardID, ShardCount: d.ShardCount, Metrics: a.metrics})
	if err != nil {
		return nil, &configError{"discord.api_base", err.Error()}
	}
	store.Now = a.now
	// The router reads the guild's settings on every interaction: through the snapshots, which
	// ListenRecords keeps true to other instances' writes (see Start).
	if a.router, err = bot.NewRouter(log, storage.CachedGuilds{Store: store}, cmds); err != nil {
		return nil, err
	}
	a.router.Observe = a.metrics.Observe
	a.router.Now = a.now
	if d.Token != "" {
		poster := bot.NewDiscordPoster(a.session)
		poster.GlobalRate = float64(cfg.Scheduler.GlobalRate)
		a.sched = newScheduler(cfg, store, log, poster, a.metrics.JobMetrics(), a.now)
	}
	if d.ScheduledEvents {
		a.mirror = newEventMirror(store, a.session, log, a.now)
	}
	return a, nil
}

// checkConfig refuses a configuration that cannot serve, naming the key to change.
func (a *app) checkConfig() (err error) {
	d := a.cfg.Discord
	if a.mode, err = bot.ParseRegisterMode(d.Register); err != nil {
		return &configError{"discord.register", err.Error()}
	}
	switch {
	case d.Token == "" && (d.Gateway || !a.mode.Off):
		return &configError{"discord.token", "empty: the gateway and command registration need the bot token (or DISCORD_TOKEN); " +
			"an HTTP-only instance needs discord.gateway = false and discord.register = \"off\""}
	case d.PublicKey != "" && !a.listen:
		return &configError{"http.listen", "empty: discord.public_key enables POST /interactions, which needs an address to listen on"}
	case !d.Gateway && d.PublicKey == "":
		return &configError{"discord.gateway", "false and no discord.public_key: no door for interactions is open"}
	case d.ScheduledEvents && d.Token == "":
		return &configError{"discord.scheduled_events", "true without discord.token: creating events needs the bot token"}
	}
	return nil
}

// Start starts the mirror, registers the commands, opens the doors and starts the scheduler.
// On error the parts already started keep running until Stop.
func (a *app) Start(ctx context.Context) error {
	if a.mirror != nil {
		a.mirror.Start()
	}
	a.startListener(ctx)
	if err := register(ctx, a.cfg, a.session, a.router, a.log); err != nil {
		return err
	}
	var doors []string
	if a.listen {
		door, err := a.startHTTP()
		if err != nil {
			return err
		}
		doors = append(doors, door...)
	}
	if a.cfg.HTTP.MetricsListen != "" {
		if err := a.startMetrics(); err != nil {
			return err
		}
	}
	if d := a.cfg.Discord; d.Gateway {
		a.gateway = bot.NewGateway(a.session, a.router, a.log, a.metrics)
		if err := a.gateway.Open(); err != nil {
			return err
		}
		doors = append(doors, fmt.Sprintf("gateway shard %d/%d", d.ShardID, max(d.ShardCount, 1)))
	}
	a.startScheduler(ctx)
	a.open.Store(true)
	a.log.Info("liaison is serving", "doors", strings.Join(doors, ", "), "register", a.mode.String())
	return nil
}

// startHTTP serves /healthz, /metrics and, with a public key, POST /interactions. It returns
// the interactions door, if it opened one.
func (a *app) startHTTP() ([]string, error) {
	ln := a.opt.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.cfg.HTTP.Listen); err != nil {
			return nil, &configError{"http.listen", err.Error()}
		}
	}
	var doors []string
	a.endpoint = &bot.Endpoint{Router: a.router, Session: a.session, Metrics: a.metrics, Log: a.log, Now: a.now,
		MetricsElsewhere: a.cfg.HTTP.MetricsListen != "",
		Ready: func(ctx context.Context) error {
			if !a.open.Load() {
				return errors.New("starting")
			}
			return a.store.Ping(ctx)
		}}
	if pk := a.cfg.Discord.PublicKey; pk != "" {
		a.endpoint.PublicKey, _ = decodePublicKey(pk) // checked with the configuration
		doors = append(doors, "http "+ln.Addr().String()+"/interactions")
	}
	// The shared pages (/settings share) sit beside the endpoint on the same listener: the
	// address that public_url names.
	mux := http.NewServeMux()
	mux.Handle("/s/", share.New(a.store, a.now, a.log))
	mux.Handle("/", a.endpoint)
	a.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		// An interaction's answer is written within about 2 s (the router defers then);
		// /metrics may take longer on a loaded host.
		WriteTimeout: 30 * time.Second,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	go func() { a.serveErr <- a.srv.Serve(ln) }()
	a.log.Info("http listening", "addr", ln.Addr().String(), "interactions", a.cfg.Discord.PublicKey != "")
	return doors, nil
}

// startMetrics serves /metrics alone on [http].metrics_listen, so that an operator who exposes
// /interactions through a public proxy does not expose the metrics with it.
func (a *app) startMetrics() error {
	ln, err := net.Listen("tcp", a.cfg.HTTP.MetricsListen)
	if err != nil {
		return &configError{"http.metrics_listen", err.Error()}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.Handler())
	a.metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second,
		ErrorLog: slog.NewLogLogger(a.log.Handler(), slog.LevelWarn)}
	go func() { a.serveErr <- a.metricsSrv.Serve(ln) }()
	a.log.Info("metrics listening", "addr", ln.Addr().String())
	return nil
}

// startScheduler runs the scheduled posts, given a token to post with. The scheduler outlives
// ctx until Stop has shut the doors, so that posts go on while the interactions in flight are
// answered.
func (a *app) startScheduler(ctx context.Context) {
	if a.sched == nil {
		a.log.Warn("no discord.token: scheduled posts are not delivered by this instance (another instance with the token can)")
		return
	}
	schedCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopSched, a.schedOut = stop, make(chan error, 1)
	go func() { a.schedOut <- a.sched.Run(schedCtx) }()
}

// startListener keeps the snapshots of this instance true to what other instances write
// (storage.ListenRecords; nothing to do on SQLite). Until it is connected, snapshots are simply
// not served. It outlives ctx until Stop, like the scheduler.
func (a *app) startListener(ctx context.Context) {
	listenCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	a.stopListen, a.listenOut = stop, make(chan error, 1)
	a.metrics.WatchSnapshotListener(a.store.CacheLive)
	go func() {
		a.listenOut <- a.store.ListenRecords(listenCtx, func(err error) {
			a.metrics.SnapshotListenerLost()
			a.log.Warn("snapshot listener lost its connection; reading from the database until it is back", "err", err)
		})
	}()
}

// Stop stops what Start started, in reverse: it closes the doors, answers the interactions in
// flight, shuts the HTTP server, lets the mirror catch up, and stops the scheduler, which
// releases the reminders it had claimed. Waiting is bounded by the drain timeout.
func (a *app) Stop(ctx context.Context) {
	a.open.Store(false)
	drainCtx, cancel := context.WithTimeout(ctx, a.opt.drainTimeout)
	defer cancel()
	a.closeDoors(drainCtx)
	waitRouter(drainCtx, a.router, a.log)
	for _, srv := range []*http.Server{a.srv, a.metricsSrv} {
		if srv == nil {
			continue
		}
		if err := srv.Shutdown(drainCtx); err != nil {
			a.log.Warn("http server shutdown", "err", err)
			srv.Close()
		}
	}
	if a.mirror != nil {
		a.mirror.Close(drainCtx)
	}
	if a.stopSched != nil {
		a.stopSched()
		if err := <-a.schedOut; err != nil {
			a.log.Warn("scheduler stopped with an error", "err", err)
		}
	}
	if a.stopListen != nil {
		a.stopListen()
		if err := <-a.listenOut; err != nil {
			a.log.Warn("snapshot listener stopped with an error", "err", err)
		}
	}
	a.log.Info("liaison stopped")
}

// closeDoors stops taking interactions: the endpoint answers new ones 503 (and /healthz says
// so) while those in flight finish, and the gateway disconnects.
func (a *app) closeDoors(ctx context.Context) {
	if a.endpoint != nil {
		a.endpoint.Stop()
	}
	if a.gateway != nil {
		if err := a.gateway.Close(ctx); err != nil {
			a.log.Warn("gateway shutdown", "err", err)
		}
	}
	if a.endpoint != nil {
		if err := a.endpoint.Wait(ctx); err != nil {
			a.log.Warn("http shutdown", "err", err)
		}
	}
}

// register bulk-overwrites the commands per [discord].register, finding the application ID
// from the token when the configuration has none.
func register(ctx context.Context, cfg Config, session *discordgo.Session, router *bot.Router, log *slog.Logger) error {
	mode, err := bot.ParseRegisterMode(cfg.Discord.Register)
	if err != nil || mode.Off {
		return err
	}
	appID := cfg.Discord.ApplicationID
	if appID == "" {
		if appID, err = bot.ApplicationID(ctx, session); err != nil {
			return err
		}
	}
	n, err := bot.Register(ctx, session, appID, mode.String(), router.Definitions())
	if err != nil {
		return err
	}
	log.Info("slash commands registered", "count", n, "where", mode.String(), "application", appID)
	return nil
}

// waitRouter waits for the router's in-flight interactions (all doors are shut by now), at most
// until ctx ends.
func waitRouter(ctx context.Context, r *bot.Router, log *slog.Logger) {
	done := make(chan struct{})
	go func() { r.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		log.Warn("interactions still running at shutdown; abandoning them")
	}
}

// discordgo has one logger per process; the first run's logger keeps it.
var discordgoLogOnce sync.Once

func setDiscordgoLogger(log *slog.Logger, token string) {
	discordgoLogOnce.Do(func() { discordgo.Logger = bot.DiscordgoLogger(log, token) })
}
