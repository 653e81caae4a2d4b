package mission

import (
	"errors"
	"fmt"
)

// ErrorKind says whose an error is and how it is answered: the router maps each kind to a
// reply without reading the error's text.
type ErrorKind int

// Error kinds. EInternal is the zero value, so an error of no known kind is never shown to a
// user as if it were theirs to fix.
const (
	EInternal ErrorKind = iota // a fault of Liaison or its database: logged with a reference
	EInvalid                   // input the user can correct
	ENotFound                  // no such record in the caller's guild
	EConflict                  // the record's current state forbids the change
	EDenied                    // the caller lacks the access the route needs
	// EReplayed: the same interaction arrived again after it made its change (Discord's
	// signature stays valid for minutes, so a captured or redelivered request can be sent
	// twice); nothing was changed the second time.
	EReplayed
)

// Error is an error a user can act on. Msg is safe to show as is; Example is a valid input or
// the next step, shown under it.
type Error struct {
	Kind    ErrorKind
	Msg     string
	Example string
}

func (e *Error) Error() string {
	if e.Example == "" {
		return e.Msg
	}
	return e.Msg + "\nExample: " + e.Example
}

// Is makes errors.Is(err, ErrNotFound) (and the other kind sentinels) match any error of that
// kind, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Msg == "" && t.Kind == e.Kind
}

// Sentinels to test an error's kind with errors.Is.
var (
	ErrInvalid  = &Error{Kind: EInvalid}
	ErrNotFound = &Error{Kind: ENotFound}
	ErrConflict = &Error{Kind: EConflict}
	ErrDenied   = &Error{Kind: EDenied}
	ErrReplayed = &Error{Kind: EReplayed}
)

// KindOf returns the kind of the first *Error in err's chain, or EInternal.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EInternal
}

// Invalidf is an invalid-input error with a formatted message and a valid example.
func Invalidf(example, format string, args ...any) error {
	return &Error{Kind: EInvalid, Msg: fmt.Sprintf(format, args...), Example: example}
}

// Invalid turns a parser's user-safe error into an invalid-input error with an example; an
// *Error passes through unchanged.
func Invalid(err error, example string) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Kind: EInvalid, Msg: err.Error(), Example: example}
}

// NotFound says that the record what #id does not exist in the caller's guild (a record of
// another guild does not exist there either).
func NotFound(what string, id int64) error {
	return &Error{Kind: ENotFound, Msg: fmt.Sprintf("%s #%d does not exist in this server.", what, id),
		Example: "pick an #ID from the autocomplete list, or find it with /flights status:all, /arrivals or /history"}
}

// Conflict says that the record's state forbids a change, and what can be done instead.
func Conflict(hint, format string, args ...any) error {
	return &Error{Kind: EConflict, Msg: fmt.Sprintf(format, args...), Example: hint}
}

// Denied refuses a route to a caller without the access it needs.
func Denied(hint, format string, args ...any) error {
	return &Error{Kind: EDenied, Msg: fmt.Sprintf(format, args...), Example: hint}
}

// Replayed says that the interaction of command was already carried out and has not been
// carried out again. It is a kind of its own rather than a conflict: the request was right, and
// the answer says so instead of asking for a correction.
func Replayed(command string) error {
	what := "This request"
	if command != "" {
		what = "This " + command
	}
	return &Error{Kind: EReplayed, Msg: what + " was already carried out: the same request arrived twice. Nothing was changed again.",
		Example: "/history shows the change it made"}
}
