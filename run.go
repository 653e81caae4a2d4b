package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"

	"liaison/bot"
	"liaison/storage"
)

// runBot serves Discord. (Being written: gateway, HTTP endpoint, scheduler.)
func runBot(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger) error {
	return errors.New("run: not wired yet")
}

func registerOnly(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger) error {
	return errors.New("register: not wired yet")
}

// serveConsole runs the console door (and, once wired, the scheduler printing reminders).
func serveConsole(ctx context.Context, cfg Config, store *storage.Store, log *slog.Logger, c *bot.Console) error {
	return c.Run(ctx)
}

// decodePublicKey parses the application's hex Ed25519 public key.
func decodePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("want %d hex-encoded bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}
