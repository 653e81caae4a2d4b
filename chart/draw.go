package chart

import (
	"bytes"
	"cmp"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"time"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"liaison/render"
	"liaison/storage"
)

// dpi is the resolution the picture is drawn at; Width and Height pixels are Width×72/dpi
// points, the unit the layout is computed in.
const dpi = 96

// The picture is laid out by hand rather than by gonum/plot's Plot, which places its legend
// over the data and its tick labels without measuring them: here every text is a measured box
// (layout returns them all, so that a test can check that none touches another), the legend
// is a column right of the data with each band's name and current value at the height of its
// band, and the time axis picks the finest unit whose labels fit. gonum/plot still provides
// the fonts, the text shaping and the canvas.

// Draw renders the series as a PNG of Width×Height pixels.
func Draw(s Series) ([]byte, error) {
	return drawOn(s, newCanvas())
}

// drawOn renders the series on c, a Width×Height canvas, as a PNG.
func drawOn(s Series, c *vgimg.Canvas) ([]byte, error) {
	l := layout(s)
	l.paint(s, draw.New(c))
	var buf bytes.Buffer
	// Best speed: a chart is mostly flat colour, which compresses well at any level, and the
	// default level takes several times as long for a few kilobytes.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, c.Image()); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

// newCanvas is a Width×Height canvas that draws straight onto one picture. Left to itself
// vgimg allocates a Width×Height RGBA and then gg copies it into a second one it draws on
// (gg.NewContextForImage): one image instead of two saves 2.9 MB of each chart's 11 MB of
// allocations, and of the heap the process grows to while it draws. The context is set up as
// vgimg sets up its own: butt line caps, and y growing upwards as vg's coordinates do.
func newCanvas() *vgimg.Canvas {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	return vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(dpi))
}

// Sizes of the layout, in points (a pixel is 0.75 point at 96 dpi).
const (
	pad      = vg.Length(10) // around the picture
	gap      = vg.Length(6)  // between a text and its neighbour
	tickLen  = vg.Length(4)
	swatchW  = vg.Length(14)
	leaderW  = vg.Length(14) // room between the data and the legend for its leader lines
	minLabel = vg.Length(4)  // the least room between two time labels
)

var (
	ink      = color.RGBA{0x22, 0x22, 0x22, 0xff}
	muted    = color.RGBA{0x66, 0x66, 0x66, 0xff}
	gridInk  = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
	future   = color.NRGBA{0xff, 0xff, 0xff, 0x99} // washes the present level after now
	lineDash = []vg.Length{vg.Points(6), vg.Points(3)}
)

// style is a text style of the chart's sans-serif font, left- and bottom-aligned: a text is
// drawn with its box's lower left corner at the point given.
func style(size vg.Length, bold bool, c color.Color) text.Style {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = 700
	}
	return text.Style{Color: c, Font: f, XAlign: draw.XLeft, YAlign: draw.YBottom, Handler: plot.DefaultTextHandler}
}

// Box is a rectangle of the picture in points, origin at the lower left.
type Box struct{ X0, Y0, X1, Y1 vg.Length }

// Overlaps reports whether b and o share more than an edge.
func (b Box) Overlaps(o Box) bool {
	return b.X0 < o.X1 && o.X0 < b.X1 && b.Y0 < o.Y1 && o.Y0 < b.Y1
}

// Label is a text placed on the picture.
type Label struct {
	Text  string
	Style text.Style
	Box   Box
}

// place is txt in sty with its box's lower left corner at (x, y).
func place(txt string, sty text.Style, x, y vg.Length) Label {
	return Label{Text: txt, Style: sty, Box: Box{x, y, x + sty.Width(txt), y + sty.Height(txt)}}
}

// entry is one line of the legend: a swatch (a band's colour or a line's style), its name and
// its current value, at the height its band or line ends at.
type entry struct {
	Label
	value  int64     // the figure the entry points at: its band's middle, or its line's value
	want   vg.Length // that figure's height
	fill   color.Color
	line   *draw.LineStyle
	weight int // sort order among equal heights: the stack's top first
}

