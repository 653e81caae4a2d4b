package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"liaison/storage"
)

type noGuilds struct{}

func (noGuilds) Guild(context.Context, string) (storage.Guild, error) { return storage.Guild{}, nil }

// TestNewRouterRefusesUndeclaredAccess: a route without a declared access, or without a
// handler, stops the start instead of being open to everyone.
func TestNewRouterRefusesUndeclaredAccess(t *testing.T) {
	run := func(context.Context, *Request) (*Reply, error) { return nil, nil }
	tests := []struct {
		name string
		cmd  *Command
		want string // part of the error; "" for none
	}{
		{"declared", &Command{Name: "a", Description: "d", Routes: []Route{{Access: Everyone, Run: run}}}, ""},
		{"undeclared", &Command{Name: "a", Description: "d", Routes: []Route{{Run: run}}}, "no access declared"},
		{"undeclared sub", &Command{Name: "a", Description: "d", Routes: []Route{
			{Name: "x", Access: Admin, Run: run}, {Name: "y", Run: run}}}, `"a y": no access declared`},
		{"no handler", &Command{Name: "a", Description: "d", Routes: []Route{{Access: Moderator}}}, "no handler"},
		{"out of range", &Command{Name: "a", Description: "d", Routes: []Route{{Access: Admin + 1, Run: run}}}, "no access declared"},
		{"no routes", &Command{Name: "a", Description: "d"}, "at least one route"},
	}
	for _, tt := range tests {
		_, err := NewRouter(slog.New(slog.DiscardHandler), noGuilds{}, []*Command{tt.cmd})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: NewRouter error %v, want none", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: NewRouter error %v, want one mentioning %q", tt.name, err, tt.want)
		}
	}
}

// TestDefinitionFromRoutes: the Discord definition is derived from the routes, with the access
// marked in the descriptions.
func TestDefinitionFromRoutes(t *testing.T) {
	run := func(context.Context, *Request) (*Reply, error) { return nil, nil }
	c := &Command{Name: "flight", Description: "Flights", Routes: []Route{
		{Name: "cancel", Description: "Cancel a flight", Access: Moderator, Run: run},
		{Name: "show", Description: "Show a flight", Access: Everyone, Run: run}}}
	def := c.Definition()
	if len(def.Options) != 2 || def.Options[0].Name != "cancel" || def.Options[0].Description != "Cancel a flight (moderators)" ||
		def.Options[1].Description != "Show a flight" {
		t.Errorf("Definition() options = %+v, %+v", def.Options[0], def.Options[1])
	}
	flat := &Command{Name: "export", Description: "Download records", Routes: []Route{{Access: Moderator, Run: run}}}
	if d := flat.Definition(); d.Description != "Download records (moderators)" {
		t.Errorf("flat Definition().Description = %q", d.Description)
	}
}
