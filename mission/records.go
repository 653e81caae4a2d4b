package mission

import "slices"

// FlightStatus is where a flight stands. A flight is open while scheduled or delayed; landing
// and cancelling close it for good.
type FlightStatus string

// Flight statuses (SPEC §2).
const (
	FlightScheduled FlightStatus = "scheduled"
	FlightDelayed   FlightStatus = "delayed"
	FlightLanded    FlightStatus = "landed"
	FlightCancelled FlightStatus = "cancelled"
)

// Open reports whether a flight with this status is still expected.
func (s FlightStatus) Open() bool { return s == FlightScheduled || s == FlightDelayed }

// DepartureReason says why personnel left theatre.
type DepartureReason string

// Departure reasons, the choices of /departure log's reason option.
const (
	ReasonRotation     DepartureReason = "rotation"
	ReasonRepatriation DepartureReason = "repatriation"
	ReasonCasualty     DepartureReason = "casualty"
	ReasonOther        DepartureReason = "other"
)

var departureReasons = [...]DepartureReason{ReasonRotation, ReasonRepatriation, ReasonCasualty, ReasonOther}

// DepartureReasons returns the reasons in the order the option offers them.
func DepartureReasons() [len(departureReasons)]DepartureReason { return departureReasons }

// Valid reports whether r is one of the reasons ("" is not; callers decide whether a reason is
// required).
func (r DepartureReason) Valid() bool { return slices.Contains(departureReasons[:], r) }

// ReminderKind is what a planned post is about.
type ReminderKind string

// Reminder kinds (SPEC §2, §6).
const (
	ReminderFlight    ReminderKind = "flight"
	ReminderDigest    ReminderKind = "digest"
	ReminderCountdown ReminderKind = "countdown"
	ReminderOverdue   ReminderKind = "overdue"
)

// countdownDays are the days before the mandate end on which a countdown is posted.
var countdownDays = [...]int{30, 7, 1}

// CountdownDays returns the days before the mandate end on which a countdown is posted.
func CountdownDays() [len(countdownDays)]int { return countdownDays }

// ReminderStatus is where a planned post stands. A pending row is claimed with a lease while it
// is being posted; it ends sent, failed, missed (too late to post) or cancelled (no longer
// needed).
type ReminderStatus string

// Reminder statuses.
const (
	ReminderPending   ReminderStatus = "pending"
	ReminderSent      ReminderStatus = "sent"
	ReminderFailed    ReminderStatus = "failed"
	ReminderMissed    ReminderStatus = "missed"
	ReminderCancelled ReminderStatus = "cancelled"
)

// RecordKind names the kind of record an audit entry is about, as /history and /export audit
// name it.
type RecordKind string

// Record kinds.
const (
	KindArrival   RecordKind = "arrival"
	KindDeparture RecordKind = "departure"
	KindPledge    RecordKind = "pledge"
	KindFlight    RecordKind = "flight"
	KindSettings  RecordKind = "settings"
	// KindReport is a reported figure: what a source said, kept beside the ledger.
	KindReport RecordKind = "report"
)

var recordKinds = [...]RecordKind{KindArrival, KindDeparture, KindPledge, KindFlight, KindSettings, KindReport}

// RecordKinds returns the kinds /history accepts, in the order it offers them.
func RecordKinds() [len(recordKinds)]RecordKind { return recordKinds }

// AuditAction is what a change did to its record.
type AuditAction string

// Audit actions.
const (
	ActionCreate AuditAction = "create"
	ActionUpdate AuditAction = "update"
	ActionDelete AuditAction = "delete"
	ActionAdd    AuditAction = "add" // a manifest line added to a flight
	ActionDelay  AuditAction = "delay"
	ActionLand   AuditAction = "land"
	ActionCancel AuditAction = "cancel"
	ActionUnland AuditAction = "unland" // a landing undone, its arrivals removed
)

// Strings converts typed words to strings, for option choices and messages.
func Strings[T ~string](words ...T) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = string(w)
	}
	return out
}
