package bot

import (
	"context"
	"encoding/json"
	"strconv"
)

// Attachment sizes a reply may carry. Discord sends, with each interaction, the largest file
// that interaction's answer may attach (attachment_size_limit: 10 MiB on an ordinary server,
// more on boosted ones). The value comes from the request body, which a signed request does not
// make trustworthy, so the doors hand it to handlers only after AttachmentLimit re-checked it.
const (
	// AttachmentFloor is the limit every server has, and what a handler gets when the
	// interaction said nothing (the console, an older payload) or something impossible.
	AttachmentFloor int64 = 10 << 20
	// AttachmentCeiling is the largest limit believed: Discord's largest upload (Nitro's) is
	// 500 MiB, so a value above it is forged, and gets the floor rather than an invitation to
	// buffer gigabytes.
	AttachmentCeiling int64 = 500 << 20
	// MessageUploadLimit is what all the files of one message may weigh together, as far as
	// Discord documents it for bots: 25 MiB, or one file's limit when a boosted server allows
	// a single file larger than that. See MessageUpload.
	MessageUploadLimit int64 = 25 << 20
	// MaxMessageFiles is how many files one message may carry.
	MaxMessageFiles = 10
)

// AttachmentLimit is the re-checked limit of a raw attachment_size_limit: the floor when it is
// missing (0), negative or above AttachmentCeiling. A positive value below the floor is kept:
// it only makes the bot more careful.
func AttachmentLimit(raw int64) int64 {
	if raw <= 0 || raw > AttachmentCeiling {
		return AttachmentFloor
	}
	return raw
}

// MessageUpload is the most the files of one message may weigh together when each may weigh
// limit.
func MessageUpload(limit int64) int64 {
	return max(limit, MessageUploadLimit)
}

// sizeLimit is attachment_size_limit as a payload carries it. Anything but a JSON integer in
// int64's range (a string, 1e30, null) reads as 0, no limit at all, which AttachmentLimit turns
// into the floor: a malformed limit never costs the interaction its answer.
type sizeLimit int64

// UnmarshalJSON reads the limit leniently; it never fails.
func (l *sizeLimit) UnmarshalJSON(b []byte) error {
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		n = 0
	}
	*l = sizeLimit(n)
	return nil
}

// attachmentLimitOf reads attachment_size_limit alone from an interaction payload, re-checked:
// the gateway's, whose interaction discordgo has already decoded without it. The HTTP endpoint
// reads it in its one decode of the body (decodeInteraction).
func attachmentLimitOf(payload []byte) int64 {
	var l struct {
		AttachmentSizeLimit sizeLimit `json:"attachment_size_limit"`
	}
	if err := json.Unmarshal(payload, &l); err != nil {
		return AttachmentFloor
	}
	return AttachmentLimit(int64(l.AttachmentSizeLimit))
}

type attachmentLimitKey struct{}

// WithAttachmentLimit is ctx carrying the interaction's attachment limit from a door to the
// router, which puts it, re-checked, in the Request. Router.Handle keeps its signature, so a
// door (or a test) that sets none gives handlers the floor.
func WithAttachmentLimit(ctx context.Context, limit int64) context.Context {
	return context.WithValue(ctx, attachmentLimitKey{}, limit)
}

// attachmentLimitFrom is the re-checked limit ctx carries; the floor when it carries none.
func attachmentLimitFrom(ctx context.Context) int64 {
	l, _ := ctx.Value(attachmentLimitKey{}).(int64)
	return AttachmentLimit(l)
}
