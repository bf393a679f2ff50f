//! A hook that may rewrite successful response bodies before they are decoded.

use serde_json::Value;

/// Rewrites the JSON body of every successful response before it is checked and decoded.
///
/// This is where an API's known deviations from its own description are smoothed out (for
/// example a field that sometimes arrives with another shape), so the generated types can stay
/// faithful to the description. It runs on the whole body, before the envelope is unwrapped.
pub trait ResponseHook: Send + Sync + 'static {
    /// Rewrites `body`, the response of operation `operation_id`, in place.
    fn on_response(&self, operation_id: &str, body: &mut Value);
}

impl<F> ResponseHook for F
where
    F: Fn(&str, &mut Value) + Send + Sync + 'static,
{
    fn on_response(&self, operation_id: &str, body: &mut Value) {
        self(operation_id, body)
    }
}
