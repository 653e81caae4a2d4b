package draft

import (
	"runtime"
	"strings"
	"testing"

	"liaison/mission"
)

// TestLexiconSize builds the lexicon afresh and keeps what it holds under the 5 MB issue 22
// allows the process.
func TestLexiconSize(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	l := buildLexicon()
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("lexicon: %d phrases, %d KB", len(l.phrases), grown/1024)
	if grown > 5<<20 {
		t.Errorf("the lexicon holds %d bytes, want under 5 MB", grown)
	}
	runtime.KeepAlive(l)
}

// TestForces reads forces.txt and checks that a force's name, in any of the three languages,
// gives its country and role, and that no name is claimed by two countries.
func TestForces(t *testing.T) {
	forces, err := parseForces(forcesText)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, f := range forces {
		for name := range strings.SplitSeq(f.names, "|") {
			key := foldPhrase(name)
			if prev, ok := seen[key]; ok && prev != f.country {
				t.Errorf("%q names a force of %s and of %s", name, prev, f.country)
			}
			seen[key] = f.country
		}
	}
	tests := []struct {
		phrase, country string
		role            mission.Role
	}{
		{"Jamaica Defence Force", "JM", mission.RoleMilitary},
		{"Force de défense du Belize", "BZ", mission.RoleMilitary},
		{"Fuerza de Defensa de Belice", "BZ", mission.RoleMilitary},
		{"Royal Canadian Mounted Police", "CA", mission.RolePolice},
		{"Real Policía Montada de Canadá", "CA", mission.RolePolice},
		{"GRC", "CA", mission.RolePolice},
		{"National Police Service", "KE", mission.RolePolice},
		{"Carabinieri", "IT", mission.RolePolice},
		{"carabiniers", "IT", mission.RolePolice},
		{"Guardia Civil", "ES", mission.RolePolice},
		{"Gendarmerie nationale", "FR", mission.RolePolice},
		{"FAES", "SV", mission.RoleMilitary},
		{"Forces armées salvadoriennes", "SV", mission.RoleMilitary},
		{"Ejército de Guatemala", "GT", mission.RoleMilitary},
		{"FAd'H", "HT", mission.RoleMilitary},
		{"Policía Nacional de Haití", "HT", mission.RolePolice},
	}
	l := buildLexicon()
	for _, tt := range tests {
		e := l.phrases[foldPhrase(tt.phrase)]
		if e == nil || !e.force || e.country != tt.country || e.role != tt.role {
			t.Errorf("lexicon[%q] = %+v, want force of %s, role %s", tt.phrase, e, tt.country, tt.role)
		}
	}
}

// TestParseForcesRefuses keeps a mistyped line of forces.txt from passing silently.
func TestParseForcesRefuses(t *testing.T) {
	for _, line := range []string{"XX police Nowhere Police", "KE cooks Kenya Cooks", "KE police"} {
		if _, err := parseForces(line); err == nil {
			t.Errorf("parseForces(%q) = nil error, want one", line)
		}
	}
}
