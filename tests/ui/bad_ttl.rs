use perscache::persist;

#[persist(ttl = "one day")]
fn rates() -> u32 {
    1
}

fn main() {}
