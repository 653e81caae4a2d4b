package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"liaison/storage"
	"liaison/storage/storagetest"
)

// TestNewGuildsBesideTransactions: guilds seen for the first time are created outside any
// transaction while other interactions' transactions hold the writer. With GORM's prepared
// statement cache on the writer this hung for good (go-gorm/gorm#7350): a transaction waited
// for the cache's lock while its holder waited for the transaction's connection. The deadline
// turns such a hang into a failure instead of a stuck test run.
func TestNewGuildsBesideTransactions(t *testing.T) {
	storagetest.ForEachDriver(t, func(t *testing.T, s *storage.Store) {
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		defer cancel()
		if _, err := s.Guild(ctx, "1"); err != nil {
			t.Fatal(err)
		}
		const workers, rounds = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for w := range workers {
			wg.Go(func() {
				for i := range rounds {
					var err error
					if w%2 == 0 {
						_, err = s.Guild(ctx, fmt.Sprintf("%d%03d", 2+w, i)) // a new guild: created outside a transaction
					} else {
						a := storage.Actor{GuildID: "1", UserID: "u", Command: "/arrival log"}
						_, err = s.LogArrival(ctx, a, storage.Arrival{Country: "KE", Personnel: 1, Role: "police", ArrivedAt: s.Now()})
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("concurrent guild creation and arrivals: %v", err)
		}
	})
}
