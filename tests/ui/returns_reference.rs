use perscache::persist;

#[persist]
fn first(items: &[String]) -> &str {
    &items[0]
}

fn main() {}
