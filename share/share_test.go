package share_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"liaison/bot"
	"liaison/commands"
	"liaison/share"
	"liaison/storage"
	"liaison/storage/storagetest"
)

// site is a guild with a mission, forces, pledges, a reported figure and flights, shared
// through /settings share as an admin would, and the share pages served over HTTP.
type site struct {
	t      *testing.T
	store  *storage.Store
	clock  *storagetest.Clock
	router *bot.Router
	srv    *httptest.Server
	logs   *bytes.Buffer
}

var linkRE = regexp.MustCompile(`https://liaison\.test/s/([A-Za-z0-9_-]{43})\b`)

// newSite is a site on SQLite: the browser's test, which is about what the page looks like.
func newSite(t *testing.T) *site {
	t.Helper()
	store, clock := storagetest.OpenClock(t, storage.DriverSQLite)
	return newSiteOn(t, store, clock)
}

// forEachSite runs fn on a site of each driver: the page is served from what each database
// gives back.
func forEachSite(t *testing.T, fn func(t *testing.T, s *site)) {
	storagetest.ForEachDriverClock(t, func(t *testing.T, store *storage.Store, clock *storagetest.Clock) {
		fn(t, newSiteOn(t, store, clock))
	})
}

func newSiteOn(t *testing.T, store *storage.Store, clock *storagetest.Clock) *site {
	t.Helper()
	clock.Set(time.Date(2025, 1, 3, 20, 0, 0, 0, time.UTC))
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r, err := bot.NewRouter(log, store, commands.All(commands.Deps{Store: store, Log: log, PublicURL: "https://liaison.test"}))
	if err != nil {
		t.Fatal(err)
	}
	r.Now = clock.Now
	r.DeferAfter = time.Minute // the first answer is the command's, however loaded the machine
	s := &site{t: t, store: store, clock: clock, router: r, logs: &logs}
	mux := http.NewServeMux()
	mux.Handle("/s/", share.New(store, clock.Now, log))
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	s.run(`/mission set name:"MSS Haïti — «Été»" planned:2500 lead:KE`,
		"/arrival log country:KE personnel:400 role:police female:40",
		"/arrival log country:GT personnel:75 role:military",
		"/arrival log country:SV personnel:8 role:medical",
		"/pledge set country:KE personnel:1000 role:police",
		"/pledge set country:GT personnel:150 role:military",
		`/report log value:450 source:"HNP spokesperson" qualifier:about`,
		`/flight schedule eta:"2025-01-05 10:00" manifest:"GT 75 military; SV 8 medical" aircraft:C-17 destination:PAP note:"Très long commentaire, avec des virgules; des points-virgules et des accents: à é î ö ü — et des emoji ✈️🇬🇹 pour plier les lignes au bon endroit"`,
		`/flight schedule eta:"2025-01-06 09:00" manifest:"KE 100 police" destination:PAP`,
	)
	return s
}

// run types lines into the console as an admin and returns what it printed.
func (s *site) run(lines ...string) string {
	s.t.Helper()
	var out bytes.Buffer
	c := &bot.Console{Router: s.router, GuildID: "100", UserID: "42", In: strings.NewReader(strings.Join(lines, "\n")), Out: &out}
	if err := c.Run(context.Background()); err != nil {
		s.t.Fatalf("console: %v", err)
	}
	return out.String()
}

// share runs /settings share and returns the token it gave ("" when none).
func (s *site) share(args string) string {
	s.t.Helper()
	out := s.run("/settings share " + args)
	if m := linkRE.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

// get fetches path with the given headers (name, value pairs).
func (s *site) get(path string, headers ...string) (*http.Response, string) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return resp, string(b)
}

