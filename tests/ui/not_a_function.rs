use perscache::persist;

#[persist]
struct Data {
    x: u32,
}

fn main() {}
