package mission

import (
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"

	"github.com/BurntSushi/toml"
)

// englishCatalog is the English catalog, message ID → text (the "other" form of a plural).
// mission imports no package of the project, so its tests read locale's English file itself:
// they keep checking the words an English reader sees, and that each error's variables fill
// its message. Package locale's tests render the same errors in French and Spanish.
var englishCatalog = sync.OnceValues(func() (map[string]string, error) {
	var raw map[string]any
	if _, err := toml.DecodeFile("../locale/catalog/en.toml", &raw); err != nil {
		return nil, err
	}
	out := map[string]string{}
	var walk func(prefix string, v map[string]any)
	walk = func(prefix string, v map[string]any) {
		for k, x := range v {
			id := k
			if prefix != "" {
				id = prefix + "." + k
			}
			switch x := x.(type) {
			case string:
				out[id] = x
			case map[string]any:
				if s, ok := x["other"].(string); ok {
					out[id] = s
				} else {
					walk(id, x)
				}
			}
		}
	}
	walk("", raw)
	return out, nil
})

var catalogVariable = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// englishText writes t as the English catalog does, nested Texts included. A key the catalog
// lacks, or a variable t does not give, fails the test.
func englishText(t testing.TB, x Text) string {
	t.Helper()
	cat, err := englishCatalog()
	if err != nil {
		t.Fatalf("read the English catalog: %v", err)
	}
	msg, ok := cat[x.Key]
	if !ok {
		t.Fatalf("the English catalog lacks %q", x.Key)
	}
	args := map[string]string{}
	for i := 0; i+1 < len(x.Args); i += 2 {
		v := x.Args[i+1]
		if inner, ok := v.(Text); ok {
			v = englishText(t, inner)
		}
		args[fmt.Sprint(x.Args[i])] = fmt.Sprint(v)
	}
	return catalogVariable.ReplaceAllStringFunc(msg, func(m string) string {
		name := catalogVariable.FindStringSubmatch(m)[1]
		v, ok := args[name]
		if !ok {
			t.Fatalf("%s: no variable %s for %q", x, name, msg)
		}
		return v
	})
}

// english writes a parser's error as an English reader reads it; the error must be an
// invalid-input *Error with a catalog text.
func english(t testing.TB, err error) string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Text.Key == "" || e.Kind != EInvalid {
		t.Fatalf("error %v (%T) is not an invalid-input *Error with a catalog text", err, err)
	}
	return englishText(t, e.Text)
}
