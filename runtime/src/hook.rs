//! A hook that may rewrite successful response bodies before they are decoded.

use serde_json::Value;

/// Rewrites the JSON body of every successful response before it is checked and decoded.
///
/// This is where an API's known deviations from its own description are smoothed out (for
/// example a field that sometimes arrives with another shape), so the generated types can stay
/// faithful to the description. It runs on the whole body, before the envelope is unwrapped.
///
/// A hook gets the body as a [`serde_json::Value`], which costs a parse into a tree and a
/// second pass to decode the tree. A hook that can tell from the raw bytes that it has nothing
/// to do says so in [`may_rewrite`](Self::may_rewrite); typed operations then decode such a
/// body straight from its bytes (the same result, in about half the time). Closures, and hooks
/// that do not implement `may_rewrite`, see every body.
pub trait ResponseHook: Send + Sync + 'static {
    /// Rewrites `body`, the response of operation `operation_id`, in place.
    fn on_response(&self, operation_id: &str, body: &mut Value);

    /// Whether [`on_response`](Self::on_response) may change `body`, the raw bytes of a
    /// success response to `operation_id`. Returning `false` promises that, when `body` is
    /// JSON, `on_response` would leave its `Value` equal to what it was; the client then skips
    /// the hook and may decode the body without building a `Value`. For bytes that are not
    /// JSON the answer does not matter (they are refused either way).
    ///
    /// The default is `true`: the hook sees every body, as before this method existed.
    fn may_rewrite(&self, operation_id: &str, body: &[u8]) -> bool {
        let _ = (operation_id, body);
        true
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
