//! Time as the fake sees it: the system clock, or an injected one for deterministic tests.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

/// The fake's clock. Cloning shares it, so a test can keep a handle and advance it.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Mutex<ClockKind>>);

#[derive(Debug)]
enum ClockKind {
    System,
    Manual(DateTime<Utc>),
    Stepping { now: DateTime<Utc>, step: TimeDelta },
}

impl Clock {
    /// The real UTC time.
    pub fn system() -> Self {
        Self(Arc::new(Mutex::new(ClockKind::System)))
    }

    /// A clock that stands still at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(ClockKind::Manual(start))))
    }

    /// A clock that moves forward by `step` every time it is read: evaluations then progress
    /// with the number of requests, not with wall time, so tests are deterministic.
    pub fn stepping(start: DateTime<Utc>, step: Duration) -> Self {
        let step = TimeDelta::from_std(step).unwrap_or(TimeDelta::zero());
        Self(Arc::new(Mutex::new(ClockKind::Stepping {
            now: start,
            step,
        })))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        let mut kind = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *kind {
            ClockKind::System => DateTime::<Utc>::from(std::time::SystemTime::now()),
            ClockKind::Manual(now) => *now,
            ClockKind::Stepping { now, step } => {
                let current = *now;
                *now = current + *step;
                current
            }
        }
    }

    /// Moves a manual or stepping clock forward; no effect on the system clock.
    pub fn advance(&self, by: Duration) {
        let by = TimeDelta::from_std(by).unwrap_or(TimeDelta::zero());
        let mut kind = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match &mut *kind {
            ClockKind::System => {}
            ClockKind::Manual(now) | ClockKind::Stepping { now, .. } => *now += by,
        }
    }
}

/// Graph's timestamp format: UTC, `Z`, seven fractional digits.
pub(crate) fn graph_time(t: DateTime<Utc>) -> String {
    use chrono::Timelike as _;
    let ticks = t.nanosecond() % 1_000_000_000 / 100;
    format!("{}.{ticks:07}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// The sentinel Graph uses for "not yet" in non-nullable dates.
pub(crate) const NOT_YET: &str = "0001-01-01T00:00:00Z";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepping_clock_moves_on_every_read_and_formats_like_graph() {
        let start = DateTime::parse_from_rfc3339("2025-10-22T20:12:57.8667119Z")
            .unwrap()
            .to_utc();
        let clock = Clock::stepping(start, Duration::from_millis(10));
        assert_eq!(graph_time(clock.now()), "2025-10-22T20:12:57.8667119Z");
        assert_eq!(graph_time(clock.now()), "2025-10-22T20:12:57.8767119Z");
        clock.advance(Duration::from_secs(1));
        assert_eq!(graph_time(clock.now()), "2025-10-22T20:12:58.8867119Z");
    }
}
