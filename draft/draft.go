// Package draft reads the text of a report (a press article, an official statement, a message
// forwarded into the channel) and drafts the records it holds: arrivals, departures, pledges,
// scheduled flights and reported figures, in English, French and Spanish (SPEC §9).
//
// It works as the event coders of news (TABARI, PETRARCH) do: a dictionary of actors
// (countries by name, demonym and force), of agents (the nouns for people and their roles) and
// of verbs, matched sentence by sentence, with the rules of what a careful person would not
// draft — the host country's forces, casualties, money, votes, times of day, counts of things,
// and what a sentence denies, postpones or calls off. A draft is only a proposal: a moderator
// confirms it, and every record goes through the same rules as a typed command.
package draft

import (
	"strings"
	"time"

	"liaison/mission"
)

// DefaultHost is the host country when the mission names none (SPEC §2).
const DefaultHost = "HT"

// Options are what the text alone does not say.
type Options struct {
	// Published is when the text was published: the date of records that give none, and what
	// "yesterday" and "on Friday" are read against. Its Location is the guild's time zone.
	Published time.Time
	// Host is the host country's alpha-2 (DefaultHost when empty): nothing is drafted about
	// its forces.
	Host string
	// Lang is the text's language ("en", "fr", "es") when the caller knows it; "" reads every
	// sentence in all three. It settles the words that are numbers in one language and
	// something else in another ("once", "sept", "mil").
	Lang string
}

// Record is one drafted record, with the sentence it was read from.
type Record struct {
	Kind    Kind
	Country string // alpha-2; "" for a reported figure about the whole mission
	// Personnel is the count of people (a reported figure's value); Known is false for a
	// pledge of unknown size.
	Personnel int
	Known     bool
	Female    int
	// Role is the role the text names; "" for a reported figure about every role, and for a
	// record whose text names none: the one rule of a left-out role resolves it when it is
	// stored, rather than a guess here.
	Role      mission.Role
	Figure    mission.FigureKind
	Qualifier mission.Qualifier
	// Date is the day the record is about, at midnight in Published's location; zero for a
	// flight whose text gives no date.
	Date     time.Time
	Manifest []mission.ManifestLine // a flight's lines
	Sentence string
}

// maxText bounds the text read: longer text is drafted from its first maxText bytes, so that a
// hostile message costs a bounded time. Discord messages are at most 4,000 characters, embeds
// included about 10,000.
const maxText = 64 << 10

// maxSentenceTokens bounds one sentence: a "sentence" of thousands of words without a full
// stop is cut, which bounds the work per sentence.
const maxSentenceTokens = 160

// maxRecords bounds a draft.
const maxRecords = 200

// Draft reads text and returns the records it holds, in the order the text gives them.
func Draft(text string, o Options) []Record {
	if len(text) > maxText {
		text = text[:maxText]
	}
	if o.Host == "" {
		o.Host = DefaultHost
	}
	if o.Published.IsZero() {
		o.Published = time.Now()
	}
	y, m, dd := o.Published.Date()
	d := &drafter{text: text, lx: lex(), host: o.Host, lang: o.Lang, pub: time.Date(y, m, dd, 0, 0, 0, 0, o.Published.Location())}
	d.toks = tokenize(text)
	d.matchAll()
	var out []Record
	seen := map[string]bool{}
	for _, s := range d.sentences() {
		for _, r := range d.sentence(s[0], s[1]) {
			k := r.key()
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, r)
			if len(out) == maxRecords {
				return out
			}
		}
	}
	return out
}

// key identifies a record within one draft, so that a sentence repeated drafts once.
func (r Record) key() string {
	var b strings.Builder
	b.WriteString(string(r.Kind) + "|" + r.Country + "|" + string(r.Role) + "|" + string(r.Figure) + "|" + r.Date.Format("2006-01-02"))
	b.WriteString("|" + itoa(r.Personnel))
	for _, l := range r.Manifest {
		b.WriteString("|" + l.String())
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		buf[i] = '-'
	}
	return string(buf[i:])
}

// match is the longest lexicon phrase starting at a token.
type match struct {
	e *entry
	n int // tokens
}

// drafter holds one text's tokens and their matches.
type drafter struct {
	text  string
	lx    *lexicon
	host  string
	lang  string
	pub   time.Time
	toks  []token
	match []match
}

// matchAll finds the longest phrase of the lexicon at each token.
func (d *drafter) matchAll() {
	d.match = make([]match, len(d.toks))
	var b strings.Builder
	for i, t := range d.toks {
		if t.kind == tokNumber || t.kind == tokDecimal || t.kind == tokClock {
			continue
		}
		longest := d.lx.firsts[t.fold]
		if longest == 0 {
			continue
		}
		for n := min(longest, len(d.toks)-i); n >= 1; n-- {
			var key string
			if n == 1 {
				key = t.fold
			} else {
				b.Reset()
				for k := i; k < i+n; k++ {
					if k > i {
						b.WriteByte(' ')
					}
					b.WriteString(d.toks[k].fold)
				}
				key = b.String()
			}
			if e, ok := d.lx.phrases[key]; ok {
				d.match[i] = match{e: e, n: n}
				break
			}
		}
	}
}

// abbreviations end with a dot that does not end a sentence.
var abbreviations = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "lt": true, "col": true,
	"capt": true, "sgt": true, "st": true, "no": true, "jan": true, "feb": true, "aug": true, "sept": true, "oct": true,
	"nov": true, "dec": true, "janv": true, "fevr": true, "juil": true, "m": true, "mme": true, "sr": true, "sra": true,
	"ene": true, "dic": true, "etc": true, "approx": true, "vs": true, "gral": true}

// sentences cuts the tokens at full stops, question and exclamation marks and line breaks,
// and into pieces of at most maxSentenceTokens.
func (d *drafter) sentences() [][2]int {
	var out [][2]int
	start := 0
	for i := 0; i < len(d.toks); i++ {
		t := d.toks[i]
		if t.newline && i > start {
			out = append(out, [2]int{start, i})
			start = i
		}
		end := false
		switch t.fold {
		case ".":
			prev := ""
			if i > 0 {
				prev = d.toks[i-1].fold
			}
			end = !abbreviations[prev]
		case "!", "?", "…":
			end = true
		}
		if i-start+1 >= maxSentenceTokens {
			end = true
		}
		if end {
			out = append(out, [2]int{start, i + 1})
			start = i + 1
		}
	}
	if start < len(d.toks) {
		out = append(out, [2]int{start, len(d.toks)})
	}
	return out
}
