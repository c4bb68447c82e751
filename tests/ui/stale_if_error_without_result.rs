use perscache::persist;

// Only a failure may be answered with an expired result, and only a
// `Result` says which calls failed.
#[persist(ttl = "1h", stale_if_error = "7d")]
fn temperature(city: String) -> Option<f64> {
    city.parse().ok()
}

#[persist(min_compute = "0s")]
fn cheap(x: u32) -> u32 {
    x
}

fn main() {}
