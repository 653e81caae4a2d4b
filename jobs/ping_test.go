package jobs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"liaison/storage"
)

// TestRemindersPingThePingRole: with /settings ping-role set, the reminder at the ETA and the
// overdue nudge mention that role, allowed_mentions lets nothing else ping (the nudge keeps its
// moderator role), and both carry the flight's Landed, Delay… and Cancel… buttons; a reminder
// before the ETA carries none.
func TestRemindersPingThePingRole(t *testing.T) {
	f := newFixture(t, storage.DriverSQLite)
	f.setGuild(t, "G", func(g *storage.Guild) { g.PingRoleID = "P1" })
	fl := f.flight(t, 90*time.Minute) // 1h before, at the ETA, and overdue
	buttons := fmt.Sprintf(`"flight land:post:%d","flight delay:post:%d","flight cancel:post:%d"`, fl.ID, fl.ID, fl.ID)
	ids := func(m Message) string {
		b, _ := json.Marshal(m.Components)
		var out []string
		for _, s := range strings.Split(string(b), `"custom_id":`)[1:] {
			out = append(out, s[:strings.Index(s[1:], `"`)+2])
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name    string
		advance time.Duration
		roles   []string
		buttons string
	}{
		{"1h before", 30 * time.Minute, []string{"P1"}, ""},
		{"at the ETA", time.Hour, []string{"P1"}, buttons},
		{"overdue", storage.OverdueAfter, []string{"R1", "P1"}, buttons},
	} {
		f.clock.Advance(tc.advance)
		before := len(f.poster.messages())
		f.dispatch(t)
		msgs := f.poster.messages()
		if len(msgs) != before+1 {
			t.Fatalf("%s: posted %d messages, want 1", tc.name, len(msgs)-before)
		}
		m := msgs[len(msgs)-1]
		if !strings.Contains(m.Content, "<@&P1>") {
			t.Errorf("%s: content %q does not mention the ping role", tc.name, m.Content)
		}
		if am := m.AllowedMentions; am == nil || am.Parse == nil || len(am.Parse) != 0 || !slices.Equal(am.Roles, tc.roles) || len(am.Users) != 0 {
			t.Errorf("%s: allowed_mentions = %+v, want parse [] and roles %v", tc.name, am, tc.roles)
		}
		if got := ids(m); got != tc.buttons {
			t.Errorf("%s: buttons %s, want %s", tc.name, got, tc.buttons)
		}
	}
}
