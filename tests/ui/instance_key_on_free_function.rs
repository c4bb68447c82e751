use perscache::persist;

#[persist(instance_key = 1)]
fn f(x: u32) -> u32 {
    x
}

fn main() {}
