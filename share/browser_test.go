package share_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds Debian's Chromium (or another Chrome) to drive; .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("LIAISON_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found (apt-get install chromium, or set LIAISON_CHROMIUM): the browser test is skipped")
	return ""
}

// TestPageInABrowser opens the shared page in headless Chromium, in each language, on a
// 375-pixel phone: the table is read, the chart has loaded, nothing scrolls sideways, and a
// link ended by new_link answers 404. Screenshots are kept in the test's artifact directory
// (go test -artifacts keeps them).
func TestPageInABrowser(t *testing.T) {
	bin := chromium(t)
	s := newSite(t)
	old := s.share("what:forces-and-flights")
	token := s.share("what:forces-and-flights new_link:true")

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil {
		t.Skipf("Chromium at %s does not start (%v): the browser test is skipped", bin, err)
	}

	for _, tc := range []struct{ lang, deployed, country string }{
		{"en", "483 deployed of 2,500 planned", "Kenya"},
		{"fr", "483 déployés sur 2\u202f500 prévus", "Kenya"},
		{"es", "483 desplegados de 2500 previstos", "Kenia"},
	} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(375, 812),
			chromedp.Navigate(s.srv.URL+"/s/"+token+"?lang="+tc.lang),
			chromedp.WaitReady("#chart"),
			chromedp.Poll[chromedp.Void](`document.getElementById("chart").complete`, chromedp.WithPollingTimeout(20*time.Second)),
		)
		if err != nil {
			t.Fatalf("%s: %v", tc.lang, err)
		}
		lang := run(t, ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		headline := run(t, ctx, chromedp.Text("#headline"))
		firstCountry := run(t, ctx, chromedp.Text("#forces tbody tr td.country"))
		tableRows := run(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#forces tbody tr").length`))
		chartLoaded := run(t, ctx, chromedp.Evaluate[bool](`(() => { const i = document.getElementById("chart"); return i.complete && i.naturalWidth > 0 })()`))
		scrollWidth := run(t, ctx, chromedp.Evaluate[int](`Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)`))
		// Nor does a table scroll sideways inside its box: on a phone each row is a block.
		innerScroll := run(t, ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll(".scroll")].some(e => e.scrollWidth > e.clientWidth)`))
		if innerScroll {
			t.Errorf("%s: a table scrolls sideways inside its box on a 375-px phone", tc.lang)
		}
		shot := run(t, ctx, chromedp.FullScreenshot(100))
		if lang != tc.lang || !strings.Contains(headline, tc.deployed) || !strings.Contains(firstCountry, tc.country) || tableRows != 3 {
			t.Errorf("%s: lang %q, headline %q, first country %q, %d rows", tc.lang, lang, headline, firstCountry, tableRows)
		}
		if !chartLoaded {
			t.Errorf("%s: the chart did not load", tc.lang)
		}
		if scrollWidth > 375 {
			t.Errorf("%s: the page is %d px wide on a 375-px phone: it scrolls sideways", tc.lang, scrollWidth)
		}
		if err := os.WriteFile(filepath.Join(t.ArtifactDir(), "share-375-"+tc.lang+".png"), shot, 0o644); err != nil {
			t.Error(err)
		}
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(s.srv.URL+"/s/"+old)); err != nil {
		t.Fatal(err)
	}
	status := run(t, ctx, chromedp.Text("main"))
	if !strings.Contains(status, "no longer shared") {
		t.Errorf("the link new_link ended shows %q, want the not-found page", status)
	}
}

// run runs one action that returns a value, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