// Layout is where everything of a chart goes.
type Layout struct {
	Plot     Box // the data area
	Title    Label
	Subtitle Label
	Caption  []Label // under the time axis: what the picture leaves out
	XTicks   []Label
	YTicks   []Label
	Legend   []entry
	Markers  []Label // the mandate's end and other dates, above the data
	t0, t1   float64 // the time axis, Unix seconds
	top      int64   // the personnel axis ends here
	yStep    int64
	markerX  []vg.Length // where an in-range marker's line is drawn; NaN when out of range
	cum      []Steps     // the stack, computed once: each sum allocates as much as its steps
}

// Labels is every text of the layout, for tests of overlap.
func (l Layout) Labels() []Label {
	out := []Label{l.Title, l.Subtitle}
	out = append(out, l.Caption...)
	out = append(out, l.XTicks...)
	out = append(out, l.YTicks...)
	for _, e := range l.Legend {
		out = append(out, e.Label)
	}
	return append(out, l.Markers...)
}

// x is the horizontal position of instant t.
func (l Layout) x(t time.Time) vg.Length { return l.xs(float64(t.Unix())) }

func (l Layout) xs(sec float64) vg.Length {
	return l.Plot.X0 + vg.Length((sec-l.t0)/(l.t1-l.t0))*(l.Plot.X1-l.Plot.X0)
}

// X is the horizontal position of instant t, in points from the picture's left.
func (l Layout) X(t time.Time) vg.Length { return l.x(t) }

// Y is the height of value v, in points from the picture's bottom.
func (l Layout) Y(v int64) vg.Length { return l.y(v) }

// Swatch is the box of legend entry i's swatch, which must stay off the data too.
func (l Layout) Swatch(i int) Box {
	e := l.Legend[i]
	cy := (e.Box.Y0 + e.Box.Y1) / 2
	return Box{e.Box.X0 - 4 - swatchW, cy - 4, e.Box.X0 - 4, cy + 4}
}

// day is the horizontal position of the start of day d.
func (l Layout) day(d int64) vg.Length { return l.x(storage.DayStart(d)) }

// y is the height of value v.
func (l Layout) y(v int64) vg.Length {
	return l.Plot.Y0 + vg.Length(float64(v)/float64(l.top))*(l.Plot.Y1-l.Plot.Y0)
}

// LayoutOf is the layout Draw uses for s.
func LayoutOf(s Series) Layout { return layout(s) }

