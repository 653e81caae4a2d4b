package commands

import (
	"context"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"liaison/bot"
	"liaison/discordtext"
	"liaison/locale"
	"liaison/mission"
	"liaison/render"
	"liaison/storage"
)

// reportOptions are the options of /report log (value and source required), optional again
// under /report edit.
func reportOptions(required bool) []*discordgo.ApplicationCommandOption {
	figures, qualifiers, roles := mission.Figures(), mission.Qualifiers(), mission.Roles()
	return []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionInteger, Name: "value", Description: "desc.report.value", Required: required,
			MinValue: ptr(0.0), MaxValue: mission.MaxPlanned},
		optString("source", "desc.report.source", required, mission.MaxLongText),
		optChoice("figure", "desc.report.figure", false, mission.Strings(figures[:]...)...),
		optChoice("qualifier", "desc.report.qualifier", false, mission.Strings(qualifiers[:]...)...),
		optCountry(false),
		optChoice("role", "desc.report.role", false, mission.Strings(roles[:]...)...),
		optWhen("as_of", "desc.report.as_of", false),
		optString("note", "desc.opt.note", false, mission.MaxLongText),
	}
}

// reportCommand keeps reported figures: what a source said about the force, beside the ledger
// and never in it. Moderators log, edit and delete them; everyone reads them in /reports and
// /forces.
func reportCommand(d Deps) *bot.Command {
	complete := func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
		switch req.Focused {
		case "country":
			return countryChoices(req, "country"), nil
		case "id":
			return reportChoices(ctx, d, req)
		}
		return nil, nil
	}
	idOpt := optID("id", "desc.report.id", true)
	return &bot.Command{
		Name:        "report",
		Description: "desc.report",
		Routes: []bot.Route{
			{Name: "log", Description: "desc.report.log", Access: bot.Moderator, Options: reportOptions(true), Autocomplete: complete,
				Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return logReport(ctx, d, req) }},
			{Name: "edit", Description: "desc.report.edit", Access: bot.Moderator, Autocomplete: complete,
				Options: append([]*discordgo.ApplicationCommandOption{idOpt}, reportOptions(false)...),
				Run:     func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return editReport(ctx, d, req) }},
			{Name: "delete", Description: "desc.report.delete", Access: bot.Moderator, Autocomplete: complete,
				Options: []*discordgo.ApplicationCommandOption{idOpt},
				Run:     func(ctx context.Context, req *bot.Request) (*bot.Reply, error) { return deleteReport(ctx, d, req) }},
			draftRoute(d),
		},
	}
}

// reportFields reads the options shared by log and edit into r; it reports whether any was
// given. Each value is checked again here (a signed request is untrusted) and once more by
// storage's rule for reported figures, which every door meets.
func reportFields(req *bot.Request, r *storage.Report) (bool, error) {
	given := false
	if n, ok, err := req.Int("value"); err != nil {
		return false, err
	} else if ok {
		if n < 0 || n > mission.MaxPlanned {
			return false, mission.Refuse(mission.EInvalid, "report.err.value", "Max", mission.Figure(mission.MaxPlanned), "Value", n).WithExample("report.example")
		}
		r.Value, given = int(n), true
	}
	if v, ok, err := text(req, "source", mission.MaxLongText); err != nil {
		return false, err
	} else if ok {
		r.Source, given = v, true
	}
	if v, ok := req.String("figure"); ok {
		f, err := mission.ParseFigure(v)
		if err != nil {
			return false, mission.InvalidWith(err, "report.example")
		}
		r.Figure, given = f, true
	}
	if v, ok := req.String("qualifier"); ok {
		q, err := mission.ParseQualifier(v)
		if err != nil {
			return false, mission.InvalidWith(err, "report.example")
		}
		r.Qualifier, given = q, true
	}
	if c, ok, err := country(req, "country"); err != nil {
		return false, err
	} else if ok {
		r.Country, given = c, true
	}
	if v, ok := req.String("role"); ok && v != "" {
		rl, err := role(req)
		if err != nil {
			return false, err
		}
		r.Role, given = rl, true
	}
	if t, ok, err := happened(req, "as_of", req.Now, inputExample("report.example")); err != nil {
		return false, err
	} else if ok {
		r.AsOf, given = t, true
	}
	if v, ok, err := text(req, "note", mission.MaxLongText); err != nil {
		return false, err
	} else if ok {
		r.Note, given = v, true
	}
	return given, nil
}

