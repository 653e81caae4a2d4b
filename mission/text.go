package mission

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// CheckText refuses text that would break storage or mislead a reader: invalid UTF-8, NUL and
// other control characters (Postgres refuses NUL outright; SQLite stores it and cuts the text
// in other programs), newlines unless multiline (a note may have lines; a unit may not), and
// the bidirectional overrides and isolates U+202A–U+202E and U+2066–U+2069, which make text
// read differently from what it means (U+202E + "TG" reads "GT" but means Togo).
func CheckText(s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return Refuse(EInvalid, "text.utf8")
	}
	for i, r := range s {
		switch {
		case r == '\n' && multiline:
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return Refuse(EInvalid, "text.bidi", "Position", utf8.RuneCountInString(s[:i])+1, "Code", fmt.Sprintf("U+%04X", r))
		case r == '\n':
			return Refuse(EInvalid, "text.line_break", "Position", utf8.RuneCountInString(s[:i])+1)
		case unicode.IsControl(r):
			return Refuse(EInvalid, "text.control", "Position", utf8.RuneCountInString(s[:i])+1, "Code", fmt.Sprintf("U+%04X", r))
		}
	}
	return nil
}
