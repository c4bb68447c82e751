//! Single flight: concurrent callers of one missing key in a process compute
//! it once. The first caller of a key takes its lock and computes; later ones
//! wait on the lock, then take the payload it left (when it left none, or
//! one they cannot decode, `call/lookup.rs` says what they do).
//!
//! A computation that calls its own function with the same key (directly,
//! or through other functions) would wait on the lock it holds, forever.
//! [`Computing`] marks the keys whose computation is running on the current
//! thread, during each poll of it: such a call skips the flight and
//! computes. (A computation that spawns a task making that call and waits
//! for it still waits on itself: the task runs elsewhere.)

use std::cell::RefCell;
use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use crate::entry::Fresh;
use crate::key::Key;

/// The calls in flight of one cache, by key.
#[derive(Debug, Default)]
pub(crate) struct Flights {
    table: Mutex<HashMap<Key, Arc<Flight>>>,
}

/// Calls in flight for one key: a lock held by the caller computing, which
/// leaves in it what it stored, for the others.
pub(crate) type Flight = async_lock::Mutex<Option<Fresh>>;

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
            // is waiting (a lock held or awaited owns one too); joins happen
            // under the same lock, so this is exact.
            if Arc::ptr_eq(e.get(), &self.flight) && Arc::strong_count(&self.flight) == 2 {
                e.remove();
            }
        }
    }
}

thread_local! {
    /// Keys whose computation is being polled on this thread, innermost last.
    static COMPUTING: RefCell<Vec<Key>> = const { RefCell::new(Vec::new()) };
}

/// Whether this call is made from inside the computation of the same key.
pub(crate) fn computing_here(key: &Key) -> bool {
    COMPUTING
        .try_with(|keys| keys.borrow().contains(key))
        .unwrap_or(false)
}

/// A computation of `key`: while it is polled, [`computing_here`] says so.
pub(crate) struct Computing<F> {
    key: Key,
    inner: Pin<Box<F>>,
}

impl<F: Future> Computing<F> {
    pub(crate) fn new(key: Key, inner: F) -> Self {
        Computing {
            key,
            inner: Box::pin(inner),
        }
    }
}

impl<F: Future> Future for Computing<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        /// Pops the key when the poll ends, a panic included.
        struct Mark;
        impl Drop for Mark {
            fn drop(&mut self) {
                let _ = COMPUTING.try_with(|keys| keys.borrow_mut().pop());
            }
        }
        let key = self.key;
        let _mark = COMPUTING
            .try_with(|keys| keys.borrow_mut().push(key))
            .ok()
            .map(|()| Mark);
        self.inner.as_mut().poll(cx)
    }
}
