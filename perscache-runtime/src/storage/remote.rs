//! What the remote backends (object stores, Redis) share: the I/O runtime they
//! own, and the scrubbing of secrets out of error messages. (The size limit
//! and the outage breaker are wrappers over any storage: `limit.rs`,
//! `breaker.rs`.)
//!
//! **The runtime.** A `#[persist]` sync function drives storage futures with a
//! tiny executor of its own (`pollster`), and an async one with whatever
//! executor the caller uses. Network clients need tokio, so every remote
//! operation is spawned onto one multi-threaded tokio runtime that perscache
//! creates on first use and never drops; the caller awaits only the task's
//! `JoinHandle`, which completes under any executor. So a sync function works
//! outside tokio, and inside a tokio runtime it blocks only its own thread (it
//! never calls `Runtime::block_on`, which would panic there), while an async
//! function awaits the I/O without blocking its runtime.
//!
//! **Deadlines.** Every operation runs under one overall deadline
//! ([`on_runtime`]), whatever the client's own timeouts say: those are per
//! attempt or per chunk, and a server that trickles a byte every few
//! seconds never trips a per-chunk timeout.
//!
//! **Forks.** A forked child has none of its parent's threads, so a task
//! spawned on the parent's runtime would never run: each process makes its
//! own runtime, and the parent's is left alone (never dropped in the child,
//! whose threads it would try to join).

use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Error, Result};

/// The I/O runtime of all remote backends in this process, created on first
/// use (and again in a forked child).
pub(crate) fn runtime(backend: &'static str) -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: Mutex<Option<(u32, &'static tokio::runtime::Runtime)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut current = RUNTIME.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((owner, runtime)) = *current {
        if owner == pid {
            return Ok(runtime);
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("perscache-io")
        .enable_all()
        .build()
        .map_err(|e| Error::storage(backend, RemoteError::Runtime(e.to_string())))?;
    // Lives as long as the process, like a `static`.
    let runtime: &'static tokio::runtime::Runtime = Box::leak(Box::new(runtime));
    *current = Some((pid, runtime));
    Ok(runtime)
}

/// Runs `task` on the I/O runtime, giving up after `deadline`; the returned
/// future completes under any executor.
pub(crate) async fn on_runtime<T, F>(
    backend: &'static str,
    deadline: Duration,
    task: F,
) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let handle = runtime(backend)?.spawn(async move {
        tokio::time::timeout(deadline, task)
            .await
            .unwrap_or_else(|_| Err(Error::storage(backend, RemoteError::Deadline(deadline))))
    });
    match handle.await {
        Ok(result) => result,
        Err(e) => Err(Error::storage(backend, RemoteError::Task(e.to_string()))),
    }
}

/// Failures of the shared remote machinery.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RemoteError {
    #[error("cannot start the I/O runtime: {0}")]
    Runtime(String),
    #[error("the I/O task failed: {0}")]
    Task(String),
    #[error("no complete answer within {0:?} (the operation's overall deadline)")]
    Deadline(Duration),
    #[error("{0}")]
    Scrubbed(String),
}

/// The secret values one storage was configured with, to be cut out of every
/// error message before it leaves the backend. Its `Debug` shows only how many
/// it holds.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<String>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} secret(s) redacted>", self.0.len())
    }
}

impl Secrets {
    /// Remembers a secret (values shorter than 4 characters are too likely to
    /// appear by chance to be worth cutting out).
    pub(crate) fn add(&mut self, secret: impl Into<String>) {
        let s = secret.into();
        if s.len() >= 4 && !self.0.contains(&s) {
            self.0.push(s);
        }
    }

    /// Remembers the value of each environment variable in `names` that is set.
    #[cfg_attr(
        not(any(feature = "s3", feature = "gcs", feature = "azure")),
        allow(dead_code)
    )]
    pub(crate) fn add_env(&mut self, names: &[&str]) {
        for name in names {
            if let Ok(v) = std::env::var(name) {
                self.add(v);
            }
        }
    }

    /// `text` with every known secret, and every signature or key in a URL
    /// query, replaced by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = crate::redact_url(text);
        for s in &self.0 {
            out = out.replace(s.as_str(), "***");
        }
        for marker in [
            "sig=",
            "Signature=",
            "signature=",
            "AccountKey=",
            "SharedAccessSignature=",
            "token=",
        ] {
            out = redact_after(&out, marker);
        }
        out
    }

    /// A storage error whose message, with its whole chain of causes, has
    /// been scrubbed.
    pub(crate) fn error(
        &self,
        backend: &'static str,
        e: &(dyn std::error::Error + 'static),
    ) -> Error {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            let more = s.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            source = s.source();
        }
        Error::storage(backend, RemoteError::Scrubbed(self.scrub(&text)))
    }
}

fn redact_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let (head, tail) = rest.split_at(i + marker.len());
        out.push_str(head);
        let end = tail
            .find(|c: char| {
                c == '&' || c == ';' || c == '"' || c == '\'' || c == ')' || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        if end > 0 {
            out.push_str("***");
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubs_known_secrets_and_url_signatures() {
        let mut s = Secrets::default();
        s.add("hunter2hunter2");
        let text = "failed https://x/y?sv=1&sig=abcDEF%2B&se=2 with key hunter2hunter2";
        let out = s.scrub(text);
        assert!(!out.contains("hunter2"), "{out}");
        assert!(!out.contains("abcDEF"), "{out}");
        assert!(out.contains("se=2"), "{out}");
        assert_eq!(format!("{s:?}"), "<1 secret(s) redacted>");
    }
}