func logReport(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	r := storage.Report{AsOf: req.Now}
	if _, err := reportFields(req, &r); err != nil {
		return nil, err
	}
	if _, ok, _ := req.Int("value"); !ok || r.Source == "" {
		return nil, mission.Refuse(mission.EInvalid, "cmd.opt.required", "Option", "value, source").WithExample("report.example")
	}
	r, err := d.Store.LogReport(ctx, req.Actor(), r)
	if err != nil {
		return nil, err
	}
	return reportDone(ctx, d, req, "report.logged", r)
}

func editReport(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	id, err := recordID(req, "id", "report.edit.example")
	if err != nil {
		return nil, err
	}
	given := false
	r, err := d.Store.EditReport(ctx, req.Actor(), id, func(r *storage.Report) error {
		var err error
		given, err = reportFields(req, r)
		if err == nil && !given {
			err = mission.Refuse(mission.EInvalid, "cmd.opt.nothing_to_change").WithExample("report.edit.example")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return reportDone(ctx, d, req, "report.edited", r)
}

func deleteReport(ctx context.Context, d Deps, req *bot.Request) (*bot.Reply, error) {
	id, err := recordID(req, "id", "report.edit.example")
	if err != nil {
		return nil, err
	}
	r, err := d.Store.DeleteReport(ctx, req.Actor(), id)
	if err != nil {
		return nil, err
	}
	return done(req, "report.deleted", "ID", r.ID), nil
}

// reportDone answers a logged or edited figure with its line beside the ledger of its day.
func reportDone(ctx context.Context, d Deps, req *bot.Request, key string, r storage.Report) (*bot.Reply, error) {
	l, err := d.Store.Ledger(ctx, req.GuildID)
	if err != nil {
		return nil, err
	}
	return done(req, key, "ID", r.ID, "Line", render.ReportLine(langOf(req), l.View(r))), nil
}

// reportChoices autocompletes a reported figure's #ID from the guild's own.
func reportChoices(ctx context.Context, d Deps, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
	list, err := d.Store.FindReports(ctx, req.GuildID, focusedDigits(req), discordtext.MaxChoices)
	if err != nil {
		return nil, err
	}
	lang := langOf(req)
	out := make([]*discordgo.ApplicationCommandOptionChoice, 0, len(list))
	for _, r := range list {
		name := fmt.Sprintf("#%d · %s · %s · %s", r.ID, r.AsOf.In(req.Location()).Format(locale.T(lang, "layout.date_time")),
			render.ReportAmount(lang, r), r.Source)
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: discordtext.Truncate(name, discordtext.MaxChoiceName), Value: r.ID})
	}
	return out, nil
}

// reportsCommand lists every reported figure beside the ledger of its day, the largest
// disagreement first, with pages; country narrows it to one country's.
func reportsCommand(d Deps) *bot.Command {
	return &bot.Command{Name: "reports", Description: "desc.reports", Routes: []bot.Route{{
		Access:  bot.Everyone,
		Options: []*discordgo.ApplicationCommandOption{optCountry(false)},
		Run: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			c, _, err := country(req, "country")
			if err != nil {
				return nil, err
			}
			return reportsPage(ctx, d, req, c, pageKey{})
		},
		Component: func(ctx context.Context, req *bot.Request) (*bot.Reply, error) {
			page, state, err := parsePage(req.CustomID)
			if err != nil {
				return nil, err
			}
			return updated(reportsPage(ctx, d, req, state, page))
		},
		Autocomplete: func(ctx context.Context, req *bot.Request) ([]*discordgo.ApplicationCommandOptionChoice, error) {
			return countryChoices(req, "country"), nil
		},
	}}}
}

// reportsPage is one page of /reports; country ("" for all) travels in the buttons' state.
func reportsPage(ctx context.Context, d Deps, req *bot.Request, country string, page pageKey) (*bot.Reply, error) {
	lang := langOf(req)
	v, err := pageOf(page, discordtext.MaxDescription, func(offset, limit int) ([]string, int64, error) {
		shown, total, err := d.Store.ReportsPage(ctx, req.GuildID, country, offset, limit)
		lines := make([]string, len(shown))
		for i, r := range shown {
			lines[i] = render.ReportLine(lang, r)
		}
		return lines, total, err
	})
	if err != nil {
		return nil, err
	}
	title := locale.T(lang, "report.title")
	if country != "" {
		title += " — " + render.Country(lang, country)
	}
	e := listEmbed(lang, title, v, locale.T(lang, "report.empty"))
	if v.total > 0 {
		footer := locale.T(lang, "report.footer")
		if e.Footer != nil && e.Footer.Text != "" {
			footer = e.Footer.Text + " · " + footer
		}
		e.Footer = &discordgo.MessageEmbedFooter{Text: footer}
	}
	return &bot.Reply{Embeds: []*discordgo.MessageEmbed{e}, Components: pager(lang, "reports", v, country)}, nil
}
