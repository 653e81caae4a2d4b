package draft

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"liaison/mission"
)

// entry is what a word or phrase of the lexicon means to the drafter. One phrase may mean
// several things ("military" is a role and a noun for people).
type entry struct {
	country  string       // a country's name, demonym or force: its alpha-2
	demonym  bool         // a word of nationality, read inside a group of people
	force    bool         // a force's name ("JDF"): the country and, often, the role
	role     mission.Role // the role a noun or adjective names
	weak     bool         // role is a guess ("officers"), given way to any other
	person   bool         // a noun for people: a count before it counts people
	women    bool         // "women", "femmes", "mujeres": a count of women
	trigger  Kind         // the verb of an event
	deployed bool         // "have been deployed": the strength, a reported figure
	neg      bool         // a denial, postponement, cancellation or doubt
	casualty bool         // dead, wounded, kidnapped: never a contingent
	money    bool         // dollars, millions: a number near it is money
	vote     bool         // a vote: its numbers are votes
	subset   bool         // "including", "dont": a part of the count before
	total    bool         // "the total to": the next count is a reported figure
	each     bool         // "each", "chacun", "cada uno": the count is every country's of the clause
	planned  bool         // "planned": the count is the planned strength
	locPrep  bool         // "in", "to", "à": the country after it is a place, not a contributor
	fromPrep bool         // "from", "venant de": the country after it is the contributor
	adj      bool         // "additional", "autres": may stand inside a group of people
	link     bool         // "of the", "de la": may join a count to its people
	flight   bool         // a flight or an aircraft
	clause   bool         // a word that starts a new clause ("while", "bringing")
	qual     mission.Qualifier
	month    int // 1..12
	weekday  int // 1..7, Monday first
	day      int // relative day: -1 yesterday, 0 today, +1 tomorrow (set when dayRel)
	dayRel   bool
	next     bool // "next", "prochain"
	last     bool // "last", "dernier", "pasado"
	scale    int64
}

// lexicon is the drafter's dictionary: folded phrases up to maxPhrase words.
type lexicon struct {
	phrases   map[string]*entry
	maxPhrase int
	firsts    map[string]int // a phrase's first word and the longest phrase it begins
}

// maxPhrase bounds the words of one phrase ("Police nationale d'Haïti" is four).
const maxPhrase = 6

// lex loads the lexicon on first use: a process that never drafts never builds it.
var lex = sync.OnceValue(buildLexicon)

func (l *lexicon) add(phrase string, set func(e *entry)) {
	key := foldPhrase(phrase)
	if key == "" {
		return
	}
	e := l.phrases[key]
	if e == nil {
		e = &entry{}
		l.phrases[key] = e
	}
	set(e)
	words := strings.Count(key, " ") + 1
	first, _, _ := strings.Cut(key, " ")
	l.firsts[first] = max(l.firsts[first], words)
	l.maxPhrase = max(l.maxPhrase, words)
}

func (l *lexicon) addAll(phrases string, set func(e *entry)) {
	for p := range strings.SplitSeq(phrases, "|") {
		if p = strings.TrimSpace(p); p != "" {
			l.add(p, set)
		}
	}
}

