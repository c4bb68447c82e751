use perscache::persist;

#[derive(serde::Serialize)]
struct Counter(u32);

impl Counter {
    #[persist]
    fn bump(&mut self) -> u32 {
        self.0 += 1;
        self.0
    }
}

fn main() {}
