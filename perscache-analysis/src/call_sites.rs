//! Code that reports where code sits (`#[track_caller]`, `Location::caller()`,
//! `line!()` in a `macro_rules!` body or a proc macro's output, a panic hook
//! reading where a panic happened): there, an item's place in its file, not
//! only its tokens, can change a result.
//!
//! Which reached item's place is reported cannot be told from names: the
//! caller of a `#[track_caller]` function may call it through an operator,
//! `?`, a derive, auto-deref, an import under another name or a macro's
//! expansion, and a hook sees whichever panic happens. So once a closure
//! reaches such code, the place of every item it reaches is in its hash.

use std::path::Path;
use std::sync::OnceLock;

use crate::graph::{Closure, Graph, NodeDetail, NodeId};
use crate::manifest::display_path;

/// The workspace's code that reports where code sits, worked out once for
/// all marked functions.
pub(crate) struct CallSites<'g> {
    graph: &'g Graph,
    root: &'g Path,
    /// Per node, on first use: whether it reports where code sits.
    observes: Vec<OnceLock<bool>>,
    /// Per node, on first use: the digest of its file (relative to the
    /// workspace) and of where each of its tokens sits.
    places: Vec<OnceLock<[u8; 32]>>,
}

/// What one marked function reaches of code reporting where code sits.
pub(crate) struct Observed<'g> {
    /// The keys of the reached items that report it, sorted.
    pub observers: Vec<&'g str>,
    /// The places of every reached item, sorted.
    pub places: Vec<[u8; 32]>,
}

impl<'g> CallSites<'g> {
    pub(crate) fn new(graph: &'g Graph, root: &'g Path) -> Self {
        CallSites {
            graph,
            root,
            observes: graph.nodes.iter().map(|_| OnceLock::new()).collect(),
            places: graph.nodes.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    fn observes(&self, id: NodeId) -> bool {
        *self.observes[id].get_or_init(|| self.graph.observes_call_site(id))
    }

    fn place(&self, id: NodeId) -> [u8; 32] {
        *self.places[id].get_or_init(|| {
            let n = &self.graph.nodes[id];
            let file = display_path(self.root, &n.file);
            *blake3::Hasher::new()
                .update(&(file.len() as u64).to_le_bytes())
                .update(file.as_bytes())
                .update(&n.refs.layout)
                .finalize()
                .as_bytes()
        })
    }

    /// What `closure` reaches of code reporting where code sits, if anything.
    pub(crate) fn observed(&self, closure: &Closure) -> Option<Observed<'g>> {
        let g = self.graph;
        // A macro invoking one its input names (`call_with!(line)` with
        // `$m!()`): the invocations handing it `line!`'s name observe too.
        let relays_input = closure.reached.iter().any(|(n, _)| {
            matches!(
                g.nodes[*n].detail,
                NodeDetail::MacroDef {
                    calls_input: true,
                    ..
                }
            )
        });
        let hands_position_macro = |n: NodeId| {
            relays_input
                && !g.nodes[n].refs.macros.is_empty()
                && g.input_idents(n)
                    .any(|i| matches!(i.as_str(), "line" | "column" | "file"))
        };
        let mut observers: Vec<&str> = closure
            .reached
            .iter()
            .map(|(n, _)| *n)
            .filter(|&n| self.observes(n) || hands_position_macro(n))
            .map(|n| g.nodes[n].key.as_str())
            .collect();
        if observers.is_empty() {
            return None;
        }
        observers.sort_unstable();
        observers.dedup();
        let mut places: Vec<[u8; 32]> = closure
            .reached
            .iter()
            .map(|(n, _)| self.place(*n))
            .collect();
        places.sort_unstable();
        Some(Observed { observers, places })
    }
}
