package draft

import (
	"strings"

	"liaison/mission"
)

// numberWords are the words of numbers in English, French and Spanish, folded, with their
// value. Scales (hundred, mille) multiply; the rest add.
var numberWords = map[string]int64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
	"eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
	"eighty": 80, "ninety": 90,
	"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11,
	"douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
	"quarante": 40, "cinquante": 50, "soixante": 60,
	"uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
	"once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
	"diecinueve": 19, "veinte": 20, "veintiuno": 21, "veintiun": 21, "veintiuna": 21, "veintidos": 22, "veintitres": 23,
	"veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27, "veintiocho": 28, "veintinueve": 29,
	"treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
	"cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300, "trescientas": 300,
	"cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500, "seiscientos": 600,
	"seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800, "ochocientas": 800,
	"novecientos": 900, "novecientas": 900,
}

// scaleWords multiply what comes before them.
var scaleWords = map[string]int64{"hundred": 100, "cent": 100, "cents": 100, "thousand": 1000, "mille": 1000, "mil": 1000}

// approxWords are counts that are estimates by their nature: "a dozen", "une centaine",
// "cientos". The value is the least the word can mean, or its usual reading with "about".
var approxWords = map[string]struct {
	v int64
	q mission.Qualifier
}{
	"dozen": {12, mission.QualifierExact}, "dozens": {24, mission.QualifierAtLeast},
	"hundreds": {200, mission.QualifierAtLeast}, "thousands": {2000, mission.QualifierAtLeast},
	"dizaine": {10, mission.QualifierAbout}, "douzaine": {12, mission.QualifierAbout}, "quinzaine": {15, mission.QualifierAbout},
	"vingtaine": {20, mission.QualifierAbout}, "trentaine": {30, mission.QualifierAbout}, "quarantaine": {40, mission.QualifierAbout},
	"cinquantaine": {50, mission.QualifierAbout}, "soixantaine": {60, mission.QualifierAbout}, "centaine": {100, mission.QualifierAbout},
	"dizaines": {20, mission.QualifierAtLeast}, "centaines": {200, mission.QualifierAtLeast}, "millier": {1000, mission.QualifierAbout},
	"milliers": {2000, mission.QualifierAtLeast},
	"docena":   {12, mission.QualifierExact}, "docenas": {24, mission.QualifierAtLeast}, "decena": {10, mission.QualifierAbout},
	"decenas": {20, mission.QualifierAtLeast}, "veintena": {20, mission.QualifierAbout}, "centenar": {100, mission.QualifierAbout},
	"centenares": {200, mission.QualifierAtLeast}, "cientos": {200, mission.QualifierAtLeast}, "millar": {1000, mission.QualifierAbout},
	"millares": {2000, mission.QualifierAtLeast}, "miles": {2000, mission.QualifierAtLeast},
}

// articles are "a", "une", "una": one, but only before a scale or an estimate ("a hundred",
// "une centaine"); alone they are no count.
var articles = map[string]bool{"a": true, "an": true, "un": true, "une": true, "una": true, "des": true, "several": true,
	"plusieurs": true, "varios": true, "varias": true, "few": true, "some": true, "unos": true, "unas": true}

// number is a count read from the text: its value, the qualifier its words carry, and the
// tokens it spans.
type number struct {
	v          int64
	q          mission.Qualifier
	start, end int // token indexes, end exclusive
}

// readNumberAt reads a count in digits or words at token i.
func readNumberAt(toks []token, i int, lang string) (number, bool) {
	t := toks[i]
	if t.kind == tokNumber {
		if t.num < 0 {
			return number{}, false
		}
		n := number{v: t.num, q: mission.QualifierExact, start: i, end: i + 1}
		// "2 thousand", "3 mil"
		if i+1 < len(toks) && toks[i+1].kind == tokWord {
			if s, ok := scaleWords[toks[i+1].fold]; ok && s == 1000 {
				n.v *= s
				n.end++
			} else if toks[i+1].fold == "dozen" || toks[i+1].fold == "docenas" || toks[i+1].fold == "douzaines" {
				n.v *= 12 // "2 dozen"
				n.end++
			}
		}
		return n, true
	}
	if t.kind != tokWord {
		return number{}, false
	}
	j := i
	var total, cur int64
	seen := false
	q := mission.QualifierExact
	// An article or "several" counts only before a scale or an estimate.
	if articles[t.fold] {
		if j+1 >= len(toks) {
			return number{}, false
		}
		next := toks[j+1].fold
		if _, ok := scaleWords[next]; ok {
			cur, seen, j = 1, true, j+1
		} else if a, ok := approxWords[next]; ok {
			v, q := a.v, a.q
			if t.fold != "a" && t.fold != "an" && t.fold != "un" && t.fold != "une" && t.fold != "una" {
				v, q = a.v*3/2, mission.QualifierAbout // "several hundred", "plusieurs centaines"
				if a.q == mission.QualifierAtLeast {
					v = a.v
				}
			}
			return number{v: v, q: q, start: i, end: j + 2}, true
		} else {
			return number{}, false
		}
	}
	for ; j < len(toks) && toks[j].kind == tokWord; j++ {
		w := toks[j].fold
		if a, ok := approxWords[w]; ok {
			if !seen {
				return number{v: a.v, q: a.q, start: i, end: j + 1}, true
			}
			// "two dozen": a multiple, exact as it is said.
			cur *= a.v
			if a.q != mission.QualifierExact && w != "dozen" {
				q = mission.QualifierAbout
			}
			j++
			break
		}
		if (w == "and" || w == "et" || w == "y") && seen && j+1 < len(toks) && isNumberWord(toks[j+1].fold) {
			continue
		}
		if !isNumberWord(w) || !numberIn(w, lang) {
			break
		}
		for part := range strings.SplitSeq(w, "-") {
			if part == "et" || part == "y" {
				continue
			}
			if s, ok := scaleWords[part]; ok {
				if s == 1000 {
					total += max(cur, 1) * s
					cur = 0
				} else {
					cur = max(cur, 1) * s
				}
				seen = true
				continue
			}
			v := numberWords[part]
			if (part == "vingt" || part == "vingts") && cur%100 == 4 {
				cur += 76 // quatre-vingt: 4 becomes 80
				continue
			}
			cur += v
			seen = true
		}
		if total+cur > 1e9 {
			return number{}, false
		}
	}
	if !seen {
		return number{}, false
	}
	return number{v: total + cur, q: q, start: i, end: j}, true
}

// foreignNumbers are number words of one language that are other words in another: English
// "once", French "sept" (also September), Spanish "mil" (also "mil." for military).
var foreignNumbers = map[string]string{"once": "es", "sept": "fr", "mil": "es", "cent": "fr", "cents": "fr", "dos": "es", "six": ""}

// numberIn reports whether w is a number word in lang ("" all three).
func numberIn(w, lang string) bool {
	l, ok := foreignNumbers[w]
	return !ok || lang == "" || l == "" || l == lang
}

// isNumberWord reports whether w (perhaps hyphenated: "seventy-five", "quatre-vingt-dix") is
// made only of number words.
func isNumberWord(w string) bool {
	if w == "" {
		return false
	}
	for part := range strings.SplitSeq(w, "-") {
		if _, ok := numberWords[part]; ok {
			continue
		}
		if _, ok := scaleWords[part]; ok {
			continue
		}
		if part == "et" || part == "y" {
			continue
		}
		return false
	}
	return true
}
