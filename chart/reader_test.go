package chart_test

import (
	"strings"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"

	"liaison/chart"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// px is a length in points as pixels of the picture.
func px(l vg.Length) float64 { return float64(l) * 96 / 72 }

// TestTodayHasWidth: in every scenario and language, the present level (from the start of
// today to the axis' end) is at least 8 pixels wide, and so is the last change's step: the
// 323 people landed today are a band, not a sliver at the frame.
func TestTodayHasWidth(t *testing.T) {
	for _, sc := range scenarios() {
		for _, lang := range []render.Lang{render.English, "fr", "es"} {
			in := sc.in
			in.Lang = lang
			s := chart.Build(in)
			l := chart.LayoutOf(s)
			edge := l.X(s.Edge)
			if w := px(edge - l.X(storage.DayStart(s.Today))); w < 8 {
				t.Errorf("%s %s: today is %.1f px wide, want 8 at least", sc.name, lang, w)
			}
			var last int64
			for _, ly := range s.Layers {
				if n := len(ly.Steps); n > 0 {
					last = max(last, ly.Steps[n-1].Day)
				}
			}
			if w := px(edge - l.X(storage.DayStart(last))); len(s.Layers) > 0 && w < 8 {
				t.Errorf("%s %s: the last step is %.1f px wide, want 8 at least", sc.name, lang, w)
			}
		}
	}
}

// TestLabelsNeverTouch: no two texts of a chart share a pixel, none leaves the picture, the
// legend and its swatches stay right of the data, time labels under it, personnel labels left
// of it and date markers above it — in every scenario and language.
func TestLabelsNeverTouch(t *testing.T) {
	const w, h = vg.Length(chart.Width) * 72 / 96, vg.Length(chart.Height) * 72 / 96
	for _, sc := range scenarios() {
		for _, lang := range []render.Lang{render.English, "fr", "es"} {
			in := sc.in
			in.Lang = lang
			l := chart.LayoutOf(chart.Build(in))
			labels := l.Labels()
			for i, a := range labels {
				if a.Box.X0 < 0 || a.Box.Y0 < 0 || a.Box.X1 > w || a.Box.Y1 > h {
					t.Errorf("%s %s: %q leaves the picture: %+v", sc.name, lang, a.Text, a.Box)
				}
				if a.Box.Overlaps(l.Plot) {
					t.Errorf("%s %s: %q lies on the data: %+v, plot %+v", sc.name, lang, a.Text, a.Box, l.Plot)
				}
				for _, b := range labels[i+1:] {
					if a.Box.Overlaps(b.Box) {
						t.Errorf("%s %s: %q and %q overlap: %+v, %+v", sc.name, lang, a.Text, b.Text, a.Box, b.Box)
					}
				}
			}
			for i, e := range l.Legend {
				if sw := l.Swatch(i); sw.X0 <= l.Plot.X1 || e.Box.X0 <= l.Plot.X1 {
					t.Errorf("%s %s: legend entry %q (swatch %+v) is not right of the data (%+v)", sc.name, lang, e.Text, sw, l.Plot)
				}
			}
			for _, tk := range l.XTicks {
				if tk.Box.Y1 > l.Plot.Y0 {
					t.Errorf("%s %s: time label %q reaches into the data", sc.name, lang, tk.Text)
				}
			}
			if n := len(l.YTicks); n < 4 || n > 8 {
				t.Errorf("%s %s: %d personnel labels, want 4 to 8", sc.name, lang, n)
			}
			if len(l.XTicks) < 2 {
				t.Errorf("%s %s: %d time labels, want 2 at least", sc.name, lang, len(l.XTicks))
			}
			for _, m := range l.Markers {
				if m.Box.Y0 < l.Plot.Y1 {
					t.Errorf("%s %s: marker %q reaches into the data", sc.name, lang, m.Text)
				}
			}
		}
	}
}

// TestOutOfRangeMarker: a mandate ending in 2200 is written at the right edge with its date,
// and the axis still ends a little after today.
func TestOutOfRangeMarker(t *testing.T) {
	g, hist, pledges, now := knownHistory()
	far := time.Date(2200, 10, 2, 0, 0, 0, 0, time.UTC)
	g.MandateEnd = &far
	s := chart.Build(chart.Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now})
	if s.Edge.After(now.AddDate(0, 2, 0)) {
		t.Errorf("axis ends %v, want a little after %v: a far marker must not stretch it", s.Edge, now)
	}
	l := chart.LayoutOf(s)
	if len(l.Markers) != 1 || !strings.Contains(l.Markers[0].Text, "2 October 2200") || l.Markers[0].Box.X1 > l.Plot.X1+1 {
		t.Errorf("markers = %+v, want the mandate's end with its date at the data's right edge", l.Markers)
	}
}

