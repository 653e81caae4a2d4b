package mission

import (
	"strings"
	"sync"
	"time"
)

// The lexicon is the mission's vocabulary in English, French and Spanish as data: the words
// officers and reports use for roles, times, days and months, the small words between them,
// and the contributors' demonyms. Every parser that reads words (ParseRole, ParseManifest,
// ParseWhen, ParseDigest, and the drafting of records from a report's text) looks them up
// here, so a word understood in one place is understood in all. Entries are written as people
// write them, accents included; lookup folds case, accents, apostrophes and hyphens away
// (countryFold), so "Armée", "armee" and "ARMÉE" are one word.

// WordKind is what a word of the lexicon means.
type WordKind int

// The kinds of word. A written form may have several kinds ("mañana" is tomorrow, and the
// morning in "9 de la mañana"; "en" is "in" in Spanish and a filler in French); each parser
// asks for the kinds it reads.
const (
	WordRole     WordKind = iota + 1 // a personnel role: Word.Role
	WordNow                          // the present moment
	WordDay                          // a day relative to today: Word.N days ahead (-1 yesterday)
	WordWeekday                      // a day of the week: Word.N is a time.Weekday
	WordMonth                        // a month: Word.N is a time.Month
	WordNext                         // "next friday", "vendredi prochain": strictly after today
	WordLast                         // "last friday", "vendredi dernier": strictly before today
	WordIn                           // "in 2h", "dans 2h", "en 2h": a duration from now follows
	WordAgo                          // "2h ago", "il y a 2h", "hace 2h": a duration before now
	WordAM                           // a clock's morning marker: "9am", "9 de la mañana"
	WordPM                           // a clock's afternoon or evening marker: "9 pm", "9 h du soir"
	WordFiller                       // a word that carries no meaning here: "at", "à", "le", "de"
	WordAnd                          // a conjunction between entries: "and", "et", "y"
	WordDaily                        // a digest every day: "daily", "tous les jours"
	WordWeekdays                     // a digest Monday to Friday: "weekdays", "lunes a viernes"
	WordDemonym                      // a contributor's people: Word.Country
)

// Word is one meaning of a set of written forms in one language.
type Word struct {
	Lang    string // "en", "fr" or "es"
	Kind    WordKind
	Role    Role   // WordRole
	N       int    // WordDay, WordWeekday, WordMonth
	Country string // WordDemonym: alpha-2
	Forms   []string
}

