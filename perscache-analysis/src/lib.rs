//! Transitive code-hash analysis (see issue 3); filled in by the analysis work.
