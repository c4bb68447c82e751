//! Async functions and methods on tokio: `cargo run --example async_tokio`, twice.
//!
//! An async `#[persist]` function is awaited, then its result is stored; the
//! cache needs no particular runtime, so this works the same on tokio,
//! async-std or `pollster::block_on`. Concurrent calls with one key compute it
//! once (single flight), and a method's results are kept per instance.
//!
//! It prints `computed: …` each time a body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing.

use std::time::Duration;

use perscache::persist;
use serde::Serialize;

/// Stands in for a slow HTTP request.
#[persist]
async fn fetch_page(url: &str) -> Result<String, String> {
    println!("computed: fetched {url}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(format!("<html>{} bytes of {url}</html>", url.len() * 100))
}

/// A client whose identity (its `Serialize` state, the base URL) keys its
/// results: two clients of two servers never share answers.
#[derive(Serialize)]
struct Client {
    base: String,
}

impl Client {
    #[persist]
    async fn user_name(&self, id: u64) -> String {
        println!("computed: {}/users/{id}", self.base);
        tokio::time::sleep(Duration::from_millis(200)).await;
        format!("user-{id}@{}", self.base.trim_start_matches("https://"))
    }
}

#[tokio::main]
async fn main() {
    // Three calls at once, two of them with the same URL: that one is fetched once.
    let (a, b, c) = tokio::join!(
        fetch_page("https://example.com/a"),
        fetch_page("https://example.com/a"),
        fetch_page("https://example.com/b"),
    );
    for page in [a, b, c] {
        println!("result: {page:?}");
    }

    let eu = Client {
        base: "https://eu.example.com".into(),
    };
    let us = Client {
        base: "https://us.example.com".into(),
    };
    println!("result: {}", eu.user_name(7).await);
    println!("result: {}", eu.user_name(7).await); // the same instance: a hit
    println!("result: {}", us.user_name(7).await); // another instance: its own entry
}
