use perscache::persist;

#[persist(tll = "1d")]
fn rates() -> u32 {
    1
}

fn main() {}
