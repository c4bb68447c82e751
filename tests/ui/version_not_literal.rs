use perscache::persist;

const V: &str = "2";

#[persist(version = V)]
fn rate(day: u32) -> u32 {
    day * 10
}

fn main() {
    let _ = V;
}
