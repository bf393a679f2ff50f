use dynroute_client::models::{FallbackOutputs, ModelElement, Target};

fn main() {
    let target = Target { element_id: "end".into() };
    let _ = ModelElement {
        id: "m".into(),
        outputs: FallbackOutputs { success: target.clone(), fallback: target },
    };
}