func buildLexicon() *lexicon {
	l := &lexicon{phrases: make(map[string]*entry, 8000), firsts: make(map[string]int, 6000)}
	l.addCountries()
	for _, r := range roleNouns {
		role := r.role
		l.addAll(r.nouns, func(e *entry) { e.role, e.person, e.weak = role, true, r.weak })
		l.addAll(r.adjectives, func(e *entry) {
			if e.role == "" {
				e.role = role
			}
		})
	}
	l.addAll(personNouns, func(e *entry) { e.person = true })
	l.addAll(womenNouns, func(e *entry) { e.person, e.women = true, true })
	for k, words := range triggers {
		kind := k
		l.addAll(words, func(e *entry) { e.trigger = kind })
	}
	l.addAll(deployedWords, func(e *entry) { e.deployed = true })
	l.addAll(negations, func(e *entry) { e.neg = true })
	l.addAll(casualties, func(e *entry) { e.casualty = true })
	l.addAll(moneyWords, func(e *entry) { e.money = true })
	l.addAll(voteWords, func(e *entry) { e.vote = true })
	l.addAll(subsetWords, func(e *entry) { e.subset = true })
	l.addAll(totalWords, func(e *entry) { e.total = true })
	l.addAll(eachWords, func(e *entry) { e.each = true })
	l.addAll(plannedWords, func(e *entry) { e.planned = true })
	l.addAll(placePreps, func(e *entry) { e.locPrep = true })
	l.addAll(fromPreps, func(e *entry) { e.fromPrep = true })
	l.addAll(adjectives, func(e *entry) { e.adj = true })
	l.addAll(links, func(e *entry) { e.link = true })
	l.addAll(flightNouns, func(e *entry) { e.flight = true })
	l.addAll(clauseWords, func(e *entry) { e.clause = true })
	for q, words := range qualifierWords {
		qual := q
		l.addAll(words, func(e *entry) { e.qual = qual })
	}
	for i, words := range monthNames {
		m := i + 1
		l.addAll(words, func(e *entry) { e.month = m })
	}
	for i, words := range weekdayNames {
		d := i + 1
		l.addAll(words, func(e *entry) { e.weekday = d })
	}
	for d, words := range relativeDays {
		day := d
		l.addAll(words, func(e *entry) { e.day, e.dayRel = day, true })
	}
	l.addAll(nextWords, func(e *entry) { e.next = true })
	l.addAll(lastWords, func(e *entry) { e.last = true })
	return l
}

// addCountries adds every country's names (from package mission, English, French and
// Spanish), its demonyms (demonymBase, with the plural and feminine forms by rule) and the
// forces and exceptions written by hand.
func (l *lexicon) addCountries() {
	name := func(code string) func(e *entry) {
		return func(e *entry) {
			if e.country == "" {
				e.country = code
			}
		}
	}
	demonym := func(code string) func(e *entry) {
		return func(e *entry) {
			if e.country == "" {
				e.country = code
			}
			e.demonym = true
		}
	}
	for _, d := range demonymBase {
		c, ok := mission.CountryByAlpha2(d.code)
		if !ok {
			continue
		}
		for _, n := range []string{c.Name, c.NameFR, c.NameES} {
			l.add(n, name(d.code))
			if i := strings.Index(n, "("); i > 0 {
				l.add(strings.TrimSpace(n[:i]), name(d.code))
			}
		}
		for _, base := range strings.Split(d.en, "|") {
			for _, f := range englishForms(base) {
				l.add(f, demonym(d.code))
			}
		}
		for _, base := range strings.Split(d.fr, "|") {
			for _, f := range frenchForms(base) {
				l.add(f, demonym(d.code))
			}
		}
		for _, base := range strings.Split(d.es, "|") {
			for _, f := range spanishForms(base) {
				l.add(f, demonym(d.code))
			}
		}
	}
	for code, names := range countryNames {
		l.addAll(names, name(code))
	}
	for code, words := range demonymExceptions {
		for w := range strings.SplitSeq(words, "|") {
			w = strings.TrimSpace(w)
			for _, f := range append(append(englishForms(w), frenchForms(w)...), spanishForms(w)...) {
				l.add(f, func(e *entry) { e.country, e.demonym = code, true })
			}
		}
	}
	forces, err := parseForces(forcesText)
	if err != nil {
		panic(err) // forces.txt is compiled in; TestForces reads it
	}
	for _, f := range forces {
		l.addAll(f.names, func(e *entry) {
			e.country, e.force, e.person = f.country, true, true
			if f.role != "" {
				e.role = f.role
			}
		})
	}
	// Words that are a country's name or demonym but mostly something else in reports.
	for _, w := range notCountries {
		delete(l.phrases, foldPhrase(w))
	}
}

