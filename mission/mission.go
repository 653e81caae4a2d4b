// Package mission holds the words of a multinational deployment as Liaison understands them:
// countries, personnel roles, times and durations as users type them, manifests, the digest
// schedule, airports, the limits on figures, the typed statuses and kinds stored with records,
// and the kinds of error a user can be shown. Every other package imports it; it imports no
// package of the project, so a word means the same thing in storage, commands, jobs and config.
package mission