// lexicon is every word Liaison reads. Forms include singular and plural (and, for demonyms,
// masculine and feminine); accents are optional when typing, not here.
var lexicon = []Word{
	// Roles (SPEC §2). "troops" is the UN's own word (and the personnel type military, medical
	// and support are reported under); "sanitario(s)" is read because earlier versions wrote
	// it, though Liaison no longer does: in Central America it means a toilet.
	{Lang: "en", Kind: WordRole, Role: RoleMilitary, Forms: []string{"military", "militaries", "troop", "troops", "soldier", "soldiers", "army", "armies", "infantry", "contingent troops", "military personnel"}},
	{Lang: "fr", Kind: WordRole, Role: RoleMilitary, Forms: []string{"militaire", "militaires", "troupe", "troupes", "soldat", "soldats", "armée", "armées", "infanterie", "personnel militaire", "personnels militaires"}},
	{Lang: "es", Kind: WordRole, Role: RoleMilitary, Forms: []string{"militar", "militares", "tropa", "tropas", "soldado", "soldados", "ejército", "ejércitos", "infantería", "personal militar", "efectivos militares"}},
	{Lang: "en", Kind: WordRole, Role: RolePolice, Forms: []string{"police", "police officer", "police officers", "policeman", "policemen", "policewoman", "policewomen", "fpu", "gendarme", "gendarmes"}},
	{Lang: "fr", Kind: WordRole, Role: RolePolice, Forms: []string{"policier", "policiers", "policière", "policières", "gendarme", "gendarmes", "gendarmerie", "agent de police", "agents de police", "unité de police constituée"}},
	{Lang: "es", Kind: WordRole, Role: RolePolice, Forms: []string{"policía", "policías", "agente de policía", "agentes de policía", "policía nacional", "gendarme", "gendarmes", "efectivos policiales"}},
	{Lang: "en", Kind: WordRole, Role: RoleMedical, Forms: []string{"medical", "medic", "medics", "medical staff", "medical personnel", "doctor", "doctors", "nurse", "nurses", "health workers"}},
	{Lang: "fr", Kind: WordRole, Role: RoleMedical, Forms: []string{"médical", "médicaux", "personnel médical", "personnels médicaux", "médecin", "médecins", "infirmier", "infirmiers", "infirmière", "infirmières", "personnel de santé", "personnels de santé", "santé"}},
	{Lang: "es", Kind: WordRole, Role: RoleMedical, Forms: []string{"médico", "médicos", "médica", "médicas", "personal médico", "personal de sanidad", "efectivo de sanidad", "efectivos de sanidad", "sanidad", "enfermero", "enfermeros", "enfermera", "enfermeras", "personal sanitario", "sanitario", "sanitarios"}},
	{Lang: "en", Kind: WordRole, Role: RoleStaff, Forms: []string{"staff", "staff officer", "staff officers", "headquarters staff", "hq staff"}},
	{Lang: "fr", Kind: WordRole, Role: RoleStaff, Forms: []string{"état-major", "états-majors", "officier d'état-major", "officiers d'état-major", "officier d’état-major", "officiers d’état-major"}},
	{Lang: "es", Kind: WordRole, Role: RoleStaff, Forms: []string{"estado mayor", "oficial de estado mayor", "oficiales de estado mayor"}},
	{Lang: "en", Kind: WordRole, Role: RoleSupport, Forms: []string{"support", "support staff", "support personnel", "enabler", "enablers", "logistics"}},
	{Lang: "fr", Kind: WordRole, Role: RoleSupport, Forms: []string{"soutien", "soutiens", "personnel de soutien", "personnels de soutien", "logistique", "logisticien", "logisticiens"}},
	{Lang: "es", Kind: WordRole, Role: RoleSupport, Forms: []string{"apoyo", "personal de apoyo", "efectivo de apoyo", "efectivos de apoyo", "logística", "logístico", "logísticos"}},
	{Lang: "en", Kind: WordRole, Role: RoleOther, Forms: []string{"other", "others"}},
	{Lang: "fr", Kind: WordRole, Role: RoleOther, Forms: []string{"autre", "autres"}},
	{Lang: "es", Kind: WordRole, Role: RoleOther, Forms: []string{"otro", "otros", "otra", "otras"}},

	// Times.
	{Lang: "en", Kind: WordNow, Forms: []string{"now", "right now"}},
	{Lang: "fr", Kind: WordNow, Forms: []string{"maintenant", "à l'instant", "tout de suite"}},
	{Lang: "es", Kind: WordNow, Forms: []string{"ahora", "ahora mismo", "ahorita"}},
	{Lang: "en", Kind: WordDay, N: 0, Forms: []string{"today", "tonight"}},
	{Lang: "fr", Kind: WordDay, N: 0, Forms: []string{"aujourd'hui", "aujourd’hui", "ce soir", "ce matin"}},
	{Lang: "es", Kind: WordDay, N: 0, Forms: []string{"hoy", "esta noche", "esta tarde"}},
	{Lang: "en", Kind: WordDay, N: 1, Forms: []string{"tomorrow"}},
	{Lang: "fr", Kind: WordDay, N: 1, Forms: []string{"demain"}},
	{Lang: "es", Kind: WordDay, N: 1, Forms: []string{"mañana"}},
	{Lang: "en", Kind: WordDay, N: 2, Forms: []string{"the day after tomorrow", "day after tomorrow"}},
	{Lang: "fr", Kind: WordDay, N: 2, Forms: []string{"après-demain"}},
	{Lang: "es", Kind: WordDay, N: 2, Forms: []string{"pasado mañana"}},
	{Lang: "en", Kind: WordDay, N: -1, Forms: []string{"yesterday"}},
	{Lang: "fr", Kind: WordDay, N: -1, Forms: []string{"hier"}},
	{Lang: "es", Kind: WordDay, N: -1, Forms: []string{"ayer"}},
	{Lang: "en", Kind: WordDay, N: -2, Forms: []string{"the day before yesterday", "day before yesterday"}},
	{Lang: "fr", Kind: WordDay, N: -2, Forms: []string{"avant-hier"}},
	{Lang: "es", Kind: WordDay, N: -2, Forms: []string{"anteayer", "antier", "antes de ayer"}},
	{Lang: "en", Kind: WordNext, Forms: []string{"next", "this coming", "coming"}},
	{Lang: "fr", Kind: WordNext, Forms: []string{"prochain", "prochaine"}},
	{Lang: "es", Kind: WordNext, Forms: []string{"próximo", "próxima", "que viene"}},
	{Lang: "en", Kind: WordLast, Forms: []string{"last", "past"}},
	{Lang: "fr", Kind: WordLast, Forms: []string{"dernier", "dernière", "passé"}},
	{Lang: "es", Kind: WordLast, Forms: []string{"pasado", "pasada", "último", "última"}},
	{Lang: "en", Kind: WordIn, Forms: []string{"in"}},
	{Lang: "fr", Kind: WordIn, Forms: []string{"dans"}},
	{Lang: "es", Kind: WordIn, Forms: []string{"en", "dentro de"}},
	{Lang: "en", Kind: WordAgo, Forms: []string{"ago"}},
	{Lang: "fr", Kind: WordAgo, Forms: []string{"il y a"}},
	{Lang: "es", Kind: WordAgo, Forms: []string{"hace"}},
	{Lang: "en", Kind: WordAM, Forms: []string{"am", "a.m.", "in the morning"}},
	{Lang: "fr", Kind: WordAM, Forms: []string{"du matin"}},
	{Lang: "es", Kind: WordAM, Forms: []string{"de la mañana", "de la madrugada"}},
	{Lang: "en", Kind: WordPM, Forms: []string{"pm", "p.m.", "in the afternoon", "in the evening"}},
	{Lang: "fr", Kind: WordPM, Forms: []string{"de l'après-midi", "de l’après-midi", "du soir"}},
	{Lang: "es", Kind: WordPM, Forms: []string{"de la tarde", "de la noche"}},
	{Lang: "en", Kind: WordFiller, Forms: []string{"at", "on", "the", "of"}},
	{Lang: "fr", Kind: WordFiller, Forms: []string{"à", "le", "vers", "en", "de", "du"}},
	{Lang: "es", Kind: WordFiller, Forms: []string{"a", "a las", "a la", "el", "de", "del", "las", "los"}},
	{Lang: "en", Kind: WordAnd, Forms: []string{"and", "&"}},
	{Lang: "fr", Kind: WordAnd, Forms: []string{"et"}},
	{Lang: "es", Kind: WordAnd, Forms: []string{"y", "e"}},

	// Digest schedules.
	{Lang: "en", Kind: WordDaily, Forms: []string{"daily", "every day", "each day"}},
	{Lang: "fr", Kind: WordDaily, Forms: []string{"tous les jours", "chaque jour", "quotidien", "quotidienne", "quotidiennement"}},
	{Lang: "es", Kind: WordDaily, Forms: []string{"todos los días", "cada día", "diario", "diariamente", "a diario"}},
	{Lang: "en", Kind: WordWeekdays, Forms: []string{"weekdays", "on weekdays", "every weekday", "monday to friday", "monday through friday", "monday-friday", "mon-fri"}},
	{Lang: "fr", Kind: WordWeekdays, Forms: []string{"du lundi au vendredi", "lundi au vendredi", "lundi-vendredi", "en semaine", "jours ouvrables", "les jours ouvrables", "jours ouvrés"}},
	{Lang: "es", Kind: WordWeekdays, Forms: []string{"de lunes a viernes", "lunes a viernes", "lunes-viernes", "entre semana", "días laborables", "los días laborables", "días hábiles"}},
}

