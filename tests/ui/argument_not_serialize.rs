use perscache::persist;

struct Connection;

#[persist]
fn query(conn: &Connection, sql: &str) -> Vec<String> {
    let _ = conn;
    vec![sql.to_owned()]
}

fn main() {}