// englishForms are an English demonym and its plural: "Kenyan", "Kenyans"; "Chinese" and
// "Swiss" do not change.
func englishForms(base string) []string {
	if base == "" {
		return nil
	}
	f := fold(base)
	switch {
	case strings.HasSuffix(f, "ese"), strings.HasSuffix(f, "ss"), strings.HasSuffix(f, "sh"), strings.HasSuffix(f, "ch"):
		return []string{base}
	}
	return []string{base, base + "s"}
}

// frenchForms are a French demonym's four forms: kényan, kényane, kényans, kényanes;
// haïtien, haïtienne; béninois, béninoise; belge, belges.
func frenchForms(base string) []string {
	if base == "" {
		return nil
	}
	f := fold(base)
	var fem string
	switch {
	case strings.HasSuffix(f, "e"):
		fem = base
	case strings.HasSuffix(f, "ien"), strings.HasSuffix(f, "een"):
		fem = base + "ne"
	default:
		fem = base + "e"
	}
	pl := base + "s"
	if strings.HasSuffix(f, "s") || strings.HasSuffix(f, "x") {
		pl = base
	}
	return []string{base, fem, pl, fem + "s"}
}

// spanishForms are a Spanish demonym's forms: guatemalteco, guatemalteca, guatemaltecos,
// guatemaltecas; beninés, beninesa, beninenses; estadounidense(s); bangladesí(es).
func spanishForms(base string) []string {
	if base == "" {
		return nil
	}
	f := fold(base)
	switch {
	case strings.HasSuffix(f, "o"):
		stem := base[:len(base)-1]
		return []string{base, stem + "a", stem + "os", stem + "as"}
	case strings.HasSuffix(f, "e"), strings.HasSuffix(f, "a"):
		return []string{base, base + "s"}
	case strings.HasSuffix(f, "i"):
		return []string{base, base + "es", base + "s"}
	}
	stem := f // the accent of "-és" and "-án" falls in the other forms: beninés, beninesa
	return []string{base, stem + "a", stem + "es", stem + "as"}
}

// Kind is the kind of a drafted record, as the import format's kind column names it.
type Kind string

// The kinds of records a report drafts.
const (
	KindArrival   Kind = "arrival"
	KindDeparture Kind = "departure"
	KindPledge    Kind = "pledge"
	KindFlight    Kind = "flight"
	KindReport    Kind = "report"
)

// The lexicon's words, "|" between phrases. The role nouns below are the drafter's own for now:
// when package mission gets its lexicon of role nouns (the words issue), these defer to it.
var roleNouns = []struct {
	role       mission.Role
	nouns      string // a noun: "75 soldiers"
	adjectives string // an adjective: "military personnel"
	weak       bool
}{
	{mission.RoleMilitary, "soldier|soldiers|troop|troops|servicemen|service members|marines|paratroopers|infantrymen|" +
		"soldat|soldats|militaires|troupes|casques bleus|parachutistes|fusiliers marins|fusiliers-marins|" +
		"soldado|soldados|militares|tropa|tropas|infantes|infantes de marina|paracaidistas|efectivos militares",
		"military|militaire|militar|army|armée|ejército|defence|defense", false},
	{mission.RolePolice, "police|policemen|policewomen|police officers|police personnel|constables|gendarmes|" +
		"policier|policiers|policière|policières|agents de police|" +
		"policía|policías|agentes de policía|agentes policiales|policial|policiales|gendarmes|carabineros",
		"police|policial|gendarmerie", false},
	{mission.RolePolice, "officers|agents|agentes|oficiales", "", true},
	{mission.RoleMedical, "medics|doctors|nurses|paramedics|médecins|infirmiers|infirmières|médicos|médicas|enfermeros|enfermeras|sanitarios",
		"medical|médical|médicaux|médicales|médico|sanitaire|sanitaires", false},
	{mission.RoleSupport, "engineers|logisticians|ingénieurs|logisticiens|ingenieros|logistas",
		"support|logistics|logistique|logístico|logísticos|apoyo|soutien", false},
	{mission.RoleStaff, "staff officers|état-major|estado mayor", "staff", false},
}