// The days and months, by number, in each language; the parsers read them with the words above.
var (
	weekdayForms = map[string][7][]string{
		"en": {{"sunday", "sun", "sundays"}, {"monday", "mon", "mondays"}, {"tuesday", "tue", "tues", "tuesdays"}, {"wednesday", "wed", "wednesdays"},
			{"thursday", "thu", "thur", "thurs", "thursdays"}, {"friday", "fri", "fridays"}, {"saturday", "sat", "saturdays"}},
		"fr": {{"dimanche", "dimanches"}, {"lundi", "lundis"}, {"mardi", "mardis"}, {"mercredi", "mercredis"}, {"jeudi", "jeudis"}, {"vendredi", "vendredis"}, {"samedi", "samedis"}},
		"es": {{"domingo", "domingos"}, {"lunes"}, {"martes"}, {"miércoles"}, {"jueves"}, {"viernes"}, {"sábado", "sábados"}},
	}
	monthForms = map[string][12][]string{
		"en": {{"january", "jan"}, {"february", "feb"}, {"march", "mar"}, {"april", "apr"}, {"may"}, {"june", "jun"},
			{"july", "jul"}, {"august", "aug"}, {"september", "sep", "sept"}, {"october", "oct"}, {"november", "nov"}, {"december", "dec"}},
		"fr": {{"janvier", "janv"}, {"février", "févr", "fév"}, {"mars"}, {"avril", "avr"}, {"mai"}, {"juin"},
			{"juillet", "juil"}, {"août"}, {"septembre"}, {"octobre"}, {"novembre"}, {"décembre", "déc"}},
		"es": {{"enero", "ene"}, {"febrero"}, {"marzo"}, {"abril", "abr"}, {"mayo"}, {"junio"},
			{"julio"}, {"agosto", "ago"}, {"septiembre", "setiembre"}, {"octubre"}, {"noviembre"}, {"diciembre", "dic"}},
	}
	// demonymForms are the peoples of the mission's likely contributors, every gender and
	// number, so that a report's "24 soldats jamaïcains" or "75 guatemaltecos" names the
	// country. Adding a contributor is its line here.
	demonymForms = map[string]map[string][]string{
		"KE": {"en": {"kenyan", "kenyans"}, "fr": {"kényan", "kényane", "kényans", "kényanes"}, "es": {"keniano", "keniana", "kenianos", "kenianas", "keniata", "keniatas"}},
		"JM": {"en": {"jamaican", "jamaicans"}, "fr": {"jamaïcain", "jamaïcaine", "jamaïcains", "jamaïcaines"}, "es": {"jamaiquino", "jamaiquina", "jamaiquinos", "jamaiquinas", "jamaicano", "jamaicanos"}},
		"GT": {"en": {"guatemalan", "guatemalans"}, "fr": {"guatémaltèque", "guatémaltèques"}, "es": {"guatemalteco", "guatemalteca", "guatemaltecos", "guatemaltecas"}},
		"SV": {"en": {"salvadoran", "salvadorans", "salvadorean", "salvadoreans"}, "fr": {"salvadorien", "salvadorienne", "salvadoriens", "salvadoriennes"}, "es": {"salvadoreño", "salvadoreña", "salvadoreños", "salvadoreñas"}},
		"BS": {"en": {"bahamian", "bahamians"}, "fr": {"bahaméen", "bahaméenne", "bahaméens", "bahaméennes", "bahamien", "bahamienne", "bahamiens", "bahamiennes"}, "es": {"bahameño", "bahameña", "bahameños", "bahameñas"}},
		"BZ": {"en": {"belizean", "belizeans"}, "fr": {"bélizien", "bélizienne", "béliziens", "béliziennes"}, "es": {"beliceño", "beliceña", "beliceños", "beliceñas"}},
		"BJ": {"en": {"beninese"}, "fr": {"béninois", "béninoise", "béninoises"}, "es": {"beninés", "beninesa", "beninenses", "beninesas"}},
		"TD": {"en": {"chadian", "chadians"}, "fr": {"tchadien", "tchadienne", "tchadiens", "tchadiennes"}, "es": {"chadiano", "chadiana", "chadianos", "chadianas"}},
		"HT": {"en": {"haitian", "haitians"}, "fr": {"haïtien", "haïtienne", "haïtiens", "haïtiennes"}, "es": {"haitiano", "haitiana", "haitianos", "haitianas"}},
	}
)

