//! Time to live: the one place that decides whether an entry is still fresh.
//!
//! A call's time to live (the function's, else its cache's) becomes a
//! [`Deadline`] once per call; every source of a stored value (the memory
//! tier, the storage) asks it about the value's write time. Storage backends
//! only report write times (`Blob::modified`); they never judge them.

use std::time::{Duration, SystemTime};

/// Entries written at or before this instant are expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Deadline(Option<SystemTime>);

impl Deadline {
    /// The deadline of a call made now with time to live `ttl`; no time to
    /// live admits every entry. (Reads the clock only when there is one.)
    pub(crate) fn for_ttl(ttl: Option<Duration>) -> Deadline {
        Deadline(ttl.and_then(|ttl| SystemTime::now().checked_sub(ttl)))
    }

    /// Whether an entry written at `written` may be served.
    #[inline]
    pub(crate) fn admits(self, written: SystemTime) -> bool {
        self.0.is_none_or(|deadline| written > deadline)
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
        let exact = Deadline(Some(now));
        assert!(!exact.admits(now), "written at the deadline");
        assert!(exact.admits(now + Duration::from_nanos(1)));
    }
}
