package fakediscord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// SpecEnv names the environment variable that overrides where the Discord
// OpenAPI document is looked for, for checkouts that do not sit beside
// ../shared.
const SpecEnv = "LIAISON_DISCORD_SPEC"

// specURL is where the OpenAPI document is registered with the schema
// compiler. It is never fetched: the document is added as a resource, and the
// ".invalid" TLD guarantees a typo cannot make the compiler reach the network.
const specURL = "https://fakediscord.invalid/openapi.json"

// SpecPath finds Discord's openapi.json. Tests run with the package directory
// as working directory (e.g. /work/main/bot), so it walks up from there and
// checks "shared/discord-api-spec/openapi.json" in every ancestor, which
// covers both the repository's own "shared" and the sibling "../shared".
func SpecPath() (string, bool) {
	if p := os.Getenv(SpecEnv); p != "" {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, true
		}
		return p, false
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		p := filepath.Join(dir, "shared", "discord-api-spec", "openapi.json")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "shared", "discord-api-spec", "openapi.json"), false
		}
		dir = parent
	}
}

// spec is one loaded OpenAPI document with its operations indexed by path
// template. Parsing the 1.2 MB document and compiling schemas is the
// expensive part of a fake, so specs are shared by every Server in the
// process (see loadSpec) and schemas are compiled lazily, once per operation.
type spec struct {
	routes []*route

	mu       sync.Mutex // guards compiler: jsonschema.Compiler is not safe for concurrent use
	compiler *jsonschema.Compiler
}

// route is one OpenAPI path template such as /channels/{channel_id}/messages.
type route struct {
	template string
	segs     []string // "" marks a {parameter} segment
	ops      map[string]*operation
}

// operation is one method of a route and what the spec says about its body.
type operation struct {
	method, template string
	bodyRequired     bool
	contentTypes     []string // media types the spec accepts for the body

	// Compiled on first use; guarded by spec.mu.
	compiled bool
	schema   *jsonschema.Schema
	err      error
}

var (
	specsMu sync.Mutex
	specs   = map[string]*specEntry{}
)

type specEntry struct {
	once sync.Once
	spec *spec
	err  error
}

// loadSpec parses the document at path once per process, however many tests
// create servers.
func loadSpec(path string) (*spec, error) {
	specsMu.Lock()
	e, ok := specs[path]
	if !ok {
		e = &specEntry{}
		specs[path] = e
	}
	specsMu.Unlock()
	e.once.Do(func() { e.spec, e.err = parseSpec(path) })
	return e.spec, e.err
}

func parseSpec(path string) (*spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	root, ok := doc.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("parse %s: not a JSON object", path)
	}
	paths, ok := root["paths"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("parse %s: no paths", path)
	}

	c := jsonschema.NewCompiler()
	// OpenAPI 3.1 schemas are JSON Schema 2020-12 and the document has no
	// $schema of its own.
	c.DefaultDraft(jsonschema.Draft2020)
	// Discord rejects malformed URLs and timestamps, so "uri" and "date-time"
	// are assertions here, not annotations. Discord's own formats (snowflake,
	// int32, nonce...) are unknown to the library and stay annotations; their
	// constraints are spelled out with pattern/minimum/maximum anyway.
	c.AssertFormat()
	if err := c.AddResource(specURL, doc); err != nil {
		return nil, err
	}

	s := &spec{compiler: c}
	for tmpl, v := range paths {
		item, ok := v.(map[string]any)
		if !ok {
			continue
		}
		r := &route{template: tmpl, ops: map[string]*operation{}}
		for _, seg := range strings.Split(strings.Trim(tmpl, "/"), "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				seg = ""
			}
			r.segs = append(r.segs, seg)
		}
		for _, m := range []string{"get", "put", "post", "patch", "delete"} {
			op, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			o := &operation{method: strings.ToUpper(m), template: tmpl}
			if rb, ok := op["requestBody"].(map[string]any); ok {
				o.bodyRequired, _ = rb["required"].(bool)
				if content, ok := rb["content"].(map[string]any); ok {
					for ct := range content {
						o.contentTypes = append(o.contentTypes, ct)
					}
					slices.Sort(o.contentTypes)
				}
			}
			r.ops[o.method] = o
		}
		s.routes = append(s.routes, r)
	}
	// Deterministic order; ties in matching are then broken the same way every run.
	slices.SortFunc(s.routes, func(a, b *route) int { return strings.Compare(a.template, b.template) })
	return s, nil
}