func layout(s Series) Layout {
	const w, h = vg.Length(Width) * 72 / dpi, vg.Length(Height) * 72 / dpi
	var l Layout
	l.t0, l.t1 = float64(storage.DayStart(s.Start).Unix()), float64(s.Edge.Unix())

	titleSty, subSty, small := style(14, true, ink), style(10, false, muted), style(9, false, muted)
	l.Title = place(s.Text.Title, titleSty, pad, h-pad-titleSty.Height(s.Text.Title))
	l.Subtitle = place(s.Text.Subtitle, subSty, pad, l.Title.Box.Y0-2-subSty.Height(s.Text.Subtitle))

	// Under the data: the caption, then the time labels.
	var caption []string
	if s.Unknown > 0 {
		caption = append(caption, render.ChartUnknownPledges(s.Lang, s.Unknown))
	}
	capH := vg.Length(0)
	x := pad
	for _, c := range caption {
		lb := place(c, small, x, pad)
		l.Caption = append(l.Caption, lb)
		x, capH = lb.Box.X1+3*gap, small.Height(c)+gap
	}
	xLabelH := small.Height("0")
	l.Plot.Y0 = pad + capH + xLabelH + tickLen + 2
	markerH := small.Height("0") + gap
	l.Plot.Y1 = l.Subtitle.Box.Y0 - gap - markerH

	// The personnel axis: round steps, four to eight labels, the top one above everything.
	var peak int64
	l.cum = s.stack()
	for _, st := range l.cum {
		for _, v := range st {
			peak = max(peak, v.Value)
		}
	}
	for _, st := range []Steps{s.Pledged, s.Planned} {
		for _, v := range st {
			peak = max(peak, v.Value)
		}
	}
	projected := s.Total(s.Today)
	for _, f := range s.Scheduled {
		projected += f.Personnel
	}
	for _, m := range s.Marks {
		peak = max(peak, m.Value)
	}
	peak = max(peak, projected)
	if peak == 0 {
		peak = 10 // nothing yet: an axis of a few people rather than of one
	}
	l.yStep = niceStep(peak)
	l.top = max(1, (peak+l.yStep-1)/l.yStep) * l.yStep
	if l.top == peak && peak > 0 {
		l.top += l.yStep // room above the highest line for its label
	}
	var yw vg.Length
	var ys []string
	for v := int64(0); v <= l.top; v += l.yStep {
		t := render.Number(s.Lang, v)
		ys = append(ys, t)
		yw = max(yw, small.Width(t))
	}
	l.Plot.X0 = pad + yw + gap

	// The legend: its widest entry fixes the data's right edge.
	entries := legend(s, l.cum, small)
	var lw vg.Length
	for _, e := range entries {
		lw = max(lw, e.Style.Width(e.Text))
	}
	l.Plot.X1 = w - pad - lw - swatchW - 4 - leaderW
	for i, t := range ys {
		v := int64(i) * l.yStep
		tw, th := small.Width(t), small.Height(t)
		l.YTicks = append(l.YTicks, place(t, small, l.Plot.X0-gap-tw, l.y(v)-th/2))
	}
	l.XTicks = timeTicks(s.Lang, l, small, w)

	// Each entry at the height its band or line ends, moved apart as little as keeps them
	// from touching.
	for i := range entries {
		entries[i].want = l.y(entries[i].value)
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.want != b.want {
			return cmp.Compare(b.want, a.want)
		}
		return cmp.Compare(a.weight, b.weight)
	})
	relax(entries, l.Plot.Y0, l.Subtitle.Box.Y0-2)
	lx := l.Plot.X1 + leaderW + swatchW + 4
	for i := range entries {
		e := &entries[i]
		th := e.Style.Height(e.Text)
		e.Label = place(e.Text, e.Style, lx, e.Box.Y0-th/2)
	}
	l.Legend = entries

	// Markers above the data: a date in range gets its line and a label beside it; one out of
	// range, a label at the edge it lies beyond, with an arrow, rather than stretching the axis.
	if s.MandateEnd != nil {
		t := *s.MandateEnd
		txt := s.Text.MandateEnd + " " + render.ChartDay(s.Lang, t)
		my := l.Plot.Y1 + 3
		mx := vg.Length(math.NaN())
		var lb Label
		switch {
		case t.Unix() > int64(l.t1):
			txt += " →"
			lb = place(txt, small, l.Plot.X1-small.Width(txt), my)
		case t.Unix() < int64(l.t0):
			txt = "← " + txt
			lb = place(txt, small, l.Plot.X0, my)
		default:
			mx = l.x(t)
			lx := mx - small.Width(txt) - 3
			if lx < l.Plot.X0 {
				lx = mx + 3
			}
			lb = place(txt, small, lx, my)
		}
		l.Markers = append(l.Markers, lb)
		l.markerX = append(l.markerX, mx)
	}
	return l
}

// legend is the legend's entries, each with its value in want (as a count of personnel, turned
// into a height by layout): the total, each band's current value at its middle, the flights'
// projection, the pledged and planned strengths.
func legend(s Series, cum []Steps, sty text.Style) []entry {
	var out []entry
	today := s.Today
	var total int64
	if len(cum) > 0 {
		total = cum[len(cum)-1].At(today)
	}
	if len(s.Layers) > 1 {
		bold := style(sty.Font.Size, true, ink)
		out = append(out, entry{Label: Label{Text: s.Text.Total + " " + render.Number(s.Lang, total), Style: bold}, value: total, weight: -1})
	}
	for i := len(s.Layers) - 1; i >= 0; i-- {
		lay := s.Layers[i]
		hi := cum[i].At(today)
		lo := hi - lay.Steps.At(today)
		out = append(out, entry{Label: Label{Text: lay.Name + " " + render.Number(s.Lang, lay.Steps.At(today)), Style: style(sty.Font.Size, false, ink)},
			value: (hi + lo) / 2, fill: lay.Colour, weight: len(s.Layers) - i})
	}
	if len(s.Scheduled) > 0 {
		n := total
		for _, f := range s.Scheduled {
			n += f.Personnel
		}
		out = append(out, entry{Label: Label{Text: s.Text.Scheduled + " " + render.Number(s.Lang, n), Style: style(sty.Font.Size, false, ink)},
			value: n, line: &draw.LineStyle{Color: ink, Width: 1.5, Dashes: lineDash}, weight: -2})
	}
	if v := s.Pledged.Last(); v > 0 {
		out = append(out, entry{Label: Label{Text: s.Text.Pledged + " " + render.Number(s.Lang, v), Style: style(sty.Font.Size, false, ink)},
			value: v, line: &draw.LineStyle{Color: ink, Width: 1.5}, weight: -3})
	}
	if v := s.Planned.Last(); v > 0 {
		out = append(out, entry{Label: Label{Text: s.Text.Planned + " " + render.Number(s.Lang, v), Style: style(sty.Font.Size, false, ink)},
			value: v, line: &draw.LineStyle{Color: muted, Width: 1.5, Dashes: []vg.Length{2, 2}}, weight: -4})
	}
	return out
}