const personNouns = "personnel|people|persons|members|reinforcements|men|contingent members|officials|" +
	"personnes|membres|renforts|effectifs|hommes|éléments|" +
	"personas|miembros|refuerzos|efectivos|elementos|hombres|personal|integrantes"

const womenNouns = "women|femmes|mujeres|female officers|policières"

// triggers are the verbs of each kind of event, in the three languages.
var triggers = map[Kind]string{
	KindArrival: "landed|arrived|arrive|arrives|arriving|touched down|disembarked|reached|flew in|" +
		"arrivé|arrivés|arrivée|arrivées|arrivent|atterri|a atterri|ont atterri|débarqué|débarqués|" +
		"llegó|llegaron|llega|llegan|aterrizó|aterrizaron|arribó|arribaron|desembarcaron|han llegado|ha llegado",
	KindDeparture: "left|departed|returned home|went home|flew home|withdrew|withdrawn|repatriated|rotated out|pulled out|" +
		"ont quitté|a quitté|quitté|sont partis|partis|rentré|rentrée|rentrés|rentrées|est rentré|est rentrée|sont rentrés|rapatriés|retirés|" +
		"regresaron|regresó|salieron|salió|abandonaron|partieron|repatriados|se retiraron|retiraron",
	KindPledge: "pledged|pledge|pledges|will send|to send|send|promised|committed|offered|would send|will deploy|to deploy|will be sent|to be sent|will join|will provide|to provide|will contribute|to contribute|" +
		"s'est engagé|s'est engagée|se sont engagés|engagé à envoyer|enverra|enverront|va envoyer|vont envoyer|a promis|promis|a proposé|ont proposé|a offert|ont offert|fournira|fourniront|rejoindra|rejoindront|l'envoi|annoncé l'envoi|" +
		"se comprometió|se comprometieron|comprometido|prometió|prometieron|enviará|enviarán|ofreció|ofrecieron|enviar|envoyer|" +
		"aportará|aportarán|aportar|se sumará|se sumarán|el envío|anunció el envío",
	KindFlight: "scheduled|expected|expected to arrive|scheduled to arrive|due to land|are to arrive|set to land|deben llegar|se espera que lleguen|debe llegar|due to arrive|set to arrive|will arrive|is planned|" +
		"is due|are due|should arrive|est prévu|sont prévus|prévu|prévue|attendu|attendus|attendue|doit arriver|doivent arriver|devrait arriver|devraient arriver|arriveront|arrivera|" +
		"está previsto|están previstos|previsto|prevista|programado|programada|se espera|llegará|llegarán|esperan|debería llegar|deberían llegar",
}

const deployedWords = "deployed|have been deployed|are deployed|now deployed|on the ground|" +
	"déployés|déployées|ont été déployés|sont déployés|sur le terrain|" +
	"desplegados|desplegadas|han sido desplegados|están desplegados|sobre el terreno"

const negations = "not|never|no|didn|wasn|weren|hasn|haven|hadn|isn|aren|won|don|doesn|yet to|denied|denies|deny|" +
	"postponed|called off|cancelled|canceled|suspended|scrapped|halted|refused|rejected|could|might|delayed|pushed back|put off|" +
	"repoussé|repoussée|repoussés|repoussées|retardé|retardée|retardés|retardées|différé|différée|renoncé|" +
	"aplazó|retrasó|retrasado|retrasada|desistió|renunció|" +
	"n|ne|pas|jamais|aucun|aucune|démenti|dément|démentent|reporté|reportée|reportés|annulé|annulée|annulés|suspendu|suspendue|ajourné|refusé|pourrait|pourraient|" +
	"nunca|ningún|ninguna|tampoco|desmintió|desmiente|negó|niega|aplazado|aplazada|pospuesto|pospuesta|postergado|cancelado|cancelada|suspendido|suspendida|rechazó|podría|podrían"

const casualties = "killed|dead|died|wounded|injured|kidnapped|abducted|casualties|bodies|victims|shot|displaced|arrested|" +
	"tués|tuées|morts|mortes|blessés|blessées|enlevés|victimes|décédés|déplacées|déplacés|arrêtés|" +
	"muertos|muertas|heridos|heridas|fallecidos|secuestrados|víctimas|asesinados|cuerpos|abatieron|desplazadas|desplazados|detenidos"

