package chart

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"

	"liaison/render"
)

// TestCanvasDrawsAsVgimg: the canvas that draws straight onto one picture gives, byte for byte,
// the PNG of the canvas vgimg builds for itself (which copies its picture once more), for a
// chart with every kind of mark: stacked layers, the pledged line, the planned line and the
// mandate's end.
func TestCanvasDrawsAsVgimg(t *testing.T) {
	end := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	s := Series{Lang: render.Lang("fr"), Text: render.ForceChartText(render.Lang("fr"), "MSS", "", time.Unix(20007*86400, 0)), Start: 20000, Today: 20007, Now: time.Unix(20007*86400+3600, 0), Edge: time.Unix(20009*86400, 0),
		Layers: []Layer{
			{Name: "Kenya", Colour: Palette[0], Steps: Steps{{20001, 200}, {20003, 400}, {20005, 800}}},
			{Name: "Guatemala", Colour: Palette[1], Steps: Steps{{20002, 75}, {20004, 150}}},
		},
		Pledged: Steps{{20000, 1000}, {20002, 1500}, {20005, 2500}}, Planned: Steps{{20000, 2500}}, MandateEnd: &end}
	got, err := Draw(s)
	if err != nil {
		t.Fatal(err)
	}
	want, err := drawOn(s, vgimg.NewWith(vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi), vgimg.UseDPI(dpi)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Draw's PNG (%d bytes) differs from vgimg's own canvas's (%d bytes)", len(got), len(want))
	}
}

// TestDrawAllocatesOnePicture: a chart allocates less than two Width×Height RGBA pictures in
// all (4.7 MB; 7.5 MB when vgimg built its canvas, copying its picture into a second one), so
// that the heap a busy bot grows to while it draws stays small. Not parallel: it reads the
// process's allocation counter.
func TestDrawAllocatesOnePicture(t *testing.T) {
	end := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	s := Series{Lang: render.English, Text: render.ForceChartText(render.English, "MSS", "", time.Unix(20003*86400, 0)), Start: 20000, Today: 20003, Now: time.Unix(20003*86400+3600, 0), Edge: time.Unix(20005*86400, 0),
		Layers: []Layer{{Name: "Kenya", Colour: Palette[0], Steps: Steps{{20001, 200}, {20003, 400}}}}, Planned: Steps{{20000, 2500}}, MandateEnd: &end}
	if _, err := Draw(s); err != nil { // fonts and caches filled once, as in a running bot
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if _, err := Draw(s); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	const picture = Width * Height * 4
	if got := after.TotalAlloc - before.TotalAlloc; got >= 2*picture {
		t.Errorf("Draw allocated %.1f MB, want under two pictures (%.1f MB)", float64(got)/(1<<20), float64(2*picture)/(1<<20))
	}
}
