// Package exchange holds the formats Liaison's records travel in: its own CSV (what /export
// writes and /import reads back), the same with HXL's tag row, the UN-shaped forces table, the
// whole guild in one file (export all), and an export split into parts that fit a message.
// The importer reads a file once to check every line, then stores it through storage.Bulk in
// one transaction, or runs that same transaction as a dry run for a preview. /export, /import,
// the command line and the drafts from reports all go through it; the rules a record must
// meet are not here but with the records (storage, mission), so a file meets the same ones as a
// slash command.
package exchange
