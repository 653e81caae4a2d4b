package storage

import (
	"context"
	"fmt"
	"reflect"

	"gorm.io/gorm/schema"

	"liaison/mission"
)

// A guild's reminder offsets are a mission.Offsets in Go and their canonical text in the
// database ("24h,1h,0", as FormatOffsets writes it), read back with mission.ParseOffsets: the
// one parser of offsets, so that what a moderator may type and what storage reads are the same
// rule. GORM's serializers are its registry of such column types, registered once per process.
func init() { schema.RegisterSerializer("offsets", offsetsSerializer{}) }

// offsetsSerializer reads and writes the offsets column.
type offsetsSerializer struct{}

// Scan reads the stored text with ParseOffsets. A text it refuses was not written by Value;
// the guild's reads fail naming it rather than plan reminders from a guess.
func (offsetsSerializer) Scan(ctx context.Context, field *schema.Field, dst reflect.Value, dbValue any) error {
	var text string
	switch v := dbValue.(type) {
	case nil:
		return nil
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("reminder offsets: unexpected column value %T", dbValue)
	}
	var o mission.Offsets
	if err := o.UnmarshalText([]byte(text)); err != nil {
		return fmt.Errorf("stored reminder offsets %q: %w", text, err)
	}
	return field.Set(ctx, dst, o)
}

// Value writes the offsets' canonical text, refusing offsets ParseOffsets would not read back
// (none, too many, negative, beyond 30 days), so that nothing is stored that cannot be read.
func (offsetsSerializer) Value(_ context.Context, _ *schema.Field, _ reflect.Value, fieldValue any) (any, error) {
	o, _ := fieldValue.(mission.Offsets)
	text := mission.FormatOffsets(o)
	var back mission.Offsets
	if err := back.UnmarshalText([]byte(text)); err != nil {
		return nil, fmt.Errorf("reminder offsets %q: %w", text, err)
	}
	return back.String(), nil
}
