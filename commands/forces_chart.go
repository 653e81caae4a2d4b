package commands

import (
	"context"
	"time"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/chart"
	"liaison/mission"
)

// optChart is /forces' chart option: a picture of the force levels over time beside the text.
func optChart() *discordgo.ApplicationCommandOption {
	return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionBoolean, Name: "chart",
		Description: "desc.forces.chart"}
}

// wantsChart reports whether /forces was asked for its chart. Discord sends a boolean option as
// a JSON boolean; anything else cannot come from its client and is refused.
func wantsChart(req *bot.Request) (bool, error) {
	o, ok := req.Options["chart"]
	if !ok || o == nil {
		return false, nil
	}
	v, ok := o.Value.(bool)
	if !ok {
		return false, mission.Refuse(mission.EInvalid, "cmd.forces.chart_bool").WithExample("cmd.forces.chart_bool.example")
	}
	return v, nil
}

// forcesChart is /forces with chart:true: the same answer as without, whole force or one
// country (c, when given), with the chart from since (zero: from the first record) attached as forces.png and shown in its embed. The
// chart reads one row per day and country that changed, and keeps at most one step per pixel
// column, so it costs the same however many arrivals the history holds and however far back
// the oldest lies; a slow render is covered by the router's deferral.
func forcesChart(ctx context.Context, d Deps, req *bot.Request, c string, given bool, since time.Time) (*bot.Reply, error) {
	var reply *bot.Reply
	var err error
	if given {
		reply, err = countryForces(ctx, d, req, c)
	} else {
		reply, err = allForces(ctx, d, req, 0)
		c = ""
	}
	if err != nil {
		return nil, err
	}
	ch, err := chart.Forces(ctx, d.Store, langOf(req), req.Guild, c, req.Now, chart.Options{Since: since})
	if err != nil {
		return nil, err
	}
	if len(reply.Embeds) > 0 {
		reply.Embeds[0].Image = &discordgo.MessageEmbedImage{URL: "attachment://" + chart.FileName}
	}
	reply.Files = append(reply.Files, bot.DescribedFile(chart.FileName, "image/png", ch.Description, ch.PNG))
	return reply, nil
}
