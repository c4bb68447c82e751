use perscache::persist;

#[persist(ignore = [nope], cache_none = true)]
fn f(out: &mut String, x: u32) -> u32 {
    out.push('x');
    x
}

fn main() {}
