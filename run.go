package main

import (
	"context"
	"errors"
	"log/slog"

	"liaison/storage"
)

// runBot serves Discord: gateway, HTTP endpoint, scheduler.
func runBot(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger) error {
	return errors.New("run: not wired yet")
}

// registerOnly registers the slash commands and exits.
func registerOnly(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger) error {
	return errors.New("register: not wired yet")
}
