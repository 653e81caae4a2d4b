package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"time"

	"git.sr.ht/~sbinet/gg"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"liaison/render"
	"liaison/storage"
)

// dpi is the resolution the picture is drawn at; Width and Height pixels are Width×72/dpi
// points, the unit gonum/plot lays out in.
const dpi = 96

// Draw renders the series as a PNG of Width×Height pixels.
func Draw(s Series) ([]byte, error) {
	return drawOn(s, newCanvas())
}

// drawOn renders the series on c, a Width×Height canvas, as a PNG.
func drawOn(s Series, c *vgimg.Canvas) ([]byte, error) {
	p := plot.New()
	p.Title.Text = s.Text.Title
	p.Title.TextStyle.Font.Size = vg.Points(15)
	p.X.Label.Text = s.Text.XAxis
	p.Y.Label.Text = s.Text.YAxis
	p.X.Tick.Marker = monthTicks{lang: s.Lang}
	p.Y.Tick.Marker = personnelTicks{lang: s.Lang}
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(8), -vg.Points(4)
	p.Legend.ThumbnailWidth = vg.Points(18)
	p.Legend.TextStyle.Font.Size = vg.Points(10)
	p.Legend.Padding = vg.Points(3)
	// Sans-serif reads better than gonum/plot's default serif at these sizes. Set per style:
	// plot.DefaultFont is a process-wide variable.
	for _, st := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		st.Font.Variant = "Sans"
	}

	x := func(day int64) float64 { return float64(storage.DayStart(day).Unix()) }
	// The layers and the pledged line end with today: the day after it is where they stop.
	last := x(s.Today + 1)
	top := 0.0

	// Stacked layers, painted from the top band down: each polygon fills from zero up to the
	// sum of its layer and those below, and the next one paints over its lower part.
	cum := s.stack()
	for _, c := range cum {
		for _, st := range c {
			top = max(top, float64(st.Value))
		}
	}
	polys := make([]*plotter.Polygon, len(s.Layers))
	for i := len(s.Layers) - 1; i >= 0; i-- {
		ring := stepArea(cum[i], s.Start, x, last)
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return nil, fmt.Errorf("chart layer %s: %w", s.Layers[i].Name, err)
		}
		poly.Color = layerColour(s, i)
		poly.LineStyle.Width = 0
		p.Add(area{poly})
		polys[i] = poly
	}
	// The legend reads top to bottom as the stack does.
	for i := len(s.Layers) - 1; i >= 0; i-- {
		p.Legend.Add(s.Layers[i].Name, polys[i])
	}

	if len(s.Pledged) > 0 {
		pts := stepLine(s.Pledged, s.Start, x, last)
		line, err := plotter.NewLine(pts)
		if err != nil {
			return nil, fmt.Errorf("chart pledged line: %w", err)
		}
		line.Color, line.Width = color.Black, vg.Points(2)
		p.Add(line)
		p.Legend.Add(s.Text.Pledged, line)
		for _, st := range s.Pledged {
			top = max(top, float64(st.Value))
		}
	}
	end := x(s.edge())
	if s.Planned > 0 {
		line, err := plotter.NewLine(plotter.XYs{{X: x(s.Start), Y: float64(s.Planned)}, {X: end, Y: float64(s.Planned)}})
		if err != nil {
			return nil, err
		}
		line.Color, line.Width, line.Dashes = color.Black, vg.Points(1.5), []vg.Length{vg.Points(8), vg.Points(4)}
		p.Add(line)
		p.Legend.Add(s.Text.Planned, line)
		top = max(top, float64(s.Planned))
	}
	if top == 0 {
		top = 10
	}
	top *= 1.12 // room above the highest line for the legend and the mandate's label
	if s.MandateEnd != nil {
		mx := float64(s.MandateEnd.Unix())
		line, err := plotter.NewLine(plotter.XYs{{X: mx, Y: 0}, {X: mx, Y: top}})
		if err != nil {
			return nil, err
		}
		line.Color, line.Width, line.Dashes = color.RGBA{0x55, 0x55, 0x55, 0xff}, vg.Points(1.5), []vg.Length{vg.Points(2), vg.Points(3)}
		p.Add(line)
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: mx, Y: top}},
			Labels: []string{s.Text.MandateEnd + " " + render.ChartDay(s.Lang, *s.MandateEnd) + " "}})
		if err != nil {
			return nil, err
		}
		labels.TextStyle[0].XAlign, labels.TextStyle[0].YAlign = draw.XRight, draw.YTop
		labels.TextStyle[0].Font.Size = vg.Points(10)
		labels.TextStyle[0].Font.Variant = "Sans"
		p.Add(labels)
	}
	if len(s.Layers) == 0 && len(s.Pledged) == 0 {
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: (x(s.Start) + end) / 2, Y: top / 2}}, Labels: []string{s.Text.Nothing}})
		if err != nil {
			return nil, err
		}
		labels.TextStyle[0].XAlign, labels.TextStyle[0].YAlign = draw.XCenter, draw.YCenter
		labels.TextStyle[0].Font.Variant = "Sans"
		p.Add(labels)
	}
	p.X.Min, p.X.Max = x(s.Start), end
	p.Y.Min, p.Y.Max = 0, top

	p.Draw(draw.New(c))
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

