//! Per-instance and shared methods: `cargo run --example methods`, twice.
//!
//! The Python original keys a method's results by the object's memory address,
//! which is never found again after a restart. Here an instance is known by
//! something that survives the process: its `Serialize` state (the default),
//! or an expression given with `instance_key = …`. With `per_instance = false`
//! every instance shares one set of results.
//!
//! It prints `computed: …` each time a body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing.

use std::cell::Cell;

use perscache::persist;
use serde::Serialize;

#[derive(Serialize)]
struct Calculator {
    id: u32,
    precision: u8,
    /// Not part of the instance's identity: a counter that changes with every
    /// computation would otherwise change the key.
    #[serde(skip)]
    computations: Cell<u32>,
}

impl Calculator {
    fn new(id: u32) -> Self {
        Calculator {
            id,
            precision: 2,
            computations: Cell::new(0),
        }
    }

    fn computed(&self, what: &str) {
        self.computations.set(self.computations.get() + 1);
        println!("computed: {what} on calculator {}", self.id);
    }

    /// Per instance (the default): keyed by the instance's `Serialize` state,
    /// here `{ id, precision }`.
    #[persist]
    fn add(&self, a: i64, b: i64) -> i64 {
        self.computed(&format!("add({a}, {b})"));
        a + b
    }

    /// Per instance, known by its `id` alone: changing `precision` keeps the
    /// entries of `power`.
    #[persist(instance_key = self.id)]
    fn power(&self, base: i64, exp: u32) -> i64 {
        self.computed(&format!("power({base}, {exp})"));
        base.pow(exp)
    }

    /// Shared: `self` takes no part in the key, so any calculator's answer
    /// serves every other one.
    #[persist(per_instance = false)]
    fn multiply(&self, a: i64, b: i64) -> i64 {
        self.computed(&format!("multiply({a}, {b})"));
        a * b
    }
}

fn main() {
    let calc1 = Calculator::new(1);
    let calc2 = Calculator::new(2);

    println!("result: calc1.add(5, 3) = {}", calc1.add(5, 3)); // computed
    println!("result: calc1.add(5, 3) = {}", calc1.add(5, 3)); // from the cache
    println!("result: calc2.add(5, 3) = {}", calc2.add(5, 3)); // another instance: computed
    println!("result: calc1.power(2, 10) = {}", calc1.power(2, 10));
    println!("result: calc1.multiply(4, 2) = {}", calc1.multiply(4, 2)); // computed
    println!("result: calc2.multiply(4, 2) = {}", calc2.multiply(4, 2)); // shared: from the cache

    // Instances live across runs: a new calculator 1 finds calculator 1's results.
    let again = Calculator::new(1);
    println!("result: new calc1.add(5, 3) = {}", again.add(5, 3));
    println!(
        "  computations in this run: calc1 {}, calc2 {}, new calc1 {}",
        calc1.computations.get(),
        calc2.computations.get(),
        again.computations.get()
    );
}
