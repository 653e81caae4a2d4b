package bot

import (
	"github.com/bwmarrin/discordgo"
)

// Form is a Discord modal that a button opens: a title and one-line text inputs. Its submit
// comes back to the route whose key begins CustomID, through the router's access check like
// the button, and its handler reads each input as a string option of the input's ID. Forms are
// built from action rows of text inputs, the shape discordgo v0.29.0 decodes on submit.
type Form struct {
	CustomID string
	Title    string
	Fields   []FormField
}

// FormField is one text input of a form.
type FormField struct {
	ID          string // the option name the handler reads
	Label       string
	Placeholder string
	Required    bool
	Max         int    // characters; 0 leaves Discord's limit
	Paragraph   bool   // several lines (a paragraph input) rather than one
	Value       string // the text the input opens with
}

// formResponse is the MODAL answer that opens f.
func formResponse(f *Form) *discordgo.InteractionResponse {
	rows := make([]discordgo.MessageComponent, 0, len(f.Fields))
	for _, fl := range f.Fields {
		style := discordgo.TextInputShort
		if fl.Paragraph {
			style = discordgo.TextInputParagraph
		}
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
			CustomID: fl.ID, Label: fl.Label, Style: style, Placeholder: fl.Placeholder,
			Required: fl.Required, MaxLength: fl.Max, Value: fl.Value}}})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{CustomID: f.CustomID, Title: f.Title, Components: rows}}
}

// formOptions reads a submitted form's inputs as the string options a command would carry, so
// that flatten checks their text as it checks every option, and a handler reads them alike.
func formOptions(comps []discordgo.MessageComponent) []*discordgo.ApplicationCommandInteractionDataOption {
	var out []*discordgo.ApplicationCommandInteractionDataOption
	add := func(c discordgo.MessageComponent) {
		var in discordgo.TextInput
		switch t := c.(type) {
		case discordgo.TextInput:
			in = t
		case *discordgo.TextInput:
			in = *t
		default:
			return
		}
		if in.Value == "" {
			return // a field left empty is an option not given
		}
		out = append(out, &discordgo.ApplicationCommandInteractionDataOption{Name: in.CustomID,
			Type: discordgo.ApplicationCommandOptionString, Value: in.Value})
	}
	for _, row := range comps {
		switch r := row.(type) {
		case discordgo.ActionsRow:
			for _, c := range r.Components {
				add(c)
			}
		case *discordgo.ActionsRow:
			for _, c := range r.Components {
				add(c)
			}
		}
	}
	return out
}

// fromMessage reports whether i is a button press, or a form opened from a button, on a
// message: its answer may update that message (UPDATE_MESSAGE) instead of posting a new one.
func fromMessage(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		return true
	case discordgo.InteractionModalSubmit:
		return i.Message != nil
	}
	return false
}