// relax sets each entry's box (in Box.Y0, its centre) as near its want as keeps it from its
// neighbours, entries sorted top first, all within lo and hi.
func relax(es []entry, lo, hi vg.Length) {
	ht := func(e entry) vg.Length { return e.Style.Height(e.Text) + 1 }
	for i := range es {
		c := min(es[i].want, hi-ht(es[i])/2)
		if i > 0 {
			c = min(c, es[i-1].Box.Y0-(ht(es[i-1])+ht(es[i]))/2)
		}
		es[i].Box.Y0 = c
	}
	for i := len(es) - 1; i >= 0; i-- {
		c := max(es[i].Box.Y0, lo+ht(es[i])/2)
		if i < len(es)-1 {
			c = max(c, es[i+1].Box.Y0+(ht(es[i+1])+ht(es[i]))/2)
		}
		es[i].Box.Y0 = c
	}
}

// niceStep is the personnel axis' step for values up to peak: 1, 2, 2.5 or 5 times a power of
// ten (2.5 only from 25 on, so that every label is a whole number), the smallest that reaches
// peak in at most six steps. With the step layout adds when the peak is a label itself, the
// axis has four to eight labels, 0 included.
func niceStep(peak int64) int64 {
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{10, 20, 25, 50} {
			if m == 25 && p < 10 {
				continue
			}
			if step := p * m / 10; (peak+step-1)/step <= 6 {
				return step
			}
		}
	}
}

// unit is a spacing of time labels: n days, weeks (from Mondays), months or years.
type unit struct {
	kind string // "day", "week", "month" or "year"
	n    int
}

// units are the spacings the time axis tries, finest first.
var units = []unit{{"day", 1}, {"day", 2}, {"week", 1}, {"week", 2}, {"month", 1}, {"month", 3}, {"month", 6},
	{"year", 1}, {"year", 2}, {"year", 5}, {"year", 10}, {"year", 20}, {"year", 50}, {"year", 100}, {"year", 200},
	{"year", 500}, {"year", 1000}}

// approx is the unit's length in seconds, to skip those that would give too many labels.
func (u unit) approx() float64 {
	d := map[string]float64{"day": 86400, "week": 7 * 86400, "month": 30.4 * 86400, "year": 365.25 * 86400}[u.kind]
	return d * float64(u.n)
}

// timeTicks labels the time axis with the finest unit whose labels all fit side by side, at
// least minLabel apart and inside the picture: days, weeks, months, quarters, half years or
// years. A day or month label carries its year when it is the first or the year has changed.
func timeTicks(lang render.Lang, l Layout, sty text.Style, w vg.Length) []Label {
	span := l.t1 - l.t0
	for _, u := range units {
		if span/u.approx() > 60 {
			continue
		}
		var labels []Label
		var year int
		fits := true
		for _, t := range u.instants(l.t0, l.t1) {
			kind := u.kind
			if kind == "week" {
				kind = "day"
			}
			withYear := len(labels) == 0 || t.Year() != year
			txt := render.ChartTick(lang, t, kind, withYear)
			tw := sty.Width(txt)
			cx := l.x(t)
			lb := place(txt, sty, cx-tw/2, l.Plot.Y0-tickLen-2-sty.Height(txt))
			if lb.Box.X0 < 0 || lb.Box.X1 > w {
				continue // a label cut by the picture's edge: left out, its mark kept
			}
			if n := len(labels); n > 0 && lb.Box.X0 < labels[n-1].Box.X1+minLabel {
				fits = false
				break
			}
			labels, year = append(labels, lb), t.Year()
		}
		if fits && len(labels) >= 2 {
			return labels
		}
	}
	return nil
}