const moneyWords = "$|€|£|usd|dollars|euros|million|millions|billion|billions|milliard|milliards|dólares|millones|millón|funding|financement|financiamiento|budget|presupuesto|percent|per cent|pour cent|por ciento|%"

const voteWords = "vote|votes|voted|voting|voix|votes pour|voté|votos|votaron|votó|abstentions|abstained"

const subsetWords = "including|among them|of whom|of which|dont|parmi eux|parmi lesquels|incluidos|incluidas|entre ellos|entre ellas|de los cuales|de las cuales"

const totalWords = "total|totals|in all|altogether|now number|now numbers|stands at|bringing the number|au total|le total|un total|s'élève à|portant à|portant l'effectif|en total|el total|un total|suman|asciende a|elevando el número"

const eachWords = "each|chacun|chacune|cada uno|cada una"

const plannedWords = "planned|are planned|expected total|promised total|authorized|authorised|mandated|prévus|prévues|envisagés|autorisés|autorisées|" +
	"previstos|previstas|planificados|planeados|autorizados|autorizadas"

const placePreps = "in|to|into|at|on|for|à|au|aux|en|dans|vers|hacia|a|para"

const fromPreps = "from|de|du|des|d|del|venant de|venus de|en provenance de|procedentes de|provenientes de"

const adjectives = "additional|extra|new|more|other|further|fresh|some|another|supplémentaires|nouveaux|nouvelles|autres|adicionales|nuevos|nuevas|otros|otras|más|the|les|los|las|plus"

const links = "of|of the|de|de la|du|des|del|de los|de las|of its|from its"

const flightNouns = "flight|flights|aircraft|plane|airplane|airlift|charter|vol|vols|avion|avions|appareil|vuelo|vuelos|avión|aviones|aeronave"

const clauseWords = "while|whereas|but|bringing|bringing the number|which brings|taking|mais|tandis|alors que|portant|portant à|pero|mientras|elevando|llevando|con lo que|sin embargo|however|cependant"

var qualifierWords = map[mission.Qualifier]string{
	mission.QualifierAbout: "about|around|approximately|roughly|some|nearly|almost|close to|an estimated|~|" +
		"environ|près de|quelque|quelques|approximativement|presque|" +
		"unos|unas|alrededor de|cerca de|aproximadamente|casi|aproximadamente unos",
	mission.QualifierAtLeast: "more than|over|at least|upwards of|in excess of|plus de|au moins|más de|al menos|por lo menos",
	mission.QualifierAtMost:  "up to|fewer than|less than|under|at most|no more than|jusqu'à|moins de|au plus|hasta|menos de|como máximo",
}

var monthNames = [12]string{
	"january|jan|janvier|janv|enero|ene", "february|feb|février|févr|fevrier|febrero|feb",
	"march|mar|mars|marzo", "april|apr|avril|avr|abril|abr", "may|mai|mayo", "june|jun|juin|junio",
	"july|jul|juillet|juil|julio", "august|aug|août|aout|agosto|ago", "september|sept|sep|septembre|septiembre|setiembre",
	"october|oct|octobre|octubre", "november|nov|novembre|noviembre", "december|dec|décembre|déc|diciembre|dic",
}

var weekdayNames = [7]string{
	"monday|lundi|lunes", "tuesday|mardi|martes", "wednesday|mercredi|miércoles", "thursday|jeudi|jueves",
	"friday|vendredi|viernes", "saturday|samedi|sábado", "sunday|dimanche|domingo",
}

var relativeDays = map[int]string{
	-2: "the day before yesterday|avant-hier|anteayer|antier",
	-1: "yesterday|hier|ayer|last night|la veille",
	0:  "today|this morning|tonight|this afternoon|aujourd'hui|ce matin|ce soir|cet après-midi|hoy|esta mañana|esta tarde|esta noche",
	1:  "tomorrow|demain|mañana",
	2:  "the day after tomorrow|après-demain|pasado mañana",
}

