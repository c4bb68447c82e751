use perscache::persist;

#[persist]
fn log(line: &str) {
    println!("{line}");
}

fn main() {}