// match finds the route for a request path relative to /api/vN, preferring
// literal segments over parameters so that /users/@me beats /users/{user_id}
// and .../messages/@original beats .../messages/{message_id}.
func (s *spec) match(segs []string) *route {
	var best *route
	bestScore := -1
	for _, r := range s.routes {
		if len(r.segs) != len(segs) {
			continue
		}
		score := 0
		ok := true
		for i, want := range r.segs {
			switch {
			case want == "":
				if segs[i] == "" {
					ok = false
				}
			case want == segs[i]:
				score++
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && score > bestScore {
			best, bestScore = r, score
		}
	}
	return best
}

// hasBody reports whether the spec defines a request body for the operation.
func (o *operation) hasBody() bool { return len(o.contentTypes) > 0 }

// jsonSchema compiles (once) the schema a JSON body, or the payload_json part
// of a multipart body, must satisfy. The schema is addressed by JSON pointer
// into the registered document, so every $ref inside it resolves against the
// same document.
func (s *spec) jsonSchema(o *operation) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o.compiled {
		return o.schema, o.err
	}
	ct := "application/json"
	if !slices.Contains(o.contentTypes, ct) && len(o.contentTypes) > 0 {
		ct = o.contentTypes[0]
	}
	ptr := "/paths/" + escapePointer(o.template) + "/" + strings.ToLower(o.method) +
		"/requestBody/content/" + escapePointer(ct) + "/schema"
	// Braces are not valid in a URL fragment; the compiler unescapes them.
	ptr = strings.NewReplacer("{", "%7B", "}", "%7D").Replace(ptr)
	o.schema, o.err = s.compiler.Compile(specURL + "#" + ptr)
	o.compiled = true
	return o.schema, o.err
}

// escapePointer escapes one JSON pointer token (RFC 6901).
func escapePointer(tok string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
}

// errInvalidJSON marks a body that is not JSON at all, which Discord answers
// with a different error code than a schema mismatch.
var errInvalidJSON = errors.New("request body is not valid JSON")

// validateJSON checks body against the operation's request schema.
func (s *spec) validateJSON(o *operation, body []byte) error {
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", errInvalidJSON, err)
	}
	return s.validateValue(o, inst)
}

func (s *spec) validateValue(o *operation, inst any) error {
	sch, err := s.jsonSchema(o)
	if err != nil {
		return fmt.Errorf("compile schema for %s %s: %w", o.method, o.template, err)
	}
	return newSchemaError(validateLenient(sch, inst))
}

// maxCoerceRounds bounds the re-validation loop in validateLenient; each round
// converts at least one string, and real bodies need one or two.
const maxCoerceRounds = 16

// validateLenient validates inst against sch with exactly one leniency, the
// one the spec's upstream README documents: "Our API accepts strings for int
// fields if they are parseable as ints". discordgo relies on it, e.g. it sends
// default_member_permissions as "8" where the spec says integer.
//
// How: validate; if it fails, walk the error tree for "type" errors where the
// schema wanted an integer and the instance holds a string; each such string
// that parses as a base-10 integer is replaced, in the instance, by that
// number, and validation runs again (until it passes or nothing more can be
// converted). The converted number then meets every other constraint of the
// integer schema (minimum, maximum, enum), exactly as Discord would parse it;
// strings that are not integers, or strings where the schema wants a string,
// are never touched. Errors reported are those of the last round.
func validateLenient(sch *jsonschema.Schema, inst any) error {
	for round := 0; ; round++ {
		err := sch.Validate(inst)
		if err == nil {
			return nil
		}
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) || round == maxCoerceRounds {
			return err
		}
		var changed bool
		inst, changed = coerceIntStrings(inst, ve)
		if !changed {
			return err
		}
	}
}

