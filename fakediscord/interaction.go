package fakediscord

import (
	"encoding/json"
	"fmt"

	"github.com/bwmarrin/discordgo"
)

// DefaultAttachmentSizeLimit is the attachment_size_limit Discord sends for an ordinary
// (unboosted) server: 10 MiB.
const DefaultAttachmentSizeLimit int64 = 10 << 20

// InteractionPayload is i as Discord sends it, with attachment_size_limit, the field of the
// interaction object that discordgo v0.29 has no place for. Tests sign it for the HTTP
// endpoint; DispatchInteraction sends it over the gateway. Any limit is written as given
// (a negative one too), so that tests can forge what a hostile body would carry.
func InteractionPayload(i *discordgo.Interaction, limit int64) ([]byte, error) {
	b, err := json.Marshal(i)
	if err != nil {
		return nil, fmt.Errorf("fakediscord: encode the interaction: %w", err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, fmt.Errorf("fakediscord: encode the interaction: %w", err)
	}
	obj["attachment_size_limit"], _ = json.Marshal(limit)
	return json.Marshal(obj)
}

// SetAttachmentSizeLimit is the attachment_size_limit of the interactions dispatched from now
// on (DefaultAttachmentSizeLimit until then), as a boosted server would raise it.
func (s *Server) SetAttachmentSizeLimit(limit int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attachmentLimit = &limit
}

// attachmentSizeLimitLocked is the limit dispatched interactions carry.
func (s *Server) attachmentSizeLimitLocked() int64 {
	if s.attachmentLimit == nil {
		return DefaultAttachmentSizeLimit
	}
	return *s.attachmentLimit
}