// layerColour is layer i's fill: the palette in order, grey for the others' layer.
func layerColour(s Series, i int) color.Color {
	if s.Layers[i].Name == s.Text.Others && i == len(s.Layers)-1 && i >= MaxCountries {
		return othersColour
	}
	return Palette[i%len(Palette)]
}

// area is a filled polygon without an outline. plotter.Polygon clips and builds its outline
// even when the line has no width (vgimg then draws nothing), which doubled what a layer of a
// thousand steps allocates.
type area struct{ *plotter.Polygon }

// Plot implements plot.Plotter: the polygon's first ring filled as plotter.Polygon fills it,
// and no outline.
func (a area) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	ring := make([]vg.Point, len(a.XYs[0]))
	for i, p := range a.XYs[0] {
		ring[i] = vg.Point{X: trX(p.X), Y: trY(p.Y)}
	}
	ring = c.ClipPolygonXY(ring)
	if len(ring) == 0 {
		return
	}
	path := make(vg.Path, 0, len(ring)+1)
	path.Move(ring[0])
	for _, p := range ring[1:] {
		path.Line(p)
	}
	path.Close()
	c.SetColor(a.Color)
	c.Fill(path)
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

// stepLine is st's steps from day start to the instant end: a vertex only where the value
// changes, so that a line has as many points as it has steps, at most two per column.
func stepLine(st Steps, start int64, x func(int64) float64, end float64) plotter.XYs {
	v := st.At(start)
	pts := plotter.XYs{{X: x(start), Y: float64(v)}}
	for _, s := range st {
		if s.Day > start {
			pts = append(pts, plotter.XY{X: x(s.Day), Y: float64(v)}, plotter.XY{X: x(s.Day), Y: float64(s.Value)})
			v = s.Value
		}
	}
	return append(pts, plotter.XY{X: end, Y: float64(v)})
}

// stepArea is the region under st's steps, closed along zero.
func stepArea(st Steps, start int64, x func(int64) float64, end float64) plotter.XYs {
	pts := stepLine(st, start, x, end)
	return append(pts, plotter.XY{X: end, Y: 0}, plotter.XY{X: x(start), Y: 0})
}

// monthTicks marks the time axis (Unix seconds) at the first of a month. Labels go every 1,
// 2, 3, 6 or 12 months, or every 2, 5, 10, 20, 50, 100… years, whichever keeps at most ten;
// unlabelled marks go every month between labels a year apart or less, every year between
// labels up to ten years apart, and at tenths beyond. So an axis has about a hundred marks at
// most, whether it spans months or, with a record dated year 1, two thousand years.
type monthTicks struct{ lang render.Lang }

// labelMonths are the steps between labels, in months, smallest first.
var labelMonths = []int{1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000}

// Ticks implements plot.Ticker.
func (m monthTicks) Ticks(lo, hi float64) []plot.Tick {
	from, to := time.Unix(int64(lo), 0).UTC(), time.Unix(int64(hi), 0).UTC()
	index := func(t time.Time) int { return t.Year()*12 + int(t.Month()) - 1 } // months since year 0
	months := index(to) - index(from) + 1
	step := labelMonths[len(labelMonths)-1]
	for _, s := range labelMonths {
		if months/s <= 10 {
			step = s
			break
		}
	}
	minor := 1
	switch {
	case step >= 240:
		minor = step / 10
	case step > 12:
		minor = 12
	}
	var ticks []plot.Tick
	for i := (index(from) + minor - 1) / minor * minor; i <= index(to); i += minor {
		t := time.Date(i/12, time.Month(i%12+1), 1, 0, 0, 0, 0, time.UTC)
		if t.Before(from) || t.After(to) {
			continue
		}
		label := ""
		if i%step == 0 {
			label = render.ChartMonth(m.lang, t)
		}
		ticks = append(ticks, plot.Tick{Value: float64(t.Unix()), Label: label})
	}
	return ticks
}

// personnelTicks is gonum/plot's default ticks on the personnel axis, labelled as the reader's
// language writes numbers: "2,500", "2 500", "2500".
type personnelTicks struct{ lang render.Lang }

// Ticks implements plot.Ticker.
func (pt personnelTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	for i, t := range ticks {
		if t.Label != "" {
			ticks[i].Label = render.Number(pt.lang, int64(math.Round(t.Value)))
		}
	}
	return ticks
}
