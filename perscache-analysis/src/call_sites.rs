//! Code that reports where it is called or invoked from (`#[track_caller]`,
//! `Location::caller()`, `line!()` in a `macro_rules!` body): there, an
//! item's place in its file, not only its tokens, can change a result.

use std::sync::OnceLock;

use rustc_hash::FxHashSet;

use crate::graph::{Closure, Graph, NodeDetail, NodeId};
use crate::parse::Refs;

/// The workspace's code that reports its call site, found once for all
/// marked functions.
pub(crate) struct CallSites<'g> {
    graph: &'g Graph,
    /// The names of every such item anywhere in the workspace, and of the
    /// `macro_rules!` relaying one. A superset of what any closure reaches,
    /// used only to skip the items that cannot matter.
    names: FxHashSet<&'g str>,
    /// Per node, worked out on first use: whether it has one of `names` or
    /// names one of them. Most nodes do not.
    near: Vec<OnceLock<bool>>,
}

/// What one marked function reaches of code reporting its call site.
pub(crate) struct Observed<'g> {
    /// The names of the reached items that report where they are called or
    /// invoked from.
    pub names: Vec<&'g str>,
    /// The reached items whose place goes into the hash: those items, and
    /// the items naming one of them.
    pub placed: Vec<NodeId>,
}

impl<'g> CallSites<'g> {
    pub(crate) fn new(graph: &'g Graph) -> Self {
        let all = 0..graph.nodes.len();
        let observers = all.clone().filter(|&n| graph.observes_call_site(n));
        let macros: Vec<NodeId> = all
            .filter(|&n| matches!(graph.nodes[n].detail, NodeDetail::MacroDef { .. }))
            .collect();
        let names = with_relays(graph, observers, &macros);
        CallSites {
            graph,
            names,
            near: graph.nodes.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    fn near(&self, id: NodeId) -> bool {
        *self.near[id].get_or_init(|| {
            let n = &self.graph.nodes[id];
            self.names.contains(n.name.as_str())
                || names_any(&n.refs, &self.names)
                || body_names_any(&n.detail, &self.names)
        })
    }

    /// What `closure` reaches of code reporting its call site, if anything.
    pub(crate) fn observed(&self, closure: &Closure) -> Option<Observed<'g>> {
        if self.names.is_empty() {
            return None;
        }
        let near: Vec<NodeId> = closure
            .reached
            .iter()
            .map(|(n, _)| *n)
            .filter(|&n| self.near(n))
            .collect();
        let graph = self.graph;
        let observers = near
            .iter()
            .copied()
            .filter(|&n| graph.observes_call_site(n));
        let names = with_relays(graph, observers, &near);
        if names.is_empty() {
            return None;
        }
        let placed = near
            .into_iter()
            .filter(|&n| {
                let n = &graph.nodes[n];
                names.contains(n.name.as_str()) || names_any(&n.refs, &names)
            })
            .collect();
        let mut names: Vec<&str> = names.into_iter().collect();
        names.sort_unstable();
        Some(Observed { names, placed })
    }
}

/// The names of `observers`, and of the `macro_rules!` among `candidates`
/// whose bodies name one of them, directly or through another such macro:
/// their expansion calls it at the invocation, which is then the place it
/// reports.
fn with_relays<'g>(
    graph: &'g Graph,
    observers: impl Iterator<Item = NodeId>,
    candidates: &[NodeId],
) -> FxHashSet<&'g str> {
    let mut names: FxHashSet<&str> = observers.map(|n| graph.nodes[n].name.as_str()).collect();
    if names.is_empty() {
        return names;
    }
    loop {
        let relays: Vec<&str> = candidates
            .iter()
            .map(|&n| &graph.nodes[n])
            .filter(|n| !names.contains(n.name.as_str()) && body_names_any(&n.detail, &names))
            .map(|n| n.name.as_str())
            .collect();
        if relays.is_empty() {
            return names;
        }
        names.extend(relays);
    }
}

/// Whether `refs` name one of `names` as a path's last segment, a method or
/// a macro.
fn names_any(refs: &Refs, names: &FxHashSet<&str>) -> bool {
    refs.paths
        .iter()
        .chain(&refs.macros)
        .filter_map(|p| p.segs.last())
        .chain(&refs.methods)
        .any(|s| names.contains(s.as_str()))
}

/// Whether a `macro_rules!` body names one of `names`.
fn body_names_any(detail: &NodeDetail, names: &FxHashSet<&str>) -> bool {
    match detail {
        NodeDetail::MacroDef { body_idents, .. } => {
            body_idents.iter().any(|i| names.contains(i.as_str()))
        }
        _ => false,
    }
}
