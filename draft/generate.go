package draft

//go:generate go run ./internal/gendemonyms -pkg i18n-nationality@1.4.0 -out demonyms_gen.go
