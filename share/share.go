// Package share serves a guild's read-only page outside Discord (SPEC §10): the force level at
// <public_url>/s/<token>, its chart at …/chart.png and, when flights are shared, their calendar
// feed at …/flights.ics. It reads through the storage snapshots and keeps what it rendered a
// few seconds, so that a public link cannot be used to hammer the database.
package share

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"liaison/chart"
	"liaison/locale"
	"liaison/mission"
	"liaison/storage"
)

// Store is what the page reads; *storage.Store is one.
type Store interface {
	ShareByToken(ctx context.Context, token string) (storage.Share, error)
	CachedGuild(ctx context.Context, guildID string) (storage.Guild, error)
	ForcesView(ctx context.Context, guildID string, now time.Time, window time.Duration) (storage.ForcesView, error)
	FindFlights(ctx context.Context, guildID string, f storage.FlightFilter) ([]storage.Flight, error)
	CalendarFlights(ctx context.Context, guildID string, since time.Time, limit int) ([]storage.CalendarFlight, error)
	chart.Source
}

//go:embed assets
var assets embed.FS

var (
	css   = mustRead("assets/page.css")
	pageT = template.Must(template.ParseFS(assets, "assets/page.html"))
	gone  = template.Must(template.ParseFS(assets, "assets/notfound.html"))
	// csp allows nothing but the page's own inline style (by its hash) and its own images: no
	// script, no frame, no form, no other origin.
	csp = "default-src 'none'; style-src 'sha256-" + hashB64(css) + "'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hashB64(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(h[:])
}

// Tuning. A page is rendered at most once per cacheTTL per guild, scope and language, whoever
// asks; the share lookup that every request makes (one read by a unique index, so that an
// ended link stops at once) is limited to lookupsPerSecond with a burst, over all links, and
// beyond it the answer is 429.
const (
	cacheTTL         = 5 * time.Second
	maxCached        = 4096
	lookupsPerSecond = 50
	lookupBurst      = 100
	// calendarPast is how far back the calendar keeps flights: long enough for a subscriber to
	// see a landing or cancellation, short enough that the feed does not grow with history.
	calendarPast = 30 * 24 * time.Hour
	// calendarMax bounds the feed; upcoming flights never come near it.
	calendarMax = 2000
	// upcomingShown is how many upcoming flights the page lists.
	upcomingShown = 20
	// recentWindow is ForcesView's window, the same as /forces' so that both share a snapshot.
	recentWindow = 7 * 24 * time.Hour
	// chartMaxAge bounds how long a chart is reused while the snapshot it was drawn from is
	// unchanged: a change that moves the history without moving any total (an old arrival's
	// date edited) shows within it.
	chartMaxAge = 10 * time.Minute
)

// Handler serves /s/…. Build it with New.
type Handler struct {
	store Store
	now   func() time.Time
	log   *slog.Logger
	mux   *http.ServeMux
	limit *rate.Limiter

	mu    sync.Mutex
	cache map[cacheKey]cached
	// charts are the charts drawn, by guild and language, each with the snapshot it was drawn
	// from: a chart costs tens of milliseconds to draw and changes only with what it shows.
	charts map[chartKey]drawnChart
}

type chartKey struct {
	guild string
	lang  locale.Lang
}

type drawnChart struct {
	view [sha256.Size]byte // chartInputs of the snapshot it was drawn from
	png  []byte
	at   time.Time
}

type cacheKey struct {
	guild string
	scope mission.ShareScope
	lang  locale.Lang
	what  string // "page", "chart" or "ics"
}

type cached struct {
	body []byte
	// feed, for a calendar, is what it is written from, to each request that needs the body.
	feed        *feed
	etag        string
	contentType string
	until       time.Time
}

// New returns the handler of /s/…; now is the store's clock.
func New(store Store, now func() time.Time, log *slog.Logger) *Handler {
	h := &Handler{store: store, now: now, log: log, mux: http.NewServeMux(),
		limit: rate.NewLimiter(lookupsPerSecond, lookupBurst), cache: map[cacheKey]cached{}, charts: map[chartKey]drawnChart{}}
	h.mux.HandleFunc("GET /s/{token}", h.serve("page"))
	h.mux.HandleFunc("GET /s/{token}/chart.png", h.serve("chart"))
	h.mux.HandleFunc("GET /s/{token}/flights.ics", h.serve("ics"))
	h.mux.HandleFunc("/s/", func(w http.ResponseWriter, r *http.Request) { h.notFound(w, r) })
	return h
}

// ServeHTTP serves /s/… with the security headers on every answer, 404s included.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Robots-Tag", "noindex, nofollow")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.mux.ServeHTTP(w, r)
}

