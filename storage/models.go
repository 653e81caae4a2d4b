package storage

import (
	"time"

	"gorm.io/gorm"
)

// Flight statuses.
const (
	FlightScheduled = "scheduled"
	FlightDelayed   = "delayed"
	FlightLanded    = "landed"
	FlightCancelled = "cancelled"
)

// Departure reasons.
var DepartureReasons = []string{"rotation", "repatriation", "casualty", "other"}

// Guild is a Discord server's settings and its mission. One row per guild, created the first
// time the guild is seen, from the configured defaults.
type Guild struct {
	ID              string `gorm:"primaryKey"`
	ChannelID       string // announcements and reminders
	ModeratorRoleID string
	Timezone        string // IANA name
	Airport         string // default destination
	ReminderOffsets string // "24h,1h,0"
	Digest          string // 5-field cron in Timezone, or "off"
	MissionName     string
	MissionLead     string // alpha-2
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
	Role      string
	ArrivedAt time.Time
	FlightID  *int64
	Unit      string
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
	Role       string
	DepartedAt time.Time
	Reason     string
	Source     string
	Note       string
	LoggedBy   string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	DeletedAt  gorm.DeletedAt
}

// Pledge is a country's promised contribution. Personnel is nil when the size was not reported.
// Pledges are never overwritten: the latest AsOf per (country, role) counts.
type Pledge struct {
	ID        int64 `gorm:"primaryKey"`
	GuildID   string
	Country   string
	Personnel *int
	Role      string
	Source    string
	AsOf      time.Time
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
	Status      string
	Aircraft    string
	Origin      string
	Destination string
	Source      string
	Note        string
	Reason      string // last delay or cancel reason
	LandedAt    *time.Time
	EventID     string // Discord guild scheduled event mirroring the flight, if any
	LoggedBy    string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DeletedAt   gorm.DeletedAt
	Manifest    []ManifestLine `gorm:"foreignKey:FlightID"`
}

// Open reports whether the flight is still expected (neither landed nor cancelled).
func (f Flight) Open() bool { return f.Status == FlightScheduled || f.Status == FlightDelayed }

// ManifestLine is one country/personnel/role line of a flight's manifest.
type ManifestLine struct {
	ID        int64 `gorm:"primaryKey"`
	GuildID   string
	FlightID  int64
	Country   string
	Personnel int
	Role      string
}

// ForceTotal is the running force level of one (guild, country, role): arrivals minus departures.
type ForceTotal struct {
	GuildID  string `gorm:"primaryKey"`
	Country  string `gorm:"primaryKey"`
	Role     string `gorm:"primaryKey"`
	Deployed int64
}

// Reminder kinds.
const (
	ReminderFlight    = "flight"
	ReminderDigest    = "digest"
	ReminderCountdown = "countdown"
	ReminderOverdue   = "overdue"
)

// Reminder statuses. A pending row is claimed with a lease (LeaseOwner, LeaseUntil) while it is
// being posted; it ends sent, failed, missed (too late to post) or cancelled (no longer needed).
const (
	ReminderPending   = "pending"
	ReminderSent      = "sent"
	ReminderFailed    = "failed"
	ReminderMissed    = "missed"
	ReminderCancelled = "cancelled"
)

// Reminder is a planned post in the guild's announcement channel.
type Reminder struct {
	ID         int64 `gorm:"primaryKey"`
	GuildID    string
	Kind       string
	FlightID   *int64
	DedupeKey  string
	OffsetSecs int64
	DueAt      time.Time
	Status     string
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
	Kind     string // arrival, departure, pledge, flight, settings
	RecordID int64
	Action   string // create, update, delete, land, cancel, delay
	Before   string
	After    string
}
