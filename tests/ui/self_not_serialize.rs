use perscache::persist;

struct Client {
    token: String,
}

impl Client {
    #[persist]
    fn profile(&self, id: u64) -> String {
        format!("{}:{id}", self.token)
    }
}

fn main() {}
