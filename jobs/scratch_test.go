package jobs

import (
	"testing"
	"time"

	"github.com/robfig/cron/v3"
)

func TestScratchCron(t *testing.T) {
	for _, tc := range []struct{ zone, spec string; from string }{
		{"America/New_York", "30 2 * * *", "2025-03-08T12:00:00Z"},
		{"America/New_York", "30 1 * * *", "2025-11-01T12:00:00Z"},
		{"Australia/Lord_Howe", "15 2 * * *", "2025-10-04T00:00:00Z"},
		{"Europe/Berlin", "30 2 * * *", "2025-03-29T00:00:00Z"},
		{"Europe/Berlin", "30 2 * * *", "2025-10-25T00:00:00Z"},
	} {
		loc, _ := time.LoadLocation(tc.zone)
		sch, err := cron.ParseStandard("CRON_TZ=" + tc.zone + " " + tc.spec)
		if err != nil { t.Fatal(err) }
		tm, _ := time.Parse(time.RFC3339, tc.from)
		for i := 0; i < 4; i++ {
			tm = sch.Next(tm)
			t.Logf("%s %s -> %s", tc.zone, tc.spec, tm.In(loc).Format(time.RFC3339))
		}
	}
}