func TestPageInThreeLanguages(t *testing.T) {
	forEachSite(t, func(t *testing.T, s *site) {
		token := s.share("what:forces-and-flights")
		if token == "" {
			t.Fatal("no link")
		}
		tests := []struct {
			accept string
			want   []string
		}{
			{"en-GB,en;q=0.9", []string{`lang="en"`, "MSS Haïti — «Été» — force level", "483 deployed of 2,500 planned (19.3 %)",
				"Kenya", "1,000", "Gap", "40 (10.0 %)", "about 450 deployed", "HNP spokesperson", "Upcoming flights", "Sunday 5 January 2025 10:00",
				"Guatemala — 75 military", "flights.ics", "America/Port-au-Prince"}},
			{"fr-FR,fr;q=0.9,en;q=0.5", []string{`lang="fr"`, "MSS Haïti — «Été» — effectifs", "483 déployés sur 2\u202f500 prévus (19,3\u202f%)",
				"Écart", "1\u202f000", "Prochains vols", "dimanche 5 janvier 2025 10:00", "S’abonner"}},
			{"es-419,es;q=0.9", []string{`lang="es"`, "efectivos", "483 desplegados de 2500 previstos (19,3\u00a0%)", "Déficit", "Próximos vuelos", "domingo, 5 de enero de 2025 10:00"}},
		}
		for _, tt := range tests {
			resp, body := s.get("/s/"+token, "Accept-Language", tt.accept)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", tt.accept, resp.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page for %q lacks %q", tt.accept, w)
				}
			}
			for _, leak := range []string{"100", "42", "<script"} {
				if strings.Contains(body, `"`+leak+`"`) || strings.Contains(body, leak+"<") && leak != "100" {
					t.Errorf("page for %q holds %q", tt.accept, leak)
				}
			}
		}
		// The chart is the PNG of /forces.
		resp, png := s.get("/s/" + token + "/chart.png?lang=fr")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
			t.Errorf("chart: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), png[:min(8, len(png))])
		}
	})
}

func TestForcesAloneTellsNoFlight(t *testing.T) {
	forEachSite(t, func(t *testing.T, s *site) {
		token := s.share("what:forces")
		_, body := s.get("/s/" + token)
		for _, leak := range []string{"PAP", "flights.ics", "Upcoming flights", "January 2025 10:00", "C-17"} {
			if strings.Contains(body, leak) {
				t.Errorf("forces-only page tells %q", leak)
			}
		}
		if resp, _ := s.get("/s/" + token + "/flights.ics"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("forces-only calendar: status %d, want 404", resp.StatusCode)
		}
	})
}

// TestEndedLinks: unknown, malformed, replaced and ended tokens all get the same 404.
func TestEndedLinks(t *testing.T) {
	forEachSite(t, func(t *testing.T, s *site) {
		first := s.share("what:forces-and-flights")
		if resp, _ := s.get("/s/" + first); resp.StatusCode != http.StatusOK {
			t.Fatalf("fresh link: %d", resp.StatusCode)
		}
		second := s.share("what:forces-and-flights new_link:true")
		if second == "" || second == first {
			t.Fatalf("new_link gave %q", second)
		}
		_, want := s.get("/s/" + strings.Repeat("A", 43))
		for name, path := range map[string]string{
			"replaced":          "/s/" + first,
			"replaced calendar": "/s/" + first + "/flights.ics",
			"replaced chart":    "/s/" + first + "/chart.png",
			"malformed":         "/s/not-a-token",
			"too long":          "/s/" + second + "x",
			"bad alphabet":      "/s/" + strings.Repeat("!", 43),
			"under a token":     "/s/" + second + "/other",
			"bare":              "/s/",
		} {
			resp, body := s.get(path)
			if resp.StatusCode != http.StatusNotFound || body != want {
				t.Errorf("%s (%s): %d, body differs from an unknown token's: %v", name, path, resp.StatusCode, body != want)
			}
			if resp.Header.Get("X-Robots-Tag") == "" || resp.Header.Get("Content-Security-Policy") == "" {
				t.Errorf("%s: 404 without the security headers", name)
			}
		}
		if resp, _ := s.get("/s/" + second); resp.StatusCode != http.StatusOK {
			t.Errorf("new link: %d", resp.StatusCode)
		}
		s.share("what:off")
		for _, p := range []string{"/s/" + second, "/s/" + second + "/flights.ics"} {
			if resp, body := s.get(p); resp.StatusCode != http.StatusNotFound || body != want {
				t.Errorf("after off %s: %d", p, resp.StatusCode)
			}
		}
	})
}

func TestHeadersAndConditionalGET(t *testing.T) {
	forEachSite(t, func(t *testing.T, s *site) {
		token := s.share("what:forces-and-flights")
		for _, p := range []string{"/s/" + token, "/s/" + token + "/flights.ics"} {
			resp, _ := s.get(p)
			h := resp.Header
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
				t.Errorf("%s: CSP %q", p, csp)
			}
			for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"} {
				if h.Get(k) != v {
					t.Errorf("%s: %s = %q, want %q", p, k, h.Get(k), v)
				}
			}
			etag := h.Get("ETag")
			if etag == "" {
				t.Fatalf("%s: no ETag", p)
			}
			s.clock.Set(s.clock.Now().Add(10 * time.Second)) // past the cache: rendered again, same bytes
			if resp, body := s.get(p, "If-None-Match", etag); resp.StatusCode != http.StatusNotModified || body != "" {
				t.Errorf("%s with If-None-Match: %d, want 304", p, resp.StatusCode)
			}
		}
	})
}
