use perscache::persist;

#[persist(ignore = [progres])]
fn train(data: Vec<f64>, progress: bool) -> f64 {
    let _ = progress;
    data.iter().sum()
}

fn main() {}
