package mission

import (
	"errors"
	"fmt"
	"strings"
	"time"
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

// Text is a message for a reader, not yet in their language: its catalog key and its
// variables as name, value pairs ("Country", "GT"). The router writes it in the reader's
// language through package locale; mission itself knows no language.
type Text struct {
	Key  string
	Args []any
}

// Figure is a count of personnel as a message variable: each language groups its digits its
// way, and a negative one (a total an edit would take below zero) takes a minus sign, not a
// hyphen.
type Figure int64

// Moment is a time as a message variable: each reader sees it as Discord shows a timestamp,
// in their own time zone and language, with how far it is from now ("mardi 8 décembre 2026
// 09:00, dans 32 heures"), rather than an ISO string with an offset they must work out.
type Moment time.Time

// Day is a calendar day as a message variable, written in words as the reader's language writes
// it ("Monday 2 December 2024", "lundi 2 décembre 2024"): the days of a running total are whole
// days, so neither a time nor an ISO date belongs in the sentence.
type Day time.Time

// Texts are sentences written one after the other, each in the reader's language, separated by
// "; " (the questions of a manifest's entries).
type Texts []Text

// Choices are machine words a message lists as what may be typed (CSV values, option
// values: "arrival, departure"): they stay as they are in every language, so each is written
// as code ("`arrival`, `departure`") for a reader; String is the plain list, for logs.
type Choices []string

func (c Choices) String() string { return strings.Join(c, ", ") }

// OptionChoices are the values an option's choices send, as a message variable: each reader
// sees them named as Discord's client lists them in their language (choice.<option>.<value>:
// `relève` for reason:rotation), which is also what the console reads.
type OptionChoices struct {
	Option string
	Values []string
}

// T builds a Text.
func T(key string, args ...any) Text { return Text{Key: key, Args: args} }

// String is the text as logs show it: the key and its variables, key(Name=value, …).
func (t Text) String() string {
	if len(t.Args) == 0 {
		return t.Key
	}
	var b strings.Builder
	b.WriteString(t.Key + "(")
	for i := 0; i+1 < len(t.Args); i += 2 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%v=%v", t.Args[i], t.Args[i+1])
	}
	return b.String() + ")"
}

// Error is an error a user can act on. Text says what was wrong (Msg instead, for an error of
// another package that InvalidWith passes on as it is); ExampleText is a valid input, shown
// under it as an example; HintText is the next step where there is nothing to retype (ask an
// admin, find the #ID first), shown as a sentence of its own, never as an "Example:".
//
// Cause, when set, is the error of another library that Text reports (cron's reason for
// refusing a schedule, in English): Unwrap returns it.
type Error struct {
	Kind        ErrorKind
	Text        Text
	ExampleText Text
	HintText    Text
	Msg         string
	Cause       error
}

// Unwrap returns the library error Text reports, if any.
func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) Error() string {
	msg := e.Msg
	if e.Text.Key != "" {
		msg = e.Text.String()
	}
	if e.HintText.Key != "" {
		msg += "\nHint: " + e.HintText.String()
	}
	if e.ExampleText.Key != "" {
		msg += "\nExample: " + e.ExampleText.String()
	}
	return msg
}

// Refuse is an error of kind k whose message is the catalog text key with its variables.
func Refuse(k ErrorKind, key string, args ...any) *Error {
	return &Error{Kind: k, Text: T(key, args...)}
}

// WithExample adds the catalog text of a valid input.
func (e *Error) WithExample(key string, args ...any) *Error {
	e.ExampleText = T(key, args...)
	return e
}

// WithHint adds the catalog text of the next step, for a refusal that has no input to show
// instead: a sentence, not an example.
func (e *Error) WithHint(key string, args ...any) *Error {
	e.HintText = T(key, args...)
	return e
}

// Is makes errors.Is(err, ErrNotFound) (and the other kind sentinels) match any error of that
// kind, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Msg == "" && t.Text.Key == "" && t.Kind == e.Kind
}

// Sentinels to test an error's kind with errors.Is.
var (
	ErrInvalid  = &Error{Kind: EInvalid}
	ErrNotFound = &Error{Kind: ENotFound}
	ErrConflict = &Error{Kind: EConflict}
	ErrDenied   = &Error{Kind: EDenied}
	ErrReplayed = &Error{Kind: EReplayed}
)

// TextOf is err's text for a reader: its catalog text when it is an *Error that has one, else
// its message as it is (a text key the catalog lacks is shown as given).
func TextOf(err error) Text {
	var e *Error
	if errors.As(err, &e) && e.Text.Key != "" {
		return e.Text
	}
	return T(err.Error())
}

// KindOf returns the kind of the first *Error in err's chain, or EInternal.
func KindOf(err error) ErrorKind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return EInternal
}

// InvalidWith turns a parser's error into an invalid-input error with the catalog text of a
// valid example: a parser's *Error keeps its own text and gains the example (when it has
// none); any other error's message is shown as it is.
func InvalidWith(err error, exampleKey string, args ...any) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.ExampleText.Key == "" {
			c.ExampleText = T(exampleKey, args...)
		}
		return &c
	}
	return &Error{Kind: EInvalid, Msg: err.Error(), ExampleText: T(exampleKey, args...)}
}

// HintWith turns a parser's or a rule's error into an invalid-input error with the catalog
// text of the next step (a future arrival is a flight to schedule), as InvalidWith does with an
// example.
func HintWith(err error, hintKey string, args ...any) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.HintText.Key == "" {
			c.HintText = T(hintKey, args...)
		}
		return &c
	}
	return &Error{Kind: EInvalid, Msg: err.Error(), HintText: T(hintKey, args...)}
}

// NotFound says that the record what #id does not exist in the caller's guild (a record of
// another guild does not exist there either).
func NotFound(what string, id int64) error {
	return Refuse(ENotFound, "error.not_found."+what, "ID", id).WithHint("error.not_found.example")
}

// Replayed says that the interaction of command was already carried out and has not been
// carried out again. It is a kind of its own rather than a conflict: the request was right, and
// the answer says so instead of asking for a correction.
func Replayed(command string) error {
	if command == "" {
		return Refuse(EReplayed, "error.replayed").WithHint("error.replayed.example")
	}
	return Refuse(EReplayed, "error.replayed_command", "Command", command).WithHint("error.replayed.example")
}
