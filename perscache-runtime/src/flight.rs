//! Single flight: concurrent callers of one missing key in a process compute
//! it once. The first caller of a key takes its lock and computes; later ones
//! wait on the lock, then take the payload it left.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;

use crate::key::Key;

/// The calls in flight of one cache, by key.
#[derive(Debug, Default)]
pub(crate) struct Flights {
    table: Mutex<HashMap<Key, Arc<Flight>>>,
}

/// Calls in flight for one key.
#[derive(Debug, Default)]
pub(crate) struct Flight {
    /// Held by the caller computing; holds what it stored, for the others.
    pub(crate) payload: async_lock::Mutex<Option<Bytes>>,
}

/// A caller's place in a [`Flight`]; leaves the table when dropped, panics
/// included.
pub(crate) struct Ticket<'a> {
    flights: &'a Flights,
    key: Key,
    pub(crate) flight: Arc<Flight>,
}

impl Flights {
    /// Joins the flight of `key`, starting one if there is none.
    pub(crate) fn join(&self, key: Key) -> Ticket<'_> {
        let mut table = self.table.lock().unwrap_or_else(|p| p.into_inner());
        let flight = Arc::clone(table.entry(key).or_default());
        Ticket {
            flights: self,
            key,
            flight,
        }
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        let mut table = self.flights.table.lock().unwrap_or_else(|p| p.into_inner());
        if let MapEntry::Occupied(e) = table.entry(self.key) {
            // Two owners left (the table and this ticket) means nobody else
            // is waiting; joins happen under the same lock, so this is exact.
            if Arc::ptr_eq(e.get(), &self.flight) && Arc::strong_count(&self.flight) == 2 {
                e.remove();
            }
        }
    }
}