// TestColoursStable: a country keeps its colour from one chart of its guild to the next —
// when another country overtakes it, when more countries arrive, and in a shorter window —
// and a role has one colour in every country's chart.
func TestColoursStable(t *testing.T) {
	g, hist, pledges, now := knownHistory()
	colours := func(in chart.Input) map[string]string {
		out := map[string]string{}
		for _, l := range chart.Build(in).Layers {
			out[l.Key] = string([]byte{l.Colour.R, l.Colour.G, l.Colour.B})
		}
		return out
	}
	before := colours(chart.Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now})
	later := append(append([]storage.ForceChange{}, hist...),
		storage.ForceChange{Day: day(2025, 6, 20), Country: "GT", Delta: 900}, // Guatemala overtakes Kenya
		storage.ForceChange{Day: day(2025, 6, 21), Country: "SN", Delta: 3})
	for name, in := range map[string]chart.Input{
		"later":  {Lang: "fr", Guild: g, History: later, Pledges: pledges, Now: now},
		"window": {Lang: "es", Guild: g, History: hist, Pledges: pledges, Now: now, Options: chart.Options{Since: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}},
	} {
		after := colours(in)
		for _, c := range []string{"KE", "GT", "JM", "BJ"} {
			if before[c] == "" || after[c] != before[c] {
				t.Errorf("%s: %s's colour %x, was %x", name, c, after[c], before[c])
			}
		}
		seen := map[string]string{}
		for k, c := range after {
			if o, ok := seen[c]; ok && k != "" && o != "" {
				t.Errorf("%s: %s and %s share a colour", name, k, o)
			}
			seen[c] = k
		}
	}
	police := func(country string, roles ...string) string {
		var h []storage.ForceChange
		for _, r := range roles {
			h = append(h, storage.ForceChange{Day: day(2025, 1, 1), Country: country, Role: mission.Role(r), Delta: 10})
		}
		for _, l := range chart.Build(chart.Input{Lang: render.English, Guild: g, Country: country, History: h, Now: now}).Layers {
			if l.Key == "police" {
				return string([]byte{l.Colour.R, l.Colour.G, l.Colour.B})
			}
		}
		return ""
	}
	if a, b := police("KE", "police", "medical"), police("SV", "staff", "police"); a == "" || a != b {
		t.Errorf("police are %x in one country's chart and %x in another's", a, b)
	}
}

// TestUnknownPledgesNotZero: pledges whose size is not reported are counted in the caption and
// draw nothing: no pledged line along zero before the first arrival, neither when every pledge
// is of unknown size nor after a sized pledge is replaced by one of unknown size.
func TestUnknownPledgesNotZero(t *testing.T) {
	now := time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC)
	g := storage.Guild{ID: "g", MissionName: "MSS Haiti"}
	hist := []storage.ForceChange{{Day: day(2025, 3, 1), Country: "KE", Delta: 400}}
	for name, pledges := range map[string][]storage.Pledge{
		"all unknown": {
			{ID: 1, Country: "KE", Role: "police", AsOf: at(2024, 6, 1)}, {ID: 2, Country: "JM", Role: "military", AsOf: at(2024, 6, 1)},
			{ID: 3, Country: "BJ", Role: "military", AsOf: at(2024, 6, 1)}, {ID: 4, Country: "TD", Role: "military", AsOf: at(2024, 6, 1)},
		},
		"sized then unknown": {
			{ID: 1, Country: "KE", Role: "police", Personnel: intp(1000), AsOf: at(2024, 6, 1)},
			{ID: 2, Country: "KE", Role: "police", AsOf: at(2024, 8, 1)}, {ID: 3, Country: "JM", Role: "military", AsOf: at(2024, 6, 1)},
			{ID: 4, Country: "BJ", Role: "military", AsOf: at(2024, 6, 1)}, {ID: 5, Country: "TD", Role: "military", AsOf: at(2024, 6, 1)},
		},
	} {
		s := chart.Build(chart.Input{Lang: render.English, Guild: g, History: hist, Pledges: pledges, Now: now})
		if s.Unknown != 4 {
			t.Errorf("%s: %d pledges of unknown size, want 4", name, s.Unknown)
		}
		l := chart.LayoutOf(s)
		if len(l.Caption) != 1 || l.Caption[0].Text != "+4 pledges of unknown size" {
			t.Errorf("%s: caption %+v, want +4 pledges of unknown size", name, l.Caption)
		}
		for _, run := range l.PledgedLine(s) {
			for _, pt := range run {
				if pt.Y <= l.Y(0) {
					t.Errorf("%s: the pledged line is drawn at zero, at x %.0f: a pledge of unknown size drawn as 0", name, px(pt.X))
					break
				}
			}
		}
		if _, err := chart.Draw(s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDescriptionStatesTheWindow: the text alternative gives today's total, the change since
// the day before the window opens, the largest contributors (not "Others") and the flights.
func TestDescriptionStatesTheWindow(t *testing.T) {
	var in chart.Input
	for _, sc := range scenarios() {
		if sc.name == "scheduled" {
			in = sc.in
		}
	}
	in.Lang = render.English
	desc := chart.Describe(render.English, chart.Build(in))
	for _, part := range []string{"Now 813 deployed", "375 more than on 31 December 2024", "Largest: Kenya 617, Guatemala 75, Benin 40.",
		"Scheduled flights bring 270 more.", "+2 pledges of unknown size"} {
		if !strings.Contains(desc, part) {
			t.Errorf("description %q lacks %q", desc, part)
		}
	}
}
