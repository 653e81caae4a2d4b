package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/commands"
	"liaison/jobs"
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
	router := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log}))
	return register(ctx, cfg, session, router, log)
}

// serveOptions are the seams tests use; the zero value is production.
type serveOptions struct {
	// listener serves HTTP instead of listening on [http].listen.
	listener net.Listener
	// now is the clock of the router and of the signature check.
	now func() time.Time
	// drainTimeout bounds how long shutdown waits for interactions in flight (default 25 s,
	// inside the 30 s most supervisors allow between SIGTERM and SIGKILL).
	drainTimeout time.Duration
}

// serve is runBot with its seams.
func serve(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, opt serveOptions) error {
	d := cfg.Discord
	mode, err := bot.ParseRegisterMode(d.Register)
	if err != nil {
		return &configError{"discord.register", err.Error()}
	}
	if d.Token == "" && (d.Gateway || !mode.Off) {
		return &configError{"discord.token", "empty: the gateway and command registration need the bot token (or DISCORD_TOKEN); " +
			"an HTTP-only instance needs discord.gateway = false and discord.register = \"off\""}
	}
	listen := cfg.HTTP.Listen != "" || opt.listener != nil
	if d.PublicKey != "" && !listen {
		return &configError{"http.listen", "empty: discord.public_key enables POST /interactions, which needs an address to listen on"}
	}
	if !d.Gateway && d.PublicKey == "" {
		return &configError{"discord.gateway", "false and no discord.public_key: no door for interactions is open"}
	}
	if opt.drainTimeout <= 0 {
		opt.drainTimeout = 25 * time.Second
	}
	setDiscordgoLogger(log, d.Token)

	// The metrics know the command names up front (series exist from the start, other names
	// are lumped together); the names do not depend on the commands' dependencies.
	var names []string
	for _, c := range commands.All(commands.Deps{Store: store, Log: log}) {
		names = append(names, c.Name())
	}
	metrics := bot.NewMetrics(names...)
	session, err := bot.NewSession(bot.SessionConfig{Token: d.Token, APIBase: d.APIBase,
		ShardID: d.ShardID, ShardCount: d.ShardCount, Metrics: metrics})
	if err != nil {
		return &configError{"discord.api_base", err.Error()}
	}

	var mirror *jobs.EventMirror
	if d.ScheduledEvents {
		if d.Token == "" {
			return &configError{"discord.scheduled_events", "true without discord.token: creating events needs the bot token"}
		}
		mirror = newEventMirror(store, session, log, opt.now)
		mirror.Start()
	}
	router := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log}))
	router.Observe = metrics.Observe
	if opt.now != nil {
		router.Now = opt.now
	}

	// Everything started from here is stopped by shutdown, in reverse, whatever happens next.
	var (
		open     atomic.Bool // the doors are open: /healthz may say ready
		endpoint *bot.Endpoint
		srv      *http.Server
		serveErr = make(chan error, 1)
		gateway  *bot.Gateway
		schedOut chan error
	)
	// The scheduler outlives ctx until the doors are shut, so that posts go on while the
	// interactions in flight are answered; then it releases its claims and returns.
	schedCtx, stopSch := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSch()
	shutdown := func() {
		open.Store(false)
		drainCtx, cancel := context.WithTimeout(context.Background(), opt.drainTimeout)
		defer cancel()
		if endpoint != nil {
			endpoint.Stop() // new interactions get 503 and /healthz says so, while in-flight ones finish
		}
		if gateway != nil {
			if err := gateway.Close(drainCtx); err != nil {
				log.Warn("gateway shutdown", "err", err)
			}
		}
		if endpoint != nil {
			if err := endpoint.Wait(drainCtx); err != nil {
				log.Warn("http shutdown", "err", err)
			}
		}
		waitRouter(drainCtx, router, log)
		if srv != nil {
			if err := srv.Shutdown(drainCtx); err != nil {
				log.Warn("http server shutdown", "err", err)
				srv.Close()
			}
		}
		if mirror != nil {
			mirror.Close(drainCtx)
		}
		stopSch()
		if schedOut != nil {
			if err := <-schedOut; err != nil {
				log.Warn("scheduler stopped with an error", "err", err)
			}
		}
		log.Info("liaison stopped")
	}

	if err := register(ctx, cfg, session, router, log); err != nil {
		shutdown()
		return err
	}

	var doors []string
	if listen {
		ln := opt.listener
		if ln == nil {
			if ln, err = net.Listen("tcp", cfg.HTTP.Listen); err != nil {
				shutdown()
				return &configError{"http.listen", err.Error()}
			}
		}
		endpoint = &bot.Endpoint{Router: router, Session: session, Metrics: metrics, Log: log, Now: opt.now,
			Ready: func(ctx context.Context) error {
				if !open.Load() {
					return errors.New("starting")
				}
				return store.Ping(ctx)
			}}
		if d.PublicKey != "" {
			endpoint.PublicKey, _ = decodePublicKey(d.PublicKey) // checked with the configuration
			doors = append(doors, "http "+ln.Addr().String()+"/interactions")
		}
		srv = &http.Server{
			Handler:           endpoint,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			// An interaction's answer is written within about 2 s (the router defers then);
			// /metrics may take longer on a loaded host.
			WriteTimeout: 30 * time.Second,
			IdleTimeout:  2 * time.Minute,
			ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		go func() { serveErr <- srv.Serve(ln) }()
		log.Info("http listening", "addr", ln.Addr().String(), "interactions", d.PublicKey != "")
	}
	if d.Gateway {
		gateway = bot.NewGateway(session, router, log, metrics)
		if err := gateway.Open(); err != nil {
			shutdown()
			return err
		}
		doors = append(doors, fmt.Sprintf("gateway shard %d/%d", d.ShardID, max(d.ShardCount, 1)))
	}
	if d.Token != "" {
		sched := newScheduler(cfg, store, log, bot.NewDiscordPoster(session), metrics.JobMetrics())
		schedOut = make(chan error, 1)
		go func() { schedOut <- sched.Run(schedCtx) }()
	} else {
		log.Warn("no discord.token: scheduled posts are not delivered by this instance (another instance with the token can)")
	}
	open.Store(true)
	log.Info("liaison is serving", "doors", strings.Join(doors, ", "), "register", mode.String())

	select {
	case <-ctx.Done():
		log.Info("stopping: no new interactions; answering those in flight")
		shutdown()
		return nil
	case err := <-serveErr:
		shutdown()
		return fmt.Errorf("http server: %w", err)
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
