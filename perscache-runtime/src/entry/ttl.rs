//! Time to live: the one place that decides whether an entry is still fresh.
//!
//! A call's time to live (the function's, else its cache's) becomes a
//! [`Deadline`] once per call; every source of a stored value (the memory
//! tier, the storage) asks it about the value's write time. Storage backends
//! only report write times (`Blob::modified`: a file's modification time, an
//! object's last-modified time, or with a secret the signed write time);
//! they never judge them.
//!
//! An entry written in the future is expired too: otherwise a planted or
//! `touch`ed file dated next century would never expire. Clocks of
//! different machines (an object store's, a teammate's) may disagree by a
//! little, so up to [`FUTURE_SLACK`] ahead is accepted.

use std::time::{Duration, SystemTime};

/// How far ahead of the reader's clock a write time may be and still count
/// as now (clock skew between the writer, the server and the reader).
pub(crate) const FUTURE_SLACK: Duration = Duration::from_secs(60);

/// Entries written at or before the first instant, or after the second, are
/// expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Deadline(Option<(SystemTime, SystemTime)>);

impl Deadline {
    /// The deadline of a call made now with time to live `ttl`; no time to
    /// live admits every entry. (Reads the clock only when there is one.)
    pub(crate) fn for_ttl(ttl: Option<Duration>) -> Deadline {
        Deadline(ttl.and_then(|ttl| {
            let now = SystemTime::now();
            Some((now.checked_sub(ttl)?, now + FUTURE_SLACK))
        }))
    }

    /// Whether an entry written at `written` may be served.
    #[inline]
    pub(crate) fn admits(self, written: SystemTime) -> bool {
        self.0
            .is_none_or(|(oldest, latest)| written > oldest && written <= latest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_at_or_before_the_deadline_is_expired() {
        let now = SystemTime::now();
        let none = Deadline::for_ttl(None);
        assert!(none.admits(SystemTime::UNIX_EPOCH));
        let minute = Deadline::for_ttl(Some(Duration::from_secs(60)));
        assert!(minute.admits(now));
        assert!(!minute.admits(now - Duration::from_secs(61)));
        let exact = Deadline(Some((now, now + FUTURE_SLACK)));
        assert!(!exact.admits(now), "written at the deadline");
        assert!(exact.admits(now + Duration::from_nanos(1)));
    }

    #[test]
    fn written_in_the_future_is_expired() {
        let now = SystemTime::now();
        let minute = Deadline::for_ttl(Some(Duration::from_secs(60)));
        assert!(minute.admits(now + FUTURE_SLACK / 2), "clock skew");
        assert!(!minute.admits(now + Duration::from_secs(3600)));
        assert!(!minute.admits(now + Duration::from_secs(100 * 365 * 86_400)));
        // Without a time to live nothing expires.
        assert!(Deadline::for_ttl(None).admits(now + Duration::from_secs(3600)));
    }
}
