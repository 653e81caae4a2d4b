package bot

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"liaison/jobs"
)

// Metrics holds Liaison's Prometheus metrics on a registry of its own, so that two bots in one
// process (tests) never collide on the global registry and /metrics shows exactly what is
// registered here.
type Metrics struct {
	// Registry is what /metrics serves.
	Registry *prometheus.Registry

	interactions      *prometheus.CounterVec
	duration          *prometheus.HistogramVec
	restRequests      prometheus.Counter
	restErrors        *prometheus.CounterVec
	restRateLimited   *prometheus.CounterVec
	gatewayReconnects prometheus.Counter
	httpRejected      *prometheus.CounterVec
	posted            *prometheus.CounterVec
	failed            *prometheus.CounterVec
	missed            *prometheus.CounterVec
	lateness          *prometheus.HistogramVec
	listenerLost      prometheus.Counter

	known map[string]bool

	handlerOnce sync.Once
	handler     http.Handler
}

// otherCommand labels interactions whose name is not a registered command, so that a forged or
// stale custom_id cannot grow the number of series.
const otherCommand = "other"

// NewMetrics registers every metric. commands are the registered command names: their series
// exist from the start (a dashboard shows 0, not "no data"), and any other name is counted as
// "other". With no names, every name is its own label value.
func NewMetrics(commands ...string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		interactions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_interactions_total",
			Help: "Interactions answered, by command and outcome (ok, user_error, denied, error).",
		}, []string{"command", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "liaison_interaction_duration_seconds",
			Help: "Time from an interaction's arrival to its final answer, by command.",
			// Discord's 3 s deadline sits between buckets, and the router defers at 2 s.
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10, 30},
		}, []string{"command"}),
		restRequests: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "liaison_rest_requests_total",
			Help: "REST requests sent to Discord (or the api_base proxy), retries included.",
		}),
		restErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_rest_errors_total",
			Help: `REST requests that failed, by HTTP status ("network" when no answer came back); 429s are counted apart.`,
		}, []string{"status"}),
		restRateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_rest_rate_limited_total",
			Help: "REST requests answered 429, by Discord's X-RateLimit-Scope (user, global, shared).",
		}, []string{"scope"}),
		gatewayReconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "liaison_gateway_reconnects_total",
			Help: "Gateway connections re-established (resumed or re-identified) after the first.",
		}),
		httpRejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_http_interactions_rejected_total",
			Help: "Requests to POST /interactions refused before the router, by reason.",
		}, []string{"reason"}),
		posted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_reminders_posted_total",
			Help: "Scheduled posts delivered, by kind and whether they were late.",
		}, []string{"kind", "late"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_reminders_failed_total",
			Help: "Scheduled posts given up on after their last attempt, by kind.",
		}, []string{"kind"}),
		missed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_reminders_missed_total",
			Help: "Scheduled posts recorded as missed (later than late_grace), by kind.",
		}, []string{"kind"}),
		lateness: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "liaison_reminder_lateness_seconds",
			Help:    "How long after its due time each scheduled post went out, by kind.",
			Buckets: []float64{.1, .5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600},
		}, []string{"kind"}),
	}
	m.listenerLost = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "liaison_snapshot_listener_disconnects_total",
		Help: "Times the Postgres LISTEN connection that keeps snapshots true to other instances was lost.",
	})
	reg.MustRegister(m.listenerLost)
	reg.MustRegister(m.interactions, m.duration, m.restRequests, m.restErrors, m.restRateLimited,
		m.gatewayReconnects, m.httpRejected, m.posted, m.failed, m.missed, m.lateness,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if len(commands) > 0 {
		m.known = map[string]bool{}
		for _, c := range append(commands, otherCommand) {
			m.known[c] = true
			m.duration.WithLabelValues(c)
			for _, o := range []string{OutcomeOK, OutcomeUserError, OutcomeDenied, OutcomeReplayed, OutcomeError} {
				m.interactions.WithLabelValues(c, o)
			}
		}
	}
	return m
}

// WatchSnapshotListener exports liaison_snapshot_listener_connected: 1 while live reports that
// this instance hears other instances' changes (always on SQLite), 0 while it reads every
// guild from the database instead. An alert on it (deploy/liaison-alerts.yml) catches a
// listener that stays down, which costs speed, not correctness.
func (m *Metrics) WatchSnapshotListener(live func() bool) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "liaison_snapshot_listener_connected",
		Help: "1 while the snapshot listener (Postgres LISTEN) is connected or not needed (SQLite), else 0.",
	}, func() float64 {
		if live() {
			return 1
		}
		return 0
	}))
}

// SnapshotListenerLost counts one lost connection of the snapshot listener.
func (m *Metrics) SnapshotListenerLost() {
	if m != nil {
		m.listenerLost.Inc()
	}
}

// Handler serves the registry in Prometheus' text format (GET /metrics).
func (m *Metrics) Handler() http.Handler {
	m.handlerOnce.Do(func() {
		// Registry in the options also counts scrapes and their errors.
		m.handler = promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry})
	})
	return m.handler
}

// Observe counts one answered interaction; assign it to Router.Observe.
func (m *Metrics) Observe(command, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	if m.known != nil && !m.known[command] {
		command = otherCommand
	}
	m.interactions.WithLabelValues(command, outcome).Inc()
	m.duration.WithLabelValues(command).Observe(took.Seconds())
}

// JobMetrics returns the scheduler's hooks, counting into these metrics.
func (m *Metrics) JobMetrics() jobs.Metrics {
	if m == nil {
		return jobs.Metrics{}
	}
	return jobs.Metrics{
		Posted:   func(kind string, late bool) { m.posted.WithLabelValues(kind, strconv.FormatBool(late)).Inc() },
		Failed:   func(kind string) { m.failed.WithLabelValues(kind).Inc() },
		Missed:   func(kind string) { m.missed.WithLabelValues(kind).Inc() },
		Lateness: func(kind string, d time.Duration) { m.lateness.WithLabelValues(kind).Observe(d.Seconds()) },
	}
}

// rest counts one REST round trip: status 0 means no answer (network error, timeout).
func (m *Metrics) rest(status int, scope string) {
	if m == nil {
		return
	}
	m.restRequests.Inc()
	switch {
	case status == 0:
		m.restErrors.WithLabelValues("network").Inc()
	case status == http.StatusTooManyRequests:
		switch scope {
		case "user", "global", "shared":
		default:
			scope = "unknown"
		}
		m.restRateLimited.WithLabelValues(scope).Inc()
	case status >= 400:
		m.restErrors.WithLabelValues(strconv.Itoa(status)).Inc()
	}
}

// reconnected counts a gateway connection re-established after the first.
func (m *Metrics) reconnected() {
	if m != nil {
		m.gatewayReconnects.Inc()
	}
}

// rejected counts a request refused by the HTTP endpoint before the router.
func (m *Metrics) rejected(reason string) {
	if m != nil {
		m.httpRejected.WithLabelValues(reason).Inc()
	}
}
