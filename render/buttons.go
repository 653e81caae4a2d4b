package render

import (
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"liaison/locale"
)

// FlightAction is a button a flight's post carries: the /flight route it runs, named as that
// route is, so that the router sends the press to the command's own handler.
type FlightAction string

// The actions of a flight's post.
const (
	FlightLand   FlightAction = "land"
	FlightDelay  FlightAction = "delay"
	FlightCancel FlightAction = "cancel"
)

// FlightActions are every action of an open flight's post, in the order the buttons show.
func FlightActions() []FlightAction { return []FlightAction{FlightLand, FlightDelay, FlightCancel} }

// postState begins the state of a post button's custom_id: what follows is the flight's ID.
const postState = "post:"

// FlightButtonID is the custom_id of action's button on flight id's post: the route key
// ("flight land"), ":", then "post:<id>" (as bot.ComponentID builds it). It holds all the press
// needs, so the button works after a restart and on any instance.
func FlightButtonID(a FlightAction, id int64) string {
	return "flight " + string(a) + ":" + postState + strconv.FormatInt(id, 10)
}

// FlightOfButton reads the flight's ID back from a post button's state ("post:12").
func FlightOfButton(state string) (int64, bool) {
	s, ok := strings.CutPrefix(state, postState)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// FlightButtons is the row of a flight's post, in lang: one button per action.
func FlightButtons(lang Lang, id int64, actions []FlightAction) []discordgo.MessageComponent {
	if len(actions) == 0 {
		return []discordgo.MessageComponent{}
	}
	row := discordgo.ActionsRow{}
	for _, a := range actions {
		style := discordgo.SecondaryButton
		switch a {
		case FlightLand:
			style = discordgo.SuccessButton
		case FlightCancel:
			style = discordgo.DangerButton
		}
		row.Components = append(row.Components, discordgo.Button{Label: locale.T(lang, "post.button."+string(a)),
			Style: style, CustomID: FlightButtonID(a, id)})
	}
	return []discordgo.MessageComponent{row}
}
