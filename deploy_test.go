package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"liaison/bot"
)

// TestSystemdUnits checks the example units with systemd-analyze verify, where it is available:
// an unknown key or a bad value (a typo in the hardening) makes it speak, and any word from it
// fails the test. The binary and the token's file are swapped for ones that exist here.
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not found: the units are not verified")
	}
	dir := t.TempDir()
	units, err := filepath.Glob("deploy/*.service")
	if err != nil {
		t.Fatal(err)
	}
	timers, _ := filepath.Glob("deploy/*.timer")
	var args []string
	for _, u := range append(units, timers...) {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.NewReplacer("/usr/local/bin/liaison", "/bin/true",
			"EnvironmentFile=/etc/liaison/liaison.env", "EnvironmentFile=-/etc/liaison/liaison.env").Replace(string(b))
		dst := filepath.Join(dir, filepath.Base(u))
		if err := os.WriteFile(dst, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, dst)
	}
	if len(args) < 3 {
		t.Fatalf("deploy/ holds %d units, want the service, the backup service and its timer", len(args))
	}
	out, err := exec.Command(analyze, append([]string{"verify", "--man=no"}, args...)...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	service, _ := os.ReadFile("deploy/liaison.service")
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=liaison", "ProtectSystem=strict", "NoNewPrivileges=yes", "StandardOutput=journal"} {
		if !strings.Contains(string(service), want+"\n") {
			t.Errorf("deploy/liaison.service lacks %s", want)
		}
	}
}

// TestAlertRulesNameRealMetrics: every liaison_ metric the example alert rules read is one
// that /metrics serves, so that an alert cannot watch a name that never has a value.
func TestAlertRulesNameRealMetrics(t *testing.T) {
	m := bot.NewMetrics("forces")
	m.WatchSnapshotListener(func() bool { return true })
	m.SnapshotListenerLost()
	jm := m.JobMetrics()
	jm.Posted("reminder", false)
	jm.Failed("reminder")
	jm.Missed("reminder")
	jm.Lateness("reminder", time.Second)
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, f := range families {
		served[f.GetName()] = true
	}
	rules, err := os.ReadFile("deploy/liaison-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`\bliaison_[a-z_]+`).FindAllString(string(rules), -1)
	if len(names) < 4 {
		t.Fatalf("the alert rules read %d metrics, want at least failed, missed and the listener's", len(names))
	}
	for _, n := range names {
		base := n
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			if b, ok := strings.CutSuffix(n, suffix); ok && served[b] {
				base = b
			}
		}
		if !served[base] {
			t.Errorf("deploy/liaison-alerts.yml reads %s, which /metrics does not serve", n)
		}
	}
}