// instants are the unit's round instants from t0 to t1 (Unix seconds).
func (u unit) instants(t0, t1 float64) []time.Time {
	from := time.Unix(int64(t0), 0).UTC()
	var t time.Time
	switch u.kind {
	case "day":
		t = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
		for t.YearDay()%u.n != 0 && u.n > 1 {
			t = t.AddDate(0, 0, 1)
		}
	case "week":
		t = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, 1)
		}
	case "month":
		t = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
		for (int(t.Month())-1)%u.n != 0 {
			t = t.AddDate(0, 1, 0)
		}
	case "year":
		y := from.Year()
		y = (y + u.n - 1) / u.n * u.n
		t = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var out []time.Time
	for ; float64(t.Unix()) <= t1; t = u.next(t) {
		if float64(t.Unix()) >= t0 {
			out = append(out, t)
		}
	}
	return out
}

func (u unit) next(t time.Time) time.Time {
	switch u.kind {
	case "day":
		return t.AddDate(0, 0, u.n)
	case "week":
		return t.AddDate(0, 0, 7*u.n)
	case "month":
		return t.AddDate(0, u.n, 0)
	}
	return t.AddDate(u.n, 0, 0)
}

// paint draws the layout of s on c, whose background vgimg has made white.
func (l Layout) paint(s Series, c draw.Canvas) {
	p := l.Plot
	// Grid at each personnel label.
	for v := l.yStep; v <= l.top; v += l.yStep {
		c.StrokeLine2(draw.LineStyle{Color: gridInk, Width: 0.5}, p.X0, l.y(v), p.X1, l.y(v))
	}
	edge := l.x(s.Edge)

	// The stack, painted from the top band down: each polygon fills from zero up to the sum
	// of its layer and those below, and the next one paints over its lower part. (No line
	// parts the bands: two shown bands never share a colour, and stroking thousands of steps
	// cost an eighth of the drawing.)
	cum := l.cum
	for i := len(cum) - 1; i >= 0; i-- {
		pts := l.stepPoints(cum[i], s.Start, edge)
		ring := append(pts, vg.Point{X: edge, Y: p.Y0}, vg.Point{X: p.X0, Y: p.Y0})
		c.FillPolygon(s.Layers[i].Colour, ring)
	}
	// After now the level holds but has not happened yet: washed out.
	if nx := l.x(s.Now); nx < edge {
		c.FillPolygon(future, []vg.Point{{X: nx, Y: p.Y0}, {X: edge, Y: p.Y0}, {X: edge, Y: p.Y1}, {X: nx, Y: p.Y1}})
		c.StrokeLine2(draw.LineStyle{Color: muted, Width: 0.5, Dashes: []vg.Length{1, 2}}, nx, p.Y0, nx, p.Y1)
	}

	// Lines: the planned strength, the pledged total (only where some size is known), and the
	// flights' projection from today's total.
	if len(s.Planned) > 0 {
		c.StrokeLines(draw.LineStyle{Color: muted, Width: 1.5, Dashes: []vg.Length{2, 2}}, l.stepPoints(s.Planned, s.Start, edge))
	}
	for _, seg := range l.PledgedLine(s) {
		c.StrokeLines(draw.LineStyle{Color: ink, Width: 1.5}, seg)
	}
	if len(s.Scheduled) > 0 {
		v := s.Total(s.Today)
		pts := []vg.Point{{X: l.x(s.Now), Y: l.y(v)}}
		for _, f := range s.Scheduled {
			fx := l.x(f.ETA)
			pts = append(pts, vg.Point{X: fx, Y: l.y(v)})
			v += f.Personnel
			pts = append(pts, vg.Point{X: fx, Y: l.y(v)})
		}
		pts = append(pts, vg.Point{X: edge, Y: l.y(v)})
		c.StrokeLines(draw.LineStyle{Color: ink, Width: 1.5, Dashes: lineDash}, pts)
	}
	// Marks: labelled points (reported figures, for example).
	small := style(9, false, ink)
	for _, m := range s.Marks {
		pt := vg.Point{X: l.x(m.At), Y: l.y(m.Value)}
		c.DrawGlyph(draw.GlyphStyle{Color: ink, Radius: 3, Shape: draw.CircleGlyph{}}, pt)
		if m.Label != "" {
			c.FillText(small, vg.Point{X: pt.X + 4, Y: pt.Y + 3}, m.Label)
		}
	}
	// Markers: a line for a date in range.
	for _, mx := range l.markerX {
		if !math.IsNaN(float64(mx)) {
			c.StrokeLine2(draw.LineStyle{Color: muted, Width: 1, Dashes: []vg.Length{2, 3}}, mx, p.Y0, mx, p.Y1+2)
		}
	}
	if len(s.Layers) == 0 && len(s.Pledged) == 0 {
		t := style(12, false, muted)
		c.FillText(t, vg.Point{X: (p.X0+p.X1)/2 - t.Width(s.Text.Nothing)/2, Y: (p.Y0 + p.Y1) / 2}, s.Text.Nothing)
	}

	// Axes: the zero line, the time marks.
	c.StrokeLine2(draw.LineStyle{Color: ink, Width: 1}, p.X0, p.Y0, edge, p.Y0)
	for _, t := range l.XTicks {
		cx := (t.Box.X0 + t.Box.X1) / 2
		c.StrokeLine2(draw.LineStyle{Color: ink, Width: 0.75}, cx, p.Y0, cx, p.Y0-tickLen)
	}

	// The legend, with a leader from the data's edge to an entry moved off its height.
	for _, e := range l.Legend {
		cy := (e.Box.Y0 + e.Box.Y1) / 2
		sx := e.Box.X0 - 4 - swatchW
		if math.Abs(float64(cy-e.want)) > 1 {
			c.StrokeLines(draw.LineStyle{Color: muted, Width: 0.5}, []vg.Point{{X: edge + 1, Y: e.want}, {X: sx - 2, Y: cy}})
		}
		switch {
		case e.fill != nil:
			c.FillPolygon(e.fill, []vg.Point{{X: sx, Y: cy - 4}, {X: sx + swatchW, Y: cy - 4}, {X: sx + swatchW, Y: cy + 4}, {X: sx, Y: cy + 4}})
		case e.line != nil:
			c.StrokeLine2(*e.line, sx, cy, sx+swatchW, cy)
		}
	}
	for _, lb := range l.Labels() {
		c.FillText(lb.Style, vg.Point{X: lb.Box.X0, Y: lb.Box.Y0}, lb.Text)
	}
}

