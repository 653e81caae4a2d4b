package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Poster posts one message in a channel and returns the message's ID. It is the door jobs uses
// to reach Discord (bot.DiscordPoster) or the terminal (bot.ConsolePoster).
//
// Post must honour Message.Nonce the way Discord does with enforce_nonce: posting the same
// nonce again shortly after returns the first message instead of creating a second one. That is
// what makes a retry after a crash between post and mark harmless.
//
// Errors should say whether retrying can help: see PostError, or implement
// RetryAfter() time.Duration and Permanent() bool on the error.
type Poster interface {
	Post(ctx context.Context, m Message) (messageID string, err error)
}

// Pacer is implemented by a Poster that knows Discord's rate limits ahead of a post (from the
// headers of earlier answers). ReadyIn is how long a post in the channel would wait on them
// now; the dispatcher waits that long before taking one of its Workers slots, so that a channel
// at its limit does not hold a slot other channels could post with.
type Pacer interface {
	ReadyIn(channelID string) time.Duration
}

// Message is one post in a guild's announcement channel.
type Message struct {
	ChannelID string
	// Nonce is the reminder's own nonce (at most 25 characters), the same on every attempt.
	Nonce   string
	Content string
	Embeds  []*discordgo.MessageEmbed
	// AllowedMentions limits whom the post may ping. Reminders ping nobody but the guild's ping
	// role (/settings ping-role); the overdue nudge may ping the moderator role too.
	AllowedMentions *discordgo.MessageAllowedMentions
	// Components are the post's buttons: a flight's Landed, Delay… and Cancel… (FlightButtons).
	Components []discordgo.MessageComponent
}

// PostError is a failed post, classified for the dispatcher. Posters may return it (wrapped or
// not) or any error with the same methods.
type PostError struct {
	// Status is the HTTP status, 0 for a network error or timeout.
	Status int
	// Code is Discord's JSON error code (10003 unknown channel, 50001 missing access, 50013
	// missing permissions), 0 when there is none.
	Code int
	// Retry is the 429's retry_after.
	Retry time.Duration
	// Final says that retrying cannot help (missing channel, missing permission, bad request).
	Final bool
	Err   error
}

func (e *PostError) Error() string {
	switch {
	case e.Err != nil && e.Status != 0:
		return fmt.Sprintf("HTTP %d: %v", e.Status, e.Err)
	case e.Err != nil:
		return e.Err.Error()
	}
	return fmt.Sprintf("HTTP %d (code %d)", e.Status, e.Code)
}

func (e *PostError) Unwrap() error { return e.Err }

// RetryAfter is how long Discord asked to wait (429), 0 otherwise.
func (e *PostError) RetryAfter() time.Duration { return e.Retry }

// Permanent says that the same post will fail again.
func (e *PostError) Permanent() bool { return e.Final }

// retryAfter returns the wait a rate-limited error asks for.
func retryAfter(err error) (time.Duration, bool) {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) && ra.RetryAfter() > 0 {
		return ra.RetryAfter(), true
	}
	return 0, false
}

// permanent reports whether err says that retrying cannot help. Anything unclassified (a
// network error, a timeout, a 5xx) is worth retrying.
func permanent(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}
