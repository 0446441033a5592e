//! Temporal values. Their representation is fixed here so every layer agrees;
//! parsing, arithmetic and accessors belong with the temporal functions.

/// Days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub days: i64,
}

/// Nanoseconds since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    pub nanos: i64,
}

/// A time of day with a UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    pub nanos: i64,
    pub offset_seconds: i32,
}

/// Seconds and nanoseconds since 1970-01-01T00:00 with no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalDateTime {
    pub seconds: i64,
    pub nanos: u32,
}

/// An instant (seconds since the UTC epoch) with the offset it was written in
/// and, when known, the named zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    pub seconds: i64,
    pub nanos: u32,
    pub offset_seconds: i32,
    pub zone: Option<String>,
}

/// Cypher durations keep months, days and seconds apart: a month is not a
/// fixed number of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
    pub nanos: i32,
}