func coerceIntStrings(inst any, ve *jsonschema.ValidationError) (any, bool) {
	changed := false
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if k, ok := e.ErrorKind.(*kind.Type); ok && k.Got == "string" && slices.Contains(k.Want, "integer") {
			var did bool
			inst, did = replaceAt(inst, e.InstanceLocation, func(v any) (any, bool) {
				str, ok := v.(string)
				if !ok {
					return v, false
				}
				n, ok := new(big.Int).SetString(str, 10)
				if !ok {
					return v, false
				}
				return json.Number(n.String()), true
			})
			changed = changed || did
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return inst, changed
}

// replaceAt applies f to the value at loc (unescaped JSON pointer tokens) and
// stores the result in place; it returns the possibly new root.
func replaceAt(root any, loc []string, f func(any) (any, bool)) (any, bool) {
	if len(loc) == 0 {
		return f(root)
	}
	switch parent := root.(type) {
	case map[string]any:
		v, ok := parent[loc[0]]
		if !ok {
			return root, false
		}
		nv, did := replaceAt(v, loc[1:], f)
		parent[loc[0]] = nv
		return root, did
	case []any:
		var i int
		if _, err := fmt.Sscanf(loc[0], "%d", &i); err != nil || i < 0 || i >= len(parent) {
			return root, false
		}
		nv, did := replaceAt(parent[i], loc[1:], f)
		parent[i] = nv
		return root, did
	}
	return root, false
}

// SchemaError is a body's mismatch with the spec: the summary lists only the
// errors of the union branches the body was evidently aiming at (the raw
// validator output lists every branch of every oneOf, which buries the
// problem), and Unwrap gives the full *jsonschema.ValidationError.
type SchemaError struct {
	Leaves []*jsonschema.ValidationError
	Raw    *jsonschema.ValidationError
}

// Error lists each relevant mismatch with its location in the body.
func (e *SchemaError) Error() string {
	p := message.NewPrinter(language.English)
	var b strings.Builder
	b.WriteString("request body does not match the spec:")
	for _, l := range e.Leaves {
		fmt.Fprintf(&b, "\n  at '/%s': %s", strings.Join(l.InstanceLocation, "/"), l.ErrorKind.LocalizedString(p))
	}
	return b.String()
}

// Unwrap gives the validator's full report, every union branch included.
func (e *SchemaError) Unwrap() error { return e.Raw }

// newSchemaError wraps a validation failure, keeping other errors as they are.
func newSchemaError(err error) error {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	seen := map[string]bool{}
	var leaves []*jsonschema.ValidationError
	for _, l := range relevantLeaves(ve) {
		key := strings.Join(l.InstanceLocation, "/") + "\x00" + fmt.Sprint(l.ErrorKind)
		if !seen[key] {
			seen[key] = true
			leaves = append(leaves, l)
		}
	}
	return &SchemaError{Leaves: leaves, Raw: ve}
}

// relevantLeaves collects the leaf errors under e, skipping the branches of
// a oneOf/anyOf that the body plainly was not meant to match: a branch whose
// JSON type differs from the instance's, or whose "type" discriminator
// (enum/const on a property named type) differs. If every branch is such a
// mismatch, all are kept.
func relevantLeaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	causes := e.Causes
	switch e.ErrorKind.(type) {
	case *kind.OneOf, *kind.AnyOf:
		var keep []*jsonschema.ValidationError
		for _, c := range causes {
			if !branchMismatch(c, len(e.InstanceLocation)) {
				keep = append(keep, c)
			}
		}
		if len(keep) > 0 {
			causes = keep
		}
	}
	var out []*jsonschema.ValidationError
	for _, c := range causes {
		out = append(out, relevantLeaves(c)...)
	}
	return out
}

func branchMismatch(c *jsonschema.ValidationError, depth int) bool {
	check := func(e *jsonschema.ValidationError) bool {
		switch e.ErrorKind.(type) {
		case *kind.Type:
			return len(e.InstanceLocation) == depth
		case *kind.Enum, *kind.Const:
			loc := e.InstanceLocation
			return len(loc) == depth+1 && loc[depth] == "type"
		}
		return false
	}
	if check(c) {
		return true
	}
	for _, cc := range c.Causes {
		if check(cc) {
			return true
		}
	}
	return false
}

// discordErrors renders a validation failure the way Discord's 50035 "Invalid
// Form Body" does: a tree keyed by the offending field's path with an
// "_errors" list at each leaf, so code under test sees a realistic error.
func discordErrors(err error) map[string]any {
	root := map[string]any{}
	var se *SchemaError
	if !errors.As(err, &se) {
		root["_errors"] = []any{map[string]any{"code": "BASE_TYPE_INVALID", "message": err.Error()}}
		return root
	}
	p := message.NewPrinter(language.English)
	for i, e := range se.Leaves {
		if i == 25 { // Discord's own output is bounded too
			break
		}
		code := errorCode(e.ErrorKind)
		if req, ok := e.ErrorKind.(*kind.Required); ok {
			for _, m := range req.Missing {
				addError(root, append(slices.Clone(e.InstanceLocation), m), code, "This field is required")
			}
			continue
		}
		addError(root, e.InstanceLocation, code, e.ErrorKind.LocalizedString(p))
	}
	return root
}

func addError(root map[string]any, loc []string, code, msg string) {
	node := root
	for _, tok := range loc {
		child, ok := node[tok].(map[string]any)
		if !ok {
			child = map[string]any{}
			node[tok] = child
		}
		node = child
	}
	list, _ := node["_errors"].([]any)
	node["_errors"] = append(list, map[string]any{"code": code, "message": msg})
}

func errorCode(k jsonschema.ErrorKind) string {
	switch k.(type) {
	case *kind.Required:
		return "BASE_TYPE_REQUIRED"
	case *kind.MaxLength, *kind.MaxItems, *kind.MaxProperties:
		return "BASE_TYPE_MAX_LENGTH"
	case *kind.MinLength, *kind.MinItems, *kind.MinProperties:
		return "BASE_TYPE_MIN_LENGTH"
	case *kind.Enum, *kind.Const:
		return "BASE_TYPE_CHOICES"
	case *kind.Maximum, *kind.ExclusiveMaximum:
		return "NUMBER_TYPE_MAX"
	case *kind.Minimum, *kind.ExclusiveMinimum:
		return "NUMBER_TYPE_MIN"
	default:
		return "BASE_TYPE_INVALID"
	}
}
