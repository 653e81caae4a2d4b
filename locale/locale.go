// Package locale is Liaison's languages: which ones it writes, how a Discord locale or a
// server setting picks one, the message catalogs (one embedded file per language, read with
// go-i18n for CLDR plural rules and named variables), and numbers, percentages and country
// names as each language writes them (golang.org/x/text). Every word a user reads comes from
// here; adding a language is one catalog file plus its line in languages.
package locale

import (
	"embed"
	"fmt"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Lang is a language Liaison writes, by its base tag: "en", "fr", "es".
type Lang string

// The languages of SPEC §3. English is the source every catalog is translated from.
const (
	English Lang = "en"
	French  Lang = "fr"
	Spanish Lang = "es"
)

// language is one language Liaison writes: its tag, its name in itself (for /settings), and
// the Discord locales its descriptions are registered under.
type lang struct {
	lang    Lang
	tag     language.Tag
	name    string
	discord []string
}

// languages lists every language, English first. Adding one is its catalog file in catalog/
// and its line here.
var languages = [...]lang{
	{English, language.English, "English", nil},
	{French, language.French, "Français", []string{"fr"}},
	{Spanish, language.Spanish, "Español", []string{"es-ES", "es-419"}},
}

// Languages returns the languages Liaison writes, English first.
func Languages() []Lang {
	out := make([]Lang, len(languages))
	for i, l := range languages {
		out[i] = l.lang
	}
	return out
}

// Name is the language's name in itself ("Français").
func (l Lang) Name() string {
	for _, x := range languages {
		if x.lang == l {
			return x.name
		}
	}
	return string(l)
}

// DiscordLocales are the Discord locales whose users read l: the keys its command and option
// descriptions are registered under. English is Discord's default and needs none.
func (l Lang) DiscordLocales() []string {
	for _, x := range languages {
		if x.lang == l {
			return append([]string(nil), x.discord...)
		}
	}
	return nil
}

// Parse reads a language as /settings language and the configuration name it: "en", "fr",
// "es", any case.
func Parse(s string) (Lang, bool) {
	t, err := language.Parse(s)
	if err != nil {
		return "", false
	}
	for _, x := range languages {
		if b, _ := t.Base(); b.String() == string(x.lang) && len(s) <= 3 {
			return x.lang, true
		}
	}
	return "", false
}

var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(languages))
	for i, x := range languages {
		tags[i] = x.tag
	}
	return language.NewMatcher(tags)
}()

// FromDiscord is the language Liaison writes for a Discord locale ("fr", "es-419", "en-GB"),
// and false when Liaison speaks no variant of it.
func FromDiscord(locale string) (Lang, bool) {
	t, err := language.Parse(locale)
	if err != nil || locale == "" {
		return "", false
	}
	_, i, c := matcher.Match(t)
	if c < language.High {
		return "", false
	}
	return languages[i].lang, true
}

// Pick is the language of a reply: the reader's Discord locale when Liaison speaks it, else
// the server's language, else English.
func Pick(userLocale string, server Lang) Lang {
	if l, ok := FromDiscord(userLocale); ok {
		return l
	}
	if server.valid() {
		return server
	}
	return English
}

func (l Lang) valid() bool {
	for _, x := range languages {
		if x.lang == l {
			return true
		}
	}
	return false
}

func wholeNumber(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	}
	return 0, false
}

//go:embed catalog/*.toml
var catalogFiles embed.FS

// catalog is the loaded bundle and one localizer per language, built on first use.
type catalog struct {
	bundle     *i18n.Bundle
	localizers map[Lang]*i18n.Localizer
}

var (
	catalogOnce  sync.Once
	catalogValue *catalog
	catalogErr   error
)

func load() (*catalog, error) {
	catalogOnce.Do(func() {
		b := i18n.NewBundle(language.English)
		b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
		c := &catalog{bundle: b, localizers: map[Lang]*i18n.Localizer{}}
		for _, x := range languages {
			if _, err := b.LoadMessageFileFS(catalogFiles, "catalog/"+string(x.lang)+".toml"); err != nil {
				catalogErr = fmt.Errorf("catalog %s: %w", x.lang, err)
				return
			}
			// Each language falls back to English for a message it lacks; the catalog test
			// makes sure none does.
			c.localizers[x.lang] = i18n.NewLocalizer(b, string(x.lang), string(English))
		}
		catalogValue = c
	})
	return catalogValue, catalogErr
}

// T is message id in l, its {{.Name}} variables filled from args, given as name, value pairs:
// T(fr, "forces.title", "Mission", name). A whole number named "Count" picks the plural form
// (CLDR's rules for l: "1 arrivée", "2 arrivées") and is written as l writes numbers.
func T(l Lang, id string, args ...any) string {
	c, err := load()
	if err != nil {
		panic(err) // the catalogs are embedded and tested: this is a build defect
	}
	loc, ok := c.localizers[l]
	if !ok {
		loc = c.localizers[English]
	}
	data := make(map[string]any, len(args)/2)
	var count any
	for i := 0; i+1 < len(args); i += 2 {
		name := fmt.Sprint(args[i])
		data[name] = args[i+1]
		if name == "Count" {
			if n, ok := wholeNumber(args[i+1]); ok {
				count, data[name] = n, Number(l, n)
			}
		}
	}
	s, err := loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		// A missing message shows its ID rather than nothing; the catalog test fails first.
		return id
	}
	return s
}

// FromAcceptLanguage is the language Liaison writes that best suits an HTTP Accept-Language
// header ("fr-CA,fr;q=0.9,en;q=0.5"), weights and order considered; English when the header is
// empty, malformed, or names nothing Liaison speaks.
func FromAcceptLanguage(header string) Lang {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	_, i, c := matcher.Match(tags...)
	if c < language.High {
		return English
	}
	return languages[i].lang
}
