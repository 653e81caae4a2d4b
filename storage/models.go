package storage

import (
	"time"

	"gorm.io/gorm"

	"liaison/mission"
)

// Guild is a Discord server's settings and its mission. One row per guild, created the first
// time the guild is seen, from the configured defaults.
type Guild struct {
	ID              string `gorm:"primaryKey"`
	ChannelID       string // announcements and reminders
	ModeratorRoleID string
	Timezone        string          // IANA name
	Airport         string          // default destination
	ReminderOffsets mission.Offsets `gorm:"serializer:offsets"` // stored as "24h,1h,0"
	Digest          string          // 5-field cron in Timezone, or "off"
	Language        string          // of posts: "en", "fr", "es"; "" until chosen or adopted
	MissionName     string
	MissionLead     string // alpha-2
	Host            string // alpha-2 of the country the mission serves in (migration 0014)
	PingRoleID      string // the role flight reminders mention; "" pings nobody (migration 0017)
	Planned         int
	MandateEnd      *time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// Location returns the guild's time zone, falling back to UTC if the stored name is unknown
// (it is checked when set, so that only happens if the tz database changes under us).
func (g Guild) Location() *time.Location {
	loc, err := time.LoadLocation(g.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Arrival is personnel of one country and role arriving in theatre.
type Arrival struct {
	ID        int64 `gorm:"primaryKey"`
	GuildID   string
	Country   string // alpha-2
	Personnel int
	Female    int // how many of the personnel are women, 0..Personnel (0: none recorded)
	Role      mission.Role
	ArrivedAt time.Time
	FlightID  *int64
	// LandingFlightID is the flight whose landing logged the arrival (migration 0017): what
	// /flight unland removes. FlightID alone cannot say it, since /arrival log flight: links
	// an arrival to a flight without landing it.
	LandingFlightID *int64
	Unit            string
	// UID is where an imported record came from, "<guild>/<kind>/<id>" (migration 0011); ""
	// for a record logged here.
	UID       string `gorm:"column:uid"`
	Source    string
	Note      string
	LoggedBy  string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt
}

// Departure is personnel leaving theatre; it lowers the force level.
type Departure struct {
	ID         int64 `gorm:"primaryKey"`
	GuildID    string
	Country    string
	Personnel  int
	Female     int // how many of the personnel are women, 0..Personnel (0: none recorded)
	Role       mission.Role
	DepartedAt time.Time
	Reason     mission.DepartureReason
	// UID is where an imported record came from, "<guild>/<kind>/<id>" (migration 0011); ""
	// for a record logged here.
	UID       string `gorm:"column:uid"`
	Source    string
	Note      string
	LoggedBy  string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt
}

// Pledge is a country's promised contribution. Personnel is nil when the size was not reported.
// Pledges are never overwritten: the latest AsOf per (country, role) counts.
type Pledge struct {
	ID        int64 `gorm:"primaryKey"`
	GuildID   string
	Country   string
	Personnel *int
	Role      mission.Role
	Source    string
	AsOf      time.Time
	// UID is where an imported record came from, "<guild>/<kind>/<id>" (migration 0011); ""
	// for a record logged here.
	UID       string `gorm:"column:uid"`
	LoggedBy  string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt
}

// Flight is an expected or past arrival by air.
type Flight struct {
	ID          int64 `gorm:"primaryKey"`
	GuildID     string
	ETA         time.Time `gorm:"column:eta"`
	Status      mission.FlightStatus
	Aircraft    string
	Origin      string
	Destination string
	Source      string
	Note        string
	Reason      string // last delay or cancel reason
	LandedAt    *time.Time
	// LandedFrom is the status the flight had before it landed, which /flight unland puts
	// back; "" when not landed, or landed before migration 0017.
	LandedFrom mission.FlightStatus
	// UID is where an imported record came from, "<guild>/<kind>/<id>" (migration 0011); ""
	// for a record logged here.
	UID       string `gorm:"column:uid"`
	EventID   string // Discord guild scheduled event mirroring the flight, if any
	LoggedBy  string
	CreatedAt time.Time
	UpdatedAt time.Time
	DeletedAt gorm.DeletedAt
	Manifest  []ManifestLine `gorm:"foreignKey:FlightID"`
}

// Open reports whether the flight is still expected (neither landed nor cancelled).
func (f Flight) Open() bool { return f.Status.Open() }

// ManifestLine is one line of a flight's manifest as stored: the line itself beside the row's
// identity.
type ManifestLine struct {
	ID                   int64 `gorm:"primaryKey"`
	GuildID              string
	FlightID             int64
	mission.ManifestLine `gorm:"embedded"`
}

// ForceTotal is the running force level of one (guild, country, role): arrivals minus departures.
type ForceTotal struct {
	GuildID  string       `gorm:"primaryKey"`
	Country  string       `gorm:"primaryKey"`
	Role     mission.Role `gorm:"primaryKey"`
	Deployed int64
	Women    int64 // of Deployed, the women recorded (never more than Deployed)
}

// PoliceType marks how one contributor's police are reported to the UN: formed police units
// (the default, when no row exists) or individual police officers. It is a mission setting per
// contributor, read by the forces export.
type PoliceType struct {
	GuildID       string                `gorm:"primaryKey"`
	Country       string                `gorm:"primaryKey"` // alpha-2
	PersonnelType mission.PersonnelType // TypeFormedPolice or TypeIndividualPolice
	UpdatedAt     time.Time
}

// Reminder is a planned post in the guild's announcement channel.
type Reminder struct {
	ID         int64 `gorm:"primaryKey"`
	GuildID    string
	Kind       mission.ReminderKind
	FlightID   *int64
	DedupeKey  string
	OffsetSecs int64
	DueAt      time.Time
	Status     mission.ReminderStatus
	Nonce      string
	Attempts   int
	LeaseOwner string
	LeaseUntil *time.Time
	LastError  string
	MessageID  string
	SentAt     *time.Time
	Late       bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// AuditEntry records one change: who, when, with which command, and the record before and after
// as JSON.
type AuditEntry struct {
	ID       int64 `gorm:"primaryKey"`
	GuildID  string
	At       time.Time
	UserID   string
	Command  string
	Kind     mission.RecordKind
	RecordID int64
	Action   mission.AuditAction
	Before   string
	After    string
}

// HandledInteraction records that a Discord interaction made its change: one row per
// interaction ID, written in the change's transaction (see Actor.InteractionID).
type HandledInteraction struct {
	InteractionID string `gorm:"primaryKey"`
	GuildID       string
	Command       string // what the repeat is told was already carried out
	CreatedAt     time.Time
}

// Report is a reported figure (migration 0012): what a source said about the force, kept beside
// the ledger and compared with it as of the same day, never mixed into it. Country "" is the
// whole mission; Role "" is every role.
type Report struct {
	ID        int64 `gorm:"primaryKey"`
	GuildID   string
	Figure    mission.FigureKind
	Value     int
	Qualifier mission.Qualifier
	Country   string
	Role      mission.Role
	AsOf      time.Time
	Source    string
	Note      string
	LoggedBy  string
	UID       string `gorm:"column:uid"` // as Arrival's
	// StoredLedger and StoredGap are the ledger's figure on AsOf's day and the disagreement
	// (mission.Agreement.Gap) as last computed: /reports pages by them (see migration 0012).
	StoredLedger int64 `gorm:"column:ledger_value"`
	StoredGap    int64 `gorm:"column:disagreement"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DeletedAt    gorm.DeletedAt
}

// ReportCount is how many live reports a guild holds (Country "") or holds for one country
// (migration 0012).
type ReportCount struct {
	GuildID string `gorm:"primaryKey"`
	Country string `gorm:"primaryKey"`
	N       int64
}

// ReportMark says that a guild's reported figures from day StaleFrom on must be compared with
// the ledger again: a write moved the ledger on that day (migration 0012).
type ReportMark struct {
	GuildID   string `gorm:"primaryKey"`
	StaleFrom int64
}
