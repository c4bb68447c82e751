//! A slow, paid API behind a time to live: `cargo run --example paid_api`, twice.
//!
//! Each call of `quote` costs a credit and a second. With `#[persist(ttl = …)]`
//! the answer is kept for a day: the second run of this program pays nothing,
//! and tomorrow's first run asks the API again. Errors are never stored, so a
//! failed call is retried on the next run instead of being remembered; and
//! with `stale_if_error`, a call that fails while the API is down returns
//! the last answer, up to a week old, with a warning, instead of the error.
//!
//! It prints `computed: …` each time the API is called and `result: …` for
//! every answer, so a script can check that a second run calls nothing.

use std::time::Duration;

use perscache::persist;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Quote {
    symbol: String,
    price_cents: u64,
}

#[derive(Debug)]
enum ApiError {
    UnknownSymbol(String),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::UnknownSymbol(s) => write!(f, "unknown symbol {s}"),
        }
    }
}

/// Stands in for an HTTP call to a paid market-data API.
///
/// `ttl = "1d"` is a humantime string checked at compile time; only `Ok`
/// values are stored (`ApiError` need not even be `Serialize`).
#[persist(ttl = "1d", stale_if_error = "7d")]
fn quote(symbol: &str) -> Result<Quote, ApiError> {
    println!("computed: paid API call for {symbol} (1 credit)");
    std::thread::sleep(Duration::from_millis(300));
    let price_cents = match symbol {
        "ACME" => 12_345,
        "INITECH" => 6_789,
        other => return Err(ApiError::UnknownSymbol(other.to_owned())),
    };
    Ok(Quote {
        symbol: symbol.to_owned(),
        price_cents,
    })
}

/// A time to live can also be any `Duration` expression: here, fifteen
/// minutes, for prices that move faster.
#[persist(ttl = Duration::from_secs(15 * 60))]
fn intraday_high(symbol: &str) -> u64 {
    println!("computed: paid intraday call for {symbol} (5 credits)");
    std::thread::sleep(Duration::from_millis(300));
    symbol.bytes().map(u64::from).sum::<u64>() * 10
}

fn main() {
    for symbol in ["ACME", "INITECH", "ACME"] {
        match quote(symbol) {
            Ok(q) => println!("result: {} costs {} cents", q.symbol, q.price_cents),
            Err(e) => println!("result: {symbol}: {e}"),
        }
    }
    println!("result: ACME intraday high {}", intraday_high("ACME"));
    println!("run me again within a day: no credit is spent.");
}