// stepPoints is st's steps as a line from day start to the x end: a vertex only where the
// value changes, so that a line has as many points as it has steps, at most two per column.
func (l Layout) stepPoints(st Steps, start int64, end vg.Length) []vg.Point {
	v := st.At(start)
	pts := make([]vg.Point, 0, 2*len(st)+2)
	pts = append(pts, vg.Point{X: l.day(start), Y: l.y(v)})
	for _, s := range st {
		if s.Day > start {
			x := l.day(s.Day)
			pts = append(pts, vg.Point{X: x, Y: l.y(v)}, vg.Point{X: x, Y: l.y(s.Value)})
			v = s.Value
		}
	}
	return append(pts, vg.Point{X: end, Y: l.y(v)})
}

// PledgedLine is the pledged total as drawn: its runs where some size is known.
func (l Layout) PledgedLine(s Series) [][]vg.Point {
	if len(s.Pledged) == 0 {
		return nil
	}
	return positive(l.stepPoints(s.Pledged, s.Start, l.x(s.Edge)), l.Plot.Y0)
}

// positive cuts a step line into the runs above the zero line at y0: where no size is known
// the pledged total is not drawn at all, rather than drawn as zero.
func positive(pts []vg.Point, y0 vg.Length) [][]vg.Point {
	var out [][]vg.Point
	var run []vg.Point
	for _, pt := range pts {
		if pt.Y > y0 {
			run = append(run, pt)
			continue
		}
		if len(run) > 0 {
			out = append(out, run)
			run = nil
		}
	}
	if len(run) > 0 {
		out = append(out, run)
	}
	return out
}

// stack is the top of each layer of the stack: the sum of the layer and those below it. Each
// sum keeps at most one step per column, as its layers do.
func (s Series) stack() []Steps {
	cum := make([]Steps, len(s.Layers))
	for i, l := range s.Layers {
		cum[i] = l.Steps
		if i > 0 {
			cum[i] = s.sum(cum[i-1], l.Steps)
		}
	}
	return cum
}
