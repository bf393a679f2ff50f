//! A hook that may rewrite successful response bodies before they are decoded.

use serde_json::Value;

/// Rewrites the JSON body of every successful response before it is checked and decoded.
///
/// This is where an API's known deviations from its own description are smoothed out (for
/// example a field that sometimes arrives with another shape), so the generated types can stay
/// faithful to the description. It runs on the whole body, before the envelope is unwrapped.
///
/// A hook gets the body as a [`serde_json::Value`], which costs a parse into a tree and a
/// second pass to decode the tree. A hook that only repairs bodies the operation's declared
/// type refuses says so in [`repairs_refused_only`](Self::repairs_refused_only); generated
/// operations then decode every body straight from its bytes first (the same result, in about
/// half the time), and the hook sees only the bodies that decoding refuses. Closures, and
/// hooks that do not implement `repairs_refused_only`, see every body.
pub trait ResponseHook: Send + Sync + 'static {
    /// Rewrites `body`, the response of operation `operation_id`, in place.
    fn on_response(&self, operation_id: &str, body: &mut Value);

    /// Whether [`on_response`](Self::on_response) changes only what the declared response
    /// type of `operation_id` refuses. Returning `true` promises that for every body the
    /// declared type decodes from its keys (after the unwrapped property is taken out),
    /// decoding the body after `on_response` gives the same value: the hook repairs values of
    /// a shape the type cannot read, and whatever else it changes, the type does not read.
    /// (The client does not decode a struct written as a list of its fields, which serde's
    /// derived structs accept, without the hook: such a list has no keys to go by. Inside an
    /// enum's object, which serde buffers and then reads again, such a list is not seen: a
    /// hook with this promise should repair nothing that an enum holds.)
    ///
    /// Requests that say they decode into their declared type
    /// ([`RequestSpec::declared`](super::RequestSpec::declared), as generated operations
    /// do) then try the body without the hook first, and run the hook only when that
    /// decoding fails. Other requests (the paging helpers, [`Client::execute_value`](super::Client::execute_value),
    /// and any request that does not set `declared`) always run the hook.
    ///
    /// The default is `false`: the hook sees every body.
    fn repairs_refused_only(&self, operation_id: &str) -> bool {
        let _ = operation_id;
        false
    }
}

impl<F> ResponseHook for F
where
    F: Fn(&str, &mut Value) + Send + Sync + 'static,
{
    fn on_response(&self, operation_id: &str, body: &mut Value) {
        self(operation_id, body)
    }
}