const nextWords = "next|coming|prochain|prochaine|próximo|próxima|que viene"

const lastWords = "last|past|dernier|dernière|pasado|pasada"

// countryNames are names reports use that CLDR's do not give, by country.
var countryNames = map[string]string{
	"US": "U.S.|US|USA|United States|Washington|États-Unis|Etats-Unis|Estados Unidos|EE.UU.|EEUU",
	"GB": "UK|Britain|Great Britain|Royaume-Uni|Reino Unido",
	"SV": "Salvador|El Salvador",
	"BS": "Bahamas|the Bahamas|Bahamas",
	"DO": "Dominican Republic|République dominicaine|República Dominicana",
	"CD": "DRC|DR Congo|RDC|RD Congo",
	"KE": "Kenia|Nairobi",
	"HT": "Haïti|Haiti|Haití|Port-au-Prince|Ayiti",
	"CI": "Ivory Coast|Côte d'Ivoire|Costa de Marfil",
}

// demonymExceptions are demonyms the source leaves out or gives for two countries, settled by
// hand; each is expanded by the three languages' rules.
var demonymExceptions = map[string]string{
	"US": "American|Americans|U.S.|estadounidense|norteamericano|états-unien",
	"DO": "Dominican|dominicain|dominicano",
	"CD": "Congolese|congolais|congoleño",
	"SV": "Salvadoran|Salvadorian|Salvadorean|salvadorien|salvadoreño",
	"GE": "Georgian|géorgien|georgiano",
	"TR": "Turkish|Turk|turc|turque|turco",
	"FR": "French|français|francés|francesa",
	"BS": "Bahamian|bahaméen|bahamien|bahameño",
	"JM": "Jamaican|jamaïcain|jamaicain|jamaicano|jamaiquino",
	"KE": "Kenyan|kényan|kenyan|keniano|keniata",
	"BZ": "Belizean|bélizien|beliceño",
	"GT": "Guatemalan|guatémaltèque|guatemalteco",
	"TD": "Chadian|tchadien|chadiano",
	"BJ": "Beninese|Beninois|béninois|beninés",
	"HT": "Haitian|haïtien|haitien|haitiano",
	"CA": "Canadian|canadien|canadiense",
	"MX": "Mexican|mexicain|mexicano",
	"SN": "Senegalese|sénégalais|senegalés",
	"BD": "Bangladeshi|bangladais|bangladesí",
	"TT": "Trinidadian|trinidadien|trinitense",
	"AG": "Antiguan|antiguais|antiguano",
	"BB": "Barbadian|barbadien|barbadense",
}

// forcesText is the table of forces and services (forces.txt): data rather than code, so that
// adding a contributor's gendarmerie is one line a reviewer reads without Go.
//
//go:embed forces.txt
var forcesText string

// force is one line of forces.txt.
type force struct {
	country string
	role    mission.Role
	names   string
}

// parseForces reads forces.txt: "alpha-2 role names", "#" starting a comment. A line that does
// not read is an error, so that a typo fails the tests rather than silently dropping a force.
func parseForces(text string) ([]force, error) {
	var out []force
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("forces.txt:%d: want alpha-2, role and names", n+1)
		}
		role, err := mission.ParseRole(f[1])
		if _, known := mission.CountryByAlpha2(f[0]); err != nil || !known {
			return nil, fmt.Errorf("forces.txt:%d: unknown country %q or role %q", n+1, f[0], f[1])
		}
		_, names, _ := strings.Cut(strings.TrimSpace(line[len(f[0]):]), f[1])
		out = append(out, force{country: f[0], role: role, names: strings.TrimSpace(names)})
	}
	return out, nil
}

// notCountries are names and demonyms that read as common words in reports: Chad is a
// country, "chad" in lower case a first name; "Georgia" is also a US state. Matching folds
// case, so these are left out and reports' other words for them are used.
var notCountries = []string{"man", "us", "can", "guinea", "jordan", "georgia"}
