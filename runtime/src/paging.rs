//! Walking numbered pages as one stream of items.

use std::future::Future;

pub use futures_util::stream::BoxStream;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Error, ErrorKind};

/// Streams the items of pages 1, 2, 3, ... fetched by `fetch_page(page)`, which returns the
/// (unwrapped) page body; its `items` property holds the page's items.
///
/// The walk stops after a page with no items, a page with fewer items than `per_page` (when the
/// caller set it), or a page whose items equal the previous page's (a server that ignores the
/// page number would otherwise be walked forever). The first error ends the stream.
pub fn paginate<'a, T, F, Fut>(
    operation: &'static str,
    items: &'static str,
    per_page: Option<u64>,
    fetch_page: F,
) -> BoxStream<'a, Result<T, Error>>
where
    T: DeserializeOwned + Send + 'a,
    F: FnMut(u64) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Value, Error>> + Send + 'a,
{
    struct State<F> {
        fetch_page: F,
        next: Option<u64>,
        previous: Option<Vec<Value>>,
    }
    let state = State {
        fetch_page,
        next: Some(1),
        previous: None,
    };
    stream::try_unfold(state, move |mut state| async move {
        let Some(page) = state.next else {
            return Ok(None);
        };
        let body = (state.fetch_page)(page).await?;
        let found = match body {
            Value::Object(mut map) => match map.remove(items) {
                Some(Value::Array(found)) => found,
                _ => {
                    return Err(Error::new(ErrorKind::Decode, operation)
                        .with_message(format!("page {page} has no `{items}` array")));
                }
            },
            _ => {
                return Err(Error::new(ErrorKind::Decode, operation)
                    .with_message(format!("page {page} is not an object")));
            }
        };
        if found.is_empty() || state.previous.as_ref() == Some(&found) {
            return Ok(None);
        }
        let short = per_page.is_some_and(|size| (found.len() as u64) < size);
        state.next = if short { None } else { page.checked_add(1) };
        let decoded = found
            .iter()
            .cloned()
            .map(|item| {
                serde_json::from_value::<T>(item).map_err(|err| {
                    Error::new(ErrorKind::Decode, operation)
                        .with_message(format!(
                            "an item of page {page} does not match the expected type"
                        ))
                        .with_source(err)
                })
            })
            .collect::<Vec<_>>();
        state.previous = Some(found);
        Ok(Some((stream::iter(decoded), state)))
    })
    .try_flatten()
    .boxed()
}

/// The page size a caller asked for, as a count (`None` when unset or not a whole positive
/// number). A `number` parameter given 20.0 counts as 20.
pub fn page_size<T: Serialize>(per_page: Option<&T>) -> Option<u64> {
    match serde_json::to_value(per_page?).ok()? {
        Value::Number(number) => u64::try_from(super::path::whole_number(&number)?).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::page_size;

    #[test]
    fn page_size_of_integers_and_whole_floats() {
        assert_eq!(page_size(Some(&20i64)), Some(20));
        assert_eq!(page_size(Some(&20.0f64)), Some(20));
        assert_eq!(page_size(Some(&20.5f64)), None);
        assert_eq!(page_size(Some(&-1i64)), None);
        assert_eq!(page_size::<i64>(None), None);
    }
}
