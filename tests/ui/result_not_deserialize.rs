use perscache::persist;

#[derive(serde::Serialize)]
struct Model {
    weights: Vec<f64>,
}

#[persist]
fn train(n: usize) -> Model {
    Model { weights: vec![0.0; n] }
}

fn main() {}