// lang is the reader's language: ?lang= when it names one Liaison writes (the page's own
// language links), else Accept-Language.
func lang(r *http.Request) locale.Lang {
	if l, ok := locale.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return locale.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// serve answers one kind of resource of a share: the share is looked up on every request, so
// that new_link and off end a link at once; what it shows comes from the cache when fresh.
func (h *Handler) serve(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		// A malformed token is answered without reading anything, exactly as an unknown one.
		if len(token) != storage.ShareTokenLen {
			h.notFound(w, r)
			return
		}
		if !h.limit.Allow() {
			w.Header().Set("Retry-After", "1")
			http.Error(w, locale.T(lang(r), "share.page.busy"), http.StatusTooManyRequests)
			return
		}
		sh, err := h.store.ShareByToken(r.Context(), token)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && what == "ics" && !sh.Scope.Flights()) {
			h.notFound(w, r)
			return
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		l := lang(r)
		key := cacheKey{guild: sh.GuildID, scope: sh.Scope, lang: l, what: what}
		c, ok := h.fromCache(key)
		if !ok {
			if c, err = h.render(r.Context(), sh, l, token, what); err != nil {
				h.fail(w, r, err)
				return
			}
			h.toCache(key, c)
		}
		hd := w.Header()
		hd.Set("Content-Type", c.contentType)
		hd.Set("ETag", c.etag)
		hd.Set("Vary", "Accept-Language")
		// Private: the page is for the link's holders, and a shared cache must not keep it
		// past the link's end. no-cache: revalidate each time, which the ETag makes cheap.
		hd.Set("Cache-Control", "private, no-cache")
		if match(r.Header.Get("If-None-Match"), c.etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if c.feed != nil {
			// Streamed: once the first line is out the status is sent, so a failure can only
			// end the feed short (a calendar then keeps its copy) and be logged.
			if err := h.calendar(w, c.feed, l); err != nil {
				h.log.Warn("share calendar cut short", "err", err)
			}
			return
		}
		_, _ = w.Write(c.body)
	}
}

// match reports whether an If-None-Match header names etag (or is "*").
func match(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

func (h *Handler) render(ctx context.Context, sh storage.Share, l locale.Lang, token, what string) (cached, error) {
	var body []byte
	var ctype string
	var err error
	switch what {
	case "chart":
		body, err = h.chart(ctx, sh.GuildID, l)
		ctype = "image/png"
	case "ics":
		fd, err := h.loadFeed(ctx, sh.GuildID)
		if err != nil {
			return cached{}, err
		}
		return cached{feed: fd, etag: fd.etag(l), contentType: "text/calendar; charset=utf-8", until: h.now().Add(cacheTTL)}, nil
	default:
		body, err = h.page(ctx, sh, l, token)
		ctype = "text/html; charset=utf-8"
	}
	if err != nil {
		return cached{}, err
	}
	sum := sha256.Sum256(body)
	return cached{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, contentType: ctype, until: h.now().Add(cacheTTL)}, nil
}

// chart is the one place the share page draws: the same picture /forces attaches, whole force.
// It is drawn again only when the snapshot it shows changed (see chartInputs), the day turned,
// or chartMaxAge passed; otherwise the guild's chart in l is the one drawn before.
func (h *Handler) chart(ctx context.Context, guildID string, l locale.Lang) ([]byte, error) {
	now := h.now()
	g, err := h.store.CachedGuild(ctx, guildID)
	if err != nil {
		return nil, err
	}
	v, err := h.store.ForcesView(ctx, guildID, now, recentWindow)
	if err != nil {
		return nil, err
	}
	key, view := chartKey{guild: guildID, lang: l}, chartInputs(g, v, now)
	h.mu.Lock()
	d, ok := h.charts[key]
	h.mu.Unlock()
	if ok && d.view == view && now.Sub(d.at) < chartMaxAge && !now.Before(d.at) {
		return d.png, nil
	}
	c, err := chart.Forces(ctx, h.store, l, g, "", now, chart.Options{})
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, held := h.charts[key]; !held && len(h.charts) >= maxCached {
		clear(h.charts) // bounded memory; the next requests draw again
	}
	h.charts[key] = drawnChart{view: view, png: c.PNG, at: now}
	return c.PNG, nil
}

// chartInputs identifies what a chart shows: the mission's settings the chart writes, its
// last day in the guild's time zone, and the snapshot's force levels, total and reported
// figures. The snapshot is read by the page anyway, from memory while it is fresh.
func chartInputs(g storage.Guild, v storage.ForcesView, now time.Time) [sha256.Size]byte {
	b, _ := json.Marshal(struct {
		Planned          int
		Mission, Zone    string
		Day              string
		Levels           []storage.CountryForce
		Deployed, Recent int64
		Reports          []storage.ReportView
	}{g.Planned, g.MissionName, g.Timezone, now.In(g.Location()).Format(time.DateOnly), v.Levels, v.Deployed, v.Recent, v.Reports})
	return sha256.Sum256(b)
}

func (h *Handler) fromCache(k cacheKey) (cached, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.cache[k]
	if !ok || !h.now().Before(c.until) {
		return cached{}, false
	}
	return c, true
}

// toCache keeps c; when full, it first forgets what expired, then everything.
func (h *Handler) toCache(k cacheKey, c cached) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.cache) >= maxCached {
		now := h.now()
		for k, v := range h.cache {
			if !now.Before(v.until) {
				delete(h.cache, k)
			}
		}
		if len(h.cache) >= maxCached {
			clear(h.cache)
		}
	}
	h.cache[k] = c
}

// notFound is the one answer to every token that opens nothing: unknown, ended, malformed, or
// a calendar of a page that does not share flights.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	var b bytes.Buffer
	_ = gone.Execute(&b, map[string]any{"Lang": string(l), "Text": locale.T(l, "share.page.not_found"), "CSS": template.CSS(css)})
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write(b.Bytes())
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("share page", "path_kind", r.Pattern, "err", err)
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
}