// lexiconIndex maps a folded phrase to its meanings, and knows the longest phrase in words.
type lexiconIndex struct {
	words   map[string][]Word
	longest int
}

var lexiconOnce = sync.OnceValue(buildLexicon)

// Lexicon returns every word of the lexicon, the day, month and demonym tables included, for
// tests and for the drafting of records from text.
func Lexicon() []Word {
	out := append([]Word(nil), lexicon...)
	for lang, days := range weekdayForms {
		for d, forms := range days {
			out = append(out, Word{Lang: lang, Kind: WordWeekday, N: d, Forms: forms})
		}
	}
	for lang, months := range monthForms {
		for m, forms := range months {
			out = append(out, Word{Lang: lang, Kind: WordMonth, N: m + 1, Forms: forms})
		}
	}
	for code, langs := range demonymForms {
		for lang, forms := range langs {
			out = append(out, Word{Lang: lang, Kind: WordDemonym, Country: code, Forms: forms})
		}
	}
	return out
}

func buildLexicon() *lexiconIndex {
	ix := &lexiconIndex{words: map[string][]Word{}}
	for _, w := range Lexicon() {
		for _, f := range w.Forms {
			key := Fold(f)
			ix.words[key] = append(ix.words[key], w)
			if n := len(strings.Fields(key)); n > ix.longest {
				ix.longest = n
			}
		}
	}
	return ix
}

