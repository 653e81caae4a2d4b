package bot

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestDecodeInteractionAsDiscordgo: the HTTP endpoint's one decode of a body gives the
// interaction discordgo's own UnmarshalJSON gives, for every kind of interaction, and the
// attachment limit the gateway reads from the same payload; a body discordgo refuses is refused.
func TestDecodeInteractionAsDiscordgo(t *testing.T) {
	member := `"member":{"user":{"id":"1100000000000000200","username":"alice","global_name":"Alice"},"roles":["1100000000000000300"],"joined_at":"2024-11-02T09:00:00Z","permissions":"2147483648"}`
	head := `"id":"1400000000000000001","application_id":"1100000000000000001","token":"dG9rZW4","version":1,"guild_id":"1100000000000000010","channel_id":"1100000000000000100","locale":"fr","guild_locale":"en-US","app_permissions":"8",` + member
	for _, tc := range []struct {
		name  string
		body  string
		limit int64
	}{
		{"ping", `{"id":"1","application_id":"2","type":1,"token":"t","version":1}`, AttachmentFloor},
		{"command", `{"type":2,` + head + `,"attachment_size_limit":52428800,"data":{"id":"1300000000000000001","name":"arrival","type":1,"options":[{"name":"log","type":1,"options":[{"name":"country","type":3,"value":"GT"},{"name":"personnel","type":4,"value":75}]}],"resolved":{"users":{"1":{"id":"1","username":"bob"}}}}}`, 50 << 20},
		{"autocomplete", `{"type":4,` + head + `,"attachment_size_limit":10485760,"data":{"id":"1","name":"forces","type":1,"options":[{"name":"country","type":3,"value":"Ke","focused":true}]}}`, 10 << 20},
		{"button", `{"type":3,` + head + `,"attachment_size_limit":26214400,"data":{"custom_id":"arrivals:page:2","component_type":2},"message":{"id":"5","channel_id":"1100000000000000100","content":"Page 1 of 3"}}`, 25 << 20},
		{"modal", `{"type":5,` + head + `,"data":{"custom_id":"note","components":[{"type":1,"components":[{"type":4,"custom_id":"text","value":"hello"}]}]}}`, AttachmentFloor},
		{"limit before the data", `{"attachment_size_limit":20000,"type":2,` + head + `,"data":{"id":"1","name":"export","type":1}}`, 20000},
		{"limit a string", `{"type":2,` + head + `,"attachment_size_limit":"20000","data":{"id":"1","name":"export","type":1}}`, AttachmentFloor},
		{"limit a float", `{"type":2,` + head + `,"attachment_size_limit":1e30,"data":{"id":"1","name":"export","type":1}}`, AttachmentFloor},
		{"limit null", `{"type":2,` + head + `,"attachment_size_limit":null,"data":{"id":"1","name":"export","type":1}}`, AttachmentFloor},
		{"limit forged", `{"type":2,` + head + `,"attachment_size_limit":1099511627776,"data":{"id":"1","name":"export","type":1}}`, AttachmentFloor},
		{"limit an object", `{"type":2,` + head + `,"attachment_size_limit":{"a":[1,2]},"data":{"id":"1","name":"export","type":1}}`, AttachmentFloor},
		{"unknown type", `{"type":99,` + head + `,"data":{"whatever":true}}`, AttachmentFloor},
	} {
		var want discordgo.Interaction
		if err := json.Unmarshal([]byte(tc.body), &want); err != nil {
			t.Fatalf("%s: discordgo refuses the test's body: %v", tc.name, err)
		}
		got, err := decodeInteraction([]byte(tc.body))
		if err != nil {
			t.Errorf("decodeInteraction(%s) = %v, want discordgo's interaction", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(*got.Interaction, want) {
			t.Errorf("decodeInteraction(%s) = %+v, want %+v", tc.name, *got.Interaction, want)
		}
		if got.AttachmentLimit != tc.limit {
			t.Errorf("decodeInteraction(%s) limit = %d, want %d", tc.name, got.AttachmentLimit, tc.limit)
		}
		if gw := attachmentLimitOf([]byte(tc.body)); gw != got.AttachmentLimit {
			t.Errorf("%s: the gateway reads limit %d, the HTTP endpoint %d", tc.name, gw, got.AttachmentLimit)
		}
	}

	for _, tc := range []struct{ name, body string }{
		{"not JSON", `hello`},
		{"cut short", `{"type":2,"id":"1"`},
		{"command without data", `{"type":2,"id":"1"}`},
		{"data of the wrong shape", `{"type":3,"id":"1","data":{"custom_id":5}}`},
		{"permissions not a string", `{"type":2,"id":"1","app_permissions":8,"data":{"name":"x"}}`},
	} {
		var dg discordgo.Interaction
		if json.Unmarshal([]byte(tc.body), &dg) == nil {
			t.Fatalf("%s: discordgo accepts the test's body", tc.name)
		}
		if got, err := decodeInteraction([]byte(tc.body)); err == nil {
			t.Errorf("decodeInteraction(%s) = %+v, want an error as discordgo gives", tc.name, got)
		}
	}
}