// Fold is the lexicon's key for a written word or phrase: lower case, accents removed,
// apostrophes dropped, any other punctuation (hyphens included) a single space, so that
// "Officiers d’état-major" and "officiers d'etat major" are one phrase. "&" reads "and".
func Fold(s string) string {
	// Invalid bytes become spaces first: NFD would otherwise read them with the next letter and
	// leave its accent on (found by fuzzing: "0\xf4í").
	return countryFold(strings.ToValidUTF8(s, " "))
}

// LookupWord returns the meaning of kind among kinds of the whole phrase s, and false when
// the lexicon has none: LookupWord("Troupes", WordRole) is the military role.
func LookupWord(s string, kinds ...WordKind) (Word, bool) {
	for _, w := range lexiconOnce().words[Fold(s)] {
		for _, k := range kinds {
			if w.Kind == k {
				return w, true
			}
		}
	}
	return Word{}, false
}

// matchWords finds the longest phrase of one of kinds at the start of toks, already folded
// words: the meaning and the number of words it took, or 0 when none.
func matchWords(toks []string, kinds ...WordKind) (Word, int) {
	ix := lexiconOnce()
	for n := min(ix.longest, len(toks)); n > 0; n-- {
		if w, ok := LookupWord(strings.Join(toks[:n], " "), kinds...); ok {
			return w, n
		}
	}
	return Word{}, 0
}

// LookupDemonym returns the country whose people s names ("jamaïcains", "guatemalteca"), and
// false for a word that names none.
func LookupDemonym(s string) (string, bool) {
	w, ok := LookupWord(s, WordDemonym)
	return w.Country, ok
}

// weekdayOf and monthOf convert a lexicon number to its type.
func weekdayOf(w Word) time.Weekday { return time.Weekday(w.N) }
func monthOf(w Word) time.Month     { return time.Month(w.N) }
